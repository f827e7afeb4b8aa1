/**
 * Scores (docs/scoring.md §3): respondent construct and overall scores, group means with their
 * t-intervals, item distributions with Wilson intervals, general items and Cronbach's α.
 */
import {
	AGREEMENT_POINTS,
	GENERAL_MAX,
	GENERAL_MIN,
	NOT_RELEVANT_CODES,
	isAgreementPoint,
	scoreAnswer,
	type AgreementAnswer,
	type AgreementPoint,
	type NotRelevantCode
} from './answers';
import { CONSTRUCTS, type Construct, type SubConstruct } from './constructs';
import { itemsIn, minimumItemsFor, type Instrument, type InstrumentItem } from './instrument';
import {
	mean,
	sampleSd,
	sampleVariance,
	studentTQuantile,
	wilsonInterval,
	type Interval
} from './statistics';
import { SCALE_MAX, SCALE_MIN } from './scale';


/** One person's answers to one round, keyed by item id. Skipped items are simply absent. */
export interface Respondent {
	roleGroup: string | null;
	agreement: Readonly<Record<string, AgreementAnswer>>;
	general: Readonly<Record<string, number>>;
}

export type ConstructScores = Record<Construct, number | null>;

export interface RespondentScores {
	constructs: ConstructScores;
	overall: number | null;
}

/**
 * The scored answers (on the 0–10 scale) behind each of a respondent's construct scores, null
 * where they scored fewer than the instrument's minimum share of its items, and whether enough
 * constructs are scored for an overall score (§3). The one statement of the rule: the
 * respondent's scores below and the round summary's exact sums are both built on it.
 */
export function scoredAnswersOf(
	instrument: Instrument,
	respondent: Respondent
): { constructs: Record<Construct, number[] | null>; overall: boolean } {
	const constructs = {} as Record<Construct, number[] | null>;
	for (const construct of CONSTRUCTS) {
		const scored: number[] = [];
		for (const item of itemsIn(instrument, construct)) {
			const answer = respondent.agreement[item.id];
			if (answer !== undefined && isAgreementPoint(answer)) {
				scored.push(scoreAnswer(answer, item.reversed));
			}
		}
		constructs[construct] = scored.length > 0 && scored.length >= minimumItemsFor(instrument, construct) ? scored : null;
	}
	const available = CONSTRUCTS.filter((c) => constructs[c] !== null).length;
	return { constructs, overall: available >= instrument.scoring.minConstructsForOverall };
}

/**
 * A respondent's construct score is the mean of their scored answers in it, but only when they
 * gave scored answers to at least the instrument's minimum share of its items; their overall
 * score is the mean of their available construct scores when enough constructs are available.
 */
export function scoreRespondent(instrument: Instrument, respondent: Respondent): RespondentScores {
	const scored = scoredAnswersOf(instrument, respondent);
	const constructs = {} as ConstructScores;
	for (const construct of CONSTRUCTS) {
		const answers = scored.constructs[construct];
		constructs[construct] = answers === null ? null : mean(answers);
	}
	const available = CONSTRUCTS.map((c) => constructs[c]).filter((s): s is number => s !== null);
	return { constructs, overall: scored.overall ? mean(available) : null };
}

export interface GroupScore {
	n: number;
	mean: number | null;
	sd: number | null;
	/** `mean ± t(1 − α/2, n − 1) × sd / √n`, cut at the ends of the 0–10 scale; null when n < 2. */
	interval: Interval | null;
}

export function summariseScores(values: readonly number[], confidenceLevel: number): GroupScore {
	const n = values.length;
	const m = mean(values);
	const sd = sampleSd(values);
	let interval: Interval | null = null;
	if (m !== null && sd !== null) {
		const half = (studentTQuantile(1 - (1 - confidenceLevel) / 2, n - 1) * sd) / Math.sqrt(n);
		interval = {
			lower: Math.max(SCALE_MIN, m - half),
			upper: Math.min(SCALE_MAX, m + half)
		};
	}
	return { n, mean: m, sd, interval };
}

export interface GroupScores {
	overall: GroupScore;
	constructs: Record<Construct, GroupScore>;
}

/** Group scores are means of respondent scores, each with its own n (§3). */
export function scoreGroup(instrument: Instrument, respondents: readonly Respondent[]): GroupScores {
	const scores = respondents.map((r) => scoreRespondent(instrument, r));
	const level = instrument.scoring.confidenceLevel;
	const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
	const constructs = {} as Record<Construct, GroupScore>;
	for (const construct of CONSTRUCTS) {
		constructs[construct] = summariseScores(present(scores.map((s) => s.constructs[construct])), level);
	}
	return { overall: summariseScores(present(scores.map((s) => s.overall)), level), constructs };
}

