/**
 * Actions: what a practice manager or PCN lead sets out to do about an infrastructure flag or a
 * weak construct, who does it and by when, and when it was done. Together with resolved flags
 * they are the practice's "you said, we did" record on its trend.
 *
 * Who sees an action, decided here on the server:
 * - one linked to a flag: exactly the people who may see that flag (flags.ts), so an action on
 *   a "PCN lead only" flag is, to the practice manager, not there;
 * - one linked to a construct: everyone who reads the practice's results (its managers, its PCN
 *   leads and its link workers).
 * Only managers and PCN leads record and change actions; link workers see what was done.
 */
import { z } from 'zod';
import { addMonths, isIsoDate, ukDate } from '../../dates';
import { CONSTRUCT_NAMES, CONSTRUCTS, type Construct } from '../../npt/constructs';
import type { FeedbackEvent } from '../../npt/feedback';
import type { FlagState } from '../../npt/flag-lifecycle';
import type { FieldProblem } from '../../npt/submission';
import { ROUND_MANAGERS } from '../access';
import { recordAudit } from '../platform/audit';
import { refuse, refuseProblems, type Outcome } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import type { FlagVisibility, PracticeAction, PracticeActionState } from '../db/schema';
import { listFlagsForPractice, type FlagView } from './flags';
import type { SignedInUser } from '../accounts/users';
import { cleanLine, cleanParagraphs } from '../../text';
import type { PracticeActionCounts } from '../../views/practice-actions';

export const ACTION_WHAT_MAX = 200;
export const ACTION_OWNER_MAX = 120;
export const ACTION_NOTE_MAX = 1000;
/** How far back a done date or due date may go, and how far ahead a due date. */
const MONTHS_BACK = 24;
const MONTHS_AHEAD = 60;

const notFound = () => refuse(404, 'We could not find that action.');
const SOMEONE_ELSE = 'Someone else changed this action just now. Check it and try again.';
const invalid = (problems: FieldProblem[]) => refuseProblems(400, problems);

/** What an action is for, as the form sends it: `flag:<id>` or `construct:<construct>`. */
type ActionLink = { flagId: number } | { construct: Construct };

function parseLink(value: string): ActionLink | null {
	const flag = /^flag:([1-9]\d{0,9})$/.exec(value);
	if (flag) return { flagId: Number(flag[1]) };
	const construct = /^construct:([a-z_]+)$/.exec(value)?.[1];
	return construct && (CONSTRUCTS as readonly string[]).includes(construct) ? { construct: construct as Construct } : null;
}

export interface ActionInput {
	what: string;
	owner: string;
	dueOn: string;
	linkedTo: string;
}

export interface DoneInput {
	doneOn: string;
	note?: string | null;
}

function dateField(label: string, earliest: string, latest: string, latestProblem: string) {
	return z
		.string()
		.trim()
		.min(1, `Enter ${label}`)
		.refine(isIsoDate, `Enter ${label} as a real date, for example 2026-03-31`)
		.refine((d) => !isIsoDate(d) || d >= earliest, `${label[0]!.toUpperCase()}${label.slice(1)} cannot be more than two years ago`)
		.refine((d) => !isIsoDate(d) || d <= latest, latestProblem);
}

const plainText = (missing: string, max: number, tooLong: string) =>
	z.string().transform(cleanLine).pipe(z.string().min(1, missing).max(max, tooLong));

function actionSchema(today: string) {
	return z.object({
		what: plainText('Say what will be done', ACTION_WHAT_MAX, `Keep what will be done to ${ACTION_WHAT_MAX} characters or fewer`),
		owner: plainText('Say who will do it', ACTION_OWNER_MAX, `Keep who will do it to ${ACTION_OWNER_MAX} characters or fewer`),
		dueOn: dateField(
			'the due date',
			addMonths(today, -MONTHS_BACK),
			addMonths(today, MONTHS_AHEAD),
			'The due date cannot be more than five years ahead'
		),
		linkedTo: z.string().min(1, 'Choose the flag or the part of embedding this action is for')
	});
}

function doneSchema(today: string) {
	return z.object({
		doneOn: dateField('the date it was done', addMonths(today, -MONTHS_BACK), today, 'The date it was done cannot be in the future'),
		note: z
			.string()
			.transform(cleanParagraphs)
			.pipe(z.string().max(ACTION_NOTE_MAX, `Keep the note to ${ACTION_NOTE_MAX} characters or fewer`))
			.nullish()
			.transform((note) => note || null)
	});
}

function problemsOf(error: z.ZodError): FieldProblem[] {
	return error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), message: issue.message }));
}

