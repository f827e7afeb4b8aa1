/**
 * The flags a checklist raises, and who sees them. Decided here, on the server, never by hiding links:
 * - the link worker who raised it sees it (while they still serve the practice);
 * - PCN leads of the practice's PCN see every flag;
 * - practice managers of the practice see only flags shared with the practice
 *   (`practice_and_pcn`); a "PCN lead only" flag is, to them, not found;
 * - other link workers of the practice do not: a flag is the raiser's own voice, and a
 *   colleague who shares the gap raises their own;
 * - ICB leads read the flags shared with the practice (`practice_and_pcn`) at practices now in
 *   the PCNs of their ICBs, and only how far each has got: never who raised it, its notes or its
 *   history, and they never open or change one (issue 26). A "PCN lead only" flag is, to them,
 *   not there at all;
 * - admins see none: they run the system, not the practices.
 */
import {
	FLAG_REASON_MAX,
	FLAG_STATE_LABELS,
	FLAG_STATES,
	UNRESOLVED_STATES,
	allowedTransitions,
	isUnresolved,
	transitionProblem,
	type FlagSide,
	type FlagState
} from '../../npt/flag-lifecycle';
import type { FlaggedGap } from '../../npt/actions';
import { CURRENT_CHECKLIST, checklistItem, checklistVersion, type ChecklistItem } from '../../npt/infrastructure';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db, DbOrTx } from '../db';
import type { Database } from '../db/schema';
import type { Flag, FlagVisibility } from '../db/schema';
import type { SignedInUser } from '../identity';
import { paragraphsText } from '../../text';

const flagNotFound = () => refuse(404, 'We could not find that flag.');

type FlagWithPcn = Flag & { pcn_id: number | null; practice_name: string };

/** How someone stands to a flag: acting on it (its raiser or a responder), or only reading its state. */
type FlagAccess = FlagSide | 'reader';

/** The visibility rules in one place (see the module comment). */
function accessOf(viewer: SignedInUser, flag: FlagWithPcn): FlagAccess | null {
	switch (viewer.role) {
		case 'link_worker':
			return flag.raised_by === viewer.id && viewer.practiceIds.includes(flag.practice_id) ? 'raiser' : null;
		case 'pcn_lead':
			return flag.pcn_id !== null && viewer.pcnIds.includes(flag.pcn_id) ? 'responder' : null;
		case 'practice_manager':
			return flag.visibility === 'practice_and_pcn' && viewer.practiceIds.includes(flag.practice_id) ? 'responder' : null;
		case 'icb_lead':
			return flag.visibility === 'practice_and_pcn' && flag.pcn_id !== null && viewer.pcnIds.includes(flag.pcn_id) ? 'reader' : null;
		default:
			return null;
	}
}

/**
 * The flags someone acts on (accessOf's raiser and responder), as a condition on `flag` rows for
 * counting in the database. It adds to the practice being in the person's scope, which the caller
 * tests: a link worker's own flags, the shared ones for a practice manager, every one for a PCN lead.
 */
export function flagActedOnBy(viewer: Pick<SignedInUser, 'id' | 'role'>) {
	return (eb: ExpressionBuilder<Database, 'flag'>): Expression<SqlBool> => {
		switch (viewer.role) {
			case 'link_worker':
				return eb('flag.raised_by', '=', viewer.id);
			case 'practice_manager':
				return eb('flag.visibility', '=', 'practice_and_pcn');
			case 'pcn_lead':
				return sql<SqlBool>`1 = 1`;
			default:
				return sql<SqlBool>`1 = 0`;
		}
	};
}

/** The side someone acts from; null for a reader, to whom the flag's own page and its changes are "not there". */
function sideOf(viewer: SignedInUser, flag: FlagWithPcn): FlagSide | null {
	const access = accessOf(viewer, flag);
	return access === 'reader' ? null : access;
}

function flagsWithPcn(db: DbOrTx) {
	return db
		.selectFrom('flag')
		.innerJoin('practice', 'practice.id', 'flag.practice_id')
		.selectAll('flag')
		.select(['practice.pcn_id as pcn_id', 'practice.name as practice_name']);
}

export interface FlagEventView {
	at: string;
	actorName: string;
	fromState: FlagState | null;
	toState: FlagState;
	comment: string | null;
}

/** What anyone who may see a flag knows of it: which need, at which practice, and how far it has got. */
export interface FlagStatus {
	id: number;
	practiceId: number;
	practiceName: string;
	itemId: string;
	/** The checklist item as worded in the version the flag was raised against. */
	item: ChecklistItem | null;
	checklistVersion: string;
	visibility: FlagVisibility;
	state: FlagState;
	createdAt: string;
	updatedAt: string;
}

/** A flag as the people who act on it see it: who raised it, their note, its history and what they may do next. */
export interface FlagView extends FlagStatus {
	raisedBy: { id: number; name: string };
	/** The link worker's latest note on this item, if any. */
	note: string | null;
	events: FlagEventView[];
	/** What the viewer may do next; won't fix still needs a reason. */
	viewerSide: FlagSide;
	nextStates: FlagState[];
}

