/**
 * A practice's rounds as every results view reads them: which rounds have closed and in what
 * order (docs/scoring.md §5), which round is the current one, the trend of scores across the closed
 * rounds, and what may be said of a round still collecting answers. The practice dashboard, the
 * PCN dashboard, the home overview and the API all compose their views from these rules, so a
 * round is never ordered, chosen or disclosed two ways.
 */
import { SCORE_KEYS, type ScoreKey } from './constructs';
import { changesBetween, scoreFor, type Changes } from './change';
import { canShow, respondentsNeeded, type DisclosureRules } from './disclosure';
import type { Instrument } from './instrument';
import { instrumentLabelOf, sameSeries, type InstrumentLabel } from './instrument-comparability';
import { responseRate } from './response-rate';
import { discloseGroupScores, summariseProgress, type DisclosedScores, type RoundProgress } from './round-results';
import type { RoundSummary } from './round-summary';
import { closeDateOf, closingDayOn, type Period, type RoundStatus, type SurveyAvailability } from './round-schedule';
import type { Interval } from './statistics';

/** What the rules need of a stored round. */
export interface RoundFacts {
	id: number;
	practice_id: number;
	title: string;
	status: RoundStatus;
	opens_on: string;
	closes_on: string;
	closed_on: string | null;
	staff_headcount: number | null;
}

/** A round with everything its results are computed from, as the results read-model loads it. */
export interface RoundRecord<R extends RoundFacts = RoundFacts> {
	round: R;
	availability: SurveyAvailability;
	instrument: Instrument;
	/** Its answers summed up (round-summary.ts): only for a closed round, null otherwise. */
	summary: RoundSummary | null;
	/** How many have answered so far; 0 for a draft. */
	responses: number;
	/** The free-text comments, read only where a view shows them (the latest closed round). */
	comments: readonly string[];
}

export type CollectingAvailability = Exclude<SurveyAvailability, 'closed'>;

/** The closed rounds in the order a trend runs: by the date each closed, then as created. */
export function closedRoundsInOrder<T extends RoundRecord>(records: readonly T[]): T[] {
	return records
		.filter((r) => r.availability === 'closed')
		.sort((a, b) => closeDateOf(a.round).localeCompare(closeDateOf(b.round)) || a.round.id - b.round.id);
}

const CURRENT_ORDER: Record<CollectingAvailability, number> = { open: 0, not_yet_open: 1, draft: 2 };

/**
 * The round a practice is running now: the open one, else the next to open, else a draft; among
 * equals, the one opening latest. Undefined when every round has closed.
 */
export function currentRoundOf<T extends RoundRecord>(records: readonly T[]): (T & { availability: CollectingAvailability }) | undefined {
	return records
		.filter((r): r is T & { availability: CollectingAvailability } => r.availability !== 'closed')
		.sort(
			(a, b) =>
				CURRENT_ORDER[a.availability] - CURRENT_ORDER[b.availability] || b.round.opens_on.localeCompare(a.round.opens_on)
		)[0];
}

/** Which round, and its dates, as every list of rounds names it. */
export interface RoundHeading {
	id: number;
	title: string;
	opensOn: string;
	/** When it stops taking answers: for a closed round, the day it really closed (early, perhaps). */
	closesOn: string;
}

export function headingOf(round: RoundFacts): RoundHeading {
	return { id: round.id, title: round.title, opensOn: round.opens_on, closesOn: round.status === 'closed' ? closeDateOf(round) : round.closes_on };
}

/**
 * The round a practice's dashboard leads with ("where the practice sits"), from its closed rounds
 * in trend order: the latest, shown or withheld. A withheld round is never skipped over to reach
 * an older one (docs/scoring.md §5), so a round closed with too few answers becomes the headline too,
 * saying it has too few responses.
 */
export function headlineOf<T>(closedInOrder: readonly T[]): T | undefined {
	return closedInOrder.at(-1);
}

/** A round as the headline names it: the respondents only when its results are shown. */
export interface HeadlineRound {
	id: number;
	title: string;
	shown: boolean;
	respondents: number | null;
}

/** What closing a round now would do, as the manager is told before they confirm it. */
export interface ClosingPreview {
	/** The day it would be recorded as closing. */
	closesOn: string;
	/** The day it was due to close. */
	dueOn: string;
	/** How many have answered and the share of the headcount, only once the minimum is reached. */
	progress: RoundProgress;
	staffHeadcount: number | null;
	/** Whether its results would be shown (docs/scoring.md §6). */
	resultsShown: boolean;
	/** The dashboard's headline round now, and after the close. */
	headlineNow: HeadlineRound | null;
	headlineAfter: HeadlineRound | null;
}

