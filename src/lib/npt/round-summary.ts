/**
 * A closed round's answers summed up: everything any figure the product shows is computed from,
 * and nothing about any one person. Stored when a round closes, so results pages, exports and
 * the API read a few hundred numbers per round instead of every answer.
 *
 * - per group (everyone, and each role group): how many people, and for the overall and each
 *   construct score the n, mean and sum of squared deviations of respondent scores (mean, sd,
 *   interval; kept the way Welford and Chan et al. add them up, so a spread of nothing stays
 *   exactly nothing, as Σx and Σx² would not), with the people
 *   counted by how many constructs they scored (the per-figure disclosure rule, §6);
 * - per statement: answers by point and by "not relevant" code (distributions, §3);
 * - per general rating: answers by rating;
 * - per construct: for the people who scored every statement of it, the statement sums and
 *   cross-products (Cronbach's α, §3).
 * Each part adds up across rounds and practices (pooling, §7), and disclosure is applied when
 * figures are read, never here: MIN_RESPONSES is configuration.
 */
import { AGREEMENT_POINTS, GENERAL_MAX, GENERAL_MIN, NOT_RELEVANT_CODES, isAgreementPoint, scoreAnswer, type AgreementPoint, type NotRelevantCode } from './answers';
import { SCORE_KEYS, type ScoreKey } from './change';
import { CONSTRUCTS, type Construct } from './constructs';
import { itemsIn, type Instrument } from './instrument';
import { SCALE_MAX, SCALE_MIN } from './scale';
import {
	itemResultFromCounts,
	scoreRespondent,
	type Consistency,
	type GeneralItemResult,
	type GroupScore,
	type GroupScores,
	type ItemResult,
	type Respondent
} from './scoring';
import { studentTQuantile } from './statistics';

/** n, mean and Σ(x − mean)² of a set of scores: enough for sd and interval, and pooled by adding. */
export interface Moments {
	n: number;
	mean: number;
	squaredDeviations: number;
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

export const SUMMARY_FORMAT = 1;

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

const noMoments = (): Moments => ({ n: 0, mean: 0, squaredDeviations: 0 });

const noStatementCounts = (): StatementCounts => ({
	points: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
	notRelevant: Object.fromEntries(NOT_RELEVANT_CODES.map((c) => [c, 0])) as Record<NotRelevantCode, number>
});

/** A group nobody is in. */
export function emptyGroupSummary(): GroupSummary {
	return {
		respondents: 0,
		scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, noMoments()])) as Record<ScoreKey, Moments>,
		constructsScored: { all: 0, some: 0, tooFew: 0 }
	};
}

/** Welford's update: one more score. */
function add(moments: Moments, value: number): void {
	moments.n += 1;
	const delta = value - moments.mean;
	moments.mean += delta / moments.n;
	moments.squaredDeviations += delta * (value - moments.mean);
}

/** Chan et al.'s combination: two sets of scores as one. */
function combine(into: Moments, from: Moments): void {
	if (from.n === 0) return;
	const n = into.n + from.n;
	const delta = from.mean - into.mean;
	into.squaredDeviations += from.squaredDeviations + (delta * delta * into.n * from.n) / n;
	into.mean += (delta * from.n) / n;
	into.n = n;
}

/** Sums every respondent of a round up. The one place answers are read for figures. */
export function summariseRespondents(instrument: Instrument, respondents: readonly Respondent[]): RoundSummary {
	const everyone = emptyGroupSummary();
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
		const score = scoreRespondent(instrument, respondent);
		const groups = [everyone];
		if (respondent.roleGroup !== null && instrument.roleGroups.some((g) => g.id === respondent.roleGroup)) {
			groups.push((roleGroups[respondent.roleGroup] ??= emptyGroupSummary()));
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
	return { format: SUMMARY_FORMAT, everyone, roleGroups, statements, general, consistency };
}

/** A group's score from its moments, as summariseScores gives it from the scores themselves. */
export function scoreFromMoments(moments: Moments, confidenceLevel: number): GroupScore {
	const { n, mean } = moments;
	if (n === 0) return { n, mean: null, sd: null, interval: null };
	if (n < 2) return { n, mean, sd: null, interval: null };
	const sd = Math.sqrt(Math.max(0, moments.squaredDeviations) / (n - 1));
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
		// Whole-number ratings: the mean is exact, then the deviations from it (two passes, as the answers would).
		const n = counts.reduce((a, b) => a + b, 0);
		const mean = n > 0 ? counts.reduce((sum, count, i) => sum + count * (GENERAL_MIN + i), 0) / n : 0;
		const squaredDeviations = counts.reduce((sum, count, i) => sum + count * (GENERAL_MIN + i - mean) ** 2, 0);
		const moments: Moments = { n, mean, squaredDeviations };
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

/** Several sets of scores as one. */
export function poolMoments(list: readonly Moments[]): Moments {
	const pooled = noMoments();
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

/** Whether a stored summary has the layout this code reads. */
export function isCurrentSummary(value: unknown): value is RoundSummary {
	return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === SUMMARY_FORMAT;
}
