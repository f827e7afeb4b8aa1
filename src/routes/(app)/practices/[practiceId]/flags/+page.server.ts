import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS } from '$lib/server/access';
import { changeFlagState, commentOnFlag, getFlag } from '$lib/server/linkworker/flags';
import { viewPracticeFlags } from '$lib/server/linkworker/flags-page';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { idTextSchema } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const NOT_FOUND = 'We could not find that practice.';


// Managers, PCN leads and link workers of the practice; which flags each sees is decided in flags.ts.
export const load = (async (event) => {
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const view = await viewPracticeFlags(event.locals.db, user, practiceId, ukDate());
	if (!view) error(404, NOT_FOUND);
	return view;
}) satisfies PageServerLoad;

/** Decimal digits only: `0x2` or `2e0` is not flag 2. */
const flagIdField = idTextSchema('We could not find that flag.');

const stateForm = z.object({
	flagId: flagIdField,
	to: z.string().min(1, 'Choose what to change the flag to'),
	reason: z.string().max(2000).optional()
});

const commentForm = z.object({
	flagId: flagIdField,
	comment: z.string().max(2000).optional()
});

/** A flag at another practice, or one this person may not see, reads as not there. */
async function requireFlagHere(event: RequestEvent, practiceId: number, flagId: number) {
	const flag = await getFlag(event.locals.db, event.locals.user!, flagId);
	if (!flag || flag.practiceId !== practiceId) error(404, 'We could not find that flag.');
}

export const actions = {
	state: async (event) => {
		const { user, practiceId } = guardPractice(event, RESULT_READERS);
		const form = await readForm(event.request, stateForm);
		if (!form.ok) return form.failure;
		await requireFlagHere(event, practiceId, form.data.flagId);
		const outcome = await changeFlagState(event.locals.db, user, form.data.flagId, form.data.to, form.data.reason);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/practices/${practiceId}/flags#flag-${form.data.flagId}`);
	},
	comment: async (event) => {
		const { user, practiceId } = guardPractice(event, RESULT_READERS);
		const form = await readForm(event.request, commentForm);
		if (!form.ok) return form.failure;
		await requireFlagHere(event, practiceId, form.data.flagId);
		const outcome = await commentOnFlag(event.locals.db, user, form.data.flagId, form.data.comment ?? '');
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/practices/${practiceId}/flags#flag-${form.data.flagId}`);
	}
} satisfies Actions;
