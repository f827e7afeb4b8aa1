/** ICBs, PCNs and practices: adding, changing and listing them, and practices moving between PCNs. */
import { z } from 'zod';
import { isIsoDate } from '../../dates';
import type { FieldProblem } from '../../npt/submission';
import { ICB_ODS_PATTERN, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN, normaliseOdsCode } from '../../ods';
import { isUniqueViolation, type DbOrTx } from '../db';
import type { Icb, Pcn, Practice } from '../db/schema';
import { cleanLine } from '../../text';
import type {
	PcnWithIcb,
	PracticeWithPcn,
	IcbSummary,
	PcnSummary,
	PracticeSummary,
	OrganisationTree,
	PracticeMoveEntry
} from '../../views/organisations';

export type OrganisationKind = 'icb' | 'pcn' | 'practice';

export const ORGANISATION_KIND_NAMES: Record<OrganisationKind, string> = { icb: 'ICB', pcn: 'PCN', practice: 'practice' };

export const organisationNameSchema = z
	.string()
	.transform(cleanLine)
	.pipe(z.string().min(1, 'Enter a name').max(200, 'Keep the name under 200 characters'));

const odsCode = (pattern: RegExp, message: string) =>
	z
		.string()
		.transform(normaliseOdsCode)
		.refine((code) => pattern.test(code), { error: message });

export const icbOdsCodeSchema = odsCode(ICB_ODS_PATTERN, 'Enter an ICB ODS code of three letters or digits, like QE1');
export const pcnOdsCodeSchema = odsCode(PCN_ODS_PATTERN, 'Enter a PCN ODS code of U and five digits, like U12345');
export const practiceOdsCodeSchema = odsCode(PRACTICE_ODS_PATTERN, 'Enter a practice ODS code of a letter and five digits, like A81001');

const name = organisationNameSchema;
export const newIcbSchema = z.object({ odsCode: icbOdsCodeSchema, name });
export const newPcnSchema = z.object({ odsCode: pcnOdsCodeSchema, name, icbId: z.int().positive() });
export const newPracticeSchema = z.object({
	odsCode: practiceOdsCodeSchema,
	name,
	pcnId: z.int().positive().nullable()
});
/** A practice's PCN changes only through a recorded move (recordPracticeMove), so its history is kept. */
export const practiceDetailsSchema = z.object({ odsCode: practiceOdsCodeSchema, name });

/** A database id as it arrives in a form field or a URL. */
export const idTextSchema = (message: string) =>
	z
		.string(message)
		.trim()
		.regex(/^[1-9]\d{0,14}$/, message)
		.transform(Number);

/** A choice that may be "none": the empty option of a select. */
export const optionalIdTextSchema = (message: string) =>
	z.union([z.literal('').transform(() => null), idTextSchema(message)], { error: message });

export function idFromParam(text: string | undefined): number | undefined {
	return text && /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined;
}

/** A problem with an organisation's details that the person can put right, about one field. */
export class OrganisationInputError extends Error {
	override name = 'OrganisationInputError';
	constructor(
		readonly field: 'odsCode' | 'icbId' | 'pcnId',
		message: string,
		options?: ErrorOptions
	) {
		super(message, options);
	}
}

export class DuplicateOdsCodeError extends OrganisationInputError {
	override name = 'DuplicateOdsCodeError';
	constructor(
		readonly kind: OrganisationKind,
		readonly odsCode: string,
		options?: ErrorOptions
	) {
		super('odsCode', `Another ${ORGANISATION_KIND_NAMES[kind]} already has the ODS code ${odsCode}`, options);
	}
}

/**
 * The field problem an OrganisationInputError describes, named as the form names the field;
 * undefined for any other error, which the caller should let through.
 */
export function organisationProblem(
	error: unknown,
	fieldNames: Partial<Record<OrganisationInputError['field'], string>> = {}
): FieldProblem | undefined {
	if (!(error instanceof OrganisationInputError)) return undefined;
	return { field: fieldNames[error.field] ?? error.field, message: error.message };
}

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

