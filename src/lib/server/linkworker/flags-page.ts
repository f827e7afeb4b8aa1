/**
 * A practice's flags page as this viewer may see it: the flags (through who may see each,
 * flags.ts), the actions on each, and for the PCN's lead alone how many of the network's
 * practices share each gap.
 */
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { ROUND_MANAGERS } from '../access';
import { getPractice } from '../organisations/organisations';
import { countGapsAcrossPcn, listFlagsForPractice } from './flags';
import { listActionsForPractice, type ActionView } from './practice-actions';

export type FlagAction = Pick<ActionView, 'id' | 'what' | 'owner' | 'state' | 'dueOn' | 'doneOn' | 'overdue'>;

/** The actions on each flag, keyed by flag id, in the order listed (planned first). */
function actionsByFlag(actions: readonly ActionView[]): Record<number, FlagAction[]> {
	const byFlag: Record<number, FlagAction[]> = {};
	for (const { id, what, owner, state, dueOn, doneOn, overdue, flag } of actions) {
		if (flag) (byFlag[flag.id] ??= []).push({ id, what, owner, state, dueOn, doneOn, overdue });
	}
	return byFlag;
}

/** Undefined when there is no such practice; the caller has checked the viewer's scope. */
export async function viewPracticeFlags(db: DbOrTx, viewer: SignedInUser, practiceId: number, today: string) {
	const practice = await getPractice(db, practiceId);
	if (!practice) return undefined;
	// Counts across the PCN include PCN-lead-only flags, so only PCN leads are given them.
	const pcn = viewer.role === 'pcn_lead' ? practice.pcn : null;
	const [gaps, flags] = await Promise.all([pcn ? countGapsAcrossPcn(db, pcn.id) : null, listFlagsForPractice(db, viewer, practiceId)]);
	const actions = await listActionsForPractice(db, viewer, practiceId, today, flags);
	return {
		practice: { id: practice.id, name: practice.name },
		flags,
		isLinkWorker: viewer.role === 'link_worker',
		canRecordActions: ROUND_MANAGERS.includes(viewer.role),
		// The actions on each flag, so both sides see what is being done about it.
		actionsByFlag: actionsByFlag(actions),
		acrossPcn:
			gaps && pcn
				? {
						pcnName: pcn.name,
						practiceCount: gaps.practiceCount,
						byItem: Object.fromEntries(gaps.items.map((g) => [g.item.id, g.practicesWithGap]))
					}
				: null
	};
}
