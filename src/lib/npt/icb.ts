/**
 * An ICB's view (docs/scoring.md §7 one level up, and §8): each practice on its latest closed round in
 * the period, read from the round's stored scores; each PCN's figure the mean of its practices'
 * shown scores; the ICB's figure the mean over every practice shown in it (each practice counts
 * once, whichever PCN it is in). Pure: the server reads the rows, this decides every figure.
 *
 * Nothing here is computed from a withheld figure. A practice below MIN_RESPONSES, or one score of
 * it that is withheld, is left out of every mean, spread, interval, band count and benchmark above
 * it, so every figure at every level is a function of figures the practice's own PCN page shows,
 * and no combination of them, across levels or periods, gives a withheld one back.
 */
import { addDays, addMonths } from '../dates';
import { DEFAULT_CONSTRUCT_MINIMUM } from './actions';
import { entryOfScores, groupBenchmark, benchmarkScore, type BenchmarkEntry, type BenchmarkRules, type GroupBenchmark, type ScoreBenchmark } from './benchmarks';
import { changeBetween, type Change } from './change';
import { CONSTRUCTS, type Construct, SCORE_KEYS, type ScoreKey } from './constructs';
import { bandOfScore, placeOnContinuum, type Band } from './continuum';
import { respondentsNeeded, type DisclosureRules } from './disclosure';
import type { BandThresholds } from './instrument';
import { mainSeries } from './instrument-comparability';
import { chooseRoundInPeriod, commonGaps, type CommonGap, type Period, type PcnScore, type PracticeResult } from './pcn';
import { summariseScores, type GroupScore } from './scoring';
import type { Interval } from './statistics';

/** A closed round as its stored row gives it (round_score), before any disclosure rule. */
export interface StoredRound {
	id: number;
	/** The date the round counts from: its close, else its closing date. */
	closedOn: string;
	respondents: number;
	scores: Readonly<Record<ScoreKey, GroupScore>>;
	/** The bands and confidence level of the round's instrument. */
	bands: BandThresholds;
	confidenceLevel: number;
	/** The series of the round's instrument (seriesKeyOf): rounds of different series are never in one figure. */
	series: string;
}

/** When a round was taking answers: from its opening to its close (or closing date). */
export interface SurveyWindow {
	opensOn: string;
	closesOn: string;
}

export interface IcbPracticeInput {
	id: number;
	name: string;
	pcnId: number;
	/** Its closed rounds, in any order. */
	closed: readonly StoredRound[];
	/** Every round that has opened (not drafts), closed or not. */
	windows: readonly SurveyWindow[];
}

export interface IcbPcnInput {
	id: number;
	name: string;
	odsCode: string;
}

/**
 * A practice's stored round as the PCN view shows it (practiceResultFrom): the same rules in the
 * same order, through entryOfScores, so the ICB never shows a practice differently from its PCN page.
 */
export function practiceResultOfStored(round: StoredRound, rules: DisclosureRules): PracticeResult {
	const entry = entryOfScores(round, rules);
	if (!entry) return { state: 'withheld', respondentsNeeded: respondentsNeeded({ respondents: round.respondents }, rules) };
	const constructMeans = Object.fromEntries(CONSTRUCTS.map((c) => [c, entry[c]?.mean ?? null])) as Record<Construct, number | null>;
	const placement = entry.overall ? placeOnContinuum(entry.overall, constructMeans, round.bands) : null;
	const scores = {} as Record<ScoreKey, PcnScore | null>;
	for (const key of SCORE_KEYS) {
		const shown = entry[key];
		if (!shown) {
			scores[key] = null;
			continue;
		}
		const band = key === 'overall' && placement ? placement.band : bandOfScore(shown.mean, round.bands);
		scores[key] = { mean: shown.mean, interval: shown.interval, n: round.scores[key].n, band };
	}
	return { state: 'shown', respondents: round.respondents, responseRate: null, scores, placement };
}

/**
 * The figure of an area (a PCN, an ICB): the mean of its practices' shown scores, each practice
 * once, with their spread and an interval across practices (Student's t, as a round's own interval
 * is across respondents: `summariseScores`), so an area's change between periods is judged as a
 * practice's is (docs/scoring.md §5). No interval from a single practice.
 */
export interface AreaFigure {
	mean: number;
	/** How many practices' scores were averaged. */
	practices: number;
	sd: number | null;
	interval: Interval | null;
	band: Band;
}

