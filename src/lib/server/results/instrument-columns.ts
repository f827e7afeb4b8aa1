/**
 * The instrument columns every results CSV ends with: which instrument version the row's figures
 * come from, on what licence, and how to cite it (SCORING.md §1). Repeated on each row, so the
 * file stays one table that any spreadsheet or script reads by its header, and a row copied out
 * of it still says where its figures come from. Appended after the existing columns, so readers
 * of the earlier files find every column where it was.
 */
import type { CsvValue } from '../platform/csv';

export const INSTRUMENT_HEADER = [
	'instrument_id',
	'instrument_version',
	'instrument_title',
	'instrument_licence',
	'instrument_citation',
	'instrument_doi'
] as const;

type Named = { id: string; version: string; title: string; licence: string; citation: string; doi: string | null };

/** Empty cells when the row has no figures from any instrument (a practice with no round). */
export function instrumentColumns(instrument: Named | null | undefined): CsvValue[] {
	if (!instrument) return INSTRUMENT_HEADER.map(() => null);
	return [instrument.id, instrument.version, instrument.title, instrument.licence, instrument.citation, instrument.doi];
}