function statusOf(row: FlagWithPcn): FlagStatus {
	const checklist = checklistVersion(row.checklist_version);
	return {
		id: row.id,
		practiceId: row.practice_id,
		practiceName: row.practice_name,
		itemId: row.item_id,
		item: (checklist && checklistItem(checklist, row.item_id)) ?? null,
		checklistVersion: row.checklist_version,
		visibility: row.visibility,
		state: row.state,
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}

/** The flags among these that this viewer acts on (raiser or responder), with everything they may read of them. */
async function toViews(db: DbOrTx, viewer: SignedInUser, rows: FlagWithPcn[]): Promise<FlagView[]> {
	const visible = rows.flatMap((row) => {
		const side = sideOf(viewer, row);
		return side ? [{ row, side }] : [];
	});
	if (!visible.length) return [];
	const ids = visible.map((v) => v.row.id);
	const events = await db
		.selectFrom('flag_event')
		.leftJoin('user_account', 'user_account.id', 'flag_event.actor_user_id')
		.select([
			'flag_event.flag_id',
			'flag_event.at',
			'flag_event.from_state',
			'flag_event.to_state',
			'flag_event.comment',
			'user_account.display_name'
		])
		.where('flag_event.flag_id', 'in', ids)
		.orderBy('flag_event.at')
		.orderBy('flag_event.id')
		.execute();
	const raiserIds = [...new Set(visible.map((v) => v.row.raised_by))];
	const raisers = await db.selectFrom('user_account').select(['id', 'display_name']).where('id', 'in', raiserIds).execute();
	const nameOf = new Map(raisers.map((r) => [r.id, r.display_name]));
	const notes = await db
		.selectFrom('infrastructure_answer')
		.select(['user_id', 'practice_id', 'item_id', 'checklist_version', 'note'])
		.where('user_id', 'in', raiserIds)
		.where('note', 'is not', null)
		.execute();
	const noteOf = new Map(notes.map((n) => [`${n.user_id}/${n.practice_id}/${n.item_id}/${n.checklist_version}`, n.note]));

	return visible.map(({ row, side }) => ({
		...statusOf(row),
		raisedBy: { id: row.raised_by, name: nameOf.get(row.raised_by) ?? 'A former user' },
		note: noteOf.get(`${row.raised_by}/${row.practice_id}/${row.item_id}/${row.checklist_version}`) ?? null,
		events: events
			.filter((e) => e.flag_id === row.id)
			.map((e) => ({
				at: e.at,
				actorName: e.display_name ?? 'A former user',
				fromState: e.from_state,
				toState: e.to_state,
				comment: e.comment
			})),
		viewerSide: side,
		nextStates: allowedTransitions(row.state, side)
	}));
}

/** Unresolved flags first, then the most recently changed. */
function byUrgency(a: FlagView, b: FlagView): number {
	const open = (f: FlagView) => (UNRESOLVED_STATES.includes(f.state) ? 0 : 1);
	return open(a) - open(b) || b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id;
}

/** The flags at one practice this viewer may see; empty for anyone outside its scope. */
export async function listFlagsForPractice(db: DbOrTx, viewer: SignedInUser, practiceId: number): Promise<FlagView[]> {
	const rows = await flagsWithPcn(db).where('flag.practice_id', '=', practiceId).execute();
	return (await toViews(db, viewer, rows)).sort(byUrgency);
}

/** The unresolved flags among these, as gaps to work on beside the weak constructs. */
export function flaggedGapsOf(flags: readonly FlagView[]): FlaggedGap[] {
	return flags.flatMap((flag) =>
		flag.item && isUnresolved(flag.state)
			? [
					{
						flagId: flag.id,
						itemId: flag.itemId,
						construct: flag.item.construct,
						gap: flag.item.gap,
						raisedBy: flag.raisedBy.name,
						pcnOnly: flag.visibility === 'pcn_only',
						actions: flag.item.actions
					}
				]
			: []
	);
}

/** The flags at practices now in one PCN that this viewer acts on (see listFlagStatusesForPcn for readers). */
export async function listFlagsForPcn(db: DbOrTx, viewer: SignedInUser, pcnId: number): Promise<FlagView[]> {
	const rows = await flagsWithPcn(db).where('practice.pcn_id', '=', pcnId).execute();
	return (await toViews(db, viewer, rows)).sort(byUrgency);
}

/**
 * Every flag at practices now in one PCN that this viewer may see in any way, readers included,
 * as its status alone: nothing of who raised it, its notes or its history is read.
 */
export async function listFlagStatusesForPcn(db: DbOrTx, viewer: SignedInUser, pcnId: number): Promise<FlagStatus[]> {
	const rows = await flagsWithPcn(db).where('practice.pcn_id', '=', pcnId).execute();
	return rows.filter((row) => accessOf(viewer, row) !== null).map(statusOf);
}

/** One flag, or null when it does not exist or the viewer may not see it (the same answer for both). */
export async function getFlag(db: DbOrTx, viewer: SignedInUser, flagId: number): Promise<FlagView | null> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	if (!row) return null;
	return (await toViews(db, viewer, [row]))[0] ?? null;
}

