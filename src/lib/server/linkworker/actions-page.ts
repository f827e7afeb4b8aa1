/**
 * A practice's actions page as this viewer may see it: the actions (through who may see the flag
 * each is on, practice-actions.ts), what a new action can be for, and the delete question.
 */
import { CONSTRUCT_NAMES, CONSTRUCTS } from '../../npt/constructs';
import { idFromParam } from '../platform/ids';
import { FLAG_STATE_LABELS, isUnresolved } from '../../npt/flag-lifecycle';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { ROUND_MANAGERS } from '../access';
import { getPractice } from '../organisations/organisations';
import { listFlagsForPractice } from './flags';
import { listActionsForPractice } from './practice-actions';

/** What an action can be for, whatever the practice: each construct, in plain words. */
const CONSTRUCT_OPTIONS = CONSTRUCTS.map((construct) => ({
	value: `construct:${construct}`,
	label: `${CONSTRUCT_NAMES[construct].name}: ${CONSTRUCT_NAMES[construct].plain.split(':')[0]!.toLowerCase()}`
}));

/**
 * Undefined when there is no such practice; the caller has checked the viewer's scope.
 * `askedToDelete` is the action id the page was asked to confirm deleting (`?confirm=delete&action=3`):
 * the question is put only for a planned action this viewer may change.
 */
export async function viewPracticeActions(db: DbOrTx, viewer: SignedInUser, practiceId: number, today: string, askedToDelete: string | null = null) {
	const practice = await getPractice(db, practiceId);
	if (!practice) return undefined;
	const canRecord = ROUND_MANAGERS.includes(viewer.role);
	const flags = await listFlagsForPractice(db, viewer, practiceId);
	const actions = await listActionsForPractice(db, viewer, practiceId, today, flags);
	const toDelete = askedToDelete === null ? undefined : actions.find((a) => a.id === idFromParam(askedToDelete) && a.state === 'planned' && a.canChange);
	return {
		practice: { id: practice.id, name: practice.name },
		actions,
		confirmDelete: toDelete ? { id: toDelete.id, what: toDelete.what, owner: toDelete.owner, dueOn: toDelete.dueOn } : null,
		canRecord,
		// What an action can be for: the flags this person may see (open ones first), then the constructs.
		flagOptions: (canRecord ? flags : [])
			.filter((flag) => flag.item)
			.map((flag) => ({
				value: `flag:${flag.id}`,
				label: `${flag.item!.gap} (${FLAG_STATE_LABELS[flag.state].toLowerCase()}${flag.visibility === 'pcn_only' ? ', PCN lead only' : ''})`,
				open: isUnresolved(flag.state)
			})),
		constructOptions: CONSTRUCT_OPTIONS
	};
}
