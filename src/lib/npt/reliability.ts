/**
 * How well an instrument measures (issue 29): per construct, Cronbach's α with its Feldt
 * interval, α if each statement were dropped, each statement's item–rest correlation and the
 * range of correlations between statements; per statement, how often people found it not
 * relevant (by kind), skipped it, or gave the lowest or highest scored answer. Then a reading of
 * each in plain words.
 *
 * Everything is worked out from pooled sums alone (npt/round-summary.ts: ConsistencySums and
 * StatementCounts), never from anyone's answers, so it adds up across rounds and practices. Pure:
 * the caller decides which rounds are pooled (disclosure per figure, docs/scoring.md §6) and passes
 * the sums.
 *
 * The readings are readings, not pass marks: the thresholds below are the project's own rules of
 * thumb for where to look, and no α or share makes an instrument valid or invalid.
 */
import fQuantile from '@stdlib/stats-base-dists-f-quantile';
import { AGREEMENT_POINTS, NOT_RELEVANT_CODES, scoreAnswer, type NotRelevantCode } from './answers';
import type { Construct } from './constructs';
import { canShow, type DisclosureRules } from './disclosure';
import { itemsIn, type Instrument, type InstrumentItem } from './instrument';
import { consistencyFrom, type ConsistencySums, type StatementCounts } from './round-summary';

/** The thresholds the readings use: where a figure is worth a second look, never a pass mark. */
export const READING_THRESHOLDS = {
	/** An item–rest correlation below this: the statement barely moves with the rest of its construct. */
	weakItemRest: 0.2,
	/** α if dropped at least this much above α: dropping the statement would raise α. */
	alphaGainIfDropped: 0.01,
	/** An interval wider than this (upper − lower): too wide to judge yet. */
	wideInterval: 0.3,
	/** α at or above this: the statements may ask nearly the same thing. */
	veryHighAlpha: 0.9,
	/** Two statements correlating above this may ask the same thing twice. */
	highInterItem: 0.8,
	/** A "not relevant" rate of a kind at or above this share of the people asked is a finding. */
	notRelevant: 0.2,
	/** A skip rate at or above this share of the people asked. */
	skipped: 0.1,
	/** Half or more of the scored answers at the lowest or highest scored value. */
	floorOrCeiling: 0.5
} as const;

/**
 * Context, never a pass mark: the α ranges published for NoMAD's construct scales in its English,
 * Dutch and German validations. NoMAD is a different instrument with different statements.
 */
export const NOMAD_CONTEXT = {
	low: 0.62,
	high: 0.85,
	text:
		'For context only: the published validations of NoMAD (a different NPT survey, in English, Dutch and German) report α of about .62 to .85 for its construct scales. ' +
		'These statements are not NoMAD’s, so those figures are not a target or a pass mark for them.'
} as const;

const SCORED_COLUMNS = AGREEMENT_POINTS.length;
/** Where each "not relevant" kind is counted in StatementCounts (after the five points). */
const NOT_RELEVANT_COLUMN = Object.fromEntries(NOT_RELEVANT_CODES.map((code, i) => [code, SCORED_COLUMNS + i])) as Record<NotRelevantCode, number>;

/** The plain names of the three kinds of "not relevant". */
export const NOT_RELEVANT_KINDS = { not_relevant_role: 'role', not_relevant_stage: 'stage', not_relevant_practice: 'practice' } as const satisfies Record<NotRelevantCode, string>;
export type NotRelevantKind = (typeof NOT_RELEVANT_KINDS)[NotRelevantCode];

export interface Interval {
	lower: number;
	upper: number;
}

/**
 * Feldt's interval for Cronbach's α from n people and k statements, at `level` (e.g. 0.95):
 * lower = 1 − (1 − α)·F(1 − (1 − level)/2; n − 1, (n − 1)(k − 1)), upper the same with
 * F((1 − level)/2; …). The lower bound is as computed, even below 0; the upper never above 1.
 */
