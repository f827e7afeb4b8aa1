/**
 * Retention, done by the product (RETENTION_*_MONTHS; docs/running.md and /privacy say why these
 * lengths): a closed round's free-text comments are deleted first, then its answers are reduced
 * to its summary, which keeps every score and trend and nothing about any one person; audit
 * entries go last. A legal hold on a round or its practice pauses all of it for them.
 *
 * Each step is idempotent (a round is marked when done, and chosen only while unmarked), works
 * in batches of rounds, each in a transaction, and is safe beside another instance doing the same
 * (the job's lease keeps it to one, and a second run would find nothing left to do). Each is
 * audited with counts only.
 */
import type { ExpressionBuilder } from 'kysely';
import { atomically, type DbOrTx } from '../db';
import type { Database } from '../db/schema';
import { recordAudit } from '../platform/audit';
import type { RetentionConfig } from '../platform/config';
import { summariseBeforeReduction } from '../surveys/round-summaries';
import { retentionCutoffs } from './policy';

const RETENTION_ACTOR = { system: 'retention' };

/**
 * Rounds handled per transaction. A first run on a database with years of rounds has thousands
 * to do; small transactions with a turn of the event loop between them let requests (and on
 * SQLite, other writers) go between batches rather than wait for the whole run.
 */
const BATCH = 10;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export type RoundEb = ExpressionBuilder<Database, 'round'>;

/** Rounds that take no more answers and closed (were closed, or reached their closing date) on or before `date`. */
export function closedBy(eb: RoundEb, today: string, date: string) {
	return eb.or([
		eb.and([eb('round.status', '=', 'closed'), eb('round.closed_on', '<=', date)]),
		eb.and([eb('round.status', '=', 'open'), eb('round.closes_on', '<', today), eb('round.closes_on', '<=', date)])
	]);
}

/** A hold in place on the round or on its practice. */
export function held(eb: RoundEb) {
	return eb.exists(
			eb
				.selectFrom('legal_hold')
				.select('legal_hold.id')
				.where('legal_hold.released_at', 'is', null)
				.where((h) => h.or([h('legal_hold.round_id', '=', h.ref('round.id')), h('legal_hold.practice_id', '=', h.ref('round.practice_id'))]))
	);
}

/** No hold in place on the round or on its practice. */
export const notHeld = (eb: RoundEb) => eb.not(held(eb));

/** Audit entries not about a practice on hold. */
export function auditNotHeld(eb: ExpressionBuilder<Database, 'audit_event'>) {
	return eb.or([
		eb('audit_event.practice_id', 'is', null),
		eb(
			'audit_event.practice_id',
			'not in',
			eb.selectFrom('legal_hold').select('legal_hold.practice_id').where('legal_hold.released_at', 'is', null).where('legal_hold.practice_id', 'is not', null).$narrowType<{ practice_id: number }>()
		)
	]);
}

interface DueRound {
	id: number;
	practice_id: number;
	title: string;
	instrument_version_id: number;
	closes_on: string;
	closed_on: string | null;
}

function dueRounds(db: DbOrTx, today: string, date: string, unmarked: 'comments_deleted_on' | 'answers_reduced_on') {
	return db
		.selectFrom('round')
		.select(['round.id', 'round.practice_id', 'round.title', 'round.instrument_version_id', 'round.closes_on', 'round.closed_on'])
		.where(`round.${unmarked}`, 'is', null)
		.where((eb) => closedBy(eb, today, date))
		.where(notHeld)
		.orderBy('round.id')
		.limit(BATCH);
}

export interface CommentsReport {
	rounds: number;
	comments: number;
}