export function areaFigure(practiceMeans: readonly number[], bands: BandThresholds, confidenceLevel: number): AreaFigure | null {
	const summary = summariseScores(practiceMeans, confidenceLevel);
	if (summary.mean === null) return null;
	return { mean: summary.mean, practices: summary.n, sd: summary.sd, interval: summary.interval, band: bandOfScore(summary.mean, bands) };
}

/** How an area's practices sit on the continuum in a period: by band, and those that cannot be placed. */
export const BAND_COUNT_KINDS = ['bolted_on', 'fitting_in', 'belonging', 'not_enough', 'no_round', 'other_instrument'] as const;
export type BandCountKind = (typeof BAND_COUNT_KINDS)[number];

/** One practice of the ICB in a period. */
export interface IcbPracticeInPeriod {
	id: number;
	name: string;
	pcnId: number;
	/** Its latest round closed in the period; null with none there. */
	round: { id: number; closedOn: string } | null;
	result: PracticeResult;
	/** Whether any round of it was taking answers at some point in the period. */
	surveyed: boolean;
	/** Whether its round is on the series of the area figures; a practice on another instrument is left out of them. */
	inFigures: boolean;
}

export interface AreaInPeriod {
	/** Practices now in the area. */
	practices: number;
	/** Practices whose round in the period is shown. */
	practicesShown: number;
	/** Respondents of the shown practices' rounds (a withheld practice's are not counted). */
	respondents: number;
	scores: Record<ScoreKey, AreaFigure | null>;
	bandCounts: Record<BandCountKind, number>;
}

export interface PcnInPeriod extends AreaInPeriod {
	id: number;
	name: string;
	odsCode: string;
}

export interface IcbPeriod {
	period: Period;
	practices: IcbPracticeInPeriod[];
	pcns: PcnInPeriod[];
	icb: AreaInPeriod;
	/** The bands figures are coloured by: the most recently closed chosen round's instrument on the figures' series, else the fallback. */
	bands: BandThresholds;
	confidenceLevel: number;
	/** The instrument series every figure of the period is on; undefined with no round in the period and none asked for. */
	series: string | undefined;
	/** Practices whose round in the period used an instrument on another series: in no figure. */
	otherInstruments: number;
}

function bandCountOf(practice: IcbPracticeInPeriod): BandCountKind {
	if (practice.result.state === 'no_round') return 'no_round';
	if (!practice.inFigures) return 'other_instrument';
	if (practice.result.state === 'withheld' || !practice.result.placement) return 'not_enough';
	return practice.result.placement.band;
}

function areaIn(practices: readonly IcbPracticeInPeriod[], bands: BandThresholds, confidenceLevel: number): AreaInPeriod {
	const scores = {} as Record<ScoreKey, AreaFigure | null>;
	for (const key of SCORE_KEYS) {
		const means = practices.flatMap((p) => (p.inFigures && p.result.state === 'shown' && p.result.scores[key] ? [p.result.scores[key]!.mean] : []));
		scores[key] = areaFigure(means, bands, confidenceLevel);
	}
	const bandCounts = Object.fromEntries(BAND_COUNT_KINDS.map((kind) => [kind, 0])) as Record<BandCountKind, number>;
	for (const practice of practices) bandCounts[bandCountOf(practice)]++;
	const shown = practices.filter((p) => p.inFigures && p.result.state === 'shown');
	return {
		practices: practices.length,
		practicesShown: shown.length,
		respondents: shown.reduce((sum, p) => sum + (p.result.state === 'shown' ? p.result.respondents : 0), 0),
		scores,
		bandCounts
	};
}

export interface IcbReference {
	bands: BandThresholds;
	confidenceLevel: number;
}

/**
 * The ICB in a period (docs/scoring.md §7): each practice on its latest round closed in the period, a
 * withheld one included (never replaced by an older round), and every PCN's and the ICB's figures
 * over them. Every ICB statement about a period (the heatmap, the band counts, the glance's
 * "period before", each half-year of the trend) comes from this one function.
 */
