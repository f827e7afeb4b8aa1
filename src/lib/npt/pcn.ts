/**
 * Comparing the practices of a PCN (docs/scoring.md §7): each practice contributes its latest closed
 * round inside the chosen period; the PCN figure is the mean of practice scores (each practice
 * counts once), shown beside the pooled respondent mean. Every disclosure rule of §6 holds here
 * too: a practice below MIN_RESPONSES contributes nothing but the words "not enough responses".
 */
import { PCN_ACTIONS, DEFAULT_CONSTRUCT_MINIMUM, type SuggestedAction } from './actions';
import { scoreFor } from './change';
import { constructStanding } from './construct-standing';
import { CONSTRUCTS, type Construct, SCORE_KEYS, type ScoreKey } from './constructs';
import { bandOfScore, type Band, type Placement } from './continuum';
import { canShow, respondentsNeeded, type DisclosureRules } from './disclosure';
import type { BandThresholds, Instrument } from './instrument';
import { mainSeries, seriesKeyOf } from './instrument-comparability';
import { closedRoundsInOrder, type RoundRecord } from './practice-rounds';
import { responseRate } from './response-rate';
import { discloseGroupScores, placementOf } from './round-results';
import { closeDateOf, type Period } from './round-schedule';
import { consistencyFrom, poolConsistency, poolMoments, scoreFromMoments, summariseRespondents, type RoundSummary } from './round-summary';
import type { Respondent } from './scoring';
import { mean, type Interval } from './statistics';

export type { Period };

/**
 * The latest of the given closed rounds whose close date falls inside the period (inclusive);
 * on the same date the later-created round (higher id) wins. Undefined when none does.
 */
export function chooseRoundInPeriod<T extends { id: number; closedOn: string }>(
	closedRounds: readonly T[],
	period: Period
): T | undefined {
	let chosen: T | undefined;
	for (const round of closedRounds) {
		if (round.closedOn < period.from || round.closedOn > period.to) continue;
		if (!chosen || round.closedOn > chosen.closedOn || (round.closedOn === chosen.closedOn && round.id > chosen.id)) {
			chosen = round;
		}
	}
	return chosen;
}

export interface PcnScore {
	mean: number;
	interval: Interval | null;
	n: number;
	/** The indicative band of this score (for the overall score: the practice's placement). */
	band: Band;
}

export type PracticeResult =
	| { state: 'no_round' }
	| { state: 'withheld'; respondentsNeeded: number }
	| {
			state: 'shown';
			respondents: number;
			/** Respondents ÷ the round's staff headcount; null without a headcount. */
			responseRate: number | null;
			/** Null where that score is withheld (fewer than the minimum scored on it). */
			scores: Record<ScoreKey, PcnScore | null>;
			placement: Placement | null;
	  };

/**
 * A practice's chosen round as the PCN view shows it. Constructs carry the band their own score
 * falls in by the overall thresholds (a display aid for the heatmap); the overall score carries
 * the practice's placement, which also needs every construct at the Belonging construct minimum.
 */
export function practiceResultFrom(
	instrument: Instrument,
	summary: RoundSummary,
	staffHeadcount: number | null,
	rules: DisclosureRules
): PracticeResult {
	const count = summary.everyone.respondents;
	const round = { respondents: count };
	if (!canShow(round, rules)) return { state: 'withheld', respondentsNeeded: respondentsNeeded(round, rules) };
	const disclosed = discloseGroupScores(summary.everyone, instrument.scoring.confidenceLevel, rules);
	const placement = placementOf(disclosed, instrument.bands);
	const scores = {} as Record<ScoreKey, PcnScore | null>;
	for (const key of SCORE_KEYS) {
		const score = scoreFor(disclosed, key);
		if (!score.shown || score.mean === null) {
			scores[key] = null;
			continue;
		}
		const band = key === 'overall' && placement ? placement.band : bandOfScore(score.mean, instrument.bands);
		scores[key] = { mean: score.mean, interval: score.interval, n: score.n, band };
	}
	return { state: 'shown', respondents: count, responseRate: responseRate(count, staffHeadcount), scores, placement };
}

/** The same, for a list of respondents: summed up first, exactly as a stored round is. */
export function summarisePracticeRound(
	instrument: Instrument,
	respondents: readonly Respondent[],
	staffHeadcount: number | null,
	rules: DisclosureRules
): PracticeResult {
	return practiceResultFrom(instrument, summariseRespondents(instrument, respondents), staffHeadcount, rules);
}

/** One practice's chosen round with what it was scored against, for the PCN figures. */
export interface PooledInput {
	instrument: Instrument;
	summary: RoundSummary;
	result: PracticeResult;
}

export interface PracticeMean {
	mean: number;
	/** How many practices' scores were averaged. */
	practices: number;
	band: Band;
}

export interface PooledScore {
	mean: number;
	interval: Interval | null;
	n: number;
	/** How many practices' respondents are in this pool. */
	practices: number;
}

