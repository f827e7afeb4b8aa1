/**
 * The spreadsheet path: an instrument's items as a CSV item bank, one row per item, and back.
 * Everything that is not per item (id, version, title, provenance, general items, scoring, bands…)
 * travels beside it as the "details", a JSON object. The two together go through the same
 * validation as a JSON file (instrumentSchema), and problems name the row and column of the
 * spreadsheet the way a JSON file's name the field ("row 4, construct: …").
 *
 * Columns: id, construct, subConstruct, text, reversed, help — and pairs for a link-worker
 * instrument (the staff item each pairs with; empty means the same id). Header names are matched
 * ignoring case, spaces, - and _ ("Sub-construct" is subConstruct); construct and sub-construct
 * values likewise ("Collective action" is collective_action). reversed is yes/no, true/false or
 * 1/0; an empty help is none. Pure: the caller reads the file.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { toCsv } from '../../csv';
import { cleanLine } from '../../text';
import { instrumentSchema, type Instrument } from '../instrument';

export const ITEM_BANK_COLUMNS = ['id', 'construct', 'subConstruct', 'text', 'reversed', 'help'] as const;
/** The link-worker column: which staff item each item asks about from the other side. */
export const PAIRS_COLUMN = 'pairs';
/** Far more than any instrument has (the schema allows 100): a file beyond it is refused unread. */
export const MAX_ITEM_BANK_ITEMS = 200;
/** 200 rows of 300-character statements and help, with room for quoting. */
export const MAX_ITEM_BANK_CHARACTERS = 256 * 1024;

type Column = (typeof ITEM_BANK_COLUMNS)[number] | typeof PAIRS_COLUMN;
const REQUIRED_COLUMNS: readonly Column[] = ['id', 'construct', 'subConstruct', 'text', 'reversed'];

export type ItemBankResult = { ok: true; instrument: Instrument } | { ok: false; problems: string[] };

/** What an instrument holds beside its items: the "details" definitionFromItemBank takes. */
export function instrumentDetails(instrument: Instrument): Omit<Instrument, 'items'> {
	const { items: _items, ...details } = instrument;
	return details;
}

/** The item bank of an instrument: a CSV file with a byte-order mark, CRLF and formulas defused (lib/csv.ts). */
export function itemBankCsv(instrument: Instrument): string {
	const withPairs = instrument.audience === 'link_worker';
	const header: string[] = [...ITEM_BANK_COLUMNS, ...(withPairs ? [PAIRS_COLUMN] : [])];
	const rows = instrument.items.map((item) => [
		item.id,
		item.construct,
		item.subConstruct,
		item.text,
		item.reversed ? 'yes' : 'no',
		item.help ?? '',
		...(withPairs ? [item.pairs ?? ''] : [])
	]);
	return toCsv([header, ...rows]);
}

/** Lower-case letters and digits only: how header names and construct names are compared. */
const squeeze = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALL_COLUMNS: readonly Column[] = [...ITEM_BANK_COLUMNS, PAIRS_COLUMN];
const COLUMN_BY_KEY = new Map(ALL_COLUMNS.map((c) => [squeeze(c), c] as const));