export function icbInPeriod(
	pcns: readonly IcbPcnInput[],
	practices: readonly IcbPracticeInput[],
	period: Period,
	rules: DisclosureRules,
	fallback: IcbReference,
	resultOf: (round: StoredRound) => PracticeResult = (round) => practiceResultOfStored(round, rules),
	series?: string
): IcbPeriod {
	const picks = practices.map((practice) => chooseRoundInPeriod(practice.closed, period));
	// Scores of instruments that are not one series are never averaged together: the figures are
	// on the series asked for (the period shown, for the period before and the half-years), else
	// on the one most practices' rounds used, the most recent winning a tie.
	const byRecency = picks.filter((p) => p !== undefined).sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.id - b.id);
	const figuresSeries = series ?? mainSeries(byRecency.map((p) => p.series));
	const latest = byRecency.filter((p) => p.series === figuresSeries).at(-1);
	const inPeriod = practices.map((practice, i): IcbPracticeInPeriod => {
		const chosen = picks[i];
		return {
			id: practice.id,
			name: practice.name,
			pcnId: practice.pcnId,
			round: chosen ? { id: chosen.id, closedOn: chosen.closedOn } : null,
			result: chosen ? resultOf(chosen) : { state: 'no_round' },
			surveyed: practice.windows.some((w) => w.opensOn <= period.to && w.closesOn >= period.from),
			inFigures: chosen !== undefined && chosen.series === figuresSeries
		};
	});
	const reference: IcbReference = latest ? { bands: latest.bands, confidenceLevel: latest.confidenceLevel } : fallback;
	return {
		period,
		practices: inPeriod,
		pcns: pcns.map((pcn) => ({
			id: pcn.id,
			name: pcn.name,
			odsCode: pcn.odsCode,
			...areaIn(
				inPeriod.filter((p) => p.pcnId === pcn.id),
				reference.bands,
				reference.confidenceLevel
			)
		})),
		icb: areaIn(inPeriod, reference.bands, reference.confidenceLevel),
		bands: reference.bands,
		confidenceLevel: reference.confidenceLevel,
		series: figuresSeries,
		otherInstruments: inPeriod.filter((p) => p.round !== null && !p.inFigures).length
	};
}

/**
 * practiceResultOfStored under one set of rules, worked out once per round however many periods
 * choose it (a dashboard reads a round in its period, the one before and a half-year).
 */
export function resultsOnce(rules: DisclosureRules): (round: StoredRound) => PracticeResult {
	const results = new Map<StoredRound, PracticeResult>();
	return (round) => {
		let result = results.get(round);
		if (!result) results.set(round, (result = practiceResultOfStored(round, rules)));
		return result;
	};
}

/** An area's figure as `changeBetween` reads a group score: across practices, as a round's is across respondents. */
function asGroupScore(figure: AreaFigure | null) {
	return figure ? { shown: true as const, n: figure.practices, mean: figure.mean, sd: figure.sd, interval: figure.interval } : { shown: false as const };
}

/** The change of an area's figure from one period to the next; null when either has no spread to judge it by. */
export function areaChange(before: AreaFigure | null, now: AreaFigure | null): Change | null {
	return changeBetween(asGroupScore(before), asGroupScore(now));
}

/** Why a PCN may need support, from its figures in the period and the period before. */
export type PcnSupportReason =
	| { kind: 'bolted_on'; mean: number }
	| { kind: 'fall'; change: Change }
	| { kind: 'few_shown'; practices: number; shown: number; noRound: number; notEnough: number; otherInstrument: number };

export interface PcnNeedingSupport {
	pcnId: number;
	name: string;
	reasons: PcnSupportReason[];
}

/** The PCNs that may need support, in the order given (by name: the glance ranks nobody). */
export function pcnsNeedingSupport(now: IcbPeriod, before: IcbPeriod): PcnNeedingSupport[] {
	return now.pcns.flatMap((pcn, i) => {
		const reasons: PcnSupportReason[] = [];
		const overall = pcn.scores.overall;
		if (overall?.band === 'bolted_on') reasons.push({ kind: 'bolted_on', mean: overall.mean });
		const change = areaChange(before.pcns[i]!.scores.overall, overall);
		if (change?.notable && change.direction === 'fall') reasons.push({ kind: 'fall', change });
		// Fewer than half of its practices give the PCN a figure: it speaks for too few of them.
		const placed = pcn.practices - pcn.bandCounts.not_enough - pcn.bandCounts.no_round - pcn.bandCounts.other_instrument;
		if (pcn.practices > 0 && placed * 2 < pcn.practices) {
			reasons.push({
				kind: 'few_shown',
				practices: pcn.practices,
				shown: placed,
				noRound: pcn.bandCounts.no_round,
				notEnough: pcn.bandCounts.not_enough,
				otherInstrument: pcn.bandCounts.other_instrument
			});
		}
		return reasons.length ? [{ pcnId: pcn.id, name: pcn.name, reasons }] : [];
	});
}

