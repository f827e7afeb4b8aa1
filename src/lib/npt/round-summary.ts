/**
 * A closed round's answers summed up: everything any figure the product shows is computed from,
 * and nothing about any one person. Stored when a round closes, so results pages, exports and
 * the API read a few hundred numbers per round instead of every answer.
 *
 * - per group (everyone, and each role group): how many people, and for the overall and each
 *   construct score the exact sums of respondent scores (Moments: n, Σx and Σx² as whole numbers
 *   of 1/unit steps, unit being every possible respondent score's common denominator on the
 *   instrument, scoreUnit), with the people counted by how many constructs they scored (the
 *   per-figure disclosure rule, §6). Whole numbers add up to the same whatever the order, so a
 *   round's mean, sd and interval (scoreFromMoments, the one place they are derived) have the same
 *   bits on every engine, however its answers lie in storage, and a mean on a band's edge (§4)
 *   is on it everywhere. They are numbers while they are safe integers, as every round's are, and
 *   BigInts only beyond 2⁵³, which sums pooled at national scale can reach (Whole);
 * - per statement: answers by point and by "not relevant" code (distributions, §3);
 * - per general rating: answers by rating;
 * - per construct: for the people who scored every statement of it, the statement sums and
 *   cross-products (Cronbach's α, §3): multiples of 0.25, which doubles hold exactly up to 2⁵¹, so
 *   these too add up the same in any order.
 * Each part adds up exactly across rounds and practices (pooling, §7; sums over different units
 * are put over their least common multiple first), and disclosure is applied when figures are
 * read, never here: MIN_RESPONSES is configuration.
 */
import { AGREEMENT_POINTS, GENERAL_MAX, GENERAL_MIN, NOT_RELEVANT_CODES, isAgreementPoint, scoreAnswer, type AgreementPoint, type NotRelevantCode } from './answers';
import { CONSTRUCTS, type Construct, SCORE_KEYS, type ScoreKey } from './constructs';
import { itemsIn, minimumItemsFor, type Instrument } from './instrument';
import { SCALE_MAX, SCALE_MIN } from './scale';
import {
	itemResultFromCounts,
	scoredAnswersOf,
	type Consistency,
	type GeneralItemResult,
	type GroupScore,
	type GroupScores,
	type ItemResult,
	type Respondent
} from './scoring';
import { studentTQuantile } from './statistics';

/**
 * A whole number, exactly: a number while it is a safe integer, a BigInt only beyond 2⁵³. Every
 * Whole the functions here return is in that form, so equal values are ===, and a round's sums
 * and most figures never touch a BigInt (they cost far more to read and add up).
 */
export type Whole = number | bigint;

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

function whole(value: bigint): Whole {
	return value <= MAX_EXACT && value >= -MAX_EXACT ? Number(value) : value;
}

/*
 * a + b and a × b exactly. Done in doubles when the result is a safe integer: a true result
 * beyond 2⁵³ rounds to a double beyond it too, which is not safe, so that case is done again in
 * BigInts and nothing is ever rounded.
 */
function plus(a: Whole, b: Whole): Whole {
	if (typeof a === 'number' && typeof b === 'number') {
		const sum = a + b;
		if (Number.isSafeInteger(sum)) return sum;
	}
	return whole(BigInt(a) + BigInt(b));
}

function minus(a: Whole, b: Whole): Whole {
	if (typeof a === 'number' && typeof b === 'number') {
		const difference = a - b;
		if (Number.isSafeInteger(difference)) return difference;
	}
	return whole(BigInt(a) - BigInt(b));
}

function times(a: Whole, b: Whole): Whole {
	if (typeof a === 'number' && typeof b === 'number') {
		const product = a * b;
		if (Number.isSafeInteger(product)) return product;
	}
	return whole(BigInt(a) * BigInt(b));
}

/** a ÷ b where b divides a: a whole quotient of safe integers is exact in doubles. */
function dividedExactly(a: Whole, b: Whole): Whole {
	if (typeof a === 'number' && typeof b === 'number') return a / b;
	return whole(BigInt(a) / BigInt(b));
}

