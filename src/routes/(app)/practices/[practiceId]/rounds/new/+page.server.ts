import { redirect } from '@sveltejs/kit';
import { addDays, ukDate } from '$lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '$lib/npt/builtin';
import { suggestRoundTitle } from '$lib/npt/round-schedule';
import { guardPracticeRow, ROUND_MANAGERS } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { versionIdOf } from '$lib/server/surveys/instruments';
import { versionChoices } from '$lib/server/surveys/instrument-library';
import { latestHeadcount } from '$lib/server/surveys/rounds';
import { scheduleRound, scheduleRoundSchema } from '$lib/server/surveys/round-scheduling';
import type { Actions, PageServerLoad } from './$types';

/** Three weeks: long enough for part-time staff to see the request twice. */
const DEFAULT_LENGTH_DAYS = 21;

export const load = (async (event) => {
	const { practice } = await guardPracticeRow(event, ROUND_MANAGERS);
	const { db } = event.locals;
	const today = ukDate();
	const [versions, defaultVersionId, headcount] = await Promise.all([
		versionChoices(db, practice.id),
		versionIdOf(db, DEFAULT_STAFF_INSTRUMENT),
		latestHeadcount(db, practice.id)
	]);
	return {
		practice: { id: practice.id, name: practice.name, odsCode: practice.ods_code },
		today,
		defaults: {
			title: suggestRoundTitle(today),
			opensOn: today,
			closesOn: addDays(today, DEFAULT_LENGTH_DAYS),
			staffHeadcount: headcount === null ? '' : String(headcount),
			instrumentVersionId: String(defaultVersionId ?? versions[0]?.value ?? '')
		},
		versions
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { user, practice } = await guardPracticeRow(event, ROUND_MANAGERS);
		const today = ukDate();
		const form = await readForm(event.request, scheduleRoundSchema(today));
		if (!form.ok) return form.failure;
		const outcome = await scheduleRound(event.locals.db, practice.id, form.data, user, today);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/rounds/${outcome.round.id}`);
	}
} satisfies Actions;
