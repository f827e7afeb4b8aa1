/**
 * What the home overview receives: plain data for components to render, shaped by lib/server.
 */
import type { Band } from '../npt/continuum';
import type { InstrumentLabel } from '../npt/instrument-comparability';
import type { RoundHeading } from '../npt/practice-rounds';
import type { SurveyAvailability } from '../npt/round-schedule';

export type RoundSummary =
	| { kind: 'draft' }
	| { kind: 'collecting'; respondentsNeeded: number }
	| { kind: 'withheld' }
	| { kind: 'unplaced' }
	| { kind: 'placed'; band: Band; description: string };

export interface RoundLine extends RoundHeading {
	availability: SurveyAvailability;
	/** The public survey link, only while the round takes answers. */
	surveyPath: string | null;
	summary: RoundSummary;
	/** The instrument version the round uses, as a results line names it. */
	instrument: { title: string; version: string };
}

export interface PracticeOverview {
	id: number;
	odsCode: string;
	name: string;
	rounds: RoundLine[];
	/** The most recent closed round's summary. */
	latest: RoundLine | null;
}

export interface PcnOverview {
	id: number;
	odsCode: string;
	name: string;
	icbName: string;
	practices: PracticeOverview[];
}

/** One page of the PCNs in the viewer's scope. */
export interface NetworkOverview {
	/** This page, counted from 1, and how many there are (at least 1). */
	page: number;
	pages: number;
	/** PCNs in scope on every page, and the position of this page's first (0 with none). */
	pcnCount: number;
	firstShown: number;
	pcns: PcnOverview[];
	/** Every instrument version behind a result on the page (its closed rounds), as the page credits them. */
	instruments: InstrumentLabel[];
}

/** A PCN on an ICB lead's home page: a link to its dashboard, and how many practices it holds. */
export interface IcbPcnLine {
	id: number;
	odsCode: string;
	name: string;
	practiceCount: number;
}

/** One of an ICB lead's ICBs on their home page, with every PCN now in it. */
export interface IcbOverview {
	id: number;
	odsCode: string;
	name: string;
	pcns: IcbPcnLine[];
}
