/**
 * Importing practices and PCNs from CSV. Three steps: parse the text, check every row against
 * the rest of the file and what is already registered (pure, nothing written), then write the
 * whole plan in one transaction, so an import either happens completely or not at all.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ICB_ODS_PATTERN, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN, normaliseOdsCode } from '../../ods';
import { recordAudit, type Actor } from '../platform/audit';
import type { Db, DbOrTx } from '../db';
import { cleanLine } from '../../text';
import type { ImportColumn, ImportCells, PreviewRow } from '../../views/organisation-import';

/** Stays under adapter-node's default BODY_SIZE_LIMIT (512 KB) with room for the rest of the form. */
export const MAX_IMPORT_BYTES = 400 * 1024;
export const MAX_IMPORT_ROWS = 5000;
const MAX_NAME_LENGTH = 200;

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

/** What is registered already, as the check needs it. */
export interface ExistingOrganisations {
	icbs: { id: number; odsCode: string }[];
	pcns: { id: number; odsCode: string; name: string; icbCode: string }[];
	practices: { odsCode: string; name: string }[];
}

export async function loadExistingOrganisations(db: DbOrTx): Promise<ExistingOrganisations> {
	const [icbs, pcns, practices] = await Promise.all([
		db.selectFrom('icb').select(['id', 'ods_code']).execute(),
		db
			.selectFrom('pcn')
			.innerJoin('icb', 'icb.id', 'pcn.icb_id')
			.select(['pcn.id', 'pcn.ods_code', 'pcn.name', 'icb.ods_code as icb_code'])
			.execute(),
		db.selectFrom('practice').select(['ods_code', 'name']).execute()
	]);
	return {
		icbs: icbs.map((i) => ({ id: i.id, odsCode: i.ods_code })),
		pcns: pcns.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, icbCode: p.icb_code })),
		practices: practices.map((p) => ({ odsCode: p.ods_code, name: p.name }))
	};
}

export type PcnOutcome =
	| { kind: 'new'; odsCode: string; name: string; icbCode: string }
	| { kind: 'existing'; odsCode: string; name: string; icbCode: string }
	| { kind: 'none' };

export interface ImportRowCheck extends ImportCells {
	line: number;
	problems: string[];
	/** What would happen to the row's PCN; null while the row has problems. */
	pcn: PcnOutcome | null;
}

export interface ImportPlan {
	pcns: { odsCode: string; name: string; icbId: number }[];
	practices: { odsCode: string; name: string; pcn: { id: number } | { odsCode: string } | null }[];
}

export interface ImportCheck {
	/** About the file as a whole: when there are any, no rows are checked. */
	fileProblems: string[];
	hasHeader: boolean;
	ignoredColumns: string[];
	rows: ImportRowCheck[];
	problemCount: number;
	counts: { practices: number; newPcns: number; existingPcns: number };
	/** What would be written; null unless there are no problems at all. */
	plan: ImportPlan | null;
}

