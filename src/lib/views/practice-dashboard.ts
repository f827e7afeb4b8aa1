/**
 * What the practice dashboard receives: plain data for components to render, shaped by lib/server.
 */
import type { WorkOnEntry } from '../npt/actions';
import type { Changes } from '../npt/change';
import type { FeedbackMarker } from '../npt/feedback';
import type { Instrument } from '../npt/instrument';
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { CurrentRound, TrendPoint } from '../npt/practice-rounds';
import type { DisclosedScores, RoundResults } from '../npt/round-results';
import type { PracticeBenchmarksView } from './benchmarks';
import type { PerceptionGapView } from './perception-gap';

export interface RoundRef {
	id: number;
	title: string;
	opensOn: string;
	closesOn: string;
	/** When the round actually closed: early, on its date, or its date if it closed without a record. */
	closedOn: string;
	staffHeadcount: number | null;
}

export interface PracticeDashboard {
	practice: { id: number; name: string; odsCode: string; pcnName: string | null };
	/** The most recent closed round, shown or withheld; null before any round has closed. */
	latest: { round: RoundRef; instrument: Instrument; results: RoundResults } | null;
	/** The most recent shown round before the latest, for the construct profile; null when it used an instrument of another series. */
	previous: { round: RoundRef; scores: DisclosedScores } | null;
	/** Between the latest closed round and the one before it; null with fewer than two. */
	change: { from: RoundRef; to: RoundRef; scores: Changes; differentInstruments: boolean } | null;
	/** Every closed round, oldest first. */
	trend: TrendPoint[];
	current: CurrentRound | null;
	/** The instrument of the latest closed round, else of the current round: text, constructs, bands. */
	instrument: Instrument | null;
	/** Every instrument version behind the closed rounds' results, the latest first, as the page credits them. */
	instruments: InstrumentLabel[];
}

/** The dashboard with what this viewer may see of the link worker's track beside it. */
export interface PracticeDashboardPage extends PracticeDashboard {
	/** "You said, we did": actions done and flags resolved, placed between the rounds. */
	feedback: FeedbackMarker[];
	plannedActions: number;
	overdueActions: number;
	/** Weak constructs and open gaps together, the strongest evidence first. */
	toWorkOn: WorkOnEntry[];
	perceptionGap: PerceptionGapView | null;
	/** Beside other practices; null before the practice has a closed round. */
	benchmarks: PracticeBenchmarksView | null;
	/** The survey calendar's plans, for those who run rounds only. */
	calendar: PlannedRounds | null;
	/** The next planned round, which every reader is told at a glance. */
	nextPlanned: NextPlannedRound | null;
	canManageRounds: boolean;
	isLinkWorker: boolean;
}

/** What a practice's survey calendar has planned, as the dashboard's "Planned rounds" lists it. */
export interface PlannedRounds {
	/** Whether the practice has a survey calendar switched on. */
	on: boolean;
	/** Drafts the calendar made, which open by themselves (or, with the calendar off, by hand). */
	drafts: { id: number; title: string; opens: string; closes: string }[];
	/** Openings still to come, each made into a draft on `planned`. */
	upcoming: { opens: string; closes: string; planned: string }[];
	/** The earliest round the calendar will open by itself; null without a calendar. */
	next: NextPlannedRound | null;
}

/** The survey calendar's next round, as the dashboard's "Planned rounds" lists it (dates in words). */
export interface NextPlannedRound {
	/** The draft the calendar has already made for it; null while it is still to be made. */
	draft: { id: number; title: string } | null;
	opens: string;
	closes: string;
	/** The day its draft appears; null once it is there. */
	draftOn: string | null;
}