/** The constructs weakest across the ICB: `commonGaps` over every practice shown in it. */
export function weakestAcrossIcb(now: IcbPeriod, minimum: number = DEFAULT_CONSTRUCT_MINIMUM): CommonGap[] {
	return commonGaps(
		now.practices.map(
			(p) =>
				Object.fromEntries(
					CONSTRUCTS.map((c) => [c, p.inFigures && p.result.state === 'shown' ? (p.result.scores[c]?.mean ?? null) : null])
				) as Record<Construct, number | null>
		),
		minimum
	);
}

/** A half of an NHS financial year: April to September, or October to March. */
export interface HalfYear extends Period {
	label: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function halfYearOf(date: string): HalfYear {
	const year = Number(date.slice(0, 4));
	const month = Number(date.slice(5, 7));
	const from = month >= 4 && month <= 9 ? `${year}-04-01` : month >= 10 ? `${year}-10-01` : `${year - 1}-10-01`;
	const to = addDays(addMonths(from, 6), -1);
	const [fy, fm] = [from.slice(0, 4), MONTHS[Number(from.slice(5, 7)) - 1]];
	const [ty, tm] = [to.slice(0, 4), MONTHS[Number(to.slice(5, 7)) - 1]];
	return { from, to, label: fy === ty ? `${fm}–${tm} ${ty}` : `${fm} ${fy}–${tm} ${ty}` };
}

/** Most half-years the trend shows: four years. */
export const MAX_HALF_YEARS = 8;

/**
 * The half-years from the one holding `earliest` (a first close date) to the one holding `today`,
 * the last `MAX_HALF_YEARS` of them, oldest first.
 */
export function halfYearsUpTo(today: string, earliest: string | null): HalfYear[] {
	const halves: HalfYear[] = [];
	let half = halfYearOf(today);
	const first = earliest && earliest <= today ? halfYearOf(earliest).from : half.from;
	while (halves.length < MAX_HALF_YEARS) {
		halves.unshift(half);
		if (half.from <= first) break;
		half = halfYearOf(addDays(half.from, -1));
	}
	return halves;
}

/** A score of an area as a benchmark reads it: its figure and interval, or null where it has none. */
export function entryOfArea(area: Pick<AreaInPeriod, 'scores'>): BenchmarkEntry {
	const entry = {} as Record<ScoreKey, { mean: number; interval: Interval | null } | null>;
	for (const key of SCORE_KEYS) {
		const figure = area.scores[key];
		entry[key] = figure ? { mean: figure.mean, interval: figure.interval } : null;
	}
	return SCORE_KEYS.some((key) => entry[key]) ? entry : null;
}

/**
 * Each PCN of the service as a PCN benchmark reads it (§8, one level up): from its practices'
 * benchmark entries (already through the disclosure rules), the mean of their shown scores and
 * its interval across them, exactly as `areaIn` makes a PCN's figure.
 */
export function pcnEntriesOf(
	practicesByPcn: ReadonlyMap<number, readonly BenchmarkEntry[]>,
	bands: BandThresholds,
	confidenceLevel: number
): Map<number, BenchmarkEntry> {
	const entries = new Map<number, BenchmarkEntry>();
	for (const [pcnId, practices] of practicesByPcn) {
		const scores = {} as Record<ScoreKey, AreaFigure | null>;
		for (const key of SCORE_KEYS) {
			scores[key] = areaFigure(
				practices.flatMap((p) => (p?.[key] ? [p[key]!.mean] : [])),
				bands,
				confidenceLevel
			);
		}
		entries.set(pcnId, entryOfArea({ scores }));
	}
	return entries;
}

/** Every PCN of the service as one benchmark group per score: shown only with at least `rules.minPractices` PCNs in it. */
export function pcnGroup(entries: Iterable<BenchmarkEntry>, rules: BenchmarkRules): Record<ScoreKey, GroupBenchmark> {
	const all = [...entries];
	return Object.fromEntries(SCORE_KEYS.map((key) => [key, groupBenchmark(all, key, rules)])) as Record<ScoreKey, GroupBenchmark>;
}

/** One PCN's figures set against the group of all PCNs. */
export function pcnAgainst(entry: BenchmarkEntry, group: Record<ScoreKey, GroupBenchmark>): Record<ScoreKey, ScoreBenchmark> {
	return Object.fromEntries(SCORE_KEYS.map((key) => [key, benchmarkScore(entry, key, group[key])])) as Record<ScoreKey, ScoreBenchmark>;
}
