/**
 * What the PCN gaps page receives: plain data for components to render, shaped by lib/server.
 */
import type { FlagState } from '../npt/flag-lifecycle';
import type { Construct } from '../npt/constructs';
import type { Aspect, ChecklistItem } from '../npt/infrastructure';
import type { ScoreGap } from '../npt/perception-gap';

export interface GapMatrixFlag {
	id: number;
	state: FlagState;
	raisedBy: string;
}

export interface GapMatrixCell {
	practiceId: number;
	/** Flags still open, acknowledged or in progress, least far along first. */
	unresolved: GapMatrixFlag[];
	/** The most recent resolved or won't-fix flag, shown only when nothing is unresolved. */
	closed: GapMatrixFlag | null;
}

export interface GapMatrixItem {
	item: ChecklistItem;
	/** One cell per practice, in the matrix's practice order. */
	cells: GapMatrixCell[];
	/** Practices with at least one unresolved flag for this item. */
	practicesWithGap: number;
	/** Unresolved flags by state (a practice can have one from each of its link workers). */
	flagsByState: { state: FlagState; count: number }[];
	/** Practices where every flag for this item was resolved or closed as won't fix. */
	practicesClosed: number;
}

export interface GapMatrix {
	practices: { id: number; name: string }[];
	/** Aspects in checklist order, each with only the items flagged somewhere in the PCN. */
	aspects: { aspect: Aspect; label: string; items: GapMatrixItem[] }[];
}

export interface PcnLinkWorkerGap {
	userId: number;
	name: string;
	updatedAt: string;
	constructs: Record<Construct, ScoreGap>;
	/** The largest gap either way, with its sentence; null when no construct has both sides. */
	biggest: { construct: Construct; gap: number; large: boolean; text: string } | null;
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
