import { redirect } from '@sveltejs/kit';
import { fieldName } from '$lib/npt/submission';
import { guardRound, guardRoundRow } from '$lib/server/access';
import { linkWorkerInstrumentFor, getAssessment, saveAssessment, statementsOnly } from '$lib/server/linkworker/assessments';
import type { Actions, PageServerLoad } from './$types';
import { readFields, refusalFailure } from '$lib/server/platform/forms';

/** Far above any honest submission: 22 answers of a few characters each. */
const MAX_BODY_BYTES = 32 * 1024;
const LINK_WORKERS = ['link_worker'] as const;

export const load = (async (event) => {
	// Other roles get 403 before any lookup; rounds at practices the link worker does not serve read as 404.
	const { user, round } = await guardRoundRow(event, LINK_WORKERS);
	const roundId = round.id;
	const existing = await getAssessment(event.locals.db, roundId, user.id);
	const current = existing ? undefined : await linkWorkerInstrumentFor(event.locals.db, roundId);
	// No paired link-worker version: the page says so and offers nothing to answer.
	const instrument = existing?.instrument ?? current?.instrument ?? null;
	const answers: Record<string, string> = {};
	for (const [itemId, answer] of Object.entries(existing?.agreement ?? {})) answers[fieldName.item(itemId)] = String(answer);
	return {
		round: { id: round.id, title: round.title, practice: { id: round.practice.id, name: round.practice.name } },
		draft: round.status === 'draft',
		instrument: instrument && statementsOnly(instrument),
		answers,
		updatedAt: existing?.updatedAt ?? null
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { user, roundId } = await guardRound(event, LINK_WORKERS);
		const read = await readFields(event.request, MAX_BODY_BYTES);
		if (!read.ok) return read.failure;
		const outcome = await saveAssessment(event.locals.db, user, roundId, read.fields);
		if (!outcome.ok) return refusalFailure(outcome, Object.fromEntries(read.fields));
		redirect(303, `/rounds/${roundId}?assessed`);
	}
} satisfies Actions;
