import { redirect, type RequestEvent } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardRoundRow, ROUND_MANAGERS } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { describeRound } from '$lib/server/surveys/rounds';
import { updateRound, updateRoundSchema } from '$lib/server/surveys/round-scheduling';
import { roundEditability } from '$lib/npt/round-schedule';
import { versionChoices } from '$lib/server/surveys/instrument-library';
import type { Actions, PageServerLoad } from './$types';

/** Like the round's own actions: the role first (403, before any lookup), then scope (out of scope reads as 404). */
async function roundFor(event: RequestEvent<{ roundId: string }>) {
	return guardRoundRow(event, ROUND_MANAGERS);
}

export const load = (async (event) => {
	const { round } = await roundFor(event);
	const today = ukDate();
	return {
		// As the form's field holds it: empty when no headcount was given.
		round: { ...describeRound(round), staffHeadcount: round.staff_headcount === null ? '' : String(round.staff_headcount) },
		/** A closed round gets an explanation instead of the form. */
		editability: roundEditability(round, today),
		/** Only a draft's survey version may change: what the practice may use, and the one it has now. */
		versions: round.status === 'draft' ? await versionChoices(event.locals.db, round.practice.id, round.instrument_version_id) : null,
		versionId: String(round.instrument_version_id),
		today
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { user, round } = await roundFor(event);
		const today = ukDate();
		const form = await readForm(event.request, updateRoundSchema(today));
		if (!form.ok) return form.failure;
		const outcome = await updateRound(event.locals.db, round.id, form.data, user, today);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/rounds/${round.id}?changed`);
	}
} satisfies Actions;