function gcd(a: Whole, b: Whole): Whole {
	if (typeof a === 'number' && typeof b === 'number') {
		while (b !== 0) [a, b] = [b, a % b];
		return a;
	}
	let [x, y] = [BigInt(a), BigInt(b)];
	while (y !== 0n) [x, y] = [y, x % y];
	return whole(x);
}

const lcm = (a: Whole, b: Whole): Whole => (a === b ? a : times(dividedExactly(a, gcd(a, b)), b));

/**
 * The exact sums of a set of scores: enough for mean, sd and interval, and pooled by adding.
 * Every score counts as the whole number score × unit.
 */
export interface Moments {
	n: number;
	/** The scores' common denominator. */
	unit: Whole;
	/** Σ score × unit. */
	sum: Whole;
	/** Σ (score × unit)². */
	sumOfSquares: Whole;
}

export interface GroupSummary {
	respondents: number;
	scores: Record<ScoreKey, Moments>;
	/** People by how many constructs they scored: all four, enough for an overall, fewer. */
	constructsScored: { all: number; some: number; tooFew: number };
}

/** A statement's answers by point, 1 to 5, then by "not relevant" code, in NOT_RELEVANT_CODES' order. */
export type StatementCounts = number[];

/** Where each answer is counted in StatementCounts. */
const STATEMENT_COLUMN = new Map<AgreementPoint | NotRelevantCode, number>([
	...AGREEMENT_POINTS.map((p, i) => [p, i] as const),
	...NOT_RELEVANT_CODES.map((c, i) => [c, AGREEMENT_POINTS.length + i] as const)
]);
const STATEMENT_LENGTH = STATEMENT_COLUMN.size;

/** The statement sums and cross-products of the people who scored every statement of a construct. */
export interface ConsistencySums {
	complete: number;
	/** Σ of each statement's scored values (reverse-worded ones reversed), in the instrument's order. */
	sums: number[];
	/** Σ xᵢxⱼ for i ≤ j, row by row. */
	products: number[];
}

/**
 * 3: the exact sums of 2 in a positional layout of numbers (summaryToJson): a third of the text,
 * read in less than half the time; 2 held them as named fields of decimal strings; 1 kept
 * floating-point means added in storage order.
 */
export const SUMMARY_FORMAT = 3;

export interface RoundSummary {
	/** Which layout this is; a summary of another is rebuilt from the answers. */
	format: typeof SUMMARY_FORMAT;
	everyone: GroupSummary;
	/** Only role groups somebody chose. */
	roleGroups: Record<string, GroupSummary>;
	statements: Record<string, StatementCounts>;
	/** Answers by rating, from GENERAL_MIN to GENERAL_MAX. */
	general: Record<string, number[]>;
	consistency: Record<Construct, ConsistencySums>;
}

const noMoments = (unit: Whole): Moments => ({ n: 0, unit, sum: 0, sumOfSquares: 0 });

const noStatementCounts = (): StatementCounts => Array<number>(STATEMENT_LENGTH).fill(0);

/** A group nobody is in, its sums in steps of 1/unit. */
export function emptyGroupSummary(unit: Whole = 1): GroupSummary {
	return {
		respondents: 0,
		scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, noMoments(unit)])) as Record<ScoreKey, Moments>,
		constructsScored: { all: 0, some: 0, tooFew: 0 }
	};
}

/** The least common multiple of the whole numbers from `from` to `to`. */
function lcmOfRange(from: number, to: number): Whole {
	let result: Whole = 1;
	for (let k = from; k <= to; k++) result = lcm(result, k);
	return result;
}

/** The least whole number that makes every scored answer on the 0–10 scale whole (2: 0, 5, 10, 15, 20). */
const ANSWER_STEPS = (() => {
	for (let steps = 1; steps <= 1000; steps++) {
		if (AGREEMENT_POINTS.every((p) => Number.isInteger(scoreAnswer(p, false) * steps))) return steps;
	}
	throw new Error('The 0–10 scale has no whole-number steps');
})();