const inScope = (viewer: SignedInUser, practiceId: number) => viewer.practiceIds.includes(practiceId);
const canManage = (viewer: SignedInUser, practiceId: number) => ROUND_MANAGERS.includes(viewer.role) && inScope(viewer, practiceId);

/**
 * The flags at the practice this person may see, by id: the key to every action's visibility.
 * A page that has already listed them for the same viewer passes them in.
 */
async function visibleFlags(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	listed?: readonly FlagView[]
): Promise<Map<number, FlagView>> {
	return new Map((listed ?? (await listFlagsForPractice(db, viewer, practiceId))).map((flag) => [flag.id, flag]));
}

interface ResolvedLink {
	flagId: number | null;
	construct: Construct;
}

async function resolveLink(
	db: DbOrTx,
	actor: SignedInUser,
	practiceId: number,
	value: string
): Promise<ResolvedLink | FieldProblem> {
	const link = parseLink(value);
	if (!link) return { field: 'linkedTo', message: 'Choose the flag or the part of embedding this action is for' };
	if ('construct' in link) return { flagId: null, construct: link.construct };
	const flag = (await visibleFlags(db, actor, practiceId)).get(link.flagId);
	// Another practice's flag, or one this person may not see, is simply not on the list.
	if (!flag?.item) return { field: 'linkedTo', message: 'That flag is not one you can link an action to here' };
	return { flagId: flag.id, construct: flag.item.construct };
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

/** The action if this person may change it; otherwise the reason as an outcome. */
async function changeable(db: DbOrTx, actor: SignedInUser, actionId: number): Promise<Outcome<{ value: ActionView }>> {
	const action = await getAction(db, actor, actionId);
	if (!action || !action.canChange) return notFound();
	return { ok: true, value: action };
}

export async function recordAction(
	db: Db,
	actor: SignedInUser,
	practiceId: number,
	input: ActionInput,
	now: Date = new Date()
): Promise<Outcome<{ value: number }>> {
	if (!canManage(actor, practiceId)) {
		return refuse(404, 'We could not find that practice.');
	}
	const parsed = actionSchema(ukDate(now)).safeParse(input);
	if (!parsed.success) return invalid(problemsOf(parsed.error));
	const link = await resolveLink(db, actor, practiceId, parsed.data.linkedTo);
	if ('field' in link) return invalid([link]);
	const stamp = now.toISOString();
	const id = await db.transaction().execute(async (tx) => {
		const row = await tx
			.insertInto('practice_action')
			.values({
				practice_id: practiceId,
				flag_id: link.flagId,
				construct: link.construct,
				what: parsed.data.what,
				owner: parsed.data.owner,
				due_on: parsed.data.dueOn,
				state: 'planned',
				done_on: null,
				done_note: null,
				created_by: actor.id,
				done_by: null,
				created_at: stamp,
				updated_at: stamp
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(
			tx,
			actor,
			{
				action: 'action_recorded',
				summary: `Recorded action ${row.id} for ${link.flagId ? `flag ${link.flagId}` : CONSTRUCT_NAMES[link.construct].name.toLowerCase()}, due ${parsed.data.dueOn}`,
				practiceId
			},
			now
		);
		return row.id;
	});
	return { ok: true, value: id };
}

/** Changes what, who, when or what for; only while the action is still planned. */
export async function updateAction(
	db: Db,
	actor: SignedInUser,
	actionId: number,
	input: ActionInput,
	now: Date = new Date()
): Promise<Outcome<{ value: null }>> {
	const found = await changeable(db, actor, actionId);
	if (!found.ok) return found;
	const action = found.value;
	if (action.state !== 'planned') return invalid([{ field: 'form', message: 'Reopen a done action before changing it.' }]);
	const parsed = actionSchema(ukDate(now)).safeParse(input);
	if (!parsed.success) return invalid(problemsOf(parsed.error));
	const link = await resolveLink(db, actor, action.practiceId, parsed.data.linkedTo);
	if ('field' in link) return invalid([link]);
	const changed = await db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('practice_action')
			.set({
				flag_id: link.flagId,
				construct: link.construct,
				what: parsed.data.what,
				owner: parsed.data.owner,
				due_on: parsed.data.dueOn,
				updated_at: now.toISOString()
			})
			.where('id', '=', actionId)
			.where('state', '=', 'planned')
			.executeTakeFirst();
		if (Number(result.numUpdatedRows) !== 1) return false;
		await recordAudit(tx, actor, { action: 'action_changed', summary: `Action ${actionId}: details changed`, practiceId: action.practiceId }, now);
		return true;
	});
	return changed ? { ok: true, value: null } : invalid([{ field: 'form', message: SOMEONE_ELSE }]);
}

export async function markActionDone(
	db: Db,
	actor: SignedInUser,
	actionId: number,
	input: DoneInput,
	now: Date = new Date()
): Promise<Outcome<{ value: null }>> {
	const found = await changeable(db, actor, actionId);
	if (!found.ok) return found;
	const action = found.value;
	if (action.state === 'done') return invalid([{ field: 'form', message: 'This action is already marked done.' }]);
	const parsed = doneSchema(ukDate(now)).safeParse(input);
	if (!parsed.success) return invalid(problemsOf(parsed.error));
	const changed = await db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('practice_action')
			.set({ state: 'done', done_on: parsed.data.doneOn, done_note: parsed.data.note, done_by: actor.id, updated_at: now.toISOString() })
			.where('id', '=', actionId)
			.where('state', '=', 'planned')
			.executeTakeFirst();
		if (Number(result.numUpdatedRows) !== 1) return false;
		await recordAudit(
			tx,
			actor,
			{ action: 'action_changed', summary: `Action ${actionId}: done on ${parsed.data.doneOn}`, practiceId: action.practiceId },
			now
		);
		return true;
	});
	return changed ? { ok: true, value: null } : invalid([{ field: 'form', message: SOMEONE_ELSE }]);
}

