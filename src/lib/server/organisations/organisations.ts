/**
 * Reading ICBs, PCNs and practices: one at a time, as lists with their counts, and a page at a
 * time for the organisations page.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import { type DbOrTx } from '../db';
import { containsPattern, readPage } from '../platform/paging';
import type { Page } from '../../views/paging';
import type { Database, Icb, Pcn } from '../db/schema';
import type {
	PcnWithIcb,
	PracticeWithPcn,
	IcbSummary,
	PcnSummary,
	PracticeSummary,
	FoundOrganisation,
	OrganisationsOverview
} from '../../views/organisations';
import { type OrganisationKind } from './organisation-forms';

export async function hasOrganisations(db: DbOrTx): Promise<boolean> {
	const row = await db.selectFrom('icb').select('id').limit(1).executeTakeFirst();
	return row !== undefined;
}

export interface OrganisationCounts {
	icbs: number;
	pcns: number;
	practices: number;
}

export async function countOrganisations(db: DbOrTx): Promise<OrganisationCounts> {
	const count = async (table: OrganisationKind) =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	return { icbs: await count('icb'), pcns: await count('pcn'), practices: await count('practice') };
}

export async function getIcb(db: DbOrTx, icbId: number): Promise<Icb | undefined> {
	return db.selectFrom('icb').selectAll().where('id', '=', icbId).executeTakeFirst();
}

export async function getPcn(db: DbOrTx, pcnId: number): Promise<PcnWithIcb | undefined> {
	const row = await db
		.selectFrom('pcn')
		.innerJoin('icb', 'icb.id', 'pcn.icb_id')
		.selectAll('pcn')
		.select(['icb.ods_code as icb_ods_code', 'icb.name as icb_name'])
		.where('pcn.id', '=', pcnId)
		.executeTakeFirst();
	if (!row) return undefined;
	const { icb_ods_code, icb_name, ...pcn } = row;
	return { ...pcn, icb: { id: pcn.icb_id, ods_code: icb_ods_code, name: icb_name } };
}

export async function getPractice(db: DbOrTx, practiceId: number): Promise<PracticeWithPcn | undefined> {
	const row = await db
		.selectFrom('practice')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.selectAll('practice')
		.select(['pcn.ods_code as pcn_ods_code', 'pcn.name as pcn_name'])
		.where('practice.id', '=', practiceId)
		.executeTakeFirst();
	if (!row) return undefined;
	const { pcn_ods_code, pcn_name, ...practice } = row;
	return {
		...practice,
		pcn: practice.pcn_id !== null ? { id: practice.pcn_id, ods_code: pcn_ods_code!, name: pcn_name! } : null
	};
}

export async function listIcbs(db: DbOrTx): Promise<IcbSummary[]> {
	const rows = await db
		.selectFrom('icb')
		.select(['icb.id', 'icb.ods_code', 'icb.name'])
		.select((eb) => [
			eb.selectFrom('pcn').whereRef('pcn.icb_id', '=', 'icb.id').select(eb.fn.countAll<number>().as('n')).as('pcn_count'),
			eb
				.selectFrom('practice')
				.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
				.whereRef('pcn.icb_id', '=', 'icb.id')
				.select(eb.fn.countAll<number>().as('n'))
				.as('practice_count')
		])
		.orderBy('icb.name')
		.orderBy('icb.id')
		.execute();
	return rows.map(({ pcn_count, practice_count, ...icb }) => ({
		...icb,
		pcnCount: Number(pcn_count ?? 0),
		practiceCount: Number(practice_count ?? 0)
	}));
}

/** Every PCN, or those of one ICB. */
export async function listPcns(db: DbOrTx, icbId?: number): Promise<PcnSummary[]> {
	let query = db
		.selectFrom('pcn')
		.innerJoin('icb', 'icb.id', 'pcn.icb_id')
		.selectAll('pcn')
		.select(['icb.ods_code as icb_ods_code', 'icb.name as icb_name'])
		.select((eb) =>
			eb
				.selectFrom('practice')
				.whereRef('practice.pcn_id', '=', 'pcn.id')
				.select(eb.fn.countAll<number>().as('n'))
				.as('practice_count')
		)
		.orderBy('pcn.name')
		.orderBy('pcn.id');
	if (icbId !== undefined) query = query.where('pcn.icb_id', '=', icbId);
	const rows = await query.execute();
	return rows.map(({ icb_ods_code, icb_name, practice_count, ...pcn }) => ({
		...pcn,
		icb: { id: pcn.icb_id, ods_code: icb_ods_code, name: icb_name },
		practiceCount: Number(practice_count ?? 0)
	}));
}

