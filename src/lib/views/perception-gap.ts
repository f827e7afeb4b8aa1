/**
 * What perception-gap charts receive: plain data for components to render, shaped by lib/server.
 */
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { PerceptionGap, SideScores } from '../npt/perception-gap';

export interface PerceptionGapView {
	round: { id: number; title: string; closedOn: string };
	/** False when the staff round is below the minimum: no staff figure, so no gap. */
	staffShown: boolean;
	staff: SideScores;
	/** The staff survey's instrument version, as the page credits it. */
	staffInstrument: InstrumentLabel;
	assessments: {
		userId: number;
		linkWorkerName: string;
		updatedAt: string;
		/** The link worker instrument version the assessment answered. */
		instrument: InstrumentLabel;
		gap: PerceptionGap;
	}[];
}
