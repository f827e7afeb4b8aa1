/**
 * PCNs and practices named by ODS code, where a national scope would make a checkbox for each of
 * 1,250 PCNs or 6,300 practices: the codes become ids within what the actor may give, all or
 * nothing, and grantProblem then checks the whole scope as it checks ticked boxes.
 */
import type { DbOrTx } from '../db';
import { SCOPE_KIND, type Role } from '../identity';
import { refuse, type Refusal } from '../platform/outcome';
import { isAdmin, type Manager } from './people-rules';
import { pcnsInScope, practicesInScope } from './scope';
import type { Scope } from './users';

/** Most codes one field may hold: more than the largest ICB's practices, far under SQLite's variable limit. */
export const MAX_SCOPE_CODES = 2000;

export interface ScopeCodes {
	pcnCodes: readonly string[];
	practiceCodes: readonly string[];
}

const inWords = (codes: readonly string[]) =>
	codes.length === 1 ? codes[0]! : `${codes.slice(0, -1).join(', ')} and ${codes[codes.length - 1]}`;

/**
 * The scope with the codes the role uses added as ids (the other kind's codes are ignored, as
 * scopeForRole ignores the other kind's boxes), or a 400 naming every code that is not a PCN or
 * practice the actor may give.
 */
export async function addScopeCodes(
	db: DbOrTx,
	actor: Manager,
	role: Role,
	scope: Scope,
	codes: ScopeCodes
): Promise<{ ok: true; scope: Scope } | Refusal> {
	const kind = SCOPE_KIND[role];
	const asked = kind === 'pcn' ? codes.pcnCodes : kind === 'practice' ? codes.practiceCodes : [];
	if (asked.length === 0) return { ok: true, scope };
	const lead = isAdmin(actor) ? null : (actor as Exclude<Manager, { system: string }>);
	let query = db.selectFrom(kind === 'pcn' ? 'pcn' : 'practice').select(['id', 'ods_code']).where('ods_code', 'in', [...asked]);
	if (lead) query = query.where('id', 'in', kind === 'pcn' ? pcnsInScope(db, lead) : practicesInScope(db, lead));
	const found = await query.execute();
	const unknown = asked.filter((code) => !found.some((row) => row.ods_code === code));
	if (unknown.length) {
		const noun = kind === 'pcn' ? 'PCN' : 'practice';
		const field = kind === 'pcn' ? 'pcnCodes' : 'practiceCodes';
		const where = lead ? (kind === 'pcn' ? ' among the PCNs you lead' : ' in your PCN') : '';
		const message =
			unknown.length === 1
				? `There is no ${noun} with the ODS code ${unknown[0]}${where}. Nothing was saved.`
				: `There are no ${noun}s with the ODS codes ${inWords(unknown)}${where}. Nothing was saved.`;
		return refuse(400, message, field);
	}
	const ids = found.map((row) => row.id);
	const merge = (had: readonly number[]) => [...new Set([...had, ...ids])];
	return { ok: true, scope: kind === 'pcn' ? { ...scope, pcnIds: merge(scope.pcnIds) } : { ...scope, practiceIds: merge(scope.practiceIds) } };
}