/** How many dated moves of a `practice` row are still to happen, as the column `pending_moves`. */
function pendingMoves(eb: ExpressionBuilder<Database, 'practice'>) {
	return eb
		.selectFrom('practice_pcn_move')
		.whereRef('practice_pcn_move.practice_id', '=', 'practice.id')
		.where('practice_pcn_move.applied', '=', 0)
		.select(eb.fn.countAll<number>().as('n'))
		.as('pending_moves');
}

/** Every practice, or those now in one PCN. */
export async function listPractices(db: DbOrTx, pcnId?: number): Promise<PracticeSummary[]> {
	let query = db
		.selectFrom('practice')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.selectAll('practice')
		.select(['pcn.ods_code as pcn_ods_code', 'pcn.name as pcn_name'])
		.select(pendingMoves)
		.orderBy('practice.name')
		.orderBy('practice.id');
	if (pcnId !== undefined) query = query.where('practice.pcn_id', '=', pcnId);
	const rows = await query.execute();
	return rows.map(({ pcn_ods_code, pcn_name, pending_moves, ...practice }) => ({
		...practice,
		pcn: practice.pcn_id !== null ? { id: practice.pcn_id, ods_code: pcn_ods_code!, name: pcn_name! } : null,
		pendingMoves: Number(pending_moves ?? 0)
	}));
}

/** Rows of the long lists on the organisations page. */
export const ORGANISATIONS_PAGE_SIZE = 50;

/** The PCN with this ODS code (any case), or undefined. */
export async function findPcnByOdsCode(db: DbOrTx, odsCode: string): Promise<Pick<Pcn, 'id' | 'ods_code' | 'name'> | undefined> {
	return db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
}

/**
 * The administrator's overview, at the cost of a page whatever the country holds: every ICB with
 * its counts (a few dozen), and either a page of the ICBs, PCNs and practices whose name or ODS
 * code contains the search words, or a page of the practices in no PCN.
 */
export async function getOrganisationsOverview(db: DbOrTx, search: string, askedPage: number): Promise<OrganisationsOverview> {
	const icbs = await listIcbs(db);
	if (search) return { icbs, search, found: await searchOrganisations(db, search, askedPage), unassigned: null };
	const unassignedRows = db.selectFrom('practice').where('practice.pcn_id', 'is', null);
	const total = Number((await unassignedRows.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	const unassigned = await readPage(total, askedPage, ORGANISATIONS_PAGE_SIZE, (limit, offset) =>
		unassignedRows
			.select(['practice.id', 'practice.ods_code', 'practice.name'])
			.select(pendingMoves)
			.orderBy('practice.name')
			.orderBy('practice.id')
			.limit(limit)
			.offset(offset)
			.execute()
			.then((rows) => rows.map(({ pending_moves, ...practice }) => ({ ...practice, pendingMoves: Number(pending_moves ?? 0) })))
	);
	return { icbs, search, found: null, unassigned };
}

/** A page of the ICBs, PCNs and practices whose name or ODS code contains `search` (any case), by name. */
async function searchOrganisations(db: DbOrTx, search: string, askedPage: number): Promise<Page<FoundOrganisation>> {
	const pattern = containsPattern(search);
	const matching = (table: OrganisationKind) =>
		db
			.selectFrom(table)
			.select([sql.lit(table).as('kind'), 'id', 'ods_code', 'name'])
			.where((eb) =>
				eb.or([
					eb(sql`lower(${sql.ref(`${table}.name`)})`, 'like', sql`${pattern} escape '\\'`),
					eb(sql`lower(${sql.ref(`${table}.ods_code`)})`, 'like', sql`${pattern} escape '\\'`)
				])
			);
	const found = db.selectFrom(matching('icb').unionAll(matching('pcn')).unionAll(matching('practice')).as('found'));
	const total = Number((await found.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	return readPage(total, askedPage, ORGANISATIONS_PAGE_SIZE, (limit, offset) =>
		found
			.select(['kind', 'id', 'ods_code', 'name'])
			.orderBy('name')
			.orderBy('kind')
			.orderBy('id')
			.limit(limit)
			.offset(offset)
			.execute()
			.then((rows) => rows.map((row) => ({ ...row, kind: row.kind as OrganisationKind })))
	);
}
