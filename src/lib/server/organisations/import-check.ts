/**
 * Checking an import, the second step: every row against the rest of the file and what is
 * already registered, and what the import would do. Pure once the database has been read:
 * nothing is written here.
 */
import type { FieldProblem } from '../../npt/submission';
import { ICB_ODS_PATTERN, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN, normaliseOdsCode } from '../../ods';
import { cleanLine } from '../../text';
import type { ImportCells, PreviewRow } from '../../views/organisation-import';
import type { DbOrTx } from '../db';
import { MAX_IMPORT_ROWS, parseImportCsv, type ParsedCsv } from './import-csv';

const MAX_NAME_LENGTH = 200;
/** Problems listed in the summary at the top of the page; the preview table shows them all. */
const SUMMARY_LIMIT = 20;

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

/** The problems of a check as the form lists them: the file's own, or the first rows' and how many more. */
export function importProblems(check: ImportCheck, fileField: string): FieldProblem[] {
	if (check.fileProblems.length) return check.fileProblems.map((message) => ({ field: fileField, message }));
	const all = check.rows.flatMap((row) => row.problems.map((message) => ({ field: `row-${row.line}`, message: `Row ${row.line}: ${message}` })));
	if (all.length <= SUMMARY_LIMIT) return all;
	return [
		...all.slice(0, SUMMARY_LIMIT),
		{ field: 'preview', message: `There are ${all.length - SUMMARY_LIMIT} more problems. The table below lists every one.` }
	];
}