/**
 * Every score a respondent can have on this instrument × scoreUnit is a whole number (§3): a
 * construct score is a sum of scored answers (whole in 1/ANSWER_STEPS) over how many they scored,
 * which the minimum-items rule bounds, and an overall score a sum of construct scores over how
 * many they have. So the unit is ANSWER_STEPS × the lcm of every possible count of scored
 * statements in a construct × the lcm of every possible count of scored constructs. For the
 * built-in survey (5, 5, 7 and 5 statements, half needed, 3 of 4 constructs) it is
 * 2 × lcm(3…7) × lcm(3, 4) = 10,080.
 */
export function scoreUnit(instrument: Instrument): Whole {
	let statements: Whole = 1;
	for (const construct of CONSTRUCTS) {
		statements = lcm(statements, lcmOfRange(Math.max(1, minimumItemsFor(instrument, construct)), itemsIn(instrument, construct).length));
	}
	const constructs = lcmOfRange(instrument.scoring.minConstructsForOverall, CONSTRUCTS.length);
	return times(times(ANSWER_STEPS, statements), constructs);
}

/** A respondent's construct and overall scores × unit, exactly (the same rule as scoreRespondent). */
function scaledScores(instrument: Instrument, unit: Whole, respondent: Respondent) {
	const scored = scoredAnswersOf(instrument, respondent);
	const perStep = dividedExactly(unit, ANSWER_STEPS);
	const constructs = {} as Record<Construct, Whole | null>;
	let total: Whole = 0;
	let count = 0;
	for (const construct of CONSTRUCTS) {
		const answers = scored.constructs[construct];
		if (answers === null) {
			constructs[construct] = null;
			continue;
		}
		const steps = answers.reduce((sum, answer) => sum + answer * ANSWER_STEPS, 0);
		// The unit makes every score whole: answers.length divides steps × perStep.
		const value = dividedExactly(times(steps, perStep), answers.length);
		constructs[construct] = value;
		total = plus(total, value);
		count += 1;
	}
	return { constructs, overall: scored.overall ? dividedExactly(total, count) : null };
}

/** One more score, × the moments' unit. */
function add(moments: Moments, value: Whole): void {
	moments.n += 1;
	moments.sum = plus(moments.sum, value);
	moments.sumOfSquares = plus(moments.sumOfSquares, times(value, value));
}

/** Two sets of scores as one, over the lcm of their units. */
function combine(into: Moments, from: Moments): void {
	into.n += from.n;
	if (into.unit === from.unit) {
		into.sum = plus(into.sum, from.sum);
		into.sumOfSquares = plus(into.sumOfSquares, from.sumOfSquares);
		return;
	}
	const unit = lcm(into.unit, from.unit);
	const intoScale = dividedExactly(unit, into.unit);
	const fromScale = dividedExactly(unit, from.unit);
	into.unit = unit;
	into.sum = plus(times(into.sum, intoScale), times(from.sum, fromScale));
	into.sumOfSquares = plus(times(into.sumOfSquares, times(intoScale, intoScale)), times(from.sumOfSquares, times(fromScale, fromScale)));
}

/**
 * p / q (p ≥ 0, q > 0) as the nearest double, rounded once: so a figure's bits follow from the
 * exact sums alone. The quotient is taken to at least 64 bits, the remainder kept as a sticky
 * last bit, and Number() rounds that to 53.
 */
export function exactRatio(numerator: Whole, denominator: Whole): number {
	// Both exact as doubles: IEEE division rounds once already.
	if (typeof numerator === 'number' && typeof denominator === 'number') return numerator / denominator;
	const [p, q] = [BigInt(numerator), BigInt(denominator)];
	if (p <= MAX_EXACT && q <= MAX_EXACT) return Number(p) / Number(q);
	const shift = 64 - (p.toString(2).length - q.toString(2).length);
	const [dividend, divisor] = shift >= 0 ? [p << BigInt(shift), q] : [p, q << BigInt(-shift)];
	let quotient = dividend / divisor;
	if (dividend % divisor !== 0n) quotient |= 1n;
	return Number(quotient) * 2 ** -shift;
}

