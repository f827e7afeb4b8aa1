import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ukDate } from '$lib/dates';
import { guardPractice, guardPracticeRow, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { changeFlagState, commentOnFlag, countGapsAcrossPcn, getFlag, listFlagsForPractice } from '$lib/server/linkworker/flags';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { idTextSchema } from '$lib/server/platform/ids';
import { listActionsForPractice, type ActionView } from '$lib/server/linkworker/practice-actions';
import type { Actions, PageServerLoad, RequestEvent } from './$types';


// Managers, PCN leads and link workers of the practice; which flags each sees is decided in flags.ts.
export const load = (async (event) => {
	const { user, practice } = await guardPracticeRow(event, RESULT_READERS);
	const practiceId = practice.id;
	// Counts across the PCN include PCN-lead-only flags, so only PCN leads are given them.
	const gaps = user.role === 'pcn_lead' && practice.pcn ? await countGapsAcrossPcn(event.locals.db, practice.pcn.id) : null;
	const flags = await listFlagsForPractice(event.locals.db, user, practiceId);
	const actions = await listActionsForPractice(event.locals.db, user, practiceId, ukDate(), flags);
	return {
		practice: { id: practice.id, name: practice.name },
		flags,
		isLinkWorker: user.role === 'link_worker',
		canRecordActions: ROUND_MANAGERS.includes(user.role),
		// The actions on each flag, so both sides see what is being done about it.
		actionsByFlag: actionsByFlag(actions),
		acrossPcn: gaps && {
			pcnName: practice.pcn!.name,
			practiceCount: gaps.practiceCount,
			byItem: Object.fromEntries(gaps.items.map((g) => [g.item.id, g.practicesWithGap]))
		}
	};
}) satisfies PageServerLoad;

/** The actions on each flag, keyed by flag id, in the order listed (planned first). */
function actionsByFlag(actions: ActionView[]) {
	const byFlag: Record<number, Pick<ActionView, 'id' | 'what' | 'owner' | 'state' | 'dueOn' | 'doneOn' | 'overdue'>[]> = {};
	for (const { id, what, owner, state, dueOn, doneOn, overdue, flag } of actions) {
		if (flag) (byFlag[flag.id] ??= []).push({ id, what, owner, state, dueOn, doneOn, overdue });
	}
	return byFlag;
}

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
