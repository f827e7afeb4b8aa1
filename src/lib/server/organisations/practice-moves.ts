/**
 * Practices moving between PCNs: a move is recorded with the date it takes effect, applied when
 * that day comes, and kept, so it is clear which PCN a practice belonged to when.
 */
import { z } from 'zod';
import { isIsoDate } from '../../dates';
import { atomically, lockFor, type DbOrTx } from '../db';
import type { PracticeMoveEntry } from '../../views/organisations';
import { OrganisationInputError } from './organisation-forms';
import { requirePcn } from './organisation-changes';

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

/**
 * Applies every recorded move whose date has come, in date order. Safe on two instances at once:
 * one transaction holds the moves' lock, so the other waits and then finds them applied, and
 * a practice never ends up in an earlier move's PCN.
 */
export async function applyDueMoves(db: DbOrTx, today: string): Promise<number> {
	return atomically(db, async (tx) => {
		await lockFor(tx, 'practice-moves');
		const due = await tx
			.selectFrom('practice_pcn_move')
			.selectAll()
			.where('applied', '=', 0)
			.where('effective_on', '<=', today)
			.orderBy('effective_on')
			.orderBy('id')
			.execute();
		for (const move of due) {
			await tx.updateTable('practice').set({ pcn_id: move.pcn_id }).where('id', '=', move.practice_id).execute();
			await tx.updateTable('practice_pcn_move').set({ applied: 1 }).where('id', '=', move.id).execute();
		}
		return due.length;
	});
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
