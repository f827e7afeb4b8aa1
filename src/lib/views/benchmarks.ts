/**
 * What the benchmark section receives (docs/scoring.md §8): for each group, one row per score with the
 * practice's own score, the group's middle half and where the score lies, in words too. Plain
 * data for components to render, shaped by lib/server.
 */
import type { BenchmarkGroupKind, BenchmarkPlace, BenchmarkScore, GroupBenchmark, ScoreBenchmark } from '../npt/benchmarks';
import type { ScoreKey } from '../npt/constructs';
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { Period } from '../npt/pcn';

export interface BenchmarkRowView {
	key: ScoreKey;
	/** "Overall", or the construct's name. */
	label: string;
	/** The practice's own score, or null where it is withheld. */
	own: BenchmarkScore | null;
	group: ScoreBenchmark;
	/** Where the own score lies, in words ("above the middle half of practices in your ICB"); null when it cannot be said. */
	placement: string | null;
}

export interface BenchmarkGroupView {
	kind: BenchmarkGroupKind;
	name: string;
	rows: BenchmarkRowView[];
}

export interface PracticeBenchmarksView {
	period: Period;
	/** The close date of the practice's round the benchmarks are about; null when none closed in the period. */
	roundClosedOn: string | null;
	/** MIN_BENCHMARK_PRACTICES, for saying why a group is not shown. */
	minPractices: number;
	/** Whether the ICB holds every practice with a round in the period, so it is the whole service too. */
	serviceIsIcb: boolean;
	/** The instrument every practice in the groups used (one series: the practice's own round's); null when none. */
	instrument: InstrumentLabel | null;
	groups: BenchmarkGroupView[];
}

/** A group's middle half for one score, as the PCN dashboard lists it. */
export interface GroupRowView {
	key: ScoreKey;
	label: string;
	group: GroupBenchmark;
}

/** Where each of a PCN's practices lies against each group, score by score (null: not placed). */
export interface PcnBenchmarksView {
	period: Period;
	minPractices: number;
	serviceIsIcb: boolean;
	/** The instrument every practice in the groups used (the PCN figures' series); null when none. */
	instrument: InstrumentLabel | null;
	groups: { kind: BenchmarkGroupKind; name: string; rows: GroupRowView[] }[];
	/** `otherInstrument`: its round used an instrument of another series, so it is not placed. */
	practices: { id: number; name: string; otherInstrument: boolean; places: { kind: BenchmarkGroupKind; places: Record<ScoreKey, BenchmarkPlace | null> }[] }[];
}
