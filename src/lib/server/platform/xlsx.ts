/**
 * .xlsx downloads, written from the same table description as the CSV (lib/tables.ts) so the two
 * cannot disagree. Cells carry their types: numbers as numbers, days as dates with a date format,
 * text as text. Text is stored as a string cell, which Excel never evaluates, so a round title
 * such as "=HYPERLINK(…)" arrives exactly as typed, with none of the apostrophe the CSV needs.
 */
import writeXlsxFile, { type Cell, type Row, type Sheet } from 'write-excel-file/node';
import { csvDownload } from './csv';
import { fitsColumn, tableToCsv, type ColumnType, type DownloadFormat, type ReadMe, type Table, type TableDownload } from '../../tables';

/** What the node build of the writer takes as file content (images, which these files have none of). */
type FileContent = import('node:stream').Readable | Buffer | import('node:buffer').Blob;

const FORMATS: Partial<Record<ColumnType, string>> = {
	integer: '0',
	percent: '0.0',
	date: 'yyyy-mm-dd',
	datetime: 'yyyy-mm-dd hh:mm:ss'
};

export const TYPE_WORDS: Record<ColumnType, string> = {
	number: 'Number',
	integer: 'Whole number',
	percent: 'Percentage, 0 to 100',
	date: 'Date',
	datetime: 'Date and time (UTC)',
	text: 'Text'
};

/** One data cell. A value that does not fit its column is written as text rather than lost. */
function dataCell(type: ColumnType, value: string | number | null | undefined): Cell {
	if (value === null || value === undefined || value === '') return null;
	if (!fitsColumn(type, value)) return { value: String(value), type: String };
	if (type === 'date') return { value: new Date(`${value as string}T00:00:00Z`), type: Date, format: FORMATS.date };
	if (type === 'datetime') return { value: new Date(value as string), type: Date, format: FORMATS.datetime };
	if (typeof value === 'number') return { value, type: Number, ...(FORMATS[type] ? { format: FORMATS[type] } : {}) };
	return { value, type: String };
}

/** Wide enough for the header and the longest value, within reason. */
function widthOf(table: Table, index: number): number {
	const longest = Math.max(
		table.columns[index]!.header.length,
		...table.rows.map((row) => {
			const value = row[index];
			return value === null || value === undefined ? 0 : String(value).length;
		})
	);
	return Math.min(Math.max(longest + 2, 8), 60);
}

function dataSheet(table: Table): Sheet<FileContent> {
	return {
		sheet: 'Data',
		data: [
			table.columns.map((c) => ({ value: c.header, type: String, fontWeight: 'bold' as const })),
			...table.rows.map((row) => table.columns.map((c, i) => dataCell(c.type, row[i])))
		],
		stickyRowsCount: 1,
		columns: table.columns.map((_, i) => ({ width: widthOf(table, i) }))
	};
}

const text = (value: string): Cell => ({ value, type: String, wrap: true });
const heading = (value: string): Cell => ({ value, type: String, fontWeight: 'bold' });

function readMeSheet(table: Table, readMe: ReadMe): Sheet<FileContent> {
	const rows: Row[] = [[{ value: readMe.title, type: String, fontWeight: 'bold', fontSize: 14 }], []];
	for (const paragraph of readMe.about) rows.push([null, text(paragraph)]);
	rows.push([], [heading('What it covers')]);
	for (const [label, value] of readMe.scope) rows.push([text(label), text(value)]);
	rows.push([], [heading('Columns of the Data sheet')], [heading('Column'), heading('What it holds')]);
	for (const c of table.columns) rows.push([text(c.header), text(`${TYPE_WORDS[c.type]}. ${c.meaning}`)]);
	rows.push([], [heading('What is withheld, and why')]);
	for (const paragraph of readMe.withheld) rows.push([null, text(paragraph)]);
	return { sheet: 'Read me', data: rows, columns: [{ width: 30 }, { width: 100 }] };
}

function codebookSheet(readMe: ReadMe): Sheet<FileContent>[] {
	if (!readMe.codebook) return [];
	return [
		{
			sheet: 'Codebook',
			data: [
				[heading('code'), heading('answer'), heading('how it counts')],
				...readMe.codebook.map((entry) => [{ value: entry.code, type: Number, format: '0' }, text(entry.label), text(entry.meaning)] satisfies Row)
			],
			stickyRowsCount: 1,
			columns: [{ width: 8 }, { width: 45 }, { width: 70 }]
		}
	];
}

/** The workbook: the data, then its "Read me", then (for answers) the codebook. */
export async function writeXlsx(table: Table, readMe: ReadMe): Promise<Buffer> {
	return writeXlsxFile([dataSheet(table), readMeSheet(table, readMe), ...codebookSheet(readMe)]).toBuffer();
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An .xlsx attachment, never kept by the browser or a proxy, named like its CSV. */
export function xlsxDownload(bytes: Uint8Array, filename: string): Response {
	const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '-');
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': XLSX_TYPE,
			'content-disposition': `attachment; filename="${safeName}"`,
			'cache-control': 'private, no-store'
		}
	});
}

/** The response for a table in the format the URL asked for. */
export async function tableDownload(download: TableDownload, format: DownloadFormat): Promise<Response> {
	if (format === 'csv') return csvDownload(tableToCsv(download.table), `${download.name}.csv`);
	return xlsxDownload(await writeXlsx(download.table, download.readMe), `${download.name}.xlsx`);
}