/** Sums every respondent of a round up. The one place answers are read for figures. */
export function summariseRespondents(instrument: Instrument, respondents: readonly Respondent[]): RoundSummary {
	const unit = scoreUnit(instrument);
	const everyone = emptyGroupSummary(unit);
	const roleGroups: Record<string, GroupSummary> = {};
	const statements: Record<string, StatementCounts> = {};
	for (const item of instrument.items) statements[item.id] = noStatementCounts();
	const general: Record<string, number[]> = {};
	for (const item of instrument.generalItems) general[item.id] = Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, () => 0);
	const consistency = {} as Record<Construct, ConsistencySums>;
	const constructItems = {} as Record<Construct, ReturnType<typeof itemsIn>>;
	for (const construct of CONSTRUCTS) {
		const k = (constructItems[construct] = itemsIn(instrument, construct)).length;
		consistency[construct] = { complete: 0, sums: Array(k).fill(0), products: Array((k * (k + 1)) / 2).fill(0) };
	}

	for (const respondent of respondents) {
		const score = scaledScores(instrument, unit, respondent);
		const groups = [everyone];
		if (respondent.roleGroup !== null && instrument.roleGroups.some((g) => g.id === respondent.roleGroup)) {
			groups.push((roleGroups[respondent.roleGroup] ??= emptyGroupSummary(unit)));
		}
		const scored = CONSTRUCTS.filter((c) => score.constructs[c] !== null).length;
		for (const group of groups) {
			group.respondents += 1;
			if (score.overall !== null) add(group.scores.overall, score.overall);
			for (const construct of CONSTRUCTS) {
				const value = score.constructs[construct];
				if (value !== null) add(group.scores[construct], value);
			}
			if (scored === CONSTRUCTS.length) group.constructsScored.all += 1;
			else if (score.overall !== null) group.constructsScored.some += 1;
			else if (scored > 0) group.constructsScored.tooFew += 1;
		}

		for (const [itemId, answer] of Object.entries(respondent.agreement)) {
			const counts = statements[itemId];
			if (!counts) continue;
			const column = STATEMENT_COLUMN.get(answer);
			if (column !== undefined) counts[column]! += 1;
		}
		for (const [itemId, value] of Object.entries(respondent.general)) {
			const counts = general[itemId];
			if (counts && value >= GENERAL_MIN && value <= GENERAL_MAX) counts[value - GENERAL_MIN]! += 1;
		}
		for (const construct of CONSTRUCTS) {
			const items = constructItems[construct];
			const row: number[] = [];
			for (const item of items) {
				const answer = respondent.agreement[item.id];
				if (answer === undefined || !isAgreementPoint(answer)) break;
				row.push(scoreAnswer(answer, item.reversed));
			}
			if (row.length !== items.length || items.length === 0) continue;
			const sums = consistency[construct];
			sums.complete += 1;
			let at = 0;
			for (let i = 0; i < row.length; i++) {
				sums.sums[i]! += row[i]!;
				for (let j = i; j < row.length; j++) sums.products[at++]! += row[i]! * row[j]!;
			}
		}
	}
	// In the instrument's order, whatever order people answered in: the stored text is the same too.
	const byInstrument: Record<string, GroupSummary> = {};
	for (const { id } of instrument.roleGroups) if (roleGroups[id]) byInstrument[id] = roleGroups[id];
	return { format: SUMMARY_FORMAT, everyone, roleGroups: byInstrument, statements, general, consistency };
}

/**
 * A group's score from its exact sums, as summariseScores gives it from the scores themselves:
 * the one place mean, sd and interval are derived from a summary.
 */
export function scoreFromMoments(moments: Moments, confidenceLevel: number): GroupScore {
	const { n, unit, sum, sumOfSquares } = moments;
	if (n === 0) return { n, mean: null, sd: null, interval: null };
	const mean = exactRatio(sum, times(n, unit));
	if (n < 2) return { n, mean, sd: null, interval: null };
	// n·Σx² − (Σx)² is n·Σ(x − mean)², exactly: never below nothing, nothing when everyone scored alike.
	const sd = Math.sqrt(exactRatio(minus(times(n, sumOfSquares), times(sum, sum)), times(times(n, n - 1), times(unit, unit))));
	const half = (studentTQuantile(1 - (1 - confidenceLevel) / 2, n - 1) * sd) / Math.sqrt(n);
	return { n, mean, sd, interval: { lower: Math.max(SCALE_MIN, mean - half), upper: Math.min(SCALE_MAX, mean + half) } };
}