/** Deletes the comments of rounds that closed RETENTION_COMMENTS_MONTHS ago or more. */
export async function deleteDueComments(db: DbOrTx, retention: RetentionConfig, today: string, now: Date = new Date()): Promise<CommentsReport> {
	const { commentsClosedBy } = retentionCutoffs(retention, today);
	const report = { rounds: 0, comments: 0 };
	for (;;) {
		const batch = await dueRounds(db, today, commentsClosedBy, 'comments_deleted_on').execute();
		if (batch.length === 0) return report;
		if (report.rounds > 0) await nextTurn();
		await atomically(db, async (tx) => {
			for (const round of batch) {
				const deleted = await tx.deleteFrom('comment').where('round_id', '=', round.id).executeTakeFirst();
				const comments = Number(deleted.numDeletedRows);
				await tx.updateTable('round').set({ comments_deleted_on: today }).where('id', '=', round.id).execute();
				await recordAudit(
					tx,
					RETENTION_ACTOR,
					{
						action: 'retention_comments_deleted',
						summary: `Deleted ${comments} ${comments === 1 ? 'comment' : 'comments'} of “${round.title}”, ${retention.commentsMonths} months after it closed`,
						practiceId: round.practice_id
					},
					now
				);
				report.rounds++;
				report.comments += comments;
			}
		});
	}
}

export interface ReductionReport {
	rounds: number;
	responses: number;
}

/**
 * Reduces rounds that closed RETENTION_ANSWERS_MONTHS ago or more to their summaries: each is
 * summed up afresh from its answers (so its summary and scores are of the current layout), and
 * then every respondent-level row goes: responses with their answers, comments, the count of
 * submissions per day, and its single-use codes.
 */
export async function reduceDueRounds(db: DbOrTx, retention: RetentionConfig, today: string, now: Date = new Date()): Promise<ReductionReport> {
	const { answersClosedBy } = retentionCutoffs(retention, today);
	const report = { rounds: 0, responses: 0 };
	for (;;) {
		const batch: DueRound[] = await dueRounds(db, today, answersClosedBy, 'answers_reduced_on').execute();
		if (batch.length === 0) return report;
		if (report.rounds > 0) await nextTurn();
		await atomically(db, async (tx) => {
			await summariseBeforeReduction(tx, batch);
			for (const round of batch) {
				const responses = tx.selectFrom('response').select('id').where('round_id', '=', round.id);
				await tx.deleteFrom('answer').where('response_id', 'in', responses).execute();
				await tx.deleteFrom('general_answer').where('response_id', 'in', responses).execute();
				const deleted = await tx.deleteFrom('response').where('round_id', '=', round.id).executeTakeFirst();
				await tx.deleteFrom('comment').where('round_id', '=', round.id).execute();
				await tx.deleteFrom('submission_day').where('round_id', '=', round.id).execute();
				await tx.deleteFrom('round_code').where('round_id', '=', round.id).execute();
				await tx.deleteFrom('survey_submission_key').where('round_id', '=', round.id).execute();
				await tx
					.updateTable('round')
					.set((eb) => ({ answers_reduced_on: today, comments_deleted_on: eb.fn.coalesce('comments_deleted_on', eb.val(today)) }))
					.where('id', '=', round.id)
					.execute();
				const count = Number(deleted.numDeletedRows);
				await recordAudit(
					tx,
					RETENTION_ACTOR,
					{
						action: 'retention_round_reduced',
						summary: `Reduced “${round.title}” to its summary, ${retention.answersMonths} months after it closed: ${count} ${count === 1 ? 'response' : 'responses'} deleted`,
						practiceId: round.practice_id
					},
					now
				);
				report.rounds++;
				report.responses += count;
			}
		});
	}
}

/** Deletes audit entries older than RETENTION_AUDIT_MONTHS, except those about a practice on hold. */
export async function deleteOldAuditEntries(db: DbOrTx, retention: RetentionConfig, today: string, now: Date = new Date()): Promise<{ entries: number }> {
	const { auditBefore } = retentionCutoffs(retention, today);
	return atomically(db, async (tx) => {
		const deleted = await tx
			.deleteFrom('audit_event')
			.where('occurred_at', '<', auditBefore)
			.where(auditNotHeld)
			.executeTakeFirst();
		const entries = Number(deleted.numDeletedRows);
		if (entries > 0) {
			await recordAudit(
				tx,
				RETENTION_ACTOR,
				{ action: 'retention_audit_deleted', summary: `Deleted ${entries} audit ${entries === 1 ? 'entry' : 'entries'} older than ${retention.auditMonths} months` },
				now
			);
		}
		return { entries };
	});
}
