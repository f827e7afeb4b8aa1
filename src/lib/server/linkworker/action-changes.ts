/**
 * Recording and changing actions: what is planned about a flag or a weak construct, marking it
 * done, reopening and deleting it. Only managers and PCN leads in scope change actions, and only
 * actions they may see; each change is one conditional write with its audit entry, so two people
 * changing the same action at once cannot both succeed.
 */
import { z } from 'zod';
import { addMonths, isIsoDate, ukDate } from '../../dates';
import { CONSTRUCT_NAMES, CONSTRUCTS, type Construct } from '../../npt/constructs';
import type { FieldProblem } from '../../npt/submission';
import type { Db, DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, refuseProblems, type Outcome } from '../platform/outcome';
import { lineText, paragraphsText } from '../../text';
import { canManage, getAction, visibleFlags, type ActionView } from './practice-actions';
import { parseId } from '../platform/ids';

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
	if (value.startsWith('flag:')) {
		const flagId = parseId(value.slice('flag:'.length));
		return flagId === undefined ? null : { flagId };
	}
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

const plainText = (required: string, max: number, tooLong: string) => lineText({ max, tooLong, required });

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
		note: paragraphsText({ max: ACTION_NOTE_MAX, tooLong: `Keep the note to ${ACTION_NOTE_MAX} characters or fewer` })
			.nullish()
			.transform((note) => note || null)
	});
}

function problemsOf(error: z.ZodError): FieldProblem[] {
	return error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), message: issue.message }));
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