export function groupScoresFrom(group: GroupSummary, confidenceLevel: number): GroupScores {
	const constructs = {} as Record<Construct, GroupScore>;
	for (const construct of CONSTRUCTS) constructs[construct] = scoreFromMoments(group.scores[construct], confidenceLevel);
	return { overall: scoreFromMoments(group.scores.overall, confidenceLevel), constructs };
}

/** The counts behind each of a group's figures, for disclosableRoleGroupsPerFigure. */
export function figureCountsOf(group: GroupSummary) {
	const figures = {
		overall: group.scores.overall.n,
		allConstructs: group.constructsScored.all,
		someConstructs: group.constructsScored.some,
		tooFewConstructs: group.constructsScored.tooFew
	} as Record<ScoreKey | 'allConstructs' | 'someConstructs' | 'tooFewConstructs', number>;
	for (const construct of CONSTRUCTS) figures[construct] = group.scores[construct].n;
	return { respondents: group.respondents, figures };
}

/** Each statement's distribution (§3): shares of scored answers, "not relevant" beside them. */
export function statementResultsFrom(instrument: Instrument, summary: RoundSummary): ItemResult[] {
	return instrument.items.map((item) => {
		const counts = summary.statements[item.id] ?? noStatementCounts();
		const points = {} as Record<AgreementPoint, number>;
		for (const p of AGREEMENT_POINTS) points[p] = counts[STATEMENT_COLUMN.get(p)!]!;
		const notRelevant = {} as Record<NotRelevantCode, number>;
		for (const c of NOT_RELEVANT_CODES) notRelevant[c] = counts[STATEMENT_COLUMN.get(c)!]!;
		return itemResultFromCounts(item, points, notRelevant, instrument.scoring.confidenceLevel);
	});
}

/** Each general rating's mean and distribution (§3). */
export function generalResultsFrom(instrument: Instrument, summary: RoundSummary): GeneralItemResult[] {
	return instrument.generalItems.map((item) => {
		const counts = [...(summary.general[item.id] ?? Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, () => 0))];
		// Whole-number ratings: their sums are exact in steps of 1.
		const moments = noMoments(1);
		counts.forEach((count, i) => {
			const rating = GENERAL_MIN + i;
			moments.n += count;
			moments.sum = plus(moments.sum, times(count, rating));
			moments.sumOfSquares = plus(moments.sumOfSquares, times(count, rating * rating));
		});
		return { itemId: item.id, score: scoreFromMoments(moments, instrument.scoring.confidenceLevel), counts };
	});
}

/** Cronbach's α from the sums and cross-products (§3), as internalConsistency from the answers. */
export function consistencyFrom(instrument: Instrument, sums: ConsistencySums): Consistency {
	const { complete, sums: totals, products } = sums;
	const k = totals.length;
	if (complete < instrument.scoring.minRespondentsForAlpha || k < 2) return { complete, alpha: null };
	const covariance = (i: number, j: number) => {
		const [a, b] = i <= j ? [i, j] : [j, i];
		// Row a of the upper triangle starts after the a rows above it, of k, k − 1 … entries.
		const at = a * k - (a * (a - 1)) / 2 + (b - a);
		return (products[at]! - (totals[a]! * totals[b]!) / complete) / (complete - 1);
	};
	let itemVariance = 0;
	let totalVariance = 0;
	for (let i = 0; i < k; i++) {
		itemVariance += covariance(i, i);
		for (let j = 0; j < k; j++) totalVariance += covariance(i, j);
	}
	if (!(totalVariance > 1e-12)) return { complete, alpha: null };
	return { complete, alpha: (k / (k - 1)) * (1 - itemVariance / totalVariance) };
}

/** Several sets of scores as one, exactly: the same whatever their order or grouping. */
export function poolMoments(list: readonly Moments[]): Moments {
	const pooled = noMoments(1);
	for (const moments of list) combine(pooled, moments);
	return pooled;
}