export function feldtInterval(alpha: number, n: number, k: number, level: number): Interval | null {
	if (!(n >= 2 && k >= 2 && Number.isFinite(alpha) && level > 0 && level < 1)) return null;
	const d1 = n - 1;
	const d2 = (n - 1) * (k - 1);
	const tail = (1 - level) / 2;
	return { lower: 1 - (1 - alpha) * fQuantile(1 - tail, d1, d2), upper: 1 - (1 - alpha) * fQuantile(tail, d1, d2) };
}

/** The sample covariances of the statements, from the sums and cross-products of `complete` people. */
export function covarianceMatrix(sums: ConsistencySums): number[][] {
	const { complete: n, sums: totals, products } = sums;
	const k = totals.length;
	const matrix = Array.from({ length: k }, () => Array<number>(k).fill(0));
	if (n < 2) return matrix;
	let at = 0;
	for (let i = 0; i < k; i++) {
		for (let j = i; j < k; j++) {
			// Σxy − ΣxΣy/n is n times the covariance's numerator; nothing below 0 on the diagonal.
			let value = (products[at++]! - (totals[i]! * totals[j]!) / n) / (n - 1);
			if (i === j && value < 1e-12) value = 0;
			matrix[i]![j] = matrix[j]![i] = value;
		}
	}
	return matrix;
}

/** The sums and cross-products without statement `drop`: for α if it were dropped. */
export function withoutItem(sums: ConsistencySums, drop: number): ConsistencySums {
	const k = sums.sums.length;
	const products: number[] = [];
	let at = 0;
	for (let i = 0; i < k; i++) {
		for (let j = i; j < k; j++, at++) if (i !== drop && j !== drop) products.push(sums.products[at]!);
	}
	return { complete: sums.complete, sums: sums.sums.filter((_, i) => i !== drop), products };
}

const NEAR_ZERO = 1e-12;

function correlation(covariance: number, varianceA: number, varianceB: number): number | null {
	if (!(varianceA > NEAR_ZERO && varianceB > NEAR_ZERO)) return null;
	return Math.max(-1, Math.min(1, covariance / Math.sqrt(varianceA * varianceB)));
}

export interface ItemConsistency {
	itemId: string;
	/** The corrected item–total correlation: this statement against the sum of the others. Null when either does not vary. */
	itemRest: number | null;
	/** α of the construct's other statements; null with fewer than two left, or below the α minimum. */
	alphaIfDropped: number | null;
}

/**
 * Why α is not given: too few people answered every statement, nobody's answers varied, or the
 * construct has a single statement.
 */
export type AlphaWithheld = 'too_few' | 'no_variation' | 'one_statement';

export interface ConstructReliability {
	construct: Construct;
	/** Statements of the construct, in the instrument's order. */
	itemIds: string[];
	/** People who scored every statement of the construct, in the pool. */
	complete: number;
	/** The fewest such people α is shown from. */
	minimum: number;
	alpha: number | null;
	interval: Interval | null;
	withheld: AlphaWithheld | null;
	/** The lowest and highest Pearson correlation between two statements; null when no pair varies. */
	interItem: { min: number; max: number } | null;
	items: ItemConsistency[];
}

/**
 * A construct's consistency from its pooled sums. Nothing but the count is given below the
 * instrument's minRespondentsForAlpha (docs/scoring.md §3) or MIN_RESPONSES, whichever is higher.
 */
