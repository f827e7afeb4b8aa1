/**
 * What each practice's closed rounds of one instrument version add to the instrument report
 * (issue 29), read from the rounds' stored summaries (never their answers) with disclosure
 * applied round by round (SCORING.md §6, per figure):
 *
 * - a round enters only when it is shown (at least MIN_RESPONSES respondents);
 * - a construct's sums (α and its kin) only from rounds whose construct score is shown;
 * - a statement's counts only from rounds whose distribution of it is shown (scored by at least
 *   MIN_RESPONSES),
 *
 * so a pooled figure can never be a shown one plus a withheld round, and no pooled figure minus
 * the shown ones gives a withheld one.
 *
 * The pools of a practice are kept in memory per database, instrument version and MIN_RESPONSES,
 * as benchmarks.ts keeps its rows: every write of round summaries counts up the score version in
 * app_meta and stamps the round's round_score row with it, so a read compares the version with
 * the one the kept pools were read at and recomputes only the practices whose rounds were written
 * since. A scope's first read reads only that scope's rounds; the whole service's, every round.
 */
import { AGREEMENT_POINTS, type AgreementPoint } from '../../npt/answers';
import { CONSTRUCTS, type Construct } from '../../npt/constructs';
import { canShow, type DisclosureRules } from '../../npt/disclosure';
import { itemsIn, type Instrument } from '../../npt/instrument';
import type { ConsistencySums, RoundSummary } from '../../npt/round-summary';
import { surveyAvailability } from '../../npt/round-schedule';
import { databaseIdentity, type DbOrTx } from '../db';
import { ensureRoundScores, ROUND_SCORES_VERSION_KEY, summariesOf } from '../surveys/round-summaries';

/** Sums of one construct over the rounds that may enter it. */
export interface ConstructPool {
	rounds: number;
	sums: ConsistencySums;
}

/** Counts of one statement over the rounds that may enter it. */
export interface StatementPool {
	rounds: number;
	/** Respondents of those rounds: everyone was asked every statement. */
	asked: number;
	/** Answers by point 1–5, then by "not relevant" code (StatementCounts). */
	counts: number[];
}

/** One practice's (or a scope's) closed rounds of the version, with disclosure applied round by round. */
export interface Pool {
	closedRounds: number;
	shownRounds: number;
	respondents: number;
	constructs: Record<Construct, ConstructPool>;
	statements: Record<string, StatementPool>;
}

export function emptyPool(instrument: Instrument): Pool {
	const constructs = {} as Record<Construct, ConstructPool>;
	for (const construct of CONSTRUCTS) {
		const k = itemsIn(instrument, construct).length;
		constructs[construct] = { rounds: 0, sums: { complete: 0, sums: Array(k).fill(0), products: Array((k * (k + 1)) / 2).fill(0) } };
	}
	const statements: Record<string, StatementPool> = {};
	for (const item of instrument.items) statements[item.id] = { rounds: 0, asked: 0, counts: Array(8).fill(0) };
	return { closedRounds: 0, shownRounds: 0, respondents: 0, constructs, statements };
}

const addInto = (into: number[], from: readonly number[]) => {
	for (let i = 0; i < into.length && i < from.length; i++) into[i]! += from[i]!;
};

/** One closed round into a pool, as far as disclosure lets it in. */
export function addRound(pool: Pool, summary: RoundSummary, rules: DisclosureRules): void {
	pool.closedRounds += 1;
	if (!canShow({ respondents: summary.everyone.respondents }, rules)) return;
	pool.shownRounds += 1;
	pool.respondents += summary.everyone.respondents;
	for (const construct of CONSTRUCTS) {
		if (!canShow({ score: summary.everyone.scores[construct] }, rules)) continue;
		const into = pool.constructs[construct];
		const from = summary.consistency[construct];
		if (!from || from.sums.length !== into.sums.sums.length) continue;
		into.rounds += 1;
		into.sums.complete += from.complete;
		addInto(into.sums.sums, from.sums);
		addInto(into.sums.products, from.products);
	}
	for (const [itemId, into] of Object.entries(pool.statements)) {
		const counts = summary.statements[itemId];
		if (!counts) continue;
		const scored = {} as Record<AgreementPoint, number>;
		AGREEMENT_POINTS.forEach((point, i) => (scored[point] = counts[i] ?? 0));
		if (!canShow({ scored }, rules)) continue;
		into.rounds += 1;
		into.asked += summary.everyone.respondents;
		addInto(into.counts, counts);
	}
}

/** Pools added up (a scope from its practices). */
export function addPool(into: Pool, from: Pool): void {
	into.closedRounds += from.closedRounds;
	into.shownRounds += from.shownRounds;
	into.respondents += from.respondents;
	for (const construct of CONSTRUCTS) {
		const a = into.constructs[construct];
		const b = from.constructs[construct];
		a.rounds += b.rounds;
		a.sums.complete += b.sums.complete;
		addInto(a.sums.sums, b.sums.sums);
		addInto(a.sums.products, b.sums.products);
	}
	for (const [itemId, a] of Object.entries(into.statements)) {
		const b = from.statements[itemId];
		if (!b) continue;
		a.rounds += b.rounds;
		a.asked += b.asked;
		addInto(a.counts, b.counts);
	}
}

