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
 *   is on it everywhere. They can outgrow 2⁵³ at national scale, so they are BigInts, stored as
 *   decimal strings (summaryToJson);
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
import { SCORE_KEYS, type ScoreKey } from './change';
import { CONSTRUCTS, type Construct } from './constructs';
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
 * The exact sums of a set of scores: enough for mean, sd and interval, and pooled by adding.
 * Every score counts as the whole number score × unit.
 */
export interface Moments {
	n: number;
	/** The scores' common denominator. */
	unit: bigint;
	/** Σ score × unit. */
	sum: bigint;
	/** Σ (score × unit)². */
	sumOfSquares: bigint;
}

export interface GroupSummary {
	respondents: number;
	scores: Record<ScoreKey, Moments>;
	/** People by how many constructs they scored: all four, enough for an overall, fewer. */
	constructsScored: { all: number; some: number; tooFew: number };
}

export interface StatementCounts {
	points: Record<AgreementPoint, number>;
	notRelevant: Record<NotRelevantCode, number>;
}

/** The statement sums and cross-products of the people who scored every statement of a construct. */
export interface ConsistencySums {
	complete: number;
	/** Σ of each statement's scored values (reverse-worded ones reversed), in the instrument's order. */
	sums: number[];
	/** Σ xᵢxⱼ for i ≤ j, row by row. */
	products: number[];
}

/** 2: exact sums (Moments), where 1 kept floating-point means added in storage order. */
export const SUMMARY_FORMAT = 2;

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

const noMoments = (unit: bigint): Moments => ({ n: 0, unit, sum: 0n, sumOfSquares: 0n });

const noStatementCounts = (): StatementCounts => ({
	points: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
	notRelevant: Object.fromEntries(NOT_RELEVANT_CODES.map((c) => [c, 0])) as Record<NotRelevantCode, number>
});

/** A group nobody is in, its sums in steps of 1/unit. */
export function emptyGroupSummary(unit = 1n): GroupSummary {
	return {
		respondents: 0,
		scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, noMoments(unit)])) as Record<ScoreKey, Moments>,
		constructsScored: { all: 0, some: 0, tooFew: 0 }
	};
}

function gcd(a: bigint, b: bigint): bigint {
	while (b !== 0n) [a, b] = [b, a % b];
	return a;
}

const lcm = (a: bigint, b: bigint): bigint => (a / gcd(a, b)) * b;

/** The least common multiple of the whole numbers from `from` to `to`. */
function lcmOfRange(from: number, to: number): bigint {
	let result = 1n;
	for (let k = from; k <= to; k++) result = lcm(result, BigInt(k));
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
export function scoreUnit(instrument: Instrument): bigint {
	let statements = 1n;
	for (const construct of CONSTRUCTS) {
		statements = lcm(statements, lcmOfRange(Math.max(1, minimumItemsFor(instrument, construct)), itemsIn(instrument, construct).length));
	}
	const constructs = lcmOfRange(instrument.scoring.minConstructsForOverall, CONSTRUCTS.length);
	return BigInt(ANSWER_STEPS) * statements * constructs;
}

/** A respondent's construct and overall scores × unit, exactly (the same rule as scoreRespondent). */
function scaledScores(instrument: Instrument, unit: bigint, respondent: Respondent) {
	const scored = scoredAnswersOf(instrument, respondent);
	const perStep = unit / BigInt(ANSWER_STEPS);
	const constructs = {} as Record<Construct, bigint | null>;
	let total = 0n;
	let count = 0n;
	for (const construct of CONSTRUCTS) {
		const answers = scored.constructs[construct];
		if (answers === null) {
			constructs[construct] = null;
			continue;
		}
		const steps = answers.reduce((sum, answer) => sum + answer * ANSWER_STEPS, 0);
		const value = (BigInt(steps) * perStep) / BigInt(answers.length);
		constructs[construct] = value;
		total += value;
		count += 1n;
	}
	return { constructs, overall: scored.overall ? total / count : null };
}

/** One more score, × the moments' unit. */
function add(moments: Moments, value: bigint): void {
	moments.n += 1;
	moments.sum += value;
	moments.sumOfSquares += value * value;
}

/** Two sets of scores as one, over the lcm of their units. */
function combine(into: Moments, from: Moments): void {
	const unit = lcm(into.unit, from.unit);
	const intoScale = unit / into.unit;
	const fromScale = unit / from.unit;
	into.n += from.n;
	into.unit = unit;
	into.sum = into.sum * intoScale + from.sum * fromScale;
	into.sumOfSquares = into.sumOfSquares * intoScale * intoScale + from.sumOfSquares * fromScale * fromScale;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * p / q (p ≥ 0, q > 0) as the nearest double, rounded once: so a figure's bits follow from the
 * exact sums alone. The quotient is taken to at least 64 bits, the remainder kept as a sticky
 * last bit, and Number() rounds that to 53.
 */
export function exactRatio(p: bigint, q: bigint): number {
	// Both exact as doubles: IEEE division rounds once already.
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
			if (isAgreementPoint(answer)) counts.points[answer] += 1;
			else counts.notRelevant[answer] += 1;
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
	const count = BigInt(n);
	const mean = exactRatio(sum, count * unit);
	if (n < 2) return { n, mean, sd: null, interval: null };
	// n·Σx² − (Σx)² is n·Σ(x − mean)², exactly: never below nothing, nothing when everyone scored alike.
	const sd = Math.sqrt(exactRatio(count * sumOfSquares - sum * sum, count * (count - 1n) * unit * unit));
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
		return itemResultFromCounts(item, { ...counts.points }, { ...counts.notRelevant }, instrument.scoring.confidenceLevel);
	});
}

