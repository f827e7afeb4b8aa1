/**
 * Sealing a round's answers on PostgreSQL (docs/scoring.md §6, database files).
 *
 * PostgreSQL keeps more than the columns: each row carries the id of the transaction that wrote
 * it (xmin), and a table's rows lie in its file in roughly the order they arrived. A submission
 * writes its response, answers, comment, code use and day count in one transaction, so while
 * those rows are as first written, anyone reading the database (or a copy of it) could tie a
 * comment to its response's role group, order responses by arrival, or match a used code to
 * one. SQLite keeps none of this (its survey tables are WITHOUT ROWID, ordered by random keys).
 *
 * Sealing rewrites every survey row of a round in one transaction, each table in a fresh random
 * order: afterwards all of them carry the sealing transaction's id, and their order in the files
 * says nothing. A round is sealed when it closes, and an open round once a day for the answers
 * of the days before (sealAnsweredRounds). docs/scoring.md §6 ("One limit we know of") says what this cannot
 * reach: the rows as first written, until the database reuses their space, and the write-ahead
 * log and any point-in-time backups taken from it.
 */
import { randomInt } from 'node:crypto';
import { atomically, engineOf, lockFor, type DbOrTx } from '../db';
import type { Database } from '../db/schema';

/** Rows per INSERT, well inside PostgreSQL's limit on parameters in one statement. */
const ROWS_PER_INSERT = 1000;

function shuffled<T>(rows: T[]): T[] {
	const out = [...rows];
	for (let i = out.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

async function insertAll<T extends keyof Database>(tx: DbOrTx, table: T, rows: readonly Record<string, unknown>[]): Promise<void> {
	for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
		await tx
			.insertInto(table)
			.values(rows.slice(at, at + ROWS_PER_INSERT) as never)
			.execute();
	}
}

/** Whether this engine needs sealing at all: SQLite's survey tables hold nothing to seal. */
export function sealsRounds(db: DbOrTx): boolean {
	return engineOf(db) === 'postgres';
}

/**
 * Rewrites the round's responses, answers, general answers, comments, codes and day counts in a
 * random order, in the caller's transaction (or its own). Nothing changes but where the rows lie
 * and which transaction wrote them. A no-op on SQLite.
 */
export async function sealRound(db: DbOrTx, roundId: number): Promise<void> {
	if (!sealsRounds(db)) return;
	await atomically(db, async (tx) => {
		// Holds the round's row: submissions to it (which hold it FOR SHARE) wait until this commits.
		await tx.selectFrom('round').select('id').where('id', '=', roundId).forUpdate().execute();
		const ofRound = tx.selectFrom('response').select('id').where('round_id', '=', roundId);
		const responses = await tx.selectFrom('response').selectAll().where('round_id', '=', roundId).execute();
		const answers = await tx.selectFrom('answer').selectAll().where('response_id', 'in', ofRound).execute();
		const generalAnswers = await tx.selectFrom('general_answer').selectAll().where('response_id', 'in', ofRound).execute();
		const comments = await tx.selectFrom('comment').selectAll().where('round_id', '=', roundId).execute();
		const codes = await tx.selectFrom('round_code').selectAll().where('round_id', '=', roundId).execute();
		const days = await tx.selectFrom('submission_day').selectAll().where('round_id', '=', roundId).execute();

		// Answers and general answers go with their responses (on delete cascade).
		await tx.deleteFrom('response').where('round_id', '=', roundId).execute();
		await tx.deleteFrom('comment').where('round_id', '=', roundId).execute();
		await tx.deleteFrom('round_code').where('round_id', '=', roundId).execute();
		await tx.deleteFrom('submission_day').where('round_id', '=', roundId).execute();

		await insertAll(tx, 'response', shuffled(responses));
		await insertAll(tx, 'answer', shuffled(answers));
		await insertAll(tx, 'general_answer', shuffled(generalAnswers));
		await insertAll(tx, 'comment', shuffled(comments));
		await insertAll(tx, 'round_code', shuffled(codes));
		await insertAll(tx, 'submission_day', shuffled(days));
	});
}

/** The app_meta key of the first day whose answers have not been sealed yet. */
export const SEALED_THROUGH_KEY = 'answers_sealed_before';

/**
 * Once a day: seals every open round that was answered on a day before `today` and after the
 * last pass, so the answers of a round still open are not left in arrival order for its weeks.
 * The day's pass is claimed in its own short transaction, so two instances never both run it;
 * each round is then sealed in a transaction of its own. Returns how many rounds were sealed.
 */
export async function sealAnsweredRounds(db: DbOrTx, today: string): Promise<number> {
	if (!sealsRounds(db)) return 0;
	const since = await atomically(db, async (tx) => {
		await lockFor(tx, 'sealing-pass');
		const row = await tx.selectFrom('app_meta').select('value').where('key', '=', SEALED_THROUGH_KEY).executeTakeFirst();
		if (row && row.value >= today) return undefined;
		await tx
			.insertInto('app_meta')
			.values({ key: SEALED_THROUGH_KEY, value: today })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value: today }))
			.execute();
		return row?.value ?? '';
	});
	if (since === undefined) return 0;
	const rounds = await db
		.selectFrom('round')
		.select('id')
		.where('status', '=', 'open')
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('submission_day')
					.select('day')
					.whereRef('submission_day.round_id', '=', 'round.id')
					.where('day', '>=', since)
					.where('day', '<', today)
			)
		)
		.orderBy('id')
		.execute();
	for (const round of rounds) await sealRound(db, round.id);
	return rounds.length;
}
