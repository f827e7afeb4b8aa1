/**
 * Actions: what a practice manager or PCN lead sets out to do about an infrastructure flag or a
 * weak construct, who does it and by when, and when it was done. Together with resolved flags
 * they are the practice's "you said, we did" record on its trend.
 *
 * Who sees an action, decided here on the server:
 * - one linked to a flag: exactly the people who may see that flag (flags.ts), so an action on
 *   a "PCN lead only" flag is, to the practice manager, not there;
 * - one linked to a construct: everyone who reads the practice's results (its managers, its PCN
 *   leads and its link workers), and as a count on the PCN's page its ICB leads.
 * Only managers and PCN leads record and change actions; link workers see what was done.
 */
import { ukDate } from '../../dates';
import type { Construct } from '../../npt/constructs';
import type { FeedbackEvent } from '../../npt/feedback';
import type { FlagState } from '../../npt/flag-lifecycle';
import { ROUND_MANAGERS } from '../access';
import type { DbOrTx } from '../db';
import type { FlagVisibility, PracticeAction, PracticeActionState } from '../db/schema';
import type { SignedInUser } from '../identity';
import { listFlagStatusesForPcn, listFlagsForPractice, type FlagView } from './flags';
import type { PracticeActionCounts } from '../../views/practice-actions';

export const inScope = (viewer: SignedInUser, practiceId: number) => viewer.practiceIds.includes(practiceId);
export const canManage = (viewer: SignedInUser, practiceId: number) => ROUND_MANAGERS.includes(viewer.role) && inScope(viewer, practiceId);

/**
 * The flags at the practice this person may see, by id: the key to every action's visibility.
 * A page that has already listed them for the same viewer passes them in.
 */
export async function visibleFlags(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	listed?: readonly FlagView[]
): Promise<Map<number, FlagView>> {
	return new Map((listed ?? (await listFlagsForPractice(db, viewer, practiceId))).map((flag) => [flag.id, flag]));
}

export interface ActionView {
	id: number;
	practiceId: number;
	what: string;
	owner: string;
	dueOn: string;
	state: PracticeActionState;
	doneOn: string | null;
	doneNote: string | null;
	construct: Construct;
	flag: { id: number; gap: string; state: FlagState; visibility: FlagVisibility } | null;
	recordedBy: string;
	recordedAt: string;
	doneBy: string | null;
	/** Still planned and past its due date. */
	overdue: boolean;
	/** Whether the viewer may change, complete, reopen or delete it. */
	canChange: boolean;
}

async function toViews(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	rows: PracticeAction[],
	today: string,
	listedFlags?: readonly FlagView[]
): Promise<ActionView[]> {
	if (!inScope(viewer, practiceId) || !rows.length) return [];
	const flags = rows.some((r) => r.flag_id !== null)
		? await visibleFlags(db, viewer, practiceId, listedFlags)
		: new Map<number, FlagView>();
	// Seeing the flag is what counts, even if its checklist version were ever retired.
	const visible = rows.filter((r) => r.flag_id === null || flags.has(r.flag_id));
	const people = [...new Set(visible.flatMap((r) => [r.created_by, r.done_by]).filter((id): id is number => id !== null))];
	const names = people.length
		? new Map(
				(await db.selectFrom('user_account').select(['id', 'display_name']).where('id', 'in', people).execute()).map((u) => [
					u.id,
					u.display_name
				])
			)
		: new Map<number, string>();
	const nameOf = (id: number | null) => (id === null ? 'A former user' : (names.get(id) ?? 'A former user'));
	const manage = canManage(viewer, practiceId);
	return visible.map((row) => {
		const flag = row.flag_id === null ? null : flags.get(row.flag_id)!;
		return {
			id: row.id,
			practiceId: row.practice_id,
			what: row.what,
			owner: row.owner,
			dueOn: row.due_on,
			state: row.state,
			doneOn: row.done_on,
			doneNote: row.done_note,
			construct: row.construct,
			flag: flag && { id: flag.id, gap: flag.item?.gap ?? flag.itemId, state: flag.state, visibility: flag.visibility },
			recordedBy: nameOf(row.created_by),
			recordedAt: row.created_at,
			doneBy: row.state === 'done' ? nameOf(row.done_by) : null,
			overdue: row.state === 'planned' && row.due_on < today,
			canChange: manage
		};
	});
}

/** Planned first (soonest due first), then done (most recent first). */
function byDue(a: ActionView, b: ActionView): number {
	if (a.state !== b.state) return a.state === 'planned' ? -1 : 1;
	if (a.state === 'planned') return a.dueOn.localeCompare(b.dueOn) || a.id - b.id;
	return b.doneOn!.localeCompare(a.doneOn!) || b.id - a.id;
}

