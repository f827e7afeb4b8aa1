/**
 * Stored round summaries (npt/round-summary.ts): written when a round closes, in the same
 * transaction, and otherwise the first time a round whose answers can no longer change is read
 * (one closed by its date before anyone closed it, or closed before summaries existed). A
 * summary is only ever of a closed round, whose answers never change again, so it never goes
 * stale; a summary of an older layout (or one that does not read as this layout) is rebuilt from
 * the answers, so a change of layout needs no migration: each round's is rebuilt when first read.
 */
import { surveyAvailability } from '../../npt/round-schedule';
import { summariseRespondents, summaryFromJson, summaryToJson, SUMMARY_FORMAT, type RoundSummary } from '../../npt/round-summary';
import type { IdQuery } from '../accounts/scope';
import { atomically, type DbOrTx } from '../db';
import { instrumentsOf } from './instruments';
import { loadRespondentsOfRounds } from './responses';

/** Rounds summarised per batch (and so ids bound per query): a few thousand answers' worth at a time. */
const REBUILD_BATCH = 200;

interface RoundToSummarise {
	id: number;
	instrument_version_id: number;
}

/** Sums the rounds' answers up from scratch and stores the summaries, replacing any there were. */
async function buildSummaries(db: DbOrTx, rounds: readonly RoundToSummarise[]): Promise<Map<number, RoundSummary>> {
	const built = new Map<number, RoundSummary>();
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
	for (const round of rounds) {
		built.set(round.id, summariseRespondents(instruments.get(round.instrument_version_id)!, respondents.get(round.id) ?? []));
	}
	await db
		.insertInto('round_summary')
		.values([...built].map(([round_id, summary]) => ({ round_id, format: SUMMARY_FORMAT, summary: summaryToJson(summary) })))
		.onConflict((oc) => oc.column('round_id').doUpdateSet((eb) => ({ format: eb.ref('excluded.format'), summary: eb.ref('excluded.summary') })))
		.execute();
	return built;
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

/** Stores the summary of a round that has just closed, in the caller's transaction. */
export async function summariseClosedRound(tx: DbOrTx, round: RoundToSummarise): Promise<void> {
	await buildSummaries(tx, [round]);
}

/**
 * Recreates the summary of every round whose answers can no longer change, from the answers,
 * in batches; for `npm run summaries:rebuild` after a change of layout or a restore. Returns how
 * many rounds were summarised.
 */
export async function rebuildRoundSummaries(db: DbOrTx, today: string, progress?: (done: number, of: number) => void): Promise<number> {
	const rounds = (
		await db.selectFrom('round').select(['id', 'instrument_version_id', 'status', 'opens_on', 'closes_on']).orderBy('id').execute()
	).filter((round) => surveyAvailability(round, today) === 'closed');
	for (let at = 0; at < rounds.length; at += REBUILD_BATCH) {
		await atomically(db, (tx) => buildSummaries(tx, rounds.slice(at, at + REBUILD_BATCH)));
		progress?.(Math.min(at + REBUILD_BATCH, rounds.length), rounds.length);
	}
	return rounds.length;
}
