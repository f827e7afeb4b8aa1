import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ukDate } from '$lib/dates';
import { CONSTRUCT_NAMES, CONSTRUCTS } from '$lib/npt/constructs';
import { FLAG_STATE_LABELS, isUnresolved } from '$lib/npt/flag-lifecycle';
import { guardPractice, guardPracticeRow, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { listFlagsForPractice } from '$lib/server/linkworker/flags';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure, type FormValues } from '$lib/server/platform/forms';
import type { Outcome } from '$lib/server/platform/outcome';
import { idFromParam, idTextSchema } from '$lib/server/platform/ids';
import { getAction, listActionsForPractice } from '$lib/server/linkworker/practice-actions';
import { deleteAction, markActionDone, recordAction, reopenAction, updateAction } from '$lib/server/linkworker/action-changes';
import type { Actions, PageServerLoad, RequestEvent } from './$types';


// Everyone who reads the practice's results sees its actions; only managers and PCN leads change them.
export const load = (async (event) => {
	const { user, practice } = await guardPracticeRow(event, RESULT_READERS);
	const practiceId = practice.id;
	const canRecord = ROUND_MANAGERS.includes(user.role);
	const flags = await listFlagsForPractice(event.locals.db, user, practiceId);
	const today = ukDate();
	const actions = await listActionsForPractice(event.locals.db, user, practiceId, today, flags);
	// Deleting asks first (?confirm=delete&action=3): only for a planned action this person may change.
	const asked = event.url.searchParams.get('confirm') === 'delete' ? idFromParam(event.url.searchParams.get('action')) : undefined;
	const toDelete = asked === undefined ? undefined : actions.find((a) => a.id === asked && a.state === 'planned' && a.canChange);
	return {
		practice: { id: practice.id, name: practice.name },
		actions,
		confirmDelete: toDelete ? { id: toDelete.id, what: toDelete.what, owner: toDelete.owner, dueOn: toDelete.dueOn } : null,
		canRecord,
		today,
		// What an action can be for: the flags this person may see (open ones first), then the constructs.
		flagOptions: (canRecord ? flags : [])
			.filter((flag) => flag.item)
			.map((flag) => ({
				value: `flag:${flag.id}`,
				label: `${flag.item!.gap} (${FLAG_STATE_LABELS[flag.state].toLowerCase()}${flag.visibility === 'pcn_only' ? ', PCN lead only' : ''})`,
				open: isUnresolved(flag.state)
			})),
		constructOptions: CONSTRUCTS.map((construct) => ({
			value: `construct:${construct}`,
			label: `${CONSTRUCT_NAMES[construct].name}: ${CONSTRUCT_NAMES[construct].plain.split(':')[0]!.toLowerCase()}`
		})),
		// "Record an action" links from a flag or a suggestion arrive with what it is for.
		preselected: event.url.searchParams.get('for') ?? ''
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