function addGroup(into: GroupSummary, from: GroupSummary): void {
	into.respondents += from.respondents;
	for (const key of SCORE_KEYS) combine(into.scores[key], from.scores[key]);
	into.constructsScored.all += from.constructsScored.all;
	into.constructsScored.some += from.constructsScored.some;
	into.constructsScored.tooFew += from.constructsScored.tooFew;
}

/**
 * Several rounds' summaries added up, as if their respondents had answered one round: for
 * pooled figures across practices (§7). Statements and α only add up over one instrument.
 */
export function poolSummaries(summaries: readonly RoundSummary[]): RoundSummary {
	const pooled: RoundSummary = {
		format: SUMMARY_FORMAT,
		everyone: emptyGroupSummary(),
		roleGroups: {},
		statements: {},
		general: {},
		consistency: {} as Record<Construct, ConsistencySums>
	};
	for (const summary of summaries) {
		addGroup(pooled.everyone, summary.everyone);
		for (const [id, group] of Object.entries(summary.roleGroups)) addGroup((pooled.roleGroups[id] ??= emptyGroupSummary()), group);
		for (const [id, counts] of Object.entries(summary.statements)) {
			const into = (pooled.statements[id] ??= noStatementCounts());
			counts.forEach((count, i) => (into[i]! += count));
		}
		for (const [id, counts] of Object.entries(summary.general)) {
			const into = (pooled.general[id] ??= counts.map(() => 0));
			counts.forEach((count, i) => (into[i]! += count));
		}
	}
	for (const construct of CONSTRUCTS) pooled.consistency[construct] = poolConsistency(summaries.map((s) => s.consistency[construct]));
	return pooled;
}

/** One construct's α sums of several rounds added up (one instrument), without the rest of their summaries. */
export function poolConsistency(list: readonly ConsistencySums[]): ConsistencySums {
	const [first] = list;
	const pooled: ConsistencySums = { complete: 0, sums: first ? first.sums.map(() => 0) : [], products: first ? first.products.map(() => 0) : [] };
	for (const from of list) {
		pooled.complete += from.complete;
		from.sums.forEach((v, i) => (pooled.sums[i]! += v));
		from.products.forEach((v, i) => (pooled.products[i]! += v));
	}
	return pooled;
}

/*
 * A summary as stored (layout 3): JSON, positional, because it is read a few hundred times for
 * one page and parsing named fields cost more than every figure computed from them.
 *   { "format": 3,
 *     "everyone": group, "roleGroups": { id: group },
 *     "statements": { id: [answers by point 1–5, then by NOT_RELEVANT_CODES] },
 *     "general": { id: [answers by rating GENERAL_MIN–GENERAL_MAX] },
 *     "consistency": { construct: [complete, sums, products] } }
 * where a group is [respondents, all, some, tooFew, then n, unit, sum, sumOfSquares for each
 * of SCORE_KEYS], and a Whole is a JSON number while it is a safe integer (always, for one
 * round) and a decimal string beyond, as a JSON number stops being exact at 2⁵³.
 */

const GROUP_LENGTH = 4 + 4 * SCORE_KEYS.length;
const GENERAL_LENGTH = GENERAL_MAX - GENERAL_MIN + 1;

const wholeToJson = (value: Whole): number | string => (typeof value === 'bigint' ? value.toString() : value);

function groupToJson(group: GroupSummary): (number | string)[] {
	const { all, some, tooFew } = group.constructsScored;
	const row: (number | string)[] = [group.respondents, all, some, tooFew];
	for (const key of SCORE_KEYS) {
		const { n, unit, sum, sumOfSquares } = group.scores[key];
		row.push(n, wholeToJson(unit), wholeToJson(sum), wholeToJson(sumOfSquares));
	}
	return row;
}

const mapValues = <T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> =>
	Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));

export function summaryToJson(summary: RoundSummary): string {
	return JSON.stringify({
		format: SUMMARY_FORMAT,
		everyone: groupToJson(summary.everyone),
		roleGroups: mapValues(summary.roleGroups, groupToJson),
		statements: summary.statements,
		general: summary.general,
		consistency: mapValues(summary.consistency, ({ complete, sums, products }) => [complete, sums, products])
	});
}