/** Each general rating's mean and distribution (§3). */
export function generalResultsFrom(instrument: Instrument, summary: RoundSummary): GeneralItemResult[] {
	return instrument.generalItems.map((item) => {
		const counts = [...(summary.general[item.id] ?? Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, () => 0))];
		// Whole-number ratings: their sums are exact in steps of 1.
		const moments = noMoments(1n);
		counts.forEach((count, i) => {
			const rating = BigInt(GENERAL_MIN + i);
			moments.n += count;
			moments.sum += BigInt(count) * rating;
			moments.sumOfSquares += BigInt(count) * rating * rating;
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
	const pooled = noMoments(1n);
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
			for (const p of AGREEMENT_POINTS) into.points[p] += counts.points[p];
			for (const c of NOT_RELEVANT_CODES) into.notRelevant[c] += counts.notRelevant[c];
		}
		for (const [id, counts] of Object.entries(summary.general)) {
			const into = (pooled.general[id] ??= counts.map(() => 0));
			counts.forEach((count, i) => (into[i]! += count));
		}
		for (const construct of CONSTRUCTS) {
			const from = summary.consistency[construct];
			const into = (pooled.consistency[construct] ??= { complete: 0, sums: from.sums.map(() => 0), products: from.products.map(() => 0) });
			into.complete += from.complete;
			from.sums.forEach((v, i) => (into.sums[i]! += v));
			from.products.forEach((v, i) => (into.products[i]! += v));
		}
	}
	return pooled;
}

/** A summary as stored: JSON, its exact sums as decimal strings (JSON numbers stop being exact at 2⁵³). */
export function summaryToJson(summary: RoundSummary): string {
	return JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

const wholeNumber = /^\d+$/;

function momentsFromJson(value: unknown): Moments | null {
	if (typeof value !== 'object' || value === null) return null;
	const { n, unit, sum, sumOfSquares } = value as Record<string, unknown>;
	if (!Number.isSafeInteger(n) || (n as number) < 0) return null;
	if (![unit, sum, sumOfSquares].every((v) => typeof v === 'string' && wholeNumber.test(v)) || unit === '0') return null;
	return { n: n as number, unit: BigInt(unit as string), sum: BigInt(sum as string), sumOfSquares: BigInt(sumOfSquares as string) };
}

/** A stored summary, or null when it has another layout (it is then rebuilt from the answers). */
export function summaryFromJson(text: string): RoundSummary | null {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return null;
	}
	if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== SUMMARY_FORMAT) return null;
	const summary = value as RoundSummary;
	if (typeof summary.everyone !== 'object' || summary.everyone === null || typeof summary.roleGroups !== 'object' || summary.roleGroups === null) return null;
	for (const group of [summary.everyone, ...Object.values(summary.roleGroups)]) {
		if (typeof group?.scores !== 'object' || group.scores === null) return null;
		for (const key of SCORE_KEYS) {
			const moments = momentsFromJson(group.scores[key]);
			if (moments === null) return null;
			group.scores[key] = moments;
		}
	}
	return summary;
}
