/**
 * What each practice's closed rounds of one instrument version add to the instrument report
 * (issue 29), read from the rounds' stored summaries (never their answers) with disclosure
 * applied round by round (docs/scoring.md §6, per figure):
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
import { AGREEMENT_POINTS, NOT_RELEVANT_CODES, type AgreementPoint } from '../../npt/answers';
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

/** A scope's closed rounds of the version, with disclosure applied round by round, and how many practices are behind each part. */
export interface Pool {
	closedRounds: number;
	shownRounds: number;
	respondents: number;
	constructs: Record<Construct, ConstructPool>;
	statements: Record<string, StatementPool>;
	practices: { shown: number; constructs: Record<Construct, number>; statements: Record<string, number> };
}

/*
 * A practice's pool is kept as one Float64Array, so thousands of them add up in a few
 * milliseconds and take a few kilobytes each: [closed rounds, shown rounds, respondents], then
 * per construct [rounds, complete, sums (k), products (k(k + 1)/2)], then per statement
 * [rounds, asked, counts (8)]. Every value is a whole number or a multiple of 0.25 far below
 * 2⁵³, so the sums are exact in any order.
 */
interface Layout {
	size: number;
	constructs: Record<Construct, { at: number; k: number }>;
	statements: { id: string; at: number }[];
}

const HEAD = 3;
const STATEMENT_COUNTS = AGREEMENT_POINTS.length + NOT_RELEVANT_CODES.length;
const layouts = new WeakMap<Instrument, Layout>();

function layoutOf(instrument: Instrument): Layout {
	let layout = layouts.get(instrument);
	if (layout) return layout;
	let at = HEAD;
	const constructs = {} as Layout['constructs'];
	for (const construct of CONSTRUCTS) {
		const k = itemsIn(instrument, construct).length;
		constructs[construct] = { at, k };
		at += 2 + k + (k * (k + 1)) / 2;
	}
	const statements = instrument.items.map((item) => {
		const block = { id: item.id, at };
		at += 2 + STATEMENT_COUNTS;
		return block;
	});
	layouts.set(instrument, (layout = { size: at, constructs, statements }));
	return layout;
}

/** One closed round into a practice's pool, as far as disclosure lets it in. */
function addRound(layout: Layout, pool: Float64Array, summary: RoundSummary, rules: DisclosureRules): void {
	pool[0]! += 1;
	const respondents = summary.everyone.respondents;
	if (!canShow({ respondents }, rules)) return;
	pool[1]! += 1;
	pool[2]! += respondents;
	for (const construct of CONSTRUCTS) {
		if (!canShow({ score: summary.everyone.scores[construct] }, rules)) continue;
		const { at, k } = layout.constructs[construct];
		const from = summary.consistency[construct];
		if (!from || from.sums.length !== k) continue;
		pool[at]! += 1;
		pool[at + 1]! += from.complete;
		from.sums.forEach((v, i) => (pool[at + 2 + i]! += v));
		from.products.forEach((v, i) => (pool[at + 2 + k + i]! += v));
	}
	// One record for every statement's count by point: fifty thousand rounds make a million of them otherwise.
	const scored = {} as Record<AgreementPoint, number>;
	for (const { id, at } of layout.statements) {
		const counts = summary.statements[id];
		if (!counts) continue;
		AGREEMENT_POINTS.forEach((point, i) => (scored[point] = counts[i] ?? 0));
		if (!canShow({ scored }, rules)) continue;
		pool[at]! += 1;
		pool[at + 1]! += respondents;
		for (let i = 0; i < STATEMENT_COUNTS; i++) pool[at + 2 + i]! += counts[i] ?? 0;
	}
}

/** Practices' pools added up into a scope's, with how many practices are behind each part. */
export function poolScope(instrument: Instrument, pools: Iterable<Float64Array | null>): Pool {
	const layout = layoutOf(instrument);
	const total = new Float64Array(layout.size);
	const practices = { shown: 0, constructs: {} as Record<Construct, number>, statements: {} as Record<string, number> };
	for (const construct of CONSTRUCTS) practices.constructs[construct] = 0;
	for (const { id } of layout.statements) practices.statements[id] = 0;
	for (const pool of pools) {
		if (!pool) continue;
		for (let i = 0; i < layout.size; i++) total[i]! += pool[i]!;
		if (pool[1]! > 0) practices.shown += 1;
		for (const construct of CONSTRUCTS) if (pool[layout.constructs[construct].at]! > 0) practices.constructs[construct] += 1;
		for (const { id, at } of layout.statements) if (pool[at]! > 0) practices.statements[id]! += 1;
	}
	const constructs = {} as Record<Construct, ConstructPool>;
	for (const construct of CONSTRUCTS) {
		const { at, k } = layout.constructs[construct];
		constructs[construct] = {
			rounds: total[at]!,
			sums: { complete: total[at + 1]!, sums: [...total.subarray(at + 2, at + 2 + k)], products: [...total.subarray(at + 2 + k, at + 2 + k + (k * (k + 1)) / 2)] }
		};
	}
	const statements: Record<string, StatementPool> = {};
	for (const { id, at } of layout.statements) {
		statements[id] = { rounds: total[at]!, asked: total[at + 1]!, counts: [...total.subarray(at + 2, at + 2 + STATEMENT_COUNTS)] };
	}
	return { closedRounds: total[0]!, shownRounds: total[1]!, respondents: total[2]!, constructs, statements, practices };
}

interface Kept {
	/** The score-write count (app_meta) the pools are up to date with. */
	version: number;
	/** The day rounds closed by their date were last given their summaries. */
	checkedOn: string;
	/** Whether every practice with a round of the version is in `pools`. */
	whole: boolean;
	/** Per practice; a practice read with no closed round of the version has none. */
	pools: Map<number, Float64Array | null>;
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
	const read = new Map<number, Float64Array | null>();
	const layout = layoutOf(instrument);
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
			const pool = new Float64Array(layout.size);
			for (const round of byPractice.get(practiceId)!) {
				const summary = summaries.get(round.id);
				if (summary) addRound(layout, pool, summary, rules);
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
): Promise<Map<number, Float64Array | null>> {
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
		// From the rows written since (round_score_version_idx), never a pass over every round.
		const changed = await db
			.selectFrom('round')
			.select('round.practice_id')
			.distinct()
			.where('round.id', 'in', db.selectFrom('round_score').select('round_score.round_id').where('round_score.version', '>', entry.version))
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
	const result = new Map<number, Float64Array | null>();
	for (const id of practices) result.set(id, entry.pools.get(id) ?? null);
	return result;
}

/** Forgets every kept pool of a database: for tests that change summaries behind the app's back. */
export function forgetInstrumentPools(db: DbOrTx): void {
	kept.delete(databaseIdentity(db));
}