export function constructReliability(instrument: Instrument, construct: Construct, sums: ConsistencySums, rules: DisclosureRules): ConstructReliability {
	const items = itemsIn(instrument, construct);
	const k = items.length;
	const minimum = Math.max(instrument.scoring.minRespondentsForAlpha, rules.minResponses);
	const base = { construct, itemIds: items.map((i) => i.id), complete: sums.complete, minimum };
	const nothing = (withheld: AlphaWithheld): ConstructReliability => ({
		...base,
		alpha: null,
		interval: null,
		withheld,
		interItem: null,
		items: items.map((item) => ({ itemId: item.id, itemRest: null, alphaIfDropped: null }))
	});
	if (k < 2) return nothing('one_statement');
	if (sums.complete < minimum || sums.sums.length !== k) return nothing('too_few');

	const cov = covarianceMatrix(sums);
	const variance = (i: number) => cov[i]![i]!;
	const rowSum = (i: number) => cov[i]!.reduce((a, b) => a + b, 0);
	const total = cov.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
	const alpha = total > NEAR_ZERO ? consistencyFrom(instrument, sums).alpha : null;
	if (alpha === null) return nothing('no_variation');

	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < k; i++) {
		for (let j = i + 1; j < k; j++) {
			const r = correlation(cov[i]![j]!, variance(i), variance(j));
			if (r === null) continue;
			min = Math.min(min, r);
			max = Math.max(max, r);
		}
	}
	return {
		...base,
		alpha,
		interval: feldtInterval(alpha, sums.complete, k, instrument.scoring.confidenceLevel),
		withheld: null,
		interItem: min <= max ? { min, max } : null,
		items: items.map((item, i) => {
			// The rest's variance: the total's, less twice the statement's covariance with all, plus its own.
			const restVariance = total - 2 * rowSum(i) + variance(i);
			return {
				itemId: item.id,
				itemRest: correlation(rowSum(i) - variance(i), variance(i), restVariance),
				alphaIfDropped: k > 2 ? consistencyFrom(instrument, withoutItem(sums, i)).alpha : null
			};
		})
	};
}

export interface ItemRates {
	itemId: string;
	/** People asked the statement: every respondent of the pooled rounds. */
	asked: number;
	/** People who gave it a point from 1 to 5. */
	scored: number;
	/** Shares of the people asked, by kind of "not relevant"; null when too few were asked. */
	notRelevant: Record<NotRelevantKind, number> | null;
	/** Share of the people asked who left it blank; null when too few were asked. */
	skipped: number | null;
	/** Shares of the scored answers at the lowest and highest scored value (0 and 10, reversal taken into account); null when too few scored it. */
	floor: number | null;
	ceiling: number | null;
}

/**
 * A statement's pooled answers as rates. "Not relevant" and skips are shares of the people asked;
 * floor and ceiling are shares of the scored answers (docs/scoring.md §3), shown only when at least
 * MIN_RESPONSES people are behind each.
 */
export function itemRates(item: InstrumentItem, counts: StatementCounts, asked: number, rules: DisclosureRules): ItemRates {
	const points = counts.slice(0, SCORED_COLUMNS);
	const scored = points.reduce((a, b) => a + b, 0);
	const kinds = {} as Record<NotRelevantKind, number>;
	let notRelevantTotal = 0;
	for (const code of NOT_RELEVANT_CODES) {
		const count = counts[NOT_RELEVANT_COLUMN[code]] ?? 0;
		notRelevantTotal += count;
		kinds[NOT_RELEVANT_KINDS[code]] = count;
	}
	const askedShown = asked > 0 && canShow({ respondents: asked }, rules);
	const scoredShown = scored > 0 && canShow({ respondents: scored }, rules);
	// Reverse-worded statements score 6 − x: their lowest scored value is a 5 and their highest a 1.
	const lowest = AGREEMENT_POINTS.findIndex((p) => scoreAnswer(p, item.reversed) === 0);
	const highest = AGREEMENT_POINTS.findIndex((p) => scoreAnswer(p, item.reversed) === 10);
	return {
		itemId: item.id,
		asked,
		scored,
		notRelevant: askedShown
			? { role: kinds.role / asked, stage: kinds.stage / asked, practice: kinds.practice / asked }
			: null,
		skipped: askedShown ? Math.max(0, asked - scored - notRelevantTotal) / asked : null,
		floor: scoredShown ? points[lowest]! / scored : null,
		ceiling: scoredShown ? points[highest]! / scored : null
	};
}