export type PooledConsistency =
	| { alpha: number; complete: number }
	| { alpha: null; complete: number; reason: 'too_few' | 'no_variation' }
	| { alpha: null; reason: 'no_data' | 'mixed_instruments' };

export interface PcnFigures {
	/** Practices whose chosen round could be shown. */
	practicesShown: number;
	/** Respondents of those practices' rounds (withheld practices are not counted). */
	respondents: number;
	/** Mean of practice scores: every practice with a shown score counts once. */
	practiceMean: Record<ScoreKey, PracticeMean | null>;
	/** Every respondent of the pooled practices scored together. */
	pooled: Record<ScoreKey, PooledScore | null>;
	consistency: Record<Construct, PooledConsistency>;
}

/*
 * What may be pooled. A practice below MIN_RESPONSES is left out of the pool entirely, and a
 * shown practice is left out of one score's pool when that score of its own was withheld: with
 * the other practices' scores and sizes on the same page, the pooled mean and n would otherwise
 * give the withheld group's mean away by subtraction. So each score's pool holds exactly the
 * practices that show that score, and its n is at least MIN_RESPONSES per practice in it.
 */
export function pcnFigures(inputs: readonly PooledInput[], bands: BandThresholds, confidenceLevel: number): PcnFigures {
	const shown = inputs.filter((i): i is PooledInput & { result: Extract<PracticeResult, { state: 'shown' }> } => i.result.state === 'shown');

	const practiceMean = {} as Record<ScoreKey, PracticeMean | null>;
	const pooled = {} as Record<ScoreKey, PooledScore | null>;
	for (const key of SCORE_KEYS) {
		const contributing = shown.filter((s) => s.result.scores[key] !== null);
		const means = contributing.map((s) => s.result.scores[key]!.mean);
		const m = mean(means);
		practiceMean[key] = m === null ? null : { mean: m, practices: means.length, band: bandOfScore(m, bands) };
		const group = scoreFromMoments(poolMoments(contributing.map((s) => s.summary.everyone.scores[key])), confidenceLevel);
		pooled[key] =
			group.mean === null ? null : { mean: group.mean, interval: group.interval, n: group.n, practices: contributing.length };
	}

	const consistency = {} as Record<Construct, PooledConsistency>;
	for (const construct of CONSTRUCTS) {
		const contributing = shown.filter((s) => s.result.scores[construct] !== null);
		const instruments = new Set(contributing.map((s) => `${s.instrument.id}@${s.instrument.version}`));
		if (contributing.length === 0) consistency[construct] = { alpha: null, reason: 'no_data' };
		// α compares items with each other: answers to different statements cannot be stacked.
		else if (instruments.size > 1) consistency[construct] = { alpha: null, reason: 'mixed_instruments' };
		else {
			const instrument = contributing[0]!.instrument;
			const result = consistencyFrom(instrument, poolConsistency(contributing.map((s) => s.summary.consistency[construct])));
			consistency[construct] =
				result.alpha !== null
					? { alpha: result.alpha, complete: result.complete }
					: {
							alpha: null,
							complete: result.complete,
							reason: result.complete < instrument.scoring.minRespondentsForAlpha ? 'too_few' : 'no_variation'
						};
		}
	}

	return {
		practicesShown: shown.length,
		respondents: shown.reduce((sum, s) => sum + s.result.respondents, 0),
		practiceMean,
		pooled,
		consistency
	};
}

/** A practice's round chosen for a period, with its result as the PCN view shows it. */
export interface ChosenPracticeRound<R extends RoundRecord = RoundRecord> {
	record: R;
	closedOn: string;
	result: PracticeResult;
	/**
	 * Whether the round's instrument is on the series the PCN figures are on. A practice whose
	 * round used a different instrument is shown on its own and left out of every PCN figure.
	 */
	inFigures: boolean;
}

export interface PcnPeriod<R extends RoundRecord = RoundRecord> {
	/** One per practice, in the order given; null for a practice with no round closed in the period. */
	chosen: (ChosenPracticeRound<R> | null)[];
	figures: PcnFigures;
	/** What the figures were scored against: the instrument of the most recently closed chosen round on their series, else the fallback. */
	reference: Instrument;
	/** The series (seriesKeyOf) the figures are on; undefined when no practice has a round in the period and none was asked for. */
	series: string | undefined;
	/** How many practices' chosen rounds used an instrument on another series, and so are not in the figures. */
	otherInstruments: number;
}

/**
 * The PCN in a period (docs/scoring.md §7): each practice on its latest closed round inside the period,
 * a withheld one included (that practice is then "not enough responses", never replaced by an
 * older round), and the PCN figures over them. Every PCN statement about a period (the figures,
 * the heatmap, the glance's "period before") comes from this one function, so none can drift.
 *
 * Scores from instruments that are not one series are never pooled or averaged together
 * (instrument-comparability.ts): the figures are over the practices on `series` when it is given
 * (the period before is read on the series of the period shown), else on the series most chosen
 * rounds used (among equals, the most recently closed one's). The rest are left out and counted.
 */
