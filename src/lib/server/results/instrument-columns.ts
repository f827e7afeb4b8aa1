/**
 * The instrument columns every results CSV ends with: which instrument version the row's figures
 * come from, on what licence, and how to cite it (docs/scoring.md §1). Repeated on each row, so the
 * file stays one table that any spreadsheet or script reads by its header, and a row copied out
 * of it still says where its figures come from. Appended after the existing columns, so readers
 * of the earlier files find every column where it was.
 */
import type { CsvValue } from '../platform/csv';
import { column, type TableColumn } from '../../tables';

export const INSTRUMENT_COLUMNS: readonly TableColumn[] = [
	column('instrument_id', 'text', 'The identifier of the questionnaire (instrument) the figures on this row come from.'),
	column('instrument_version', 'text', 'Its version: figures from different versions may not be on the same scale.'),
	column('instrument_title', 'text', 'Its title.'),
	column('instrument_licence', 'text', 'The terms on which the instrument may be used.'),
	column('instrument_citation', 'text', 'How to cite the instrument.'),
	column('instrument_doi', 'text', 'Its DOI, where it has one.')
];

export const INSTRUMENT_HEADER = INSTRUMENT_COLUMNS.map((c) => c.header);

type Named = { id: string; version: string; title: string; licence: string; citation: string; doi: string | null };

/** Empty cells when the row has no figures from any instrument (a practice with no round). */
export function instrumentColumns(instrument: Named | null | undefined): CsvValue[] {
	if (!instrument) return INSTRUMENT_HEADER.map(() => null);
	return [instrument.id, instrument.version, instrument.title, instrument.licence, instrument.citation, instrument.doi];
}