/**
 * What closing `roundId` on `today` would do to the practice's dashboard, worked out with the
 * very rules the dashboard uses (the close date, the trend order and headlineOf). Undefined when
 * the round is not among `records` or is not taking or awaiting answers (a draft, or closed).
 */
export function previewClosing(records: readonly RoundRecord[], roundId: number, today: string, rules: DisclosureRules): ClosingPreview | undefined {
	const record = records.find((r) => r.round.id === roundId);
	if (!record || record.availability === 'closed' || record.availability === 'draft') return undefined;
	const closesOn = closingDayOn(record.round, today);
	const resultsShown = canShow({ respondents: record.responses }, rules);
	const closedNow = { ...record, availability: 'closed' as const, round: { ...record.round, status: 'closed' as const, closed_on: closesOn } };
	const now = headlineOf(scoreClosedRounds(records, rules));
	const after = headlineOf(closedRoundsInOrder(records.map((r) => (r === record ? closedNow : r))));
	const headlineNow: HeadlineRound | null = now
		? { id: now.record.round.id, title: now.record.round.title, shown: now.scored.shown, respondents: now.scored.shown ? now.scored.respondents : null }
		: null;
	const headlineAfter: HeadlineRound | null =
		after === closedNow
			? { id: roundId, title: record.round.title, shown: resultsShown, respondents: resultsShown ? record.responses : null }
			: headlineNow;
	return {
		closesOn,
		dueOn: record.round.closes_on,
		progress: summariseProgress(record.responses, record.round.staff_headcount, rules),
		staffHeadcount: record.round.staff_headcount,
		resultsShown,
		headlineNow,
		headlineAfter
	};
}

export interface CurrentRound extends RoundHeading {
	availability: CollectingAvailability;
	/** Only for a round that takes or will take answers; a count only at or above the minimum. */
	progress: RoundProgress | null;
}

/** The current round as the dashboards show it: no scores, ever, and a count only at the minimum. */
export function describeCurrentRound(
	record: RoundRecord & { availability: CollectingAvailability },
	rules: DisclosureRules
): CurrentRound {
	const { round, availability } = record;
	return {
		...headingOf(round),
		availability,
		progress: availability === 'draft' ? null : summariseProgress(record.responses, round.staff_headcount, rules)
	};
}

/**
 * The response rate of a closed round as a list of rounds may show it: a rate times the
 * headcount gives the count back, so it is shown only when the round reached the minimum.
 */
export function disclosedResponseRate(record: RoundRecord, rules: DisclosureRules): number | null {
	const count = record.responses;
	return canShow({ respondents: count }, rules) ? responseRate(count, record.round.staff_headcount) : null;
}

/** Whether any round was taking answers at some point in the period (and has started by today). */
export function surveyedInPeriod(records: readonly RoundRecord[], period: Period, today: string): boolean {
	return records.some(
		({ round }) =>
			round.status !== 'draft' && round.opens_on <= period.to && closeDateOf(round) >= period.from && round.opens_on <= today
	);
}

/** A closed round's overall and construct scores, or how many more responses it needed. */
export type RoundScores =
	| { shown: false; respondentsNeeded: number }
	| { shown: true; respondents: number; scores: DisclosedScores };

export function scoreClosedRound(record: RoundRecord, rules: DisclosureRules): RoundScores {
	const count = record.responses;
	const round = { respondents: count };
	if (!canShow(round, rules) || !record.summary) return { shown: false, respondentsNeeded: respondentsNeeded(round, rules) };
	const scores = discloseGroupScores(record.summary.everyone, record.instrument.scoring.confidenceLevel, rules);
	return { shown: true, respondents: count, scores };
}

/** A closed round with its scores as every view shows them. */
export interface ScoredRound<R extends RoundRecord = RoundRecord> {
	record: R;
	scored: RoundScores;
}

/** A practice's closed rounds in trend order (oldest first), each scored or withheld. */
export function scoreClosedRounds<R extends RoundRecord>(records: readonly R[], rules: DisclosureRules): ScoredRound<R>[] {
	return closedRoundsInOrder(records).map((record) => ({ record, scored: scoreClosedRound(record, rules) }));
}