export function comparePracticesIn<R extends RoundRecord>(
	roundsByPractice: readonly (readonly R[])[],
	period: Period,
	rules: DisclosureRules,
	fallback: Instrument,
	series?: string
): PcnPeriod<R> {
	const picked = roundsByPractice.map((records) => {
		const closed = closedRoundsInOrder(records).map((record) => ({ record, id: record.round.id, closedOn: closeDateOf(record.round) }));
		return chooseRoundInPeriod(closed, period) ?? null;
	});
	const byRecency = picked
		.filter((p) => p !== null)
		.sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.record.round.id - b.record.round.id);
	const figuresSeries = series ?? mainSeries(byRecency.map((p) => seriesKeyOf(p.record.instrument)));
	const chosen = picked.map((pick): ChosenPracticeRound<R> | null => {
		if (!pick) return null;
		const { instrument, summary, round } = pick.record;
		return {
			record: pick.record,
			closedOn: pick.closedOn,
			result: practiceResultFrom(instrument, summary!, round.staff_headcount, rules),
			inFigures: seriesKeyOf(instrument) === figuresSeries
		};
	});
	const inFigures = chosen.filter((c) => c !== null && c.inFigures) as ChosenPracticeRound<R>[];
	const latest = [...inFigures].sort((a, b) => b.closedOn.localeCompare(a.closedOn) || b.record.round.id - a.record.round.id)[0];
	const reference = latest?.record.instrument ?? fallback;
	const pooled = inFigures.map(({ record, result }) => ({ instrument: record.instrument, summary: record.summary!, result }));
	return {
		chosen,
		figures: pcnFigures(pooled, reference.bands, reference.scoring.confidenceLevel),
		reference,
		series: figuresSeries,
		otherInstruments: chosen.filter((c) => c !== null && !c.inFigures).length
	};
}

export interface CommonGap {
	construct: Construct;
	/** Practices whose shown score for this construct is below the minimum. */
	practicesBelow: number;
	/** Practices with a shown score for this construct. */
	practicesScored: number;
	/** Mean of those practices' scores. */
	pcnMean: number;
	actions: SuggestedAction[];
}

/**
 * The constructs weak across the PCN: any construct below `minimum` in at least one practice or
 * on the mean of practice scores, the most widespread first (then the lowest mean, then NPT
 * order), each with the PCN-level steps that would help several practices at once.
 */
export function commonGaps(
	practiceScores: readonly Record<Construct, number | null>[],
	minimum: number = DEFAULT_CONSTRUCT_MINIMUM
): CommonGap[] {
	const gaps: CommonGap[] = [];
	for (const construct of CONSTRUCTS) {
		const scores = practiceScores.map((p) => p[construct]).filter((s): s is number => s !== null);
		const pcnMean = mean(scores);
		if (pcnMean === null) continue;
		const rule = { belongingConstructMinimum: minimum };
		const practicesBelow = scores.filter((s) => constructStanding(s, rule) === 'below').length;
		if (practicesBelow === 0 && constructStanding(pcnMean, rule) === 'meets') continue;
		gaps.push({ construct, practicesBelow, practicesScored: scores.length, pcnMean, actions: [...PCN_ACTIONS[construct]] });
	}
	return gaps.sort(
		(a, b) => b.practicesBelow - a.practicesBelow || a.pcnMean - b.pcnMean || CONSTRUCTS.indexOf(a.construct) - CONSTRUCTS.indexOf(b.construct)
	);
}

export const HEATMAP_SORTS = ['name', ...SCORE_KEYS] as const;
export type HeatmapSort = (typeof HEATMAP_SORTS)[number];

/**
 * Heatmap rows in the chosen order: by practice name, or by one score from lowest to highest so
 * the practices that may need support come first. Practices without that score (no round, not
 * enough responses, or that score withheld) always come last, and so do practices whose round
 * used an instrument of another series (`inFigures` false): their scores are not on the same
 * scale, so they are not ranked among the rest. Ties go by name.
 */
export function sortPractices<
	T extends { name: string; state: PracticeResult['state']; scores?: Record<ScoreKey, PcnScore | null>; inFigures?: boolean }
>(practices: readonly T[], sort: HeatmapSort): T[] {
	const byName = (a: T, b: T) => a.name.localeCompare(b.name, 'en-GB');
	if (sort === 'name') return [...practices].sort(byName);
	const scoreOf = (p: T) => (p.state === 'shown' && p.inFigures !== false ? (p.scores?.[sort]?.mean ?? null) : null);
	return [...practices].sort((a, b) => {
		const x = scoreOf(a);
		const y = scoreOf(b);
		if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
		return x - y || byName(a, b);
	});
}
