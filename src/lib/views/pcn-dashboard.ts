/**
 * What the PCN dashboard receives: plain data for components to render, shaped by lib/server.
 */
import type { Placement } from '../npt/continuum';
import type { BandThresholds } from '../npt/instrument';
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { CommonGap, HeatmapSort, PcnFigures, PcnScore, Period, PracticeMean, PracticeResult } from '../npt/pcn';
import type { LastChange, PcnGlance } from '../npt/pcn-glance';
import type { CurrentRound, TrendPoint } from '../npt/practice-rounds';
import type { GapMatrix, GapMatrixFlag, GapMatrixFlagState, GapMatrixItem, PcnPerceptionRow } from './pcn-gaps';
import type { PracticeActionCounts } from './practice-actions';
import type { PcnBenchmarksView } from './benchmarks';

export interface ChosenRound {
	id: number;
	title: string;
	closedOn: string;
}

/** One heatmap row: a practice and its chosen round in the period, shown or withheld. */
export type PcnPractice = {
	id: number;
	name: string;
	odsCode: string;
	round: ChosenRound | null;
	/** The instrument its chosen round used; null with no round in the period. */
	instrument: InstrumentLabel | null;
	/** Whether it is in the PCN figures: its round is on their instrument series (instrument-comparability.ts). */
	inFigures: boolean;
} & PracticeResult;

export interface PracticeTrend {
	practiceId: number;
	name: string;
	/** Every closed round of the practice, oldest first, with its overall score: what the small charts draw. */
	points: TrendPoint<'overall'>[];
	/** The overall score's change between its last two closed rounds, as the practice dashboard gives it. */
	change: LastChange | null;
}

export interface PracticeRounds {
	practiceId: number;
	name: string;
	/** The open round, else the next scheduled (or draft) one. */
	current: CurrentRound | null;
	/** The most recent closed round, with its response rate only when it reached the minimum. */
	lastClosed: { id: number; title: string; closedOn: string; shown: boolean; responseRate: number | null } | null;
	/** Whether any round of the practice was taking answers at some point in the period. */
	surveyedInPeriod: boolean;
}

export interface PcnDashboard {
	pcn: { id: number; name: string; odsCode: string; icbId: number; icbName: string };
	period: Period;
	/** The bands of the most recent instrument in use (the built-in staff survey's before any round). */
	bands: BandThresholds;
	/** Heatmap rows, by practice name. */
	practices: PcnPractice[];
	figures: PcnFigures;
	/** The instrument the PCN figures are from (the latest chosen round on their series); null with no round in the period. */
	figuresInstrument: InstrumentLabel | null;
	/** Practices whose chosen round used an instrument on another series: shown apart, not in the figures. */
	otherInstruments: number;
	/** Every instrument version behind a figure on the page (the heatmap and the small trends). */
	instruments: InstrumentLabel[];
	/** The mean of practice overall scores in the period of the same length just before, by the same rules, on the same instrument series. */
	before: { period: Period; practiceMean: PracticeMean | null; otherInstruments: number };
	/** How many people must answer every statement of a construct before α is worked out. */
	alphaMinimum: number;
	commonGaps: CommonGap[];
	/** One small trend per practice, by practice name. */
	trends: PracticeTrend[];
	/** The dates every small trend spans, so all share one x range; null before any round closed. */
	trendRange: { from: string; to: string } | null;
	rounds: PracticeRounds[];
}

/**
 * How the viewer holds a PCN's page: its own lead acts on it (opens its practices and flags); an
 * ICB lead over it reads it (issue 26).
 */
export type PcnPageAccess = 'lead' | 'reader';

/** A practice on the continuum strip: its shown overall score on the PCN figures' instrument series. */
export interface ContinuumPractice extends Pick<PcnScore, 'mean' | 'interval' | 'band' | 'n'> {
	id: number;
	name: string;
	placement: Placement | null;
}

/** Heatmap rows that carry no figure: withheld (fewer than the minimum responses), or with no round closed in the period. */
export interface HeatmapGaps {
	withheld: number;
	noRound: number;
}

/** The dashboard with the link workers' track beside it, each flag shown as `F`. */
interface PcnTrackPage<F extends GapMatrixFlagState> extends PcnDashboard {
	/** The heatmap's order; `practices` is in it. */
	sort: HeatmapSort;
	heatmapGaps: HeatmapGaps;
	/** The practices the continuum strip places, in the heatmap's order. */
	continuum: ContinuumPractice[];
	gapMatrix: GapMatrix<F>;
	/** Actions on constructs and on the flags in the gap matrix, counted per practice. */
	actionCounts: PracticeActionCounts[];
	glance: PcnGlance<GapMatrixItem<F>>;
	benchmarks: PcnBenchmarksView;
}

/** What the PCN's lead sees: every flag, to open, with who raised it, and each link worker's own view beside the staff's. */
export interface PcnLeadPage extends PcnTrackPage<GapMatrixFlag> {
	access: 'lead';
	perceptionGaps: PcnPerceptionRow[];
}

/**
 * What an ICB lead reads: the same figures, and of the link workers' track only the flags shared
 * with the practice, each as its state alone. No link worker's own assessment: docs/scoring.md §6
 * shows it to the practice's manager and the PCN lead only.
 */
export interface PcnReaderPage extends PcnTrackPage<GapMatrixFlagState> {
	access: 'reader';
}

export type PcnDashboardPage = PcnLeadPage | PcnReaderPage;