/*
 * Reading one back checks every part's shape and every count, so a summary that does not read
 * as this layout, however it got that way, is rebuilt from the answers rather than shown. Each
 * check throws Malformed; summaryFromJson turns that into null.
 */
class Malformed extends Error {}

function countFromJson(value: unknown): number {
	if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Malformed();
	return value as number;
}

function wholeFromJson(value: unknown): Whole {
	if (typeof value === 'string' && /^\d+$/.test(value)) return whole(BigInt(value));
	return countFromJson(value);
}

function listOf(value: unknown, length: number): unknown[] {
	if (!Array.isArray(value) || value.length !== length) throw new Malformed();
	return value;
}

function recordOf(value: unknown): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed();
	return value as Record<string, unknown>;
}

/** Each value of a stored record read by `read`, into a record of its own. */
function eachOf<T>(value: unknown, read: (value: unknown) => T): Record<string, T> {
	const stored = recordOf(value);
	const result: Record<string, T> = {};
	for (const key in stored) {
		// Ids come from instrument definitions, and no id is that one: it would set the record's prototype.
		if (key === '__proto__') throw new Malformed();
		result[key] = read(stored[key]);
	}
	return result;
}

function countsFromJson(value: unknown, length: number): number[] {
	const counts = listOf(value, length);
	for (let i = 0; i < length; i++) countFromJson(counts[i]);
	return counts as number[];
}

/** Sums of quarter points: finite and never below nothing. */
function sumsFromJson(value: unknown, length: number): number[] {
	const sums = listOf(value, length);
	for (let i = 0; i < length; i++) {
		const v = sums[i];
		if (typeof v !== 'number' || !(v >= 0 && v < Infinity)) throw new Malformed();
	}
	return sums as number[];
}

function groupFromJson(value: unknown): GroupSummary {
	const row = listOf(value, GROUP_LENGTH);
	const scores = {} as Record<ScoreKey, Moments>;
	for (let i = 0, at = 4; i < SCORE_KEYS.length; i++, at += 4) {
		const unit = wholeFromJson(row[at + 1]);
		if (unit === 0) throw new Malformed();
		scores[SCORE_KEYS[i]!] = { n: countFromJson(row[at]), unit, sum: wholeFromJson(row[at + 2]), sumOfSquares: wholeFromJson(row[at + 3]) };
	}
	return { respondents: countFromJson(row[0]), scores, constructsScored: { all: countFromJson(row[1]), some: countFromJson(row[2]), tooFew: countFromJson(row[3]) } };
}

function consistencyFromJson(value: unknown): ConsistencySums {
	const [complete, sums, products] = listOf(value, 3);
	const k = Array.isArray(sums) ? sums.length : 0;
	return { complete: countFromJson(complete), sums: sumsFromJson(sums, k), products: sumsFromJson(products, (k * (k + 1)) / 2) };
}

/** A stored summary, or null when it does not read as this layout (it is then rebuilt from the answers). */
export function summaryFromJson(text: string): RoundSummary | null {
	try {
		const stored = recordOf(JSON.parse(text));
		if (stored.format !== SUMMARY_FORMAT) return null;
		const storedConsistency = recordOf(stored.consistency);
		const consistency = {} as Record<Construct, ConsistencySums>;
		for (const construct of CONSTRUCTS) consistency[construct] = consistencyFromJson(storedConsistency[construct]);
		return {
			format: SUMMARY_FORMAT,
			everyone: groupFromJson(stored.everyone),
			roleGroups: eachOf(stored.roleGroups, groupFromJson),
			statements: eachOf(stored.statements, (counts) => countsFromJson(counts, STATEMENT_LENGTH)),
			general: eachOf(stored.general, (counts) => countsFromJson(counts, GENERAL_LENGTH)),
			consistency
		};
	} catch (error) {
		// Not JSON (SyntaxError) or not this layout.
		if (error instanceof SyntaxError || error instanceof Malformed) return null;
		throw error;
	}
}
