/**
 * What the ICB dashboard receives: plain data for components to render, shaped by lib/server.
 */
import type { GroupBenchmark, ScoreBenchmark } from '../npt/benchmarks';
import type { ScoreKey } from '../npt/constructs';
import type { Change } from '../npt/change';
import type { AreaFigure, AreaInPeriod, HalfYear, PcnInPeriod, PcnNeedingSupport } from '../npt/icb';
import type { ChecklistItem } from '../npt/infrastructure';
import type { BandThresholds } from '../npt/instrument';
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { CommonGap, Period } from '../npt/pcn';

export interface GapCount {
	itemId: string;
	/** What is missing, in the checklist's words ("No private room for the link worker"). */
	gap: string;
	aspect: ChecklistItem['aspect'];
	construct: ChecklistItem['construct'];
	/** Practices in the ICB with a flag for it still open. */
	practicesWithGap: number;
}

export interface IcbHalfYear {
	half: HalfYear;
	practicesShown: number;
	respondents: number;
	scores: Record<ScoreKey, AreaFigure | null>;
}

export interface IcbPcnBenchmarks {
	period: Period;
	/** MIN_BENCHMARK_PRACTICES, applied to PCNs: the fewest PCNs with a figure that make the group. */
	minPcns: number;
	/** Every PCN of the service, per score. */
	group: Record<ScoreKey, GroupBenchmark>;
	pcns: { id: number; name: string; scores: Record<ScoreKey, ScoreBenchmark> }[];
}

export interface IcbDashboard {
	icb: { id: number; name: string; odsCode: string };
	period: Period;
	/** The bands figures are coloured by (the most recent chosen round's instrument). */
	bands: BandThresholds;
	/** The instrument every figure of the page is from (the latest chosen round on their series); null with no round in the period. */
	figuresInstrument: InstrumentLabel | null;
	/** Practices whose round in the period used an instrument on another series: in no figure of the page. */
	otherInstruments: number;
	/** Every instrument version the practices' rounds in the period used, the most recent first. */
	instruments: InstrumentLabel[];
	glance: {
		needingSupport: PcnNeedingSupport[];
		figure: { now: AreaFigure | null; before: Period; then: AreaFigure | null; change: Change | null };
		weakest: CommonGap[];
		sharedGaps: GapCount[];
	};
	pcns: PcnInPeriod[];
	/** The ICB as a whole in the period. */
	figures: AreaInPeriod;
	/** Practices with no round taking answers at any time in the period, by PCN (PCNs with none left out). */
	notSurveyed: { pcnId: number; pcnName: string; practices: { id: number; name: string }[] }[];
	overTime: IcbHalfYear[];
	gaps: { practices: number; items: GapCount[] };
	benchmarks: IcbPcnBenchmarks;
}

