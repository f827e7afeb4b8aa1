/**
 * A practice's flags and actions as flat tables (flat-schemas.ts). Who sees which flag and which
 * action is decided where the pages decide it (listFlagsForPractice in linkworker/flags.ts,
 * listActionsForPractice in linkworker/practice-actions.ts), with the same person: these only
 * flatten what the practice's flags and actions pages list for them.
 */
import { FLAG_STATE_LABELS } from '../../npt/flag-lifecycle';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { listFlagsForPractice } from '../linkworker/flags';
import { listActionsForPractice } from '../linkworker/practice-actions';
import type { ApiPractice } from './data';
import type { FlatActionRow, FlatFlagRow } from './flat-schemas';

export async function listFlatFlags(db: DbOrTx, viewer: SignedInUser, practice: ApiPractice): Promise<FlatFlagRow[]> {
	const flags = await listFlagsForPractice(db, viewer, practice.id);
	return flags.map((flag) => ({
		flagId: flag.id,
		practiceId: practice.id,
		practiceName: practice.name,
		odsCode: practice.odsCode,
		itemId: flag.itemId,
		gap: flag.item?.gap ?? null,
		aspect: flag.item?.aspect ?? null,
		construct: flag.item?.construct ?? null,
		checklistVersion: flag.checklistVersion,
		visibility: flag.visibility,
		state: flag.state,
		stateLabel: FLAG_STATE_LABELS[flag.state],
		raisedBy: flag.raisedBy.name,
		note: flag.note,
		createdAt: flag.createdAt,
		updatedAt: flag.updatedAt
	}));
}

export async function listFlatActions(db: DbOrTx, viewer: SignedInUser, practice: ApiPractice, today: string): Promise<FlatActionRow[]> {
	const actions = await listActionsForPractice(db, viewer, practice.id, today);
	return actions.map((action) => ({
		actionId: action.id,
		practiceId: practice.id,
		practiceName: practice.name,
		odsCode: practice.odsCode,
		what: action.what,
		owner: action.owner,
		construct: action.construct,
		dueOn: action.dueOn,
		state: action.state,
		overdue: action.overdue,
		doneOn: action.doneOn,
		doneNote: action.doneNote,
		doneBy: action.doneBy,
		recordedBy: action.recordedBy,
		recordedAt: action.recordedAt,
		flagId: action.flag?.id ?? null,
		flagGap: action.flag?.gap ?? null,
		flagState: action.flag?.state ?? null
	}));
}
