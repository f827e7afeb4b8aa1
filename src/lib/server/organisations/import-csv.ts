/**
 * Reading practices and PCNs from CSV, the first step of an import: the text as the file or the
 * pasted box gives it, its header (in whatever order and naming), and one row per practice.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { ImportColumn, ImportCells } from '../../views/organisation-import';

export const MAX_IMPORT_BYTES = 400 * 1024;
export const MAX_IMPORT_ROWS = 5000;

export const IMPORT_COLUMNS = [
	{ key: 'practiceCode', label: 'ODS code', aliases: ['odscode', 'practicecode', 'practiceodscode'] },
	{ key: 'practiceName', label: 'Name', aliases: ['name', 'practicename'] },
	{ key: 'pcnCode', label: 'PCN code', aliases: ['pcncode', 'pcnodscode'] },
	{ key: 'pcnName', label: 'PCN name', aliases: ['pcnname'] },
	{ key: 'icbCode', label: 'ICB code', aliases: ['icbcode', 'icbodscode'] }
] as const satisfies readonly { key: ImportColumn; label: string; aliases: readonly string[] }[];

export const EXAMPLE_CSV = [
	'ODS code,Name,PCN code,PCN name,ICB code',
	'A81001,Riverside Surgery,U12345,Riverside and Canal PCN,QE1',
	'A81002,Hillview Medical Centre,U12345,Riverside and Canal PCN,QE1',
	'A81003,"Canal Street Practice, Westgate",U12345,Riverside and Canal PCN,QE1',
	'B82004,Moorland Health Centre,,,'
].join('\r\n');

export interface CsvRow {
	/** The line of the file the row starts on, counting the header row. */
	line: number;
	cells: ImportCells;
	/** Values beyond the known columns. */
	extra: string[];
}

export type ParsedCsv =
	| { ok: true; hasHeader: boolean; ignoredColumns: string[]; rows: CsvRow[] }
	| { ok: false; problem: string };

/** Text from an uploaded file; undefined when it is not UTF-8. A byte-order mark is dropped. */
export function decodeCsvBytes(bytes: Uint8Array): string | undefined {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return undefined;
	}
}

const headerKey = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

function columnOf(cell: string): ImportColumn | undefined {
	const key = headerKey(cell);
	return IMPORT_COLUMNS.find((column) => (column.aliases as readonly string[]).includes(key))?.key;
}

function csvProblem(error: CsvError): string {
	const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
	switch (error.code) {
		case 'CSV_QUOTE_NOT_CLOSED':
			return `A value starts with a quotation mark that is never closed${line}. Check the quotation marks in the file.`;
		case 'CSV_INVALID_CLOSING_QUOTE':
		case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
			return `A quoted value has more text after its closing quotation mark${line}. Put the whole value inside the quotation marks.`;
		case 'CSV_MAX_RECORD_SIZE':
			return `One row is far too long${line}. Check the file is a CSV file with one practice on each line.`;
		default:
			return `The file could not be read as CSV${line}.`;
	}
}

export function parseImportCsv(text: string): ParsedCsv {
	// One kind of line break, so counting them in each record's raw text gives the line people see.
	const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	// Rows copied from a spreadsheet and pasted arrive with tabs between the values.
	const firstLine = normalised.split('\n').find((l) => l.trim() !== '') ?? '';
	const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
	let records: { record: string[]; raw: string }[];
	try {
		// csv-parse's types do not describe the shape `raw: true` gives.
		records = parse(normalised, {
			delimiter,
			raw: true,
			relax_column_count: true,
			relax_quotes: true,
			max_record_size: 10_000
		}) as unknown as { record: string[]; raw: string }[];
	} catch (error) {
		if (error instanceof CsvError) return { ok: false, problem: csvProblem(error) };
		throw error;
	}
	let line = 1;
	const lines: { line: number; cells: string[] }[] = [];
	for (const { record, raw } of records) {
		const cells = record.map((cell) => cell.trim());
		if (cells.some((cell) => cell !== '')) lines.push({ line, cells });
		line += raw.split('\n').length - 1;
	}
	if (lines.length === 0) return { ok: false, problem: 'The file is empty. Add one row for each practice.' };
	if (lines.every((l) => l.cells.length === 1) && normalised.includes(';')) {
		return { ok: false, problem: 'Separate the columns with commas. This file seems to use semicolons.' };
	}

	const first = lines[0]!.cells;
	// Every header has at least the practice code and name; one match could be a practice called "Name".
	const hasHeader = first.filter((cell) => columnOf(cell) !== undefined).length >= 2;
	let positions: Partial<Record<ImportColumn, number>> = {};
	const ignoredColumns: string[] = [];
	let width: number = IMPORT_COLUMNS.length;
	if (hasHeader) {
		for (const [index, cell] of first.entries()) {
			const column = columnOf(cell);
			if (!column) {
				if (cell) ignoredColumns.push(cell);
				continue;
			}
			if (positions[column] !== undefined) {
				return { ok: false, problem: `The header row has more than one column for ‘${labelOf(column)}’. Keep one.` };
			}
			positions[column] = index;
		}
		if (positions.practiceCode === undefined || positions.practiceName === undefined) {
			return {
				ok: false,
				problem: 'The header row needs a column called ‘ODS code’ and one called ‘Name’ for the practices.'
			};
		}
		width = first.length;
	} else {
		positions = Object.fromEntries(IMPORT_COLUMNS.map((column, index) => [column.key, index]));
	}
	const rows = lines.slice(hasHeader ? 1 : 0).map(({ line, cells }) => ({
		line,
		cells: Object.fromEntries(
			IMPORT_COLUMNS.map(({ key }) => [key, positions[key] === undefined ? '' : (cells[positions[key]] ?? '')])
		) as ImportCells,
		extra: cells.slice(width).filter((cell) => cell !== '')
	}));
	return { ok: true, hasHeader, ignoredColumns, rows };
}

function labelOf(column: ImportColumn): string {
	return IMPORT_COLUMNS.find((c) => c.key === column)!.label;
}

