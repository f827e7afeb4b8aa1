/**
 * The link worker's infrastructure checklist and the flags it raises. Who sees a flag is
 * decided here, on the server, never by hiding links:
 * - the link worker who raised it sees it (while they still serve the practice);
 * - PCN leads of the practice's PCN see every flag;
 * - practice managers of the practice see only flags shared with the practice
 *   (`practice_and_pcn`); a "PCN lead only" flag is, to them, not found;
 * - other link workers of the practice do not: a flag is the raiser's own voice, and a
 *   colleague who shares the gap raises their own;
 * - admins see none: they run the system, not the practices.
 */
import { z } from 'zod';
import {
	FLAG_REASON_MAX,
	FLAG_STATE_LABELS,
	FLAG_STATES,
	UNRESOLVED_STATES,
	allowedTransitions,
	transitionProblem,
	type FlagSide,
	type FlagState
} from '../../npt/flag-lifecycle';
import {
	CHECKLIST_NOTE_MAX,
	CHECKLIST_STATUSES,
	CURRENT_CHECKLIST,
	checklistItem,
	checklistVersion,
	isGapStatus,
	type ChecklistItem,
	type ChecklistStatus
} from '../../npt/infrastructure';
import type { FieldProblem } from '../../npt/submission';
import { recordAudit } from '../platform/audit';
import type { Db, DbOrTx } from '../db';
import type { Flag, FlagVisibility } from '../db/schema';
import type { SignedInUser } from '../accounts/users';
import { cleanParagraphs } from '../../text';

export const FLAG_VISIBILITIES = ['practice_and_pcn', 'pcn_only'] as const satisfies readonly FlagVisibility[];

export const FLAG_VISIBILITY_LABELS: Record<FlagVisibility, string> = {
	practice_and_pcn: 'The practice manager and the PCN lead',
	pcn_only: 'The PCN lead only'
};

export type FlagOutcome<T> = { ok: true; value: T } | { ok: false; status: 400 | 404; problems: FieldProblem[] };

const notFound = <T>(): FlagOutcome<T> => ({
	ok: false,
	status: 404,
	problems: [{ field: 'form', message: 'We could not find that flag.' }]
});

export interface ChecklistAnswerInput {
	itemId: string;
	status: string;
	note?: string | null;
}

const answerSchema = z.object({
	itemId: z.string(),
	status: z.enum(CHECKLIST_STATUSES, { error: 'Choose in place, partly or missing' }),
	note: z
		.string()
		.transform(cleanParagraphs)
		.pipe(z.string().max(CHECKLIST_NOTE_MAX, `Keep the note to ${CHECKLIST_NOTE_MAX} characters or fewer`))
		.nullish()
		.transform((note) => note || null)
});

interface CheckedAnswer {
	itemId: string;
	status: ChecklistStatus;
	note: string | null;
	visibility: FlagVisibility | null;
}

/** Field names match the checklist form: `status-<item>`, `note-<item>`, `visibility-<item>`. */
function checkAnswers(
	answers: readonly ChecklistAnswerInput[],
	visibilityByItem: Readonly<Record<string, string | undefined>>
): { ok: true; answers: CheckedAnswer[] } | { ok: false; problems: FieldProblem[] } {
	const problems: FieldProblem[] = [];
	const checked: CheckedAnswer[] = [];
	const seen = new Set<string>();
	for (const raw of answers) {
		const item = checklistItem(CURRENT_CHECKLIST, raw.itemId);
		if (!item) {
			problems.push({ field: 'form', message: `The checklist has no item "${String(raw.itemId).slice(0, 40)}".` });
			continue;
		}
		if (seen.has(item.id)) {
			problems.push({ field: `status-${item.id}`, message: 'This item was answered twice.' });
			continue;
		}
		seen.add(item.id);
		const parsed = answerSchema.safeParse(raw);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				const field = issue.path[0] === 'note' ? 'note' : 'status';
				problems.push({ field: `${field}-${item.id}`, message: issue.message });
			}
			continue;
		}
		let visibility: FlagVisibility | null = null;
		if (isGapStatus(parsed.data.status)) {
			const chosen = visibilityByItem[item.id];
			if (!chosen || !(FLAG_VISIBILITIES as readonly string[]).includes(chosen)) {
				problems.push({ field: `visibility-${item.id}`, message: 'Choose who sees this gap' });
				continue;
			}
			visibility = chosen as FlagVisibility;
		}
		checked.push({ itemId: item.id, status: parsed.data.status, note: parsed.data.note, visibility });
	}
	return problems.length ? { ok: false, problems } : { ok: true, answers: checked };
}

