/**
 * ICBs, PCNs and practices named by ODS code, where a national scope would make a checkbox for
 * each of 1,250 PCNs or 6,300 practices: the codes become ids within what the actor may give, all
 * or nothing, and grantProblem then checks the whole scope as it checks ticked boxes.
 */
import type { DbOrTx } from '../db';
import { SCOPE_KIND, type Role } from '../identity';
import { refuse, type Refusal } from '../platform/outcome';
import { isAdmin, yourArea, type Manager } from './people-rules';
import { icbsInScope, pcnsInScope, practicesInScope } from './scope';
import type { Scope } from './users';

/** Most codes one field may hold: more than the largest ICB's practices, far under SQLite's variable limit. */
export const MAX_SCOPE_CODES = 2000;

export interface ScopeCodes {
	icbCodes: readonly string[];
	pcnCodes: readonly string[];
	practiceCodes: readonly string[];
}

const inWords = (codes: readonly string[]) =>
	codes.length === 1 ? codes[0]! : `${codes.slice(0, -1).join(', ')} and ${codes[codes.length - 1]}`;

const KINDS = {
	icb: { table: 'icb', noun: 'ICB', codes: 'icbCodes', ids: 'icbIds', inScope: icbsInScope },
	pcn: { table: 'pcn', noun: 'PCN', codes: 'pcnCodes', ids: 'pcnIds', inScope: pcnsInScope },
	practice: { table: 'practice', noun: 'practice', codes: 'practiceCodes', ids: 'practiceIds', inScope: practicesInScope }
} as const;

/** Where a lead's codes were looked for, in words, after "There is no PCN with the ODS code U12345". */
function among(kind: keyof typeof KINDS, lead: Exclude<Manager, { system: string }>): string {
	if (kind === 'pcn') return lead.role === 'icb_lead' ? ' in your ICB' : ' among the PCNs you lead';
	if (kind === 'practice') return ` in ${yourArea(lead)}`;
	return ' among the ICBs you oversee';
}

/**
 * The scope with the codes the role uses added as ids (the other kinds' codes are ignored, as
 * scopeForRole ignores the other kinds' boxes), or a 400 naming every code that is not an ICB,
 * PCN or practice the actor may give.
 */
export async function addScopeCodes(
	db: DbOrTx,
	actor: Manager,
	role: Role,
	scope: Scope,
	codes: ScopeCodes
): Promise<{ ok: true; scope: Scope } | Refusal> {
	const kind = SCOPE_KIND[role];
	if (kind === 'none') return { ok: true, scope };
	const { table, noun, codes: field, ids: idField, inScope } = KINDS[kind];
	const asked = codes[field];
	if (asked.length === 0) return { ok: true, scope };
	const lead = isAdmin(actor) ? null : (actor as Exclude<Manager, { system: string }>);
	let query = db.selectFrom(table).select(['id', 'ods_code']).where('ods_code', 'in', [...asked]);
	if (lead) query = query.where('id', 'in', inScope(db, lead));
	const found = await query.execute();
	const unknown = asked.filter((code) => !found.some((row) => row.ods_code === code));
	if (unknown.length) {
		const where = lead ? among(kind, lead) : '';
		const message =
			unknown.length === 1
				? `There is no ${noun} with the ODS code ${unknown[0]}${where}. Nothing was saved.`
				: `There are no ${noun}s with the ODS codes ${inWords(unknown)}${where}. Nothing was saved.`;
		return refuse(400, message, field);
	}
	const ids = found.map((row) => row.id);
	return { ok: true, scope: { ...scope, [idField]: [...new Set([...scope[idField], ...ids])] } };
}
