/**
 * Importing practices and PCNs from CSV. Three steps: parse the text (import-csv), check every
 * row against the rest of the file and what is already registered (import-check, nothing
 * written), then write the whole plan in one transaction here, so an import either happens
 * completely or not at all.
 */
import { recordAudit, type Actor } from '../platform/audit';
import type { Outcome, Refusal } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import { checkImport, importProblems, type ImportCheck, type ImportPlan } from './import-check';


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

/** Refused when the file no longer checks out: the check says why, row by row. */
export type ImportOutcome = Outcome<{ practices: number; pcns: number }, Refusal & { check: ImportCheck }>;

/**
 * Checks the text again against the database as it is now and, when nothing is wrong, writes
 * every PCN and practice and the audit entry in one transaction.
 */
export async function importOrganisations(db: Db, text: string, actor: Actor, now: Date = new Date()): Promise<ImportOutcome> {
	return db.transaction().execute(async (tx) => {
		const check = await checkImport(tx, text);
		if (!check.plan) {
			const changed = 'Something changed since the file was checked, so nothing was imported. Fix these problems and check again.';
			return { ok: false, status: 400, problems: [{ field: 'form', message: changed }, ...importProblems(check, 'form')], check };
		}
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
