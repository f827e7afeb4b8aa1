/**
 * The link worker's infrastructure checklist: saving their answers, which raises, updates or
 * resolves a flag for each need that is not met, and reading the answers back for the form.
 * Who then sees each flag is decided in flags.ts.
 */
import { z } from 'zod';
import { UNRESOLVED_STATES, type FlagState } from '../../npt/flag-lifecycle';
import {
	CHECKLIST_NOTE_MAX,
	CHECKLIST_STATUSES,
	CURRENT_CHECKLIST,
	checklistItem,
	isGapStatus,
	type ChecklistStatus
} from '../../npt/infrastructure';
import type { FieldProblem } from '../../npt/submission';
import { recordAudit } from '../platform/audit';
import { refuse, refuseProblems, type Outcome } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import type { FlagVisibility } from '../db/schema';
import type { SignedInUser } from '../identity';
import { paragraphsText } from '../../text';


export const FLAG_VISIBILITIES = ['practice_and_pcn', 'pcn_only'] as const satisfies readonly FlagVisibility[];

export const FLAG_VISIBILITY_LABELS: Record<FlagVisibility, string> = {
	practice_and_pcn: 'The practice manager and the PCN lead',
	pcn_only: 'The PCN lead only'
};


export interface ChecklistAnswerInput {
	itemId: string;
	status: string;
	note?: string | null;
}

const answerSchema = z.object({
	itemId: z.string(),
	status: z.enum(CHECKLIST_STATUSES, { error: 'Choose in place, partly or missing' }),
	note: paragraphsText({ max: CHECKLIST_NOTE_MAX, tooLong: `Keep the note to ${CHECKLIST_NOTE_MAX} characters or fewer` })
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

export async function isAssigned(db: DbOrTx, userId: number, practiceId: number): Promise<boolean> {
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
): Promise<Outcome<{ value: SavedChecklist }>> {
	if (linkWorker.role !== 'link_worker' || !(await isAssigned(db, linkWorker.id, practiceId))) {
		return refuse(404, 'We could not find that practice.');
	}
	const checked = checkAnswers(answers, visibilityByItem);
	if (!checked.ok) return refuseProblems(400, checked.problems);

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