/** "Collective action", "collective-action" and "Collective_Action" all name collective_action. */
const asIdentifier = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** The apostrophe our own CSV writer puts before a leading =, +, - or @ comes off again. */
const undefused = (text: string) => text.replace(/^'(?=[=+\-@])/, '');

const REVERSED = new Map([
	['yes', true],
	['no', false],
	['true', true],
	['false', false],
	['1', true],
	['0', false]
]);

function csvProblem(error: CsvError): string {
	const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
	switch (error.code) {
		case 'CSV_QUOTE_NOT_CLOSED':
			return `a value starts with a quotation mark that is never closed${line}: check the quotation marks in the file`;
		case 'CSV_INVALID_CLOSING_QUOTE':
		case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
			return `a quoted value has more text after its closing quotation mark${line}: put the whole value inside the quotation marks`;
		case 'CSV_MAX_RECORD_SIZE':
			return `one row is far too long${line}: check the file is a CSV file with one item on each row`;
		default:
			return `the file could not be read as CSV${line}`;
	}
}

function readRows(text: string): { ok: true; rows: string[][] } | { ok: false; problem: string } {
	const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	// Rows copied from a spreadsheet and saved as text arrive with tabs between the values.
	const firstLine = normalised.split('\n').find((l) => l.trim() !== '') ?? '';
	const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
	try {
		const rows = parse(normalised, {
			delimiter,
			relax_column_count: true,
			relax_quotes: true,
			// Kept, so a row number counts every row a spreadsheet shows, blank ones too.
			skip_empty_lines: false,
			max_record_size: 10_000
		}) as string[][];
		return { ok: true, rows };
	} catch (error) {
		if (error instanceof CsvError) return { ok: false, problem: csvProblem(error) };
		throw error;
	}
}

function describePath(path: PropertyKey[]): string {
	return path.reduce<string>((text, key) => {
		if (typeof key === 'number') return `${text}[${key}]`;
		return text ? `${text}.${String(key)}` : String(key);
	}, '');
}

/**
 * An instrument from a CSV item bank and the details beside it, checked by the same rules as a
 * JSON file; or every problem, each naming its row and column (rows counted as a spreadsheet
 * shows them, the header being row 1) or the details field.
 */
export function definitionFromItemBank(csvText: string, details: unknown): ItemBankResult {
	if (typeof csvText !== 'string') return { ok: false, problems: ['item bank: must be the text of a CSV file'] };
	if (csvText.length > MAX_ITEM_BANK_CHARACTERS) {
		return { ok: false, problems: [`item bank: the file is too large (at most ${MAX_ITEM_BANK_CHARACTERS / 1024} KB)`] };
	}
	const read = readRows(csvText);
	if (!read.ok) return { ok: false, problems: [`item bank: ${read.problem}`] };
	const cells = read.rows.map((row) => row.map((cell) => cleanLine(cell)));
	const headerIndex = cells.findIndex((row) => row.some((cell) => cell !== ''));
	if (headerIndex < 0) return { ok: false, problems: ['item bank: the file is empty; the first row names the columns, then one row for each item'] };

	const problems: string[] = [];
	const headerRow = headerIndex + 1;
	const positions = new Map<Column, number>();
	cells[headerIndex]!.forEach((cell, i) => {
		if (cell === '') return;
		const column = COLUMN_BY_KEY.get(squeeze(cell));
		if (!column) {
			problems.push(`row ${headerRow}, column ${i + 1}: "${cell}" is not a column of the item bank (${ALL_COLUMNS.join(', ')})`);
		} else if (positions.has(column)) {
			problems.push(`row ${headerRow}, column ${i + 1}: ${column} appears twice`);
		} else positions.set(column, i);
	});
	const missing = REQUIRED_COLUMNS.filter((c) => !positions.has(c));
	if (missing.length > 0) problems.push(`row ${headerRow}: the header row has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`);
	if (problems.length > 0) return { ok: false, problems };

	const dataRows = cells
		.map((row, i) => ({ row, number: i + 1 }))
		.filter(({ row, number }) => number > headerRow && row.some((cell) => cell !== ''));
	if (dataRows.length > MAX_ITEM_BANK_ITEMS) {
		return { ok: false, problems: [`item bank: ${dataRows.length} items is more than the ${MAX_ITEM_BANK_ITEMS} a file may hold`] };
	}

	const width = Math.max(...positions.values()) + 1;
	// Problems found here are the clearer ones; the schema's for the same cell are not repeated.
	const reported = new Set<string>();
	const items = dataRows.map(({ row, number }, index) => {
		const cell = (column: Column) => {
			const i = positions.get(column);
			return i === undefined ? '' : undefused(row[i] ?? '');
		};
		if (row.slice(width).some((c) => c !== '')) problems.push(`row ${number}: has more values than the header row has columns`);
		const item: Record<string, unknown> = {
			id: cell('id'),
			construct: asIdentifier(cell('construct')),
			subConstruct: asIdentifier(cell('subConstruct')),
			text: cell('text')
		};
		const reversed = REVERSED.get(cell('reversed').toLowerCase());
		if (reversed === undefined) {
			problems.push(`row ${number}, reversed: must be yes or no (true/false and 1/0 also work)`);
			reported.add(`${index}.reversed`);
		} else item.reversed = reversed;
		if (cell('help') !== '') item.help = cell('help');
		if (cell(PAIRS_COLUMN) !== '') item.pairs = cell(PAIRS_COLUMN);
		return item;
	});

	if (typeof details !== 'object' || details === null || Array.isArray(details)) {
		problems.push('details: must be an object with the instrument\'s id, version, title, provenance and the rest (everything but its items)');
		return { ok: false, problems };
	}
	if ('items' in details) problems.push('items: the items come from the item bank; leave them out of the details');

	const rowOf = (index: number) => dataRows[index]?.number ?? headerRow;
	const result = instrumentSchema.safeParse({ ...details, items });
	if (result.success && problems.length === 0) return { ok: true, instrument: result.data };
	if (!result.success) {
		for (const issue of result.error.issues) {
			// "already used by items.3.id" means a row of the spreadsheet too.
			const message = issue.message.replace(/items\.(\d+)\.id/g, (_, i: string) => `row ${rowOf(Number(i))}`);
			const [first, index, column] = issue.path;
			if (first === 'items' && typeof index === 'number') {
				if (typeof column === 'string' && reported.has(`${index}.${column}`)) continue;
				problems.push(typeof column === 'string' ? `row ${rowOf(index)}, ${column}: ${message}` : `row ${rowOf(index)}: ${message}`);
			} else if (first === 'items') problems.push(`item bank: ${message}`);
			// The details' fields are named as a JSON file's are, so one page can show either.
			else problems.push(`${describePath(issue.path) || '(top level)'}: ${message}`);
		}
	}
	return { ok: false, problems: inRowOrder(problems) };
}

/** The spreadsheet's problems first, row by row as found, then the details'. */
function inRowOrder(problems: string[]): string[] {
	const rowOf = (problem: string) => Number(/^row (\d+)/.exec(problem)?.[1] ?? Infinity);
	return [...problems].sort((a, b) => (rowOf(a) === rowOf(b) ? 0 : rowOf(a) - rowOf(b)));
}
