/**
 * What the practice dashboard receives: plain data for components to render, shaped by lib/server.
 */
import type { Changes, ScoreKey } from '../npt/change';
import type { Instrument } from '../npt/instrument';
import type { DisclosedScores, RoundProgress, RoundResults } from '../npt/round-results';
import type { Interval } from '../npt/statistics';
import type { SurveyAvailability } from '../npt/round-schedule';

export interface RoundRef {
	id: number;
	title: string;
	opensOn: string;
	closesOn: string;
	/** When the round actually closed: early, on its date, or its date if it closed without a record. */
	closedOn: string;
	staffHeadcount: number | null;
}

export interface TrendScore {
	mean: number;
	/** For the change rule (SCORING.md §5) between a round and the next; not part of the API. */
	sd: number | null;
	interval: Interval | null;
	n: number;
}

/** Which closed round a point of a trend stands for. */
export interface TrendRound {
	roundId: number;
	title: string;
	closedOn: string;
}

/** A closed round with too few respondents to show (SCORING.md §6): only how many more were needed. */
export type WithheldTrendPoint = TrendRound & { shown: false; respondentsNeeded: number };

export type TrendPoint =
	| WithheldTrendPoint
	| (TrendRound & {
			shown: true;
			respondents: number;
			/** Null where that score was withheld (too few people scored on it). */
			scores: Record<ScoreKey, TrendScore | null>;
	  });

export interface CurrentRound {
	id: number;
	title: string;
	opensOn: string;
	closesOn: string;
	availability: Exclude<SurveyAvailability, 'closed'>;
	/** Only for a round that takes or will take answers; a count only at or above the minimum. */
	progress: RoundProgress | null;
}

export interface PracticeDashboard {
	practice: { id: number; name: string; odsCode: string; pcnName: string | null };
	/** The most recent closed round, shown or withheld; null before any round has closed. */
	latest: { round: RoundRef; instrument: Instrument; results: RoundResults } | null;
	/** The most recent shown round before the latest, for the construct profile. */
	previous: { round: RoundRef; scores: DisclosedScores } | null;
	/** Between the latest closed round and the one before it; null with fewer than two. */
	change: { from: RoundRef; to: RoundRef; scores: Changes } | null;
	/** Every closed round, oldest first. */
	trend: TrendPoint[];
	current: CurrentRound | null;
	/** The instrument of the latest closed round, else of the current round: text, constructs, bands. */
	instrument: Instrument | null;
}