/**
 * What moved since the round before (docs/scoring.md §5): each score's change between a practice's
 * last two closed rounds, in trend order. When either was withheld every change is null ("cannot
 * compare"): a withheld round is never skipped over to reach an older one. When the two used
 * instruments whose scores are not one series (instrument-comparability.ts), every change is null
 * too, and `differentInstruments` says why: no Δ is ever taken across instruments. Null before a
 * second round has closed. The practice dashboard and the PCN's "notable fall" both read it from
 * here, so the two can never disagree about a practice.
 */
export function changeSinceRoundBefore<T extends { scored: RoundScores; record: { instrument: Instrument } }>(
	closed: readonly T[]
): { from: T; to: T; scores: Changes; differentInstruments: boolean } | null {
	const from = closed.at(-2);
	const to = closed.at(-1);
	if (!from || !to) return null;
	const differentInstruments = !sameSeries(from.record.instrument, to.record.instrument);
	const scoresOf = ({ scored }: T) => (scored.shown && !differentInstruments ? scored.scores : null);
	return { from, to, scores: changesBetween(scoresOf(from), scoresOf(to)), differentInstruments };
}

export interface TrendScore {
	mean: number;
	/** For the change rule (docs/scoring.md §5) between a round and the next; not part of the API. */
	sd: number | null;
	interval: Interval | null;
	n: number;
}

/** Which closed round a point of a trend stands for. */
export interface TrendRound {
	roundId: number;
	title: string;
	closedOn: string;
	/** The instrument version the round used: a trend's line never joins rounds of different series. */
	instrument: InstrumentLabel;
	/**
	 * Which run of the trend the round is in, counted from 0: it goes up wherever a round's
	 * instrument is not one series with the round before's, and a chart draws each run apart.
	 */
	run: number;
}

/** A closed round with too few respondents to show (docs/scoring.md §6): only how many more were needed. */
export type WithheldTrendPoint = TrendRound & { shown: false; respondentsNeeded: number };

/** One closed round of a trend, with the scores the view draws (all of them, or the overall only). */
export type TrendPoint<K extends ScoreKey = ScoreKey> =
	| WithheldTrendPoint
	| (TrendRound & {
			shown: true;
			respondents: number;
			/** Null where that score was withheld (too few people scored on it). */
			scores: Record<K, TrendScore | null>;
	  });

export function trendPoint<K extends ScoreKey = ScoreKey>(
	record: Pick<RoundRecord, 'round' | 'instrument'>,
	scored: RoundScores,
	keys: readonly K[] = SCORE_KEYS as readonly K[],
	run = 0
): TrendPoint<K> {
	const { round } = record;
	const base = { roundId: round.id, title: round.title, closedOn: closeDateOf(round), instrument: instrumentLabelOf(record.instrument), run };
	if (!scored.shown) return { ...base, shown: false, respondentsNeeded: scored.respondentsNeeded };
	const scores = {} as Record<K, TrendScore | null>;
	for (const key of keys) {
		const score = scoreFor(scored.scores, key);
		scores[key] = score.shown && score.mean !== null ? { mean: score.mean, sd: score.sd, interval: score.interval, n: score.n } : null;
	}
	return { ...base, shown: true, respondents: scored.respondents, scores };
}

/**
 * The trend's points of closed rounds in trend order, each in its run: a new run starts wherever
 * a round's instrument is not one series with the round before's (docs/scoring.md §5 read with
 * instrument-comparability.ts), so no line, and no change, joins them.
 */
export function trendOf<K extends ScoreKey = ScoreKey>(
	closed: readonly ScoredRound[],
	keys: readonly K[] = SCORE_KEYS as readonly K[]
): TrendPoint<K>[] {
	let run = 0;
	return closed.map(({ record, scored }, i) => {
		const before = closed[i - 1];
		if (before && !sameSeries(before.record.instrument, record.instrument)) run++;
		return trendPoint(record, scored, keys, run);
	});
}

/**
 * A practice's trend: every closed round, oldest first, each shown or withheld. The practice
 * dashboard and the API draw every score; the PCN's small charts only the overall one.
 */
export function practiceTrend<K extends ScoreKey = ScoreKey>(
	records: readonly RoundRecord[],
	rules: DisclosureRules,
	keys: readonly K[] = SCORE_KEYS as readonly K[]
): TrendPoint<K>[] {
	return trendOf(scoreClosedRounds(records, rules), keys);
}