const twoPlaces = (value: number) => value.toFixed(2);
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** What a construct's figures suggest, in plain words: readings, not pass marks. */
export function readConstruct(reliability: ConstructReliability): string[] {
	const { alpha, interval, interItem, withheld, complete, minimum } = reliability;
	if (withheld === 'one_statement') return ['This construct has a single statement, so there is no consistency to work out.'];
	if (withheld === 'too_few') {
		const more = minimum - complete;
		return [`Not enough people have scored every statement of this construct yet: α needs ${minimum}, and ${more} more ${more === 1 ? 'is' : 'are'} needed.`];
	}
	if (withheld === 'no_variation' || alpha === null) return ['Everyone gave the same answers, so there is no variation to measure consistency with.'];
	const readings: string[] = [];
	if (interval && interval.upper - interval.lower > READING_THRESHOLDS.wideInterval) {
		readings.push(`The interval (${twoPlaces(interval.lower)} to ${twoPlaces(interval.upper)}) is too wide to judge yet: more responses will narrow it.`);
	}
	const range = `the range published for NoMAD’s construct scales (about ${NOMAD_CONTEXT.low} to ${NOMAD_CONTEXT.high})`;
	if (alpha < NOMAD_CONTEXT.low) readings.push(`α is below ${range}: the statements move together less than there.`);
	else if (alpha > NOMAD_CONTEXT.high) readings.push(`α is above ${range}.`);
	else readings.push(`α is within ${range}.`);
	if (alpha >= READING_THRESHOLDS.veryHighAlpha) readings.push('α is very high: some statements may ask nearly the same thing.');
	if (interItem && interItem.min < 0) readings.push('At least two statements move in opposite directions: check that reverse-worded statements are marked as such.');
	if (interItem && interItem.max > READING_THRESHOLDS.highInterItem) readings.push('Two statements correlate very closely and may ask the same thing twice.');
	return readings;
}

/** What a statement's figures suggest, in plain words: readings, not pass marks. */
export function readItem(consistency: ItemConsistency | undefined, constructAlpha: number | null, rates: ItemRates): string[] {
	const readings: string[] = [];
	if (consistency?.itemRest !== undefined && consistency.itemRest !== null && consistency.itemRest < READING_THRESHOLDS.weakItemRest) {
		readings.push('This statement barely moves with the rest of its construct.');
	}
	if (consistency && consistency.alphaIfDropped !== null && constructAlpha !== null && consistency.alphaIfDropped - constructAlpha >= READING_THRESHOLDS.alphaGainIfDropped) {
		readings.push(`Dropping this statement would raise α (to ${twoPlaces(consistency.alphaIfDropped)}).`);
	}
	const nr = rates.notRelevant;
	if (nr) {
		if (nr.role >= READING_THRESHOLDS.notRelevant) readings.push(`Many people (${percent(nr.role)}) found this not relevant to their role.`);
		if (nr.stage >= READING_THRESHOLDS.notRelevant) readings.push(`Many people (${percent(nr.stage)}) found this not relevant at this stage.`);
		if (nr.practice >= READING_THRESHOLDS.notRelevant) readings.push(`Many people (${percent(nr.practice)}) found this not relevant to how their practice works.`);
	}
	if (rates.skipped !== null && rates.skipped >= READING_THRESHOLDS.skipped) readings.push(`Many people (${percent(rates.skipped)}) skipped it.`);
	if (rates.ceiling !== null && rates.ceiling >= READING_THRESHOLDS.floorOrCeiling) readings.push('Most answers are at the ceiling (the most favourable answer), so it cannot show improvement.');
	if (rates.floor !== null && rates.floor >= READING_THRESHOLDS.floorOrCeiling) readings.push('Most answers are at the floor (the least favourable answer), so it cannot show things getting worse.');
	return readings;
}