async function requirePcn(db: DbOrTx, pcnId: number | null): Promise<void> {
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

/** Every practice, or those now in one PCN. */
export async function listPractices(db: DbOrTx, pcnId?: number): Promise<PracticeSummary[]> {
	let query = db
		.selectFrom('practice')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.selectAll('practice')
		.select(['pcn.ods_code as pcn_ods_code', 'pcn.name as pcn_name'])
		.select((eb) =>
			eb
				.selectFrom('practice_pcn_move')
				.whereRef('practice_pcn_move.practice_id', '=', 'practice.id')
				.where('practice_pcn_move.applied', '=', 0)
				.select(eb.fn.countAll<number>().as('n'))
				.as('pending_moves')
		)
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

/** Every ICB with its PCNs and their practices, for the administrator's overview. */
export async function listOrganisationTree(db: DbOrTx): Promise<OrganisationTree> {
	const [icbs, pcns, practices] = await Promise.all([listIcbs(db), listPcns(db), listPractices(db)]);
	return {
		icbs: icbs.map((icb) => ({
			...icb,
			pcns: pcns
				.filter((pcn) => pcn.icb_id === icb.id)
				.map((pcn) => ({ ...pcn, practices: practices.filter((p) => p.pcn_id === pcn.id) }))
		})),
		unassigned: practices.filter((p) => p.pcn_id === null)
	};
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

/** A date field: `2026-03-14` from a date picker, or `14/3/2026` typed where there is none. */
export const effectiveDateSchema = z.preprocess(
	(value) => {
		if (typeof value !== 'string') return value;
		const text = value.trim();
		const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
		return uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : text;
	},
	z
		.string('Enter the date of the move')
		.min(1, { error: 'Enter the date of the move', abort: true })
		.refine(isIsoDate, 'Enter a real date, for example 14/03/2026')
);

export const practiceMoveSchema = z.object({
	practiceId: z.int().positive(),
	/** Null: the practice leaves its PCN without joining another. */
	pcnId: z.int().positive().nullable(),
	effectiveOn: z.iso.date('Enter the date the move takes effect')
});

export interface RecordedMove {
	/** True when the date had come, so the practice is already in its new PCN. */
	appliedNow: boolean;
}

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
): Promise<RecordedMove> {
	const move = practiceMoveSchema.parse(input);
	const practice = await db
		.selectFrom('practice')
		.select(['id', 'name', 'pcn_id'])
		.where('id', '=', move.practiceId)
		.executeTakeFirst();
	if (!practice) throw new Error(`There is no practice ${move.practiceId}`);
	await requirePcn(db, move.pcnId);
	const pending = await db
		.selectFrom('practice_pcn_move')
		.select('id')
		.where('practice_id', '=', move.practiceId)
		.where('applied', '=', 0)
		.executeTakeFirst();
	// With a move still waiting, moving "back" to today's PCN is a real change of plan.
	if (!pending && practice.pcn_id === move.pcnId) {
		throw new OrganisationInputError(
			'pcnId',
			move.pcnId === null ? `${practice.name} is not in a PCN already` : `${practice.name} is in that PCN already`
		);
	}
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
	return { appliedNow: move.effectiveOn <= today };
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

/** A practice's recorded moves, latest date first, including those still waiting for their date. */
export async function listPracticeMoves(db: DbOrTx, practiceId: number): Promise<PracticeMoveEntry[]> {
	const rows = await db
		.selectFrom('practice_pcn_move as move')
		.leftJoin('pcn', 'pcn.id', 'move.pcn_id')
		.leftJoin('user_account', 'user_account.id', 'move.recorded_by')
		.select([
			'move.id',
			'move.effective_on',
			'move.applied',
			'move.recorded_at',
			'move.pcn_id',
			'pcn.ods_code as pcn_ods_code',
			'pcn.name as pcn_name',
			'user_account.email as recorded_by'
		])
		.where('move.practice_id', '=', practiceId)
		.orderBy('move.effective_on', 'desc')
		.orderBy('move.id', 'desc')
		.execute();
	return rows.map((row) => ({
		id: row.id,
		effectiveOn: row.effective_on,
		applied: row.applied === 1,
		recordedAt: row.recorded_at,
		recordedBy: row.recorded_by,
		pcn: row.pcn_id !== null ? { id: row.pcn_id, ods_code: row.pcn_ods_code!, name: row.pcn_name! } : null
	}));
}