/**
 * The actions at one practice this viewer may see; empty for anyone outside its scope. `flags`:
 * this viewer's flags at the practice (listFlagsForPractice), when the caller has them already.
 */
export async function listActionsForPractice(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	today: string = ukDate(),
	flags?: readonly FlagView[]
): Promise<ActionView[]> {
	if (!inScope(viewer, practiceId)) return [];
	const rows = await db.selectFrom('practice_action').selectAll().where('practice_id', '=', practiceId).execute();
	return (await toViews(db, viewer, practiceId, rows, today, flags)).sort(byDue);
}

/** One action, or null when it does not exist or the viewer may not see it (the same answer for both). */
export async function getAction(db: DbOrTx, viewer: SignedInUser, actionId: number, today: string = ukDate()): Promise<ActionView | null> {
	const row = await db.selectFrom('practice_action').selectAll().where('id', '=', actionId).executeTakeFirst();
	if (!row) return null;
	return (await toViews(db, viewer, row.practice_id, [row], today))[0] ?? null;
}

/**
 * What was done at the practice, as this viewer may see it: actions marked done and flags
 * resolved (on the day of the last change that resolved them). These become the markers on
 * the practice's trend.
 */
export async function listFeedbackEvents(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	listedFlags?: readonly FlagView[]
): Promise<FeedbackEvent[]> {
	if (!inScope(viewer, practiceId)) return [];
	const flags = await visibleFlags(db, viewer, practiceId, listedFlags);
	const done = await db
		.selectFrom('practice_action')
		.select(['flag_id', 'what', 'owner', 'construct', 'done_on'])
		.where('practice_id', '=', practiceId)
		.where('state', '=', 'done')
		.execute();
	const events: FeedbackEvent[] = done
		.filter((row) => row.flag_id === null || flags.has(row.flag_id))
		.map((row) => ({ kind: 'action_done', on: row.done_on!, label: row.what, by: row.owner, construct: row.construct }));
	for (const flag of flags.values()) {
		if (flag.state !== 'resolved' || !flag.item) continue;
		const resolved = flag.events.findLast((e) => e.toState === 'resolved' && e.fromState !== 'resolved');
		if (!resolved) continue;
		events.push({
			kind: 'flag_resolved',
			on: ukDate(new Date(resolved.at)),
			label: flag.item.gap,
			by: resolved.actorName,
			construct: flag.item.construct
		});
	}
	return events.sort((a, b) => a.on.localeCompare(b.on));
}

/**
 * Per practice now in the PCN, how many of the actions this viewer may see are planned, overdue
 * and done in the period: those on a construct, and those on a flag flags.ts lets them see. So a
 * PCN lead's counts hold the actions on PCN-lead-only flags and an ICB lead's do not. The caller
 * has checked that the viewer may read the PCN.
 */
export async function countActionsAcrossPcn(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	period: { from: string; to: string },
	today: string = ukDate()
): Promise<PracticeActionCounts[]> {
	const [practices, rows, seen] = await Promise.all([
		db.selectFrom('practice').select(['id', 'name']).where('pcn_id', '=', pcnId).orderBy('name').execute(),
		db
			.selectFrom('practice_action')
			.innerJoin('practice', 'practice.id', 'practice_action.practice_id')
			.select(['practice_action.practice_id', 'practice_action.flag_id', 'practice_action.state', 'practice_action.due_on', 'practice_action.done_on'])
			.where('practice.pcn_id', '=', pcnId)
			.execute(),
		listFlagStatusesForPcn(db, viewer, pcnId)
	]);
	const flagIds = new Set(seen.map((flag) => flag.id));
	const visible = rows.filter((r) => r.flag_id === null || flagIds.has(r.flag_id));
	return practices.map((practice) => {
		const own = visible.filter((r) => r.practice_id === practice.id);
		const planned = own.filter((r) => r.state === 'planned');
		const doneOn = own.flatMap((r) => (r.state === 'done' && r.done_on ? [r.done_on] : []));
		return {
			practiceId: practice.id,
			practiceName: practice.name,
			planned: planned.length,
			overdue: planned.filter((r) => r.due_on < today).length,
			doneInPeriod: doneOn.filter((d) => d >= period.from && d <= period.to).length,
			lastDoneOn: doneOn.length ? doneOn.reduce((a, b) => (a > b ? a : b)) : null
		};
	});
}
