import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { viewPracticeActions } from '$lib/server/linkworker/actions-page';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure, type FormValues } from '$lib/server/platform/forms';
import type { Outcome } from '$lib/server/platform/outcome';
import { idTextSchema } from '$lib/server/platform/ids';
import { getAction } from '$lib/server/linkworker/practice-actions';
import { deleteAction, markActionDone, recordAction, reopenAction, updateAction } from '$lib/server/linkworker/action-changes';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const NOT_FOUND = 'We could not find that practice.';


// Everyone who reads the practice's results sees its actions; only managers and PCN leads change them.
export const load = (async (event) => {
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const today = ukDate();
	const { searchParams } = event.url;
	// Deleting asks first (?confirm=delete&action=3).
	const askedToDelete = searchParams.get('confirm') === 'delete' ? searchParams.get('action') : null;
	const view = await viewPracticeActions(event.locals.db, user, practiceId, today, askedToDelete);
	if (!view) error(404, NOT_FOUND);
	return {
		...view,
		today,
		// "Record an action" links from a flag or a suggestion arrive with what it is for.
		preselected: searchParams.get('for') ?? ''
	};
}) satisfies PageServerLoad;

/** Decimal digits only: `0x2` or `2e0` is not action 2. */
const actionId = idTextSchema('We could not find that action.');
const detailsForm = z.object({
	what: z.string().max(2000).default(''),
	owner: z.string().max(2000).default(''),
	dueOn: z.string().max(40).default(''),
	linkedTo: z.string().max(100).default('')
});

/** Back to the action changed, or the form again with what was wrong. */
function settle(practiceId: number, outcome: Outcome, values: FormValues, anchor: string) {
	if (!outcome.ok) return refusalFailure(outcome, values);
	redirect(303, `/practices/${practiceId}/actions#${anchor}`);
}

export const actions = {
	record: async (event) => {
		const { user, practiceId } = guardPractice(event, ROUND_MANAGERS);
		const form = await readForm(event.request, detailsForm);
		if (!form.ok) return form.failure;
		const outcome = await recordAction(event.locals.db, user, practiceId, form.data);
		return settle(practiceId, outcome, { ...form.values, form: 'record' }, outcome.ok ? `action-${outcome.value}` : '');
	},
	update: async (event) => {
		const { user, practiceId } = guardPractice(event, ROUND_MANAGERS);
		const form = await readForm(event.request, detailsForm.extend({ actionId }));
		if (!form.ok) return form.failure;
		await requireActionHere(event, practiceId, form.data.actionId);
		const outcome = await updateAction(event.locals.db, user, form.data.actionId, form.data);
		return settle(practiceId, outcome, { ...form.values, form: 'update' }, `action-${form.data.actionId}`);
	},
	done: async (event) => {
		const { user, practiceId } = guardPractice(event, ROUND_MANAGERS);
		const form = await readForm(event.request, z.object({ actionId, doneOn: z.string().max(40).default(''), note: z.string().max(4000).optional() }));
		if (!form.ok) return form.failure;
		await requireActionHere(event, practiceId, form.data.actionId);
		const outcome = await markActionDone(event.locals.db, user, form.data.actionId, form.data);
		return settle(practiceId, outcome, { ...form.values, form: 'done' }, `action-${form.data.actionId}`);
	},
	reopen: async (event) => {
		const { user, practiceId } = guardPractice(event, ROUND_MANAGERS);
		const form = await readForm(event.request, z.object({ actionId }));
		if (!form.ok) return form.failure;
		await requireActionHere(event, practiceId, form.data.actionId);
		const outcome = await reopenAction(event.locals.db, user, form.data.actionId);
		return settle(practiceId, outcome, { ...form.values, form: 'reopen' }, `action-${form.data.actionId}`);
	},
	delete: async (event) => {
		const { user, practiceId } = guardPractice(event, ROUND_MANAGERS);
		const form = await readForm(event.request, z.object({ actionId }).extend(confirmationSchema('delete').shape));
		if (!form.ok) return form.failure;
		await requireActionHere(event, practiceId, form.data.actionId);
		const outcome = await deleteAction(event.locals.db, user, form.data.actionId);
		return settle(practiceId, outcome, { ...form.values, form: 'delete' }, 'planned-actions');
	}
} satisfies Actions;

/** An action at another practice, or one this person may not see, reads as not there. */
async function requireActionHere(event: RequestEvent, practiceId: number, id: number) {
	const action = await getAction(event.locals.db, event.locals.user!, id);
	if (!action || action.practiceId !== practiceId) error(404, 'We could not find that action.');
}
