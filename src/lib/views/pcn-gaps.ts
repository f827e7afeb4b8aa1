/**
 * What the PCN gaps page receives: plain data for components to render, shaped by lib/server.
 */
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { FlagState } from '../npt/flag-lifecycle';
import type { Construct } from '../npt/constructs';
import type { Aspect, ChecklistItem } from '../npt/infrastructure';
import type { ScoreGap } from '../npt/perception-gap';

/** How far a flag has got: all a reader of the PCN (an ICB lead) learns of one. */
export interface GapMatrixFlagState {
	state: FlagState;
}

/** A flag as the PCN lead sees it in the matrix: which one, to open it, and who raised it. */
export interface GapMatrixFlag extends GapMatrixFlagState {
	id: number;
	raisedBy: string;
}

export interface GapMatrixCell<F extends GapMatrixFlagState = GapMatrixFlag> {
	practiceId: number;
	/** Flags still open, acknowledged or in progress, least far along first. */
	unresolved: F[];
	/** The most recent resolved or won't-fix flag, shown only when nothing is unresolved. */
	closed: F | null;
}

export interface GapMatrixItem<F extends GapMatrixFlagState = GapMatrixFlag> {
	item: ChecklistItem;
	/** One cell per practice, in the matrix's practice order. */
	cells: GapMatrixCell<F>[];
	/** Practices with at least one unresolved flag for this item. */
	practicesWithGap: number;
	/** Unresolved flags by state (a practice can have one from each of its link workers). */
	flagsByState: { state: FlagState; count: number }[];
	/** Practices where every flag for this item was resolved or closed as won't fix. */
	practicesClosed: number;
}

export interface GapMatrix<F extends GapMatrixFlagState = GapMatrixFlag> {
	practices: { id: number; name: string }[];
	/** Aspects in checklist order, each with only the items flagged somewhere in the PCN. */
	aspects: { aspect: Aspect; label: string; items: GapMatrixItem<F>[] }[];
}

export interface PcnLinkWorkerGap {
	userId: number;
	name: string;
	updatedAt: string;
	constructs: Record<Construct, ScoreGap>;
	/** The largest gap either way, with its sentence; null when no construct has both sides. */
	biggest: { construct: Construct; gap: number; large: boolean; text: string } | null;
	/** The link worker instrument version the view answered. */
	instrument: InstrumentLabel;
}

export type PcnPerceptionRow = {
	practiceId: number;
	name: string;
} & (
	| { state: 'no_round' }
	| { state: 'withheld'; round: { id: number; title: string } }
	| { state: 'no_assessment'; round: { id: number; title: string } }
	| { state: 'compared'; round: { id: number; title: string }; linkWorkers: PcnLinkWorkerGap[] }
);
