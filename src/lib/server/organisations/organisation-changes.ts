/**
 * Adding and changing ICBs, PCNs and practices; an ODS code belongs to one organisation only.
 */
import { z } from 'zod';
import { isUniqueViolation, type DbOrTx } from '../db';
import type { Icb, Pcn, Practice } from '../db/schema';
import {
	type OrganisationKind,
	newIcbSchema,
	newPcnSchema,
	newPracticeSchema,
	practiceDetailsSchema,
	OrganisationInputError,
	DuplicateOdsCodeError
} from './organisation-forms';
import { getIcb } from './organisations';

async function codeTakenBy(db: DbOrTx, kind: OrganisationKind, code: string): Promise<number | undefined> {
	const row = await db.selectFrom(kind).select('id').where('ods_code', '=', code).executeTakeFirst();
	return row?.id;
}

/** Checked before writing; the UNIQUE constraint still catches a twin written in between. */
async function refuseTakenCode(db: DbOrTx, kind: OrganisationKind, code: string, ownId?: number): Promise<void> {
	const holder = await codeTakenBy(db, kind, code);
	if (holder !== undefined && holder !== ownId) throw new DuplicateOdsCodeError(kind, code);
}

async function writeUnique<T>(kind: OrganisationKind, code: string, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (error) {
		if (isUniqueViolation(error, kind, 'ods_code')) throw new DuplicateOdsCodeError(kind, code, { cause: error });
		throw error;
	}
}

async function requireIcb(db: DbOrTx, icbId: number): Promise<void> {
	if (!(await getIcb(db, icbId))) throw new OrganisationInputError('icbId', 'Choose an ICB from the list');
}

export async function requirePcn(db: DbOrTx, pcnId: number | null): Promise<void> {
	if (pcnId !== null && !(await db.selectFrom('pcn').select('id').where('id', '=', pcnId).executeTakeFirst())) {
		throw new OrganisationInputError('pcnId', 'Choose a PCN from the list');
	}
}

export async function createIcb(db: DbOrTx, input: z.input<typeof newIcbSchema>): Promise<Icb> {
	const { odsCode, name } = newIcbSchema.parse(input);
	await refuseTakenCode(db, 'icb', odsCode);
	return writeUnique('icb', odsCode, () =>
		db.insertInto('icb').values({ ods_code: odsCode, name }).returningAll().executeTakeFirstOrThrow()
	);
}

export async function createPcn(db: DbOrTx, input: z.input<typeof newPcnSchema>): Promise<Pcn> {
	const { odsCode, name, icbId } = newPcnSchema.parse(input);
	await requireIcb(db, icbId);
	await refuseTakenCode(db, 'pcn', odsCode);
	return writeUnique('pcn', odsCode, () =>
		db.insertInto('pcn').values({ ods_code: odsCode, name, icb_id: icbId }).returningAll().executeTakeFirstOrThrow()
	);
}

export async function createPractice(db: DbOrTx, input: z.input<typeof newPracticeSchema>): Promise<Practice> {
	const { odsCode, name, pcnId } = newPracticeSchema.parse(input);
	await requirePcn(db, pcnId);
	await refuseTakenCode(db, 'practice', odsCode);
	return writeUnique('practice', odsCode, () =>
		db.insertInto('practice').values({ ods_code: odsCode, name, pcn_id: pcnId }).returningAll().executeTakeFirstOrThrow()
	);
}

export async function updateIcb(db: DbOrTx, icbId: number, input: z.input<typeof newIcbSchema>): Promise<Icb> {
	const { odsCode, name } = newIcbSchema.parse(input);
	await refuseTakenCode(db, 'icb', odsCode, icbId);
	return writeUnique('icb', odsCode, () =>
		db
			.updateTable('icb')
			.set({ ods_code: odsCode, name })
			.where('id', '=', icbId)
			.returningAll()
			.executeTakeFirstOrThrow()
	);
}

export async function updatePcn(db: DbOrTx, pcnId: number, input: z.input<typeof newPcnSchema>): Promise<Pcn> {
	const { odsCode, name, icbId } = newPcnSchema.parse(input);
	await requireIcb(db, icbId);
	await refuseTakenCode(db, 'pcn', odsCode, pcnId);
	return writeUnique('pcn', odsCode, () =>
		db
			.updateTable('pcn')
			.set({ ods_code: odsCode, name, icb_id: icbId })
			.where('id', '=', pcnId)
			.returningAll()
			.executeTakeFirstOrThrow()
	);
}

export async function updatePractice(
	db: DbOrTx,
	practiceId: number,
	input: z.input<typeof practiceDetailsSchema>
): Promise<Practice> {
	const { odsCode, name } = practiceDetailsSchema.parse(input);
	await refuseTakenCode(db, 'practice', odsCode, practiceId);
	return writeUnique('practice', odsCode, () =>
		db
			.updateTable('practice')
			.set({ ods_code: odsCode, name })
			.where('id', '=', practiceId)
			.returningAll()
			.executeTakeFirstOrThrow()
	);
}

/** What an edit changed, in words for the audit log ("name from ‘A’ to ‘B’"); empty when nothing did. */
export function describeChanges(changes: [label: string, before: string, after: string][]): string {
	return changes
		.filter(([, before, after]) => before !== after)
		.map(([label, before, after]) => `${label} from ‘${before}’ to ‘${after}’`)
		.join(', ');
}