const reasonSchema = paragraphsText({ max: FLAG_REASON_MAX, tooLong: `Keep it to ${FLAG_REASON_MAX} characters or fewer` })
	.nullish()
	.transform((text) => text || null);

/**
 * Moves a flag to another state if the life-cycle allows it for this viewer. The update only
 * applies if the state is still the one the rules were checked against, so two people acting
 * at once cannot skip a step.
 */
export async function changeFlagState(
	db: Db,
	actor: SignedInUser,
	flagId: number,
	toState: string,
	reason?: string | null,
	now: Date = new Date()
): Promise<Outcome<{ value: FlagState }>> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	const side = row ? sideOf(actor, row) : null;
	if (!row || !side) return flagNotFound();
	if (!(FLAG_STATES as readonly string[]).includes(toState)) {
		return refuse(400, 'Choose a state from the list', 'state');
	}
	const to = toState as FlagState;
	const text = reasonSchema.safeParse(reason);
	if (!text.success) return refuse(400, text.error.issues[0]!.message, 'reason');
	const problem = transitionProblem(row.state, to, side, text.data);
	if (problem) return refuse(400, problem, to === 'wont_fix' ? 'reason' : 'state');

	const stamp = now.toISOString();
	const changed = await db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('flag')
			.set({ state: to, updated_at: stamp })
			.where('id', '=', flagId)
			.where('state', '=', row.state)
			.executeTakeFirst();
		if (Number(result.numUpdatedRows) !== 1) return false;
		await tx
			.insertInto('flag_event')
			.values({ flag_id: flagId, at: stamp, actor_user_id: actor.id, from_state: row.state, to_state: to, comment: text.data })
			.execute();
		await recordAudit(
			tx,
			actor,
			{
				action: 'flag_changed',
				summary: `Flag ${flagId}: ${FLAG_STATE_LABELS[row.state].toLowerCase()} → ${FLAG_STATE_LABELS[to].toLowerCase()}`,
				practiceId: row.practice_id
			},
			now
		);
		return true;
	});
	if (!changed) {
		return refuse(400, 'Someone else changed this flag just now. Check its state and try again.', 'state');
	}
	return { ok: true, value: to };
}

/** A comment from either side, kept in the flag's history without changing its state. */
export async function commentOnFlag(
	db: Db,
	actor: SignedInUser,
	flagId: number,
	text: string,
	now: Date = new Date()
): Promise<Outcome<{ value: null }>> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	if (!row || !sideOf(actor, row)) return flagNotFound();
	const parsed = paragraphsText({ max: FLAG_REASON_MAX, tooLong: `Keep the comment to ${FLAG_REASON_MAX} characters or fewer`, required: 'Write a comment' }).safeParse(text);
	if (!parsed.success) return refuse(400, parsed.error.issues[0]!.message, 'comment');
	const stamp = now.toISOString();
	await db.transaction().execute(async (tx) => {
		await tx
			.insertInto('flag_event')
			.values({ flag_id: flagId, at: stamp, actor_user_id: actor.id, from_state: row.state, to_state: row.state, comment: parsed.data })
			.execute();
		await tx.updateTable('flag').set({ updated_at: stamp }).where('id', '=', flagId).execute();
		await recordAudit(tx, actor, { action: 'flag_changed', summary: `Flag ${flagId}: comment added`, practiceId: row.practice_id }, now);
	});
	return { ok: true, value: null };
}

export interface GapCount {
	item: ChecklistItem;
	/** Practices in the PCN with an unresolved flag for this item (from any link worker). */
	practicesWithGap: number;
}

export interface PcnGapCounts {
	practiceCount: number;
	items: GapCount[];
}

/**
 * Per checklist item, how many of the PCN's practices have the gap unresolved ("4 of 6 practices
 * have no private room"). It counts PCN-lead-only flags too, so only PCN leads may be shown it.
 */
export async function countGapsAcrossPcn(db: DbOrTx, pcnId: number): Promise<PcnGapCounts> {
	const practices = await db.selectFrom('practice').select('id').where('pcn_id', '=', pcnId).execute();
	const rows = await db
		.selectFrom('flag')
		.innerJoin('practice', 'practice.id', 'flag.practice_id')
		.select(['flag.item_id', (eb) => eb.fn.count<number>('flag.practice_id').distinct().as('n')])
		.where('practice.pcn_id', '=', pcnId)
		.where('flag.state', 'in', UNRESOLVED_STATES)
		.groupBy('flag.item_id')
		.execute();
	const countOf = new Map(rows.map((r) => [r.item_id, Number(r.n)]));
	return {
		practiceCount: practices.length,
		items: CURRENT_CHECKLIST.items.map((item) => ({ item, practicesWithGap: countOf.get(item.id) ?? 0 }))
	};
}
