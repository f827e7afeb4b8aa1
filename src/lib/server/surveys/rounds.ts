/**
 * Survey rounds: one practice, one instrument version, a date window and a public link.
 * Creating and reading them, closing those past their date, and their progress by day.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isIsoDate } from '../../dates';
import { cumulativeByDay, type DayProgress } from '../../npt/round-schedule';
import { recordAudit } from '../platform/audit';
import type { IdQuery } from '../accounts/scope';
import { atomically, type DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';
import type { Practice, Round } from '../db/schema';
import { lineText } from '../../text';
import { summariseClosedRound } from './round-summaries';
import { sealRound } from './round-sealing';


/** The one title field: the manager's forms and every other way a round is made or changed use it, so none can pass one and fail the other. */
export const roundTitleSchema = lineText({ max: 120, tooLong: 'Keep the title under 120 characters', required: 'Give the round a title' });

const isoDate = z.string().refine(isIsoDate, { error: 'Enter a date as YYYY-MM-DD' });

export const newRoundSchema = z
	.object({
		practiceId: z.int().positive(),
		instrumentVersionId: z.int().positive(),
		title: roundTitleSchema,
		opensOn: isoDate,
		closesOn: isoDate,
		staffHeadcount: z.int().min(1, 'Headcount must be at least 1').max(5000).nullable(),
		status: z.enum(['draft', 'open', 'closed']).default('draft'),
		requiresCode: z.boolean().default(false),
		/** A draft the survey calendar made, which it opens on its opening date. */
		plannedByCalendar: z.boolean().default(false),
		publicToken: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/).optional()
	})
	.refine((r) => r.closesOn >= r.opensOn, { path: ['closesOn'], error: 'The closing date must not be before the opening date' });

/** 144 random bits, URL-safe: a survey link nobody can guess. */
export function newPublicToken(): string {
	return randomBytes(18).toString('base64url');
}