async function isAssigned(db: DbOrTx, userId: number, practiceId: number): Promise<boolean> {
	const row = await db
		.selectFrom('user_practice')
		.select('user_id')
		.where('user_id', '=', userId)
		.where('practice_id', '=', practiceId)
		.executeTakeFirst();
	return row !== undefined;
}

export interface SavedChecklist {
	raised: number;
	resolved: number;
}

/**
 * Stores a link worker's answers for one practice. A partly or missing answer raises a flag
 * unless one is already unresolved for that item (its visibility then follows the new choice);
 * an in-place answer resolves an unresolved flag. Nothing is stored if any answer is invalid.
 */
export async function saveChecklist(
	db: Db,
	linkWorker: SignedInUser,
	practiceId: number,
	answers: readonly ChecklistAnswerInput[],
	visibilityByItem: Readonly<Record<string, string | undefined>>,
	now: Date = new Date()
): Promise<FlagOutcome<SavedChecklist>> {
	if (linkWorker.role !== 'link_worker' || !(await isAssigned(db, linkWorker.id, practiceId))) {
		return { ok: false, status: 404, problems: [{ field: 'form', message: 'We could not find that practice.' }] };
	}
	const checked = checkAnswers(answers, visibilityByItem);
	if (!checked.ok) return { ok: false, status: 400, problems: checked.problems };

	const stamp = now.toISOString();
	const version = CURRENT_CHECKLIST.version;
	const changes = await db.transaction().execute(async (tx) => {
		const raised: number[] = [];
		const resolved: number[] = [];
		for (const answer of checked.answers) {
			await tx
				.insertInto('infrastructure_answer')
				.values({
					user_id: linkWorker.id,
					practice_id: practiceId,
					item_id: answer.itemId,
					checklist_version: version,
					status: answer.status,
					note: answer.note,
					updated_at: stamp
				})
				.onConflict((oc) =>
					oc
						.columns(['user_id', 'practice_id', 'item_id', 'checklist_version'])
						.doUpdateSet({ status: answer.status, note: answer.note, updated_at: stamp })
				)
				.execute();

			const current = await tx
				.selectFrom('flag')
				.selectAll()
				.where('raised_by', '=', linkWorker.id)
				.where('practice_id', '=', practiceId)
				.where('item_id', '=', answer.itemId)
				.where('state', 'in', UNRESOLVED_STATES)
				.executeTakeFirst();

			if (answer.visibility) {
				if (current) {
					if (current.visibility !== answer.visibility) {
						await tx
							.updateTable('flag')
							.set({ visibility: answer.visibility, updated_at: stamp })
							.where('id', '=', current.id)
							.execute();
					}
					continue;
				}
				const flag = await tx
					.insertInto('flag')
					.values({
						practice_id: practiceId,
						raised_by: linkWorker.id,
						item_id: answer.itemId,
						checklist_version: version,
						visibility: answer.visibility,
						state: 'open',
						created_at: stamp,
						updated_at: stamp
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				await tx
					.insertInto('flag_event')
					.values({ flag_id: flag.id, at: stamp, actor_user_id: linkWorker.id, from_state: null, to_state: 'open', comment: answer.note })
					.execute();
				raised.push(flag.id);
			} else if (current) {
				await tx.updateTable('flag').set({ state: 'resolved', updated_at: stamp }).where('id', '=', current.id).execute();
				await tx
					.insertInto('flag_event')
					.values({
						flag_id: current.id,
						at: stamp,
						actor_user_id: linkWorker.id,
						from_state: current.state,
						to_state: 'resolved',
						comment: 'Marked in place by the link worker'
					})
					.execute();
				resolved.push(current.id);
			}
		}
		for (const id of raised) {
			await recordAudit(tx, linkWorker, { action: 'flag_raised', summary: `Raised flag ${id}`, practiceId }, now);
		}
		for (const id of resolved) {
			await recordAudit(tx, linkWorker, { action: 'flag_changed', summary: `Flag ${id}: resolved (marked in place)`, practiceId }, now);
		}
		return { raised: raised.length, resolved: resolved.length };
	});
	return { ok: true, value: changes };
}

export interface ChecklistAnswerView {
	itemId: string;
	status: ChecklistStatus;
	note: string | null;
	updatedAt: string;
	/** Who sees the unresolved flag for this item, if there is one. */
	visibility: FlagVisibility | null;
	flagState: FlagState | null;
}

/** The link worker's current answers for one practice, keyed by item id. */
export async function getChecklistAnswers(
	db: DbOrTx,
	linkWorker: SignedInUser,
	practiceId: number
): Promise<Map<string, ChecklistAnswerView>> {
	const answers = await db
		.selectFrom('infrastructure_answer')
		.select(['item_id', 'status', 'note', 'updated_at'])
		.where('user_id', '=', linkWorker.id)
		.where('practice_id', '=', practiceId)
		.where('checklist_version', '=', CURRENT_CHECKLIST.version)
		.execute();
	const flags = await db
		.selectFrom('flag')
		.select(['item_id', 'visibility', 'state'])
		.where('raised_by', '=', linkWorker.id)
		.where('practice_id', '=', practiceId)
		.where('state', 'in', UNRESOLVED_STATES)
		.execute();
	const flagOf = new Map(flags.map((f) => [f.item_id, f]));
	return new Map(
		answers.map((a) => [
			a.item_id,
			{
				itemId: a.item_id,
				status: a.status,
				note: a.note,
				updatedAt: a.updated_at,
				visibility: flagOf.get(a.item_id)?.visibility ?? null,
				flagState: flagOf.get(a.item_id)?.state ?? null
			}
		])
	);
}

type FlagWithPcn = Flag & { pcn_id: number | null; practice_name: string };

/** The visibility rules in one place (see the module comment). */
function sideOf(viewer: SignedInUser, flag: FlagWithPcn): FlagSide | null {
	switch (viewer.role) {
		case 'link_worker':
			return flag.raised_by === viewer.id && viewer.practiceIds.includes(flag.practice_id) ? 'raiser' : null;
		case 'pcn_lead':
			return flag.pcn_id !== null && viewer.pcnIds.includes(flag.pcn_id) ? 'responder' : null;
		case 'practice_manager':
			return flag.visibility === 'practice_and_pcn' && viewer.practiceIds.includes(flag.practice_id) ? 'responder' : null;
		default:
			return null;
	}
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

export interface FlagView {
	id: number;
	practiceId: number;
	practiceName: string;
	itemId: string;
	/** The checklist item as worded in the version the flag was raised against. */
	item: ChecklistItem | null;
	checklistVersion: string;
	visibility: FlagVisibility;
	state: FlagState;
	raisedBy: { id: number; name: string };
	createdAt: string;
	updatedAt: string;
	/** The link worker's latest note on this item, if any. */
	note: string | null;
	events: FlagEventView[];
	/** What the viewer may do next; won't fix still needs a reason. */
	viewerSide: FlagSide;
	nextStates: FlagState[];
}

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

	return visible.map(({ row, side }) => {
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
			raisedBy: { id: row.raised_by, name: nameOf.get(row.raised_by) ?? 'A former user' },
			createdAt: row.created_at,
			updatedAt: row.updated_at,
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
		};
	});
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

/** The flags at practices now in one PCN that this viewer may see. */
export async function listFlagsForPcn(db: DbOrTx, viewer: SignedInUser, pcnId: number): Promise<FlagView[]> {
	const rows = await flagsWithPcn(db).where('practice.pcn_id', '=', pcnId).execute();
	return (await toViews(db, viewer, rows)).sort(byUrgency);
}

/** One flag, or null when it does not exist or the viewer may not see it (the same answer for both). */
export async function getFlag(db: DbOrTx, viewer: SignedInUser, flagId: number): Promise<FlagView | null> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	if (!row) return null;
	return (await toViews(db, viewer, [row]))[0] ?? null;
}

const reasonSchema = z
	.string()
	.transform(cleanParagraphs)
	.pipe(z.string().max(FLAG_REASON_MAX, `Keep it to ${FLAG_REASON_MAX} characters or fewer`))
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
): Promise<FlagOutcome<FlagState>> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	const side = row ? sideOf(actor, row) : null;
	if (!row || !side) return notFound();
	if (!(FLAG_STATES as readonly string[]).includes(toState)) {
		return { ok: false, status: 400, problems: [{ field: 'state', message: 'Choose a state from the list' }] };
	}
	const to = toState as FlagState;
	const text = reasonSchema.safeParse(reason);
	if (!text.success) return { ok: false, status: 400, problems: [{ field: 'reason', message: text.error.issues[0]!.message }] };
	const problem = transitionProblem(row.state, to, side, text.data);
	if (problem) return { ok: false, status: 400, problems: [{ field: to === 'wont_fix' ? 'reason' : 'state', message: problem }] };

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
		return { ok: false, status: 400, problems: [{ field: 'state', message: 'Someone else changed this flag just now. Check its state and try again.' }] };
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
): Promise<FlagOutcome<null>> {
	const row = await flagsWithPcn(db).where('flag.id', '=', flagId).executeTakeFirst();
	if (!row || !sideOf(actor, row)) return notFound();
	const parsed = z
		.string()
		.transform(cleanParagraphs)
		.pipe(z.string().min(1, 'Write a comment').max(FLAG_REASON_MAX, `Keep the comment to ${FLAG_REASON_MAX} characters or fewer`))
		.safeParse(text);
	if (!parsed.success) return { ok: false, status: 400, problems: [{ field: 'comment', message: parsed.error.issues[0]!.message }] };
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