const tidyName = (text: string) => cleanLine(text).replace(/\s+/g, ' ');
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function rowList(lines: number[]): string {
	const words = lines.map(String);
	return words.length === 1 ? `row ${words[0]}` : `rows ${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

interface PcnInFile {
	names: { name: string; line: number }[];
	icbCodes: { code: string; line: number }[];
}

function fileFailure(problem: string): ImportCheck {
	return {
		fileProblems: [problem],
		hasHeader: false,
		ignoredColumns: [],
		rows: [],
		problemCount: 1,
		counts: { practices: 0, newPcns: 0, existingPcns: 0 },
		plan: null
	};
}

/** Checks every row and works out what an import would do. Pure: the database is read beforehand. */
export function validateImport(parsed: ParsedCsv, existing: ExistingOrganisations): ImportCheck {
	if (!parsed.ok) return fileFailure(parsed.problem);
	if (parsed.rows.length === 0) return fileFailure('The file has a header row but no practices. Add one row for each practice.');
	if (parsed.rows.length > MAX_IMPORT_ROWS) {
		return fileFailure(
			`The file has ${parsed.rows.length.toLocaleString('en-GB')} practices. Import at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} at a time.`
		);
	}
	const icbs = new Map(existing.icbs.map((icb) => [icb.odsCode, icb]));
	const pcns = new Map(existing.pcns.map((pcn) => [pcn.odsCode, pcn]));
	const practices = new Map(existing.practices.map((p) => [p.odsCode, p]));

	const linesOfPractice = new Map<string, number[]>();
	const pcnsInFile = new Map<string, PcnInFile>();
	for (const row of parsed.rows) {
		const code = normaliseOdsCode(row.cells.practiceCode);
		if (code) linesOfPractice.set(code, [...(linesOfPractice.get(code) ?? []), row.line]);
		const pcnCode = normaliseOdsCode(row.cells.pcnCode);
		if (!PCN_ODS_PATTERN.test(pcnCode)) continue;
		const group = pcnsInFile.get(pcnCode) ?? { names: [], icbCodes: [] };
		const name = tidyName(row.cells.pcnName);
		if (name && !group.names.some((n) => sameName(n.name, name))) group.names.push({ name, line: row.line });
		const icbCode = normaliseOdsCode(row.cells.icbCode);
		if (icbCode && !group.icbCodes.some((i) => i.code === icbCode)) group.icbCodes.push({ code: icbCode, line: row.line });
		pcnsInFile.set(pcnCode, group);
	}

	const rows: ImportRowCheck[] = parsed.rows.map((row) => {
		const problems: string[] = [];
		const practiceCode = normaliseOdsCode(row.cells.practiceCode);
		const practiceName = tidyName(row.cells.practiceName);
		const pcnCode = normaliseOdsCode(row.cells.pcnCode);
		const pcnName = tidyName(row.cells.pcnName);
		const icbCode = normaliseOdsCode(row.cells.icbCode);

		if (!practiceCode) problems.push('Enter the practice’s ODS code.');
		else if (!PRACTICE_ODS_PATTERN.test(practiceCode)) {
			problems.push(`The practice code ‘${practiceCode}’ is not right: it should be a letter and five digits, like A81001.`);
		} else {
			const lines = linesOfPractice.get(practiceCode)!;
			if (lines.length > 1) problems.push(`Practice ${practiceCode} is in the file more than once (${rowList(lines)}).`);
			const registered = practices.get(practiceCode);
			if (registered) problems.push(`Practice ${practiceCode} is already registered, as ‘${registered.name}’.`);
		}
		if (!practiceName) problems.push('Enter the practice’s name.');
		else if (practiceName.length > MAX_NAME_LENGTH) problems.push('Keep the practice name under 200 characters.');
		if (row.extra.length) {
			problems.push('This row has more values than there are columns. Put quotation marks around any value that contains a comma.');
		}
		if (icbCode && !ICB_ODS_PATTERN.test(icbCode)) {
			problems.push(`The ICB code ‘${icbCode}’ is not right: it should be three letters or digits, like QE1.`);
		}

		let pcn: PcnOutcome | null = { kind: 'none' };
		if (!pcnCode) {
			if (pcnName || icbCode) {
				problems.push('Enter the PCN code, or leave the PCN name and ICB code empty if the practice is not in a PCN.');
			}
		} else if (!PCN_ODS_PATTERN.test(pcnCode)) {
			problems.push(`The PCN code ‘${pcnCode}’ is not right: it should be U and five digits, like U12345.`);
		} else {
			const group = pcnsInFile.get(pcnCode)!;
			if (pcnName && group.names.length > 1) {
				const names = group.names.map((n) => `‘${n.name}’ (row ${n.line})`).join(', ');
				problems.push(`PCN ${pcnCode} has different names in the file: ${names}. Use one name.`);
			}
			if (icbCode && group.icbCodes.length > 1) {
				const codes = group.icbCodes.map((i) => `${i.code} (row ${i.line})`).join(', ');
				problems.push(`PCN ${pcnCode} has different ICB codes in the file: ${codes}. Use one ICB.`);
			}
			if (pcnName.length > MAX_NAME_LENGTH) problems.push('Keep the PCN name under 200 characters.');
			const registered = pcns.get(pcnCode);
			if (registered) {
				if (icbCode && ICB_ODS_PATTERN.test(icbCode) && icbCode !== registered.icbCode) {
					problems.push(`PCN ${pcnCode} is registered in ICB ${registered.icbCode}, not ${icbCode}.`);
				}
				pcn = { kind: 'existing', odsCode: pcnCode, name: registered.name, icbCode: registered.icbCode };
			} else {
				const name = group.names[0]?.name;
				const groupIcb = group.icbCodes[0]?.code;
				if (!name) problems.push(`Enter a name for the new PCN ${pcnCode}.`);
				// A row may leave the ICB code out when another row of the same PCN gives it.
				const rowIcb = icbCode || groupIcb;
				if (!rowIcb) problems.push(`Enter the ICB code for the new PCN ${pcnCode}.`);
				else if (ICB_ODS_PATTERN.test(rowIcb) && !icbs.has(rowIcb)) {
					problems.push(`There is no ICB with the code ${rowIcb}. Add the ICB on the Organisations page first.`);
				}
				pcn = { kind: 'new', odsCode: pcnCode, name: name ?? '', icbCode: groupIcb ?? '' };
			}
		}
		return { line: row.line, ...row.cells, problems, pcn: problems.length ? null : pcn };
	});

	const problemCount = rows.reduce((n, row) => n + row.problems.length, 0);
	const newPcns = new Map<string, { odsCode: string; name: string; icbId: number }>();
	const existingPcns = new Set<string>();
	for (const row of rows) {
		if (row.pcn?.kind === 'new' && icbs.has(row.pcn.icbCode)) {
			newPcns.set(row.pcn.odsCode, { odsCode: row.pcn.odsCode, name: row.pcn.name, icbId: icbs.get(row.pcn.icbCode)!.id });
		}
		if (row.pcn?.kind === 'existing') existingPcns.add(row.pcn.odsCode);
	}
	const plan: ImportPlan | null =
		problemCount === 0
			? {
					pcns: [...newPcns.values()],
					practices: rows.map((row) => ({
						odsCode: normaliseOdsCode(row.practiceCode),
						name: tidyName(row.practiceName),
						pcn:
							row.pcn?.kind === 'existing'
								? { id: pcns.get(row.pcn.odsCode)!.id }
								: row.pcn?.kind === 'new'
									? { odsCode: row.pcn.odsCode }
									: null
					}))
				}
			: null;
	return {
		fileProblems: [],
		hasHeader: parsed.hasHeader,
		ignoredColumns: parsed.ignoredColumns,
		rows,
		problemCount,
		counts: { practices: rows.length, newPcns: newPcns.size, existingPcns: existingPcns.size },
		plan
	};
}

export async function checkImport(db: DbOrTx, text: string): Promise<ImportCheck> {
	return validateImport(parseImportCsv(text), await loadExistingOrganisations(db));
}

/** Rows per INSERT, well under SQLite's limit on bound parameters. */
const CHUNK = 300;

function chunks<T>(items: readonly T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
	return out;
}

/** Writes a checked plan. Call it inside a transaction: on any failure nothing should stay written. */
export async function writeImport(db: DbOrTx, plan: ImportPlan): Promise<{ practices: number; pcns: number }> {
	const pcnIds = new Map<string, number>();
	for (const batch of chunks(plan.pcns)) {
		const inserted = await db
			.insertInto('pcn')
			.values(batch.map((p) => ({ ods_code: p.odsCode, name: p.name, icb_id: p.icbId })))
			.returning(['id', 'ods_code'])
			.execute();
		for (const row of inserted) pcnIds.set(row.ods_code, row.id);
	}
	for (const batch of chunks(plan.practices)) {
		await db
			.insertInto('practice')
			.values(
				batch.map((p) => ({
					ods_code: p.odsCode,
					name: p.name,
					pcn_id: p.pcn === null ? null : 'id' in p.pcn ? p.pcn.id : pcnIds.get(p.pcn.odsCode)!
				}))
			)
			.execute();
	}
	return { practices: plan.practices.length, pcns: plan.pcns.length };
}

function codeList(codes: string[]): string {
	const shown = codes.slice(0, 10).join(', ');
	return codes.length > 10 ? `${shown} and ${codes.length - 10} more` : shown;
}

export type ImportOutcome =
	| { ok: true; practices: number; pcns: number }
	| { ok: false; check: ImportCheck };

/**
 * Checks the text again against the database as it is now and, when nothing is wrong, writes
 * every PCN and practice and the audit entry in one transaction.
 */
export async function importOrganisations(db: Db, text: string, actor: Actor, now: Date = new Date()): Promise<ImportOutcome> {
	return db.transaction().execute(async (tx) => {
		const check = await checkImport(tx, text);
		if (!check.plan) return { ok: false, check };
		const written = await writeImport(tx, check.plan);
		const practiceCodes = check.plan.practices.map((p) => p.odsCode);
		const pcnCodes = check.plan.pcns.map((p) => p.odsCode);
		await recordAudit(
			tx,
			actor,
			{
				action: 'organisations_imported',
				summary:
					`Imported ${written.practices} ${written.practices === 1 ? 'practice' : 'practices'} (${codeList(practiceCodes)})` +
					(written.pcns ? ` and ${written.pcns} new ${written.pcns === 1 ? 'PCN' : 'PCNs'} (${codeList(pcnCodes)})` : '') +
					' from CSV'
			},
			now
		);
		return { ok: true, ...written };
	});
}

/** The check as the preview table shows it: every row with its problems or what would happen. */
export function previewRows(check: ImportCheck): PreviewRow[] {
	const announced = new Set<string>();
	return check.rows.map(({ pcn, ...row }) => {
		let outcome = '';
		if (pcn?.kind === 'none') outcome = 'Adds the practice, not in a PCN';
		else if (pcn?.kind === 'existing') outcome = `Adds the practice to ‘${pcn.name}’ (${pcn.odsCode}), already registered`;
		else if (pcn?.kind === 'new') {
			outcome = announced.has(pcn.odsCode)
				? `Adds the practice to the new PCN ‘${pcn.name}’`
				: `Adds the practice and a new PCN, ‘${pcn.name}’ (${pcn.odsCode}), in ICB ${pcn.icbCode}`;
			announced.add(pcn.odsCode);
		}
		return { ...row, outcome };
	});
}