export async function createRound(db: DbOrTx, input: z.input<typeof newRoundSchema>, now: Date = new Date()): Promise<Round> {
	const r = newRoundSchema.parse(input);
	return db
		.insertInto('round')
		.values({
			practice_id: r.practiceId,
			instrument_version_id: r.instrumentVersionId,
			title: r.title,
			opens_on: r.opensOn,
			closes_on: r.closesOn,
			closed_on: r.status === 'closed' ? r.closesOn : null,
			staff_headcount: r.staffHeadcount,
			status: r.status,
			public_token: r.publicToken ?? newPublicToken(),
			requires_code: r.requiresCode ? 1 : 0,
			planned_by_calendar: r.plannedByCalendar ? 1 : 0,
			created_at: now.toISOString()
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

export type RoundWithPractice = Round & { practice: Pick<Practice, 'id' | 'ods_code' | 'name' | 'pcn_id'> };

function roundsWithPractice(db: DbOrTx) {
	return db
		.selectFrom('round')
		.innerJoin('practice', 'practice.id', 'round.practice_id')
		.selectAll('round')
		.select([
			'practice.ods_code as practice_ods_code',
			'practice.name as practice_name',
			'practice.pcn_id as practice_pcn_id'
		]);
}

function withPractice(
	row: Round & { practice_ods_code: string; practice_name: string; practice_pcn_id: number | null }
): RoundWithPractice {
	const { practice_ods_code, practice_name, practice_pcn_id, ...round } = row;
	return {
		...round,
		practice: { id: round.practice_id, ods_code: practice_ods_code, name: practice_name, pcn_id: practice_pcn_id }
	};
}

export async function getRound(db: DbOrTx, roundId: number): Promise<RoundWithPractice | undefined> {
	const row = await roundsWithPractice(db).where('round.id', '=', roundId).executeTakeFirst();
	return row && withPractice(row);
}

// Every survey page and post looks its round up by the link's token: compiled once.
const roundByToken = preparedQuery<'token', Round & { practice_ods_code: string; practice_name: string; practice_pcn_id: number | null }>(
	(db, slot) => roundsWithPractice(db).where('round.public_token', '=', slot('token'))
);

export async function getRoundByToken(db: DbOrTx, token: string): Promise<RoundWithPractice | undefined> {
	const [row] = (await roundByToken.execute(db, { token })).rows;
	return row && withPractice(row);
}

/** Which rounds a reader wants: those of a set of practices (as a query, so any number binds nothing more), or one round. */
export type RoundSelection = { practices: IdQuery } | { roundId: number };

/** The ids of the selected rounds, as a query; with `collecting`, only those taking answers or not yet open on `today`. */
export function roundIdsOf(db: DbOrTx, selection: RoundSelection, collecting?: { today: string }): IdQuery {
	let rounds = db.selectFrom('round').select('round.id as id');
	rounds = 'roundId' in selection ? rounds.where('round.id', '=', selection.roundId) : rounds.where('round.practice_id', 'in', selection.practices);
	if (collecting) rounds = rounds.where('round.status', '=', 'open').where('round.closes_on', '>=', collecting.today);
	return rounds;
}

/** The selected rounds, most recent first. */
export async function listRoundsIn(db: DbOrTx, selection: RoundSelection): Promise<Round[]> {
	const rounds = db.selectFrom('round').selectAll();
	return ('roundId' in selection ? rounds.where('id', '=', selection.roundId) : rounds.where('practice_id', 'in', selection.practices))
		.orderBy('closes_on', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

/**
 * Closes open rounds whose closing date has passed (of one practice, or all), sealing each one's
 * answers and storing its summary; no scheduler needed. Returns how many. Safe to run on two instances at once: the
 * update takes each round's row, and a round the other closed meanwhile is no longer open.
 */
export async function closeDueRounds(db: DbOrTx, today: string, practiceId?: number): Promise<number> {
	return atomically(db, async (tx) => {
		const due = await tx
			.updateTable('round')
			.set((eb) => ({ status: 'closed', closed_on: eb.ref('closes_on') }))
			.where('status', '=', 'open')
			.where('closes_on', '<', today)
			.$if(practiceId !== undefined, (q) => q.where('practice_id', '=', practiceId!))
			.returning(['id', 'title', 'practice_id', 'closes_on', 'instrument_version_id'])
			.execute();
		for (const round of due) {
			await sealRound(tx, round.id);
			await summariseClosedRound(tx, round);
			await recordAudit(tx, { system: 'Belonging (closing date reached)' }, {
				action: 'round_closed',
				summary: `Round ${round.id} “${round.title}” closed on its closing date, ${round.closes_on}`,
				practiceId: round.practice_id
			});
		}
		return due.length;
	});
}

/** The practice a round belongs to, for the access guard; undefined if there is no such round. */
export async function practiceOfRound(db: DbOrTx, roundId: number): Promise<number | undefined> {
	const row = await db.selectFrom('round').select('practice_id').where('id', '=', roundId).executeTakeFirst();
	return row?.practice_id;
}

/* ---------------------------------------------------------------------------------------------
 * The round life-cycle as practice managers run it: schedule, open, close early.
 * ------------------------------------------------------------------------------------------- */


/**
 * Responses by day from the per-day counter, with a running total, filled in up to `lastDay`.
 * Callers show this only once the round has MIN_RESPONSES (docs/scoring.md §6).
 */
export async function getRoundProgressByDay(db: DbOrTx, roundId: number, lastDay?: string): Promise<DayProgress[]> {
	const counts = await db
		.selectFrom('submission_day')
		.select(['day', 'submissions'])
		.where('round_id', '=', roundId)
		.orderBy('day')
		.execute();
	return cumulativeByDay(counts, lastDay);
}

/** The most recent staff headcount entered for the practice, as the next round's starting point. */
export async function latestHeadcount(db: DbOrTx, practiceId: number): Promise<number | null> {
	const row = await db
		.selectFrom('round')
		.select('staff_headcount')
		.where('practice_id', '=', practiceId)
		.where('staff_headcount', 'is not', null)
		.orderBy('opens_on', 'desc')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return row?.staff_headcount ?? null;
}

/** What a page about one round shows of it: never the survey token, which only sharing hands out. */
export function describeRound(round: RoundWithPractice) {
	return {
		id: round.id,
		title: round.title,
		opensOn: round.opens_on,
		closesOn: round.closes_on,
		closedOn: round.closed_on,
		staffHeadcount: round.staff_headcount,
		requiresCode: round.requires_code === 1,
		/** A draft the survey calendar made, which opens by itself on its opening date. */
		plannedByCalendar: round.planned_by_calendar === 1 && round.status === 'draft',
		practice: { id: round.practice.id, odsCode: round.practice.ods_code, name: round.practice.name }
	};
}