/** Takes back "done" (marked by mistake, or it did not stick); the action is planned again. */
export async function reopenAction(db: Db, actor: SignedInUser, actionId: number, now: Date = new Date()): Promise<Outcome<{ value: null }>> {
	const found = await changeable(db, actor, actionId);
	if (!found.ok) return found;
	const action = found.value;
	if (action.state !== 'done') return invalid([{ field: 'form', message: 'Only a done action can be reopened.' }]);
	const changed = await db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('practice_action')
			.set({ state: 'planned', done_on: null, done_note: null, done_by: null, updated_at: now.toISOString() })
			.where('id', '=', actionId)
			.where('state', '=', 'done')
			.executeTakeFirst();
		if (Number(result.numUpdatedRows) !== 1) return false;
		await recordAudit(tx, actor, { action: 'action_changed', summary: `Action ${actionId}: reopened`, practiceId: action.practiceId }, now);
		return true;
	});
	return changed ? { ok: true, value: null } : invalid([{ field: 'form', message: SOMEONE_ELSE }]);
}

/** Removes an action recorded by mistake; a done action is part of the record and stays. */
export async function deleteAction(db: Db, actor: SignedInUser, actionId: number, now: Date = new Date()): Promise<Outcome<{ value: null }>> {
	const found = await changeable(db, actor, actionId);
	if (!found.ok) return found;
	const action = found.value;
	if (action.state !== 'planned') return invalid([{ field: 'form', message: 'A done action stays on the record; reopen it first if it was marked done by mistake.' }]);
	const deleted = await db.transaction().execute(async (tx) => {
		const result = await tx.deleteFrom('practice_action').where('id', '=', actionId).where('state', '=', 'planned').executeTakeFirst();
		if (Number(result.numDeletedRows) !== 1) return false;
		await recordAudit(
			tx,
			actor,
			// Ids and dates only, like flags: the audit log must not let an admin read a hidden gap.
			{ action: 'action_changed', summary: `Action ${actionId}: deleted`, practiceId: action.practiceId },
			now
		);
		return true;
	});
	return deleted ? { ok: true, value: null } : invalid([{ field: 'form', message: SOMEONE_ELSE }]);
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
 * Per practice now in the PCN, how many actions are planned, overdue and done in the period.
 * It counts actions on PCN-lead-only flags too, so only PCN leads may be shown it.
 */
export async function countActionsAcrossPcn(
	db: DbOrTx,
	pcnId: number,
	period: { from: string; to: string },
	today: string = ukDate()
): Promise<PracticeActionCounts[]> {
	const practices = await db.selectFrom('practice').select(['id', 'name']).where('pcn_id', '=', pcnId).orderBy('name').execute();
	const rows = await db
		.selectFrom('practice_action')
		.innerJoin('practice', 'practice.id', 'practice_action.practice_id')
		.select(['practice_action.practice_id', 'practice_action.state', 'practice_action.due_on', 'practice_action.done_on'])
		.where('practice.pcn_id', '=', pcnId)
		.execute();
	return practices.map((practice) => {
		const own = rows.filter((r) => r.practice_id === practice.id);
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
