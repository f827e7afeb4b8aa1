/**
 * One description of each downloadable table, shared by the CSV and the .xlsx writers so the two
 * files cannot disagree: the same columns in the same order, the same cells, and for each column
 * what kind of value it holds and what it means (the .xlsx file's "Read me" sheet). Pure.
 */
import { toCsv, type CsvValue } from './csv';

/**
 * What a column holds. `percent` is a share written 0–100 (62.5 means 62.5%), as in the CSV;
 * `date` is a day written YYYY-MM-DD; `datetime` a moment in ISO 8601 UTC (2026-12-07T09:30:00.000Z);
 * `integer` a whole number; `number` any other number.
 */
export type ColumnType = 'number' | 'integer' | 'date' | 'datetime' | 'text' | 'percent';

export interface TableColumn {
	/** A stable name for code to find the column by. */
	key: string;
	/** What the header row says, in both files. */
	header: string;
	type: ColumnType;
	/** One or two plain sentences for the "Read me". */
	meaning: string;
}

export interface Table {
	columns: readonly TableColumn[];
	/** One array per row, a cell per column in column order; null or undefined is an empty cell. */
	rows: readonly (readonly CsvValue[])[];
}

/** A column whose header is its key, as every CSV header in this product is. */
export function column(key: string, type: ColumnType, meaning: string): TableColumn {
	return { key, header: key, type, meaning };
}

/** The CSV of a table: its headers, then its rows (lib/csv.ts: BOM, CRLF, formulas defused). */
export function tableToCsv(table: Table): string {
	return toCsv([table.columns.map((c) => c.header), ...table.rows]);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Whether a (non-empty) cell holds what its column says it holds. */
export function fitsColumn(type: ColumnType, value: string | number): boolean {
	switch (type) {
		case 'text':
			return typeof value === 'string';
		case 'date':
			// A real day: 2026-02-30 does not come back as itself.
			return typeof value === 'string' && DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
		case 'datetime':
			return typeof value === 'string' && MOMENT.test(value) && !Number.isNaN(Date.parse(value));
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'number':
		case 'percent':
			return typeof value === 'number' && Number.isFinite(value);
	}
}

/**
 * Every cell that does not fit its column, and every row of the wrong length, in words: empty
 * when the table is what it says it is. The tests hold every export to this.
 */
export function tableProblems(table: Table): string[] {
	const problems: string[] = [];
	table.rows.forEach((row, r) => {
		if (row.length !== table.columns.length) problems.push(`row ${r + 1} has ${row.length} cells for ${table.columns.length} columns`);
		row.forEach((value, c) => {
			const col = table.columns[c];
			if (value === null || value === undefined || !col) return;
			if (!fitsColumn(col.type, value)) problems.push(`row ${r + 1}, ${col.key}: ${typeof value === 'string' ? JSON.stringify(value) : value} is not ${col.type}`);
		});
	});
	return problems;
}

/** The position of a column, by its key. */
export function columnIndex(table: Pick<Table, 'columns'>, key: string): number {
	const index = table.columns.findIndex((c) => c.key === key);
	if (index < 0) throw new Error(`No column ${key}`);
	return index;
}

/** One answer code of a codebook: the number in the file, the instrument's words, what it counts as. */
export interface CodebookEntry {
	code: number;
	label: string;
	meaning: string;
}

/**
 * What a download says about itself beside its table: what the file is, which practice, round
 * or period it covers, and what it leaves out and why (docs/scoring.md §6). The .xlsx file writes it
 * as its "Read me" (and "Codebook") sheet.
 */
export interface ReadMe {
	title: string;
	about: readonly string[];
	/** Label and value: "Practice", "A10001 Test Surgery". */
	scope: readonly (readonly [string, string])[];
	withheld: readonly string[];
	codebook?: readonly CodebookEntry[];
}

/** A table ready to download in either format; `name` is the file name without its extension. */
export interface TableDownload {
	table: Table;
	readMe: ReadMe;
	name: string;
}

export const DOWNLOAD_FORMATS = ['csv', 'xlsx'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/**
 * `scores.xlsx` → `{ base: 'scores', format: 'xlsx' }`: the last path segment of a download, with
 * the format apart from the kind, so a route checks the kind with its own list and renders the
 * format with one writer. Anything else (no extension, another one, a path) is undefined.
 */
export function downloadNameOf(segment: string | undefined): { base: string; format: DownloadFormat } | undefined {
	const match = /^([a-z][a-z-]*)\.(csv|xlsx)$/.exec(segment ?? '');
	return match ? { base: match[1]!, format: match[2] as DownloadFormat } : undefined;
}
