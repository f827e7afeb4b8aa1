/**
 * How a questionnaire asks an instrument's statements: grouped by construct in the NPT order.
 * Kept apart from instrument.ts, which holds the zod schema, so pages in the browser that only
 * lay out statements (the staff survey, the link worker's own view) do not load zod with it.
 */
import { CONSTRUCTS, type Construct } from './constructs';
import type { Instrument, InstrumentItem } from './instrument';

export interface StatementSection {
	construct: Construct;
	/** The instrument's own introduction to the construct, if it has one. */
	intro: string | null;
	/** Its statements, each with its number in the whole instrument (1-based). */
	statements: { item: InstrumentItem; number: number }[];
}

/** The statements grouped by construct in the NPT order, as a questionnaire asks them; empty constructs left out. */
export function statementSections(instrument: Instrument): StatementSection[] {
	const numbered = instrument.items.map((item, index) => ({ item, number: index + 1 }));
	return CONSTRUCTS.map((construct) => ({
		construct,
		intro: instrument.constructIntros?.[construct] ?? null,
		statements: numbered.filter(({ item }) => item.construct === construct)
	})).filter((section) => section.statements.length > 0);
}