interface Kept {
	/** The score-write count (app_meta) the pools are up to date with. */
	version: number;
	/** The day rounds closed by their date were last given their summaries. */
	checkedOn: string;
	/** Whether every practice with a round of the version is in `pools`. */
	whole: boolean;
	/** Per practice; a practice read with no closed round of the version has none. */
	pools: Map<number, Pool | null>;
	/** The whole service's first read, while it runs: a second request waits for it rather than read every round again. */
	readingAll?: Promise<void>;
}

const kept = new WeakMap<object, Map<string, Kept>>();

/** From the first day any round could have closed. */
const ALL_TIME = '0001-01-01';
/** Practices whose rounds are read (and summaries held in memory) at a time. */
const PRACTICE_BATCH = 400;

async function scoresVersion(db: DbOrTx): Promise<number> {
	const row = await db.selectFrom('app_meta').select('value').where('key', '=', ROUND_SCORES_VERSION_KEY).executeTakeFirst();
	return Number(row?.value ?? 0);
}

/** Reads the closed rounds of the version of these practices (or of every practice) and pools them per practice. */
async function readPools(db: DbOrTx, versionId: number, instrument: Instrument, rules: DisclosureRules, practices: number[] | 'all', today: string) {
	const read = new Map<number, Pool | null>();
	const rounds = await db
		.selectFrom('round')
		.select(['id', 'practice_id', 'instrument_version_id', 'status', 'opens_on', 'closes_on', 'closed_on'])
		.where('instrument_version_id', '=', versionId)
		.where('status', '<>', 'draft')
		.$if(practices !== 'all', (q) => q.where('practice_id', 'in', practices as number[]))
		.orderBy('practice_id')
		.orderBy('id')
		.execute();
	if (practices !== 'all') for (const id of practices) read.set(id, null);
	const closed = rounds.filter((round) => surveyAvailability(round, today) === 'closed');
	const byPractice = new Map<number, typeof closed>();
	for (const round of closed) {
		const own = byPractice.get(round.practice_id);
		if (own) own.push(round);
		else byPractice.set(round.practice_id, [round]);
	}
	const ids = [...byPractice.keys()];
	for (let at = 0; at < ids.length; at += PRACTICE_BATCH) {
		const batch = ids.slice(at, at + PRACTICE_BATCH);
		const batchRounds = batch.flatMap((id) => byPractice.get(id)!);
		const among = db
			.selectFrom('round')
			.select('round.id as id')
			.where('round.instrument_version_id', '=', versionId)
			.where('round.practice_id', 'in', batch);
		const summaries = await summariesOf(db, batchRounds, among);
		for (const practiceId of batch) {
			const pool = emptyPool(instrument);
			for (const round of byPractice.get(practiceId)!) {
				const summary = summaries.get(round.id);
				if (summary) addRound(pool, summary, rules);
			}
			read.set(practiceId, pool);
		}
	}
	return read;
}

/**
 * The pools of the given practices (or of every practice with a round of the version), by
 * practice id, up to date with every summary written so far.
 */
export async function practicePools(
	db: DbOrTx,
	versionId: number,
	instrument: Instrument,
	rules: DisclosureRules,
	practices: number[] | 'all',
	today: string
): Promise<Map<number, Pool | null>> {
	const identity = databaseIdentity(db);
	let byKey = kept.get(identity);
	if (!byKey) kept.set(identity, (byKey = new Map()));
	const key = `${versionId}:${rules.minResponses}`;
	const found = byKey.get(key);
	if (found?.checkedOn !== today) {
		// Once a day: rounds that closed by their date and that nobody has read since get their summaries (and so a new version).
		await ensureRoundScores(db, { from: ALL_TIME, to: today }, today);
	}
	// Read before the rounds: a summary written meanwhile is read now and again next time, which is harmless.
	const version = await scoresVersion(db);
	const entry: Kept = found ?? { version, checkedOn: today, whole: false, pools: new Map() };
	if (!found) byKey.set(key, entry);
	entry.checkedOn = today;
	if (version !== entry.version) {
		const changed = await db
			.selectFrom('round_score')
			.innerJoin('round', 'round.id', 'round_score.round_id')
			.select('round.practice_id')
			.distinct()
			.where('round_score.version', '>', entry.version)
			.where('round.instrument_version_id', '=', versionId)
			.execute();
		const stale = changed.map((row) => row.practice_id);
		for (const id of stale) entry.pools.delete(id);
		entry.version = version;
		// The whole service stays whole: its changed practices are read again at once.
		if (entry.whole && stale.length > 0) await fill(entry, stale);
	}

	async function fill(into: Kept, ids: number[]) {
		for (let at = 0; at < ids.length; at += PRACTICE_BATCH) {
			for (const [id, pool] of await readPools(db, versionId, instrument, rules, ids.slice(at, at + PRACTICE_BATCH), today)) into.pools.set(id, pool);
		}
	}

	if (practices === 'all') {
		if (!entry.whole) {
			entry.readingAll ??= readPools(db, versionId, instrument, rules, 'all', today)
				.then((pools) => {
					entry.pools = pools;
					entry.whole = true;
				})
				.finally(() => (entry.readingAll = undefined));
			await entry.readingAll;
		}
		return entry.pools;
	}
	const missing = practices.filter((id) => !entry.pools.has(id));
	if (missing.length > 0) await fill(entry, missing);
	const result = new Map<number, Pool | null>();
	for (const id of practices) result.set(id, entry.pools.get(id) ?? null);
	return result;
}

/** Forgets every kept pool of a database: for tests that change summaries behind the app's back. */
export function forgetInstrumentPools(db: DbOrTx): void {
	kept.delete(databaseIdentity(db));
}