export interface ItemResult {
	itemId: string;
	construct: Construct;
	subConstruct: SubConstruct;
	reversed: boolean;
	/** Everyone who gave this item any answer, scored or "not relevant". */
	answered: number;
	/** Answers on the five-point scale, as worded (not reversed). */
	counts: Record<AgreementPoint, number>;
	scored: number;
	agree: number;
	neutral: number;
	disagree: number;
	notRelevant: Record<NotRelevantCode, number>;
	notRelevantTotal: number;
	/** Shares of the scored answers; "agree" counts agree and strongly agree with the statement as worded. */
	shares: { agree: number; neutral: number; disagree: number } | null;
	/** The Wilson interval of the agree share. */
	agreeInterval: Interval | null;
}

/** Item results are distributions, never scale scores (§3). */
export function summariseItems(instrument: Instrument, respondents: readonly Respondent[]): ItemResult[] {
	return instrument.items.map((item) => {
		const counts = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } as Record<AgreementPoint, number>;
		const notRelevant = Object.fromEntries(NOT_RELEVANT_CODES.map((c) => [c, 0])) as Record<
			NotRelevantCode,
			number
		>;
		for (const respondent of respondents) {
			const answer = respondent.agreement[item.id];
			if (answer === undefined) continue;
			if (isAgreementPoint(answer)) counts[answer] += 1;
			else notRelevant[answer] += 1;
		}
		return itemResultFromCounts(item, counts, notRelevant, instrument.scoring.confidenceLevel);
	});
}

/** A statement's distribution from its answers counted by point and by "not relevant" code. */
export function itemResultFromCounts(
	item: Pick<InstrumentItem, 'id' | 'construct' | 'subConstruct' | 'reversed'>,
	counts: Record<AgreementPoint, number>,
	notRelevant: Record<NotRelevantCode, number>,
	confidenceLevel: number
): ItemResult {
	const scored = AGREEMENT_POINTS.reduce((sum, p) => sum + counts[p], 0);
	const agree = counts[4] + counts[5];
	const disagree = counts[1] + counts[2];
	const notRelevantTotal = NOT_RELEVANT_CODES.reduce((sum, c) => sum + notRelevant[c], 0);
	return {
		itemId: item.id,
		construct: item.construct,
		subConstruct: item.subConstruct,
		reversed: item.reversed,
		answered: scored + notRelevantTotal,
		counts,
		scored,
		agree,
		neutral: counts[3],
		disagree,
		notRelevant,
		notRelevantTotal,
		shares: scored > 0 ? { agree: agree / scored, neutral: counts[3] / scored, disagree: disagree / scored } : null,
		agreeInterval: scored > 0 ? wilsonInterval(agree, scored, confidenceLevel) : null
	};
}

export interface GeneralItemResult {
	itemId: string;
	score: GroupScore;
	/** How many chose each rating, index 0 to 10. */
	counts: number[];
}

/** General 0–10 items: a mean and a distribution each, kept apart from construct scores (§3). */
export function summariseGeneralItems(
	instrument: Instrument,
	respondents: readonly Respondent[]
): GeneralItemResult[] {
	return instrument.generalItems.map((item) => {
		const values = respondents
			.map((r) => r.general[item.id])
			.filter((v): v is number => v !== undefined);
		const counts = Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, () => 0);
		for (const v of values) counts[v - GENERAL_MIN]! += 1;
		return {
			itemId: item.id,
			score: summariseScores(values, instrument.scoring.confidenceLevel),
			counts
		};
	});
}

export interface Consistency {
	/** Respondents who gave a scored answer to every item of the construct. */
	complete: number;
	/** Cronbach's α, or null below the instrument's minimum or when it is undefined. */
	alpha: number | null;
}

/**
 * Cronbach's α over respondents who answered every item of the construct (reverse-worded items
 * reversed first), only when at least `minRespondentsForAlpha` such respondents exist (§3).
 */
export function internalConsistency(
	instrument: Instrument,
	respondents: readonly Respondent[],
	construct: Construct
): Consistency {
	const items = itemsIn(instrument, construct);
	const rows: number[][] = [];
	for (const respondent of respondents) {
		const row: number[] = [];
		for (const item of items) {
			const answer = respondent.agreement[item.id];
			if (answer === undefined || !isAgreementPoint(answer)) break;
			row.push(scoreAnswer(answer, item.reversed));
		}
		if (row.length === items.length) rows.push(row);
	}
	const complete = rows.length;
	const k = items.length;
	if (complete < instrument.scoring.minRespondentsForAlpha || k < 2) return { complete, alpha: null };
	const itemVariances = items.map((_, i) => sampleVariance(rows.map((row) => row[i]!)));
	const totalVariance = sampleVariance(rows.map((row) => row.reduce((a, b) => a + b, 0)));
	if (!(totalVariance > 0)) return { complete, alpha: null };
	const sumItemVariance = itemVariances.reduce((a, b) => a + b, 0);
	return { complete, alpha: (k / (k - 1)) * (1 - sumItemVariance / totalVariance) };
}
