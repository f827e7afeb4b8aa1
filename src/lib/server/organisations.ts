/** ICBs, PCNs and practices. */
import { z } from 'zod';
import { ICB_ODS_PATTERN, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN, normaliseOdsCode } from '../ods';
import type { DbOrTx } from './db';
import type { Icb, Pcn, Practice } from './db/schema';

const name = z.string().trim().min(1, 'Enter a name').max(200, 'Keep the name under 200 characters');
const odsCode = (pattern: RegExp, example: string) =>
	z
		.string()
		.transform(normaliseOdsCode)
		.refine((code) => pattern.test(code), { error: `Enter an ODS code like ${example}` });

export const newIcbSchema = z.object({ odsCode: odsCode(ICB_ODS_PATTERN, 'QE1'), name });
export const newPcnSchema = z.object({ odsCode: odsCode(PCN_ODS_PATTERN, 'U12345'), name, icbId: z.int().positive() });
export const newPracticeSchema = z.object({
	odsCode: odsCode(PRACTICE_ODS_PATTERN, 'A81001'),
	name,
	pcnId: z.int().positive().nullable()
});

export async function createIcb(db: DbOrTx, input: z.input<typeof newIcbSchema>): Promise<Icb> {
	const { odsCode, name } = newIcbSchema.parse(input);
	return db.insertInto('icb').values({ ods_code: odsCode, name }).returningAll().executeTakeFirstOrThrow();
}

export async function createPcn(db: DbOrTx, input: z.input<typeof newPcnSchema>): Promise<Pcn> {
	const { odsCode, name, icbId } = newPcnSchema.parse(input);
	return db
		.insertInto('pcn')
		.values({ ods_code: odsCode, name, icb_id: icbId })
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function createPractice(db: DbOrTx, input: z.input<typeof newPracticeSchema>): Promise<Practice> {
	const { odsCode, name, pcnId } = newPracticeSchema.parse(input);
	return db
		.insertInto('practice')
		.values({ ods_code: odsCode, name, pcn_id: pcnId })
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function hasOrganisations(db: DbOrTx): Promise<boolean> {
	const row = await db.selectFrom('icb').select('id').limit(1).executeTakeFirst();
	return row !== undefined;
}

export interface PcnWithPractices extends Pcn {
	icb: Pick<Icb, 'ods_code' | 'name'>;
	practices: Practice[];
}

export async function listPcnsWithPractices(db: DbOrTx): Promise<PcnWithPractices[]> {
	const pcns = await db
		.selectFrom('pcn')
		.innerJoin('icb', 'icb.id', 'pcn.icb_id')
		.selectAll('pcn')
		.select(['icb.ods_code as icb_ods_code', 'icb.name as icb_name'])
		.orderBy('pcn.name')
		.execute();
	const practices = await db.selectFrom('practice').selectAll().orderBy('name').execute();
	return pcns.map(({ icb_ods_code, icb_name, ...pcn }) => ({
		...pcn,
		icb: { ods_code: icb_ods_code, name: icb_name },
		practices: practices.filter((p) => p.pcn_id === pcn.id)
	}));
}

export const practiceMoveSchema = z.object({
	practiceId: z.int().positive(),
	/** Null: the practice leaves its PCN without joining another. */
	pcnId: z.int().positive().nullable(),
	effectiveOn: z.iso.date('Enter the date the move takes effect')
});

/**
 * Records that a practice moves to another PCN on a date. A move dated today or earlier takes
 * effect at once; a later one waits for its date (see applyDueMoves). Either way the history
 * is kept, so it is clear which PCN a practice belonged to when.
 */
export async function recordPracticeMove(
	db: DbOrTx,
	input: z.input<typeof practiceMoveSchema>,
	today: string,
	recordedBy: number | null,
	now: Date = new Date()
): Promise<void> {
	const move = practiceMoveSchema.parse(input);
	await db
		.insertInto('practice_pcn_move')
		.values({
			practice_id: move.practiceId,
			pcn_id: move.pcnId,
			effective_on: move.effectiveOn,
			recorded_at: now.toISOString(),
			recorded_by: recordedBy
		})
		.execute();
	await applyDueMoves(db, today);
}

/** Applies every recorded move whose date has come, in date order. */
export async function applyDueMoves(db: DbOrTx, today: string): Promise<number> {
	const due = await db
		.selectFrom('practice_pcn_move')
		.selectAll()
		.where('applied', '=', 0)
		.where('effective_on', '<=', today)
		.orderBy('effective_on')
		.orderBy('id')
		.execute();
	for (const move of due) {
		await db.updateTable('practice').set({ pcn_id: move.pcn_id }).where('id', '=', move.practice_id).execute();
		await db.updateTable('practice_pcn_move').set({ applied: 1 }).where('id', '=', move.id).execute();
	}
	return due.length;
}
