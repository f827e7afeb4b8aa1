/**
 * Stored round summaries (npt/round-summary.ts): written when a round closes, in the same
 * transaction, and otherwise the first time a round whose answers can no longer change is read
 * (one closed by its date before anyone closed it, or closed before summaries existed). A
 * summary is only ever of a closed round, whose answers never change again, so it never goes
 * stale; a summary of an older layout (or one that does not read as this layout) is rebuilt from
 * the answers, so a change of layout needs no migration: each round's is rebuilt when first read.
 */
import { SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import { scoreFor } from '../../npt/change';
import type { GroupScore } from '../../npt/scoring';
import { closeDateOf, surveyAvailability } from '../../npt/round-schedule';
import { groupScoresFrom, summariseRespondents, summaryFromJson, summaryToJson, SUMMARY_FORMAT, type RoundSummary } from '../../npt/round-summary';
import type { Instrument } from '../../npt/instrument';
import { sql, type Insertable } from 'kysely';
import type { RoundScoreTable } from '../db/schema';
import type { IdQuery } from '../accounts/scope';
import { atomically, type DbOrTx } from '../db';
import { instrumentsOf } from './instruments';
import { loadRespondentsOfRounds } from './responses';

/** Rounds summarised per batch (and so ids bound per query): a few thousand answers' worth at a time. */
const REBUILD_BATCH = 200;

interface RoundToSummarise {
	id: number;
	instrument_version_id: number;
	closes_on: string;
	/** When it closed, if it was closed rather than passing its closing date. */
	closed_on?: string | null;
}

/** A round's row of group scores (round_score), from its summary: before disclosure, as the summary is. */
function scoreRowOf(round: RoundToSummarise, instrument: Instrument, summary: RoundSummary): Omit<Insertable<RoundScoreTable>, 'version'> {
	const scores = groupScoresFrom(summary.everyone, instrument.scoring.confidenceLevel);
	const row: Record<string, unknown> = {
		round_id: round.id,
		closed_on: closeDateOf({ closed_on: round.closed_on ?? null, closes_on: round.closes_on }),
		respondents: summary.everyone.respondents
	};
	for (const key of SCORE_KEYS) {
		const score = scoreFor(scores, key);
		row[`${key}_mean`] = score.mean;
		row[`${key}_lower`] = score.interval?.lower ?? null;
		row[`${key}_upper`] = score.interval?.upper ?? null;
		row[`${key}_n`] = score.n;
	}
	return row as Omit<Insertable<RoundScoreTable>, 'version'>;
}

/** The four columns of each score of a round_score row, as read back. */
export type ScoreColumns = { [K in `${ScoreKey}_${'mean' | 'lower' | 'upper' | 'n'}`]: number | null };

/** A round's group scores from its stored row: scoreRowOf read back (no standard deviation is kept). */
export function scoresOfRow(row: ScoreColumns): Record<ScoreKey, GroupScore> {
	const scores = {} as Record<ScoreKey, GroupScore>;
	for (const key of SCORE_KEYS) {
		const mean = row[`${key}_mean`];
		const lower = row[`${key}_lower`];
		const upper = row[`${key}_upper`];
		scores[key] = {
			n: Number(row[`${key}_n`]),
			mean: mean === null ? null : Number(mean),
			sd: null,
			interval: lower === null || upper === null ? null : { lower: Number(lower), upper: Number(upper) }
		};
	}
	return scores;
}

/**
 * Sums the rounds' answers up from scratch and stores the summaries, replacing any there were.
 * A round retention has reduced (retention.ts) has no answers left: its stored summary is all
 * there is, so it is never summed up again (an empty sum would replace it).
 */
async function buildSummaries(db: DbOrTx, candidates: readonly RoundToSummarise[]): Promise<Map<number, RoundSummary>> {
	const built = new Map<number, RoundSummary>();
	if (candidates.length === 0) return built;
	const reduced = new Set(
		(
			await db
				.selectFrom('round')
				.select('id')
				.where(
					'id',
					'in',
					candidates.map((r) => r.id)
				)
				.where('answers_reduced_on', 'is not', null)
				.execute()
		).map((r) => r.id)
	);
	const rounds = candidates.filter((r) => !reduced.has(r.id));
	if (rounds.length === 0) return built;
	const [respondents, instruments] = await Promise.all([
		loadRespondentsOfRounds(
			db,
			rounds.map((r) => r.id)
		),
		instrumentsOf(
			db,
			rounds.map((r) => r.instrument_version_id)
		)
	]);
	const scoreRows: Omit<Insertable<RoundScoreTable>, 'version'>[] = [];
	for (const round of rounds) {
		const instrument = instruments.get(round.instrument_version_id)!;
		const summary = summariseRespondents(instrument, respondents.get(round.id) ?? []);
		built.set(round.id, summary);
		scoreRows.push(scoreRowOf(round, instrument, summary));
	}
	await db
		.insertInto('round_summary')
		.values([...built].map(([round_id, summary]) => ({ round_id, format: SUMMARY_FORMAT, summary: summaryToJson(summary) })))
		.onConflict((oc) => oc.column('round_id').doUpdateSet((eb) => ({ format: eb.ref('excluded.format'), summary: eb.ref('excluded.summary') })))
		.execute();
	await storeScoreRows(db, scoreRows);
	return built;
}

/** The app_meta key of a count that goes up with every write of round scores, so a kept copy of them knows what it has not seen. */
export const ROUND_SCORES_VERSION_KEY = 'round_scores_version';

/** Counts one more write of round scores in app_meta, in the caller's transaction, and gives the new count. */
export async function countScoreWrite(db: DbOrTx): Promise<number> {
	const counted = await db
		.insertInto('app_meta')
		.values({ key: ROUND_SCORES_VERSION_KEY, value: '1' })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(app_meta.value as integer) + 1 as text)` }))
		.returning('value')
		.executeTakeFirstOrThrow();
	return Number(counted.value);
}

/**
 * Stores rounds' score rows, replacing any there were (a rebuilt summary gives the same scores,
 * or corrects them), in the caller's transaction. The count in app_meta goes up first and every
 * row carries its new value: on PostgreSQL the count's row stays locked until commit, so counts
 * are committed in the order they were taken, and a reader that has seen count N can later read
 * just the rows above N.
 */
async function storeScoreRows(db: DbOrTx, rows: readonly Omit<Insertable<RoundScoreTable>, 'version'>[]): Promise<void> {
	if (rows.length === 0) return;
	const version = await countScoreWrite(db);
	const columns = [...Object.keys(rows[0]!).filter((column) => column !== 'round_id'), 'version'];
	await db
		.insertInto('round_score')
		.values(rows.map((row) => ({ ...row, version })))
		.onConflict((oc) => oc.column('round_id').doUpdateSet(Object.fromEntries(columns.map((column) => [column, sql.ref(`excluded.${column}`)]))))
		.execute();
}

/**
 * The summaries of these closed rounds, by round id: stored ones as they are, the rest built
 * from the answers now (a batch at a time) and stored for next time. The caller passes only
 * closed rounds, and `among`, a query of round ids that holds them (the rounds of a scope, a
 * PCN, a practice), so the read binds the query's own few values whatever the number of rounds.
 */
export async function summariesOf(db: DbOrTx, rounds: readonly RoundToSummarise[], among: IdQuery): Promise<Map<number, RoundSummary>> {
	const summaries = new Map<number, RoundSummary>();
	if (rounds.length === 0) return summaries;
	const wanted = new Set(rounds.map((r) => r.id));
	const stored = await db.selectFrom('round_summary').select(['round_id', 'format', 'summary']).where('round_id', 'in', among).execute();
	for (const row of stored) {
		if (!wanted.has(row.round_id)) continue;
		const summary = row.format === SUMMARY_FORMAT ? summaryFromJson(row.summary) : null;
		if (summary) summaries.set(row.round_id, summary);
	}
	const missing = rounds.filter((r) => !summaries.has(r.id));
	for (let at = 0; at < missing.length; at += REBUILD_BATCH) {
		const batch = missing.slice(at, at + REBUILD_BATCH);
		for (const [id, summary] of await atomically(db, (tx) => buildSummaries(tx, batch))) summaries.set(id, summary);
	}
	return summaries;
}

/**
 * Sums rounds up afresh from their answers just before retention deletes the answers, in the
 * caller's transaction, so each keeps a summary and scores of the current layout for good.
 */
export async function summariseBeforeReduction(tx: DbOrTx, rounds: readonly RoundToSummarise[]): Promise<void> {
	await buildSummaries(tx, rounds);
}

/** Stores the summary of a round that has just closed, in the caller's transaction. */
export async function summariseClosedRound(tx: DbOrTx, round: RoundToSummarise): Promise<void> {
	await buildSummaries(tx, [round]);
}

/**
 * Recreates the summary of every round whose answers can no longer change, from the answers,
 * in batches (a round reduced by retention keeps the summary it has); for `npm run summaries:rebuild` after a change of layout or a restore. Returns how
 * many rounds were summarised.
 */
export async function rebuildRoundSummaries(db: DbOrTx, today: string, progress?: (done: number, of: number) => void): Promise<number> {
	const rounds = (
		await db
			.selectFrom('round')
			.select(['id', 'instrument_version_id', 'status', 'opens_on', 'closes_on', 'closed_on'])
			.where('answers_reduced_on', 'is', null)
			.orderBy('id')
			.execute()
	).filter((round) => surveyAvailability(round, today) === 'closed');
	for (let at = 0; at < rounds.length; at += REBUILD_BATCH) {
		await atomically(db, (tx) => buildSummaries(tx, rounds.slice(at, at + REBUILD_BATCH)));
		progress?.(Math.min(at + REBUILD_BATCH, rounds.length), rounds.length);
	}
	return rounds.length;
}

/**
 * Gives every closed round in the period whose close date falls inside it its row of scores:
 * rounds summarised before scores were kept, and rounds closed by their date that nobody has
 * read since. A stored summary gives the row at once; a round without one is summarised first.
 * Reads only the rounds still without a row, a batch at a time, so once every round has its row
 * this is one indexed read that finds nothing. With `practices`, only those practices' rounds.
 */
export async function ensureRoundScores(
	db: DbOrTx,
	period: { from: string; to: string },
	today: string,
	practices?: IdQuery
): Promise<number> {
	let written = 0;
	for (;;) {
		const batch = await db
			.selectFrom('round')
			.leftJoin('round_score', 'round_score.round_id', 'round.id')
			.select(['round.id', 'round.instrument_version_id', 'round.closes_on', 'round.closed_on'])
			.where('round_score.round_id', 'is', null)
			.$if(practices !== undefined, (q) => q.where('round.practice_id', 'in', practices!))
			.where((eb) =>
				eb.or([
					eb.and([eb('round.status', '=', 'closed'), eb('round.closed_on', '>=', period.from), eb('round.closed_on', '<=', period.to)]),
					eb.and([eb('round.status', '=', 'open'), eb('round.closes_on', '<', today), eb('round.closes_on', '>=', period.from), eb('round.closes_on', '<=', period.to)])
				])
			)
			.orderBy('round.id')
			.limit(REBUILD_BATCH)
			.execute();
		if (batch.length === 0) return written;
		await atomically(db, async (tx) => {
			const ids = batch.map((round) => round.id);
			const [stored, instruments] = await Promise.all([
				tx.selectFrom('round_summary').select(['round_id', 'format', 'summary']).where('round_id', 'in', ids).execute(),
				instrumentsOf(tx, batch.map((round) => round.instrument_version_id))
			]);
			const summaries = new Map<number, RoundSummary>();
			for (const row of stored) {
				const summary = row.format === SUMMARY_FORMAT ? summaryFromJson(row.summary) : null;
				if (summary) summaries.set(row.round_id, summary);
			}
			const unsummarised = batch.filter((round) => !summaries.has(round.id));
			await buildSummaries(tx, unsummarised);
			await storeScoreRows(
				tx,
				batch.filter((round) => summaries.has(round.id)).map((round) => scoreRowOf(round, instruments.get(round.instrument_version_id)!, summaries.get(round.id)!))
			);
		});
		written += batch.length;
	}
}
