/** Survey rounds: one practice, one instrument version, a date window and a public link. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { formatDate, isIsoDate } from '../../dates';
import { cumulativeByDay, FATIGUE_MONTHS, isWithinFatigueWindow, roundEditability, type DayProgress } from '../../npt/round-schedule';
import type { FieldProblem } from '../../npt/submission';
import { recordAudit } from '../platform/audit';
import type { Db, DbOrTx } from '../db';
import type { Practice, Round } from '../db/schema';
import type { SignedInUser } from '../accounts/users';
import { cleanLine } from '../../text';

const isoDate = z.string().refine(isIsoDate, { error: 'Enter a date as YYYY-MM-DD' });

export const newRoundSchema = z
	.object({
		practiceId: z.int().positive(),
		instrumentVersionId: z.int().positive(),
		title: z
			.string()
			.transform(cleanLine)
			.pipe(z.string().min(1, 'Give the round a title').max(120, 'Keep the title under 120 characters')),
		opensOn: isoDate,
		closesOn: isoDate,
		staffHeadcount: z.int().min(1, 'Headcount must be at least 1').max(5000).nullable(),
		status: z.enum(['draft', 'open', 'closed']).default('draft'),
		requiresCode: z.boolean().default(false),
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

export async function getRoundByToken(db: DbOrTx, token: string): Promise<RoundWithPractice | undefined> {
	const row = await roundsWithPractice(db).where('round.public_token', '=', token).executeTakeFirst();
	return row && withPractice(row);
}

/** Rounds of the given practices, most recent first. */
export async function listRoundsOfPractices(db: DbOrTx, practiceIds: number[]): Promise<Round[]> {
	if (practiceIds.length === 0) return [];
	return db
		.selectFrom('round')
		.selectAll()
		.where('practice_id', 'in', practiceIds)
		.orderBy('closes_on', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

/** Closes open rounds whose closing date has passed; no scheduler needed. Returns how many. */
export async function closeDueRounds(db: DbOrTx, today: string): Promise<number> {
	const due = await db
		.updateTable('round')
		.set((eb) => ({ status: 'closed', closed_on: eb.ref('closes_on') }))
		.where('status', '=', 'open')
		.where('closes_on', '<', today)
		.returning(['id', 'title', 'practice_id', 'closes_on'])
		.execute();
	for (const round of due) {
		await recordAudit(db, { system: 'Belonging (closing date reached)' }, {
			action: 'round_closed',
			summary: `Round ${round.id} “${round.title}” closed on its closing date, ${round.closes_on}`,
			practiceId: round.practice_id
		});
	}
	return due.length;
}

/** The practice a round belongs to, for the access guard; undefined if there is no such round. */
export async function practiceOfRound(db: DbOrTx, roundId: number): Promise<number | undefined> {
	const row = await db.selectFrom('round').select('practice_id').where('id', '=', roundId).executeTakeFirst();
	return row?.practice_id;
}

/* ---------------------------------------------------------------------------------------------
 * The round life-cycle as practice managers run it: schedule, open, close early.
 * ------------------------------------------------------------------------------------------- */

const YES = z.enum(['yes', 'on']).optional().transform((v) => v !== undefined);
const HEADCOUNT_MESSAGE = 'Enter the number of staff as a whole number from 1 to 5,000, or leave it empty';
const VERSION_MESSAGE = 'Choose which version of the staff survey to use';

function formDate(name: string) {
	return z
		.string(`Enter the ${name} date`)
		.trim()
		.min(1, { error: `Enter the ${name} date`, abort: true })
		.refine(isIsoDate, { error: `Enter the ${name} date as a real date, for example 2027-03-01`, abort: true });
}

const titleField = z
	.string('Give the round a title')
	.trim()
	.min(1, 'Give the round a title')
	.max(120, 'Keep the title under 120 characters');

/** Empty means "not known", stored as null. */
const headcountField = z.union(
	[
		z.literal('').transform(() => null),
		z
			.string()
			.trim()
			.regex(/^\d{1,6}$/, HEADCOUNT_MESSAGE)
			.transform(Number)
			.pipe(z.int().min(1, HEADCOUNT_MESSAGE).max(5000, HEADCOUNT_MESSAGE))
	],
	{ error: HEADCOUNT_MESSAGE }
);

/**
 * The manager's "new round" form, as text fields. `today` (UK) is the earliest opening date.
 * `start` says whether the round waits as a draft or opens on its opening date.
 */
export function scheduleRoundSchema(today: string) {
	return z
		.object({
			title: titleField,
			opensOn: formDate('opening').refine((d) => d >= today, 'The opening date cannot be in the past'),
			closesOn: formDate('closing'),
			staffHeadcount: headcountField,
			instrumentVersionId: z
				.string(VERSION_MESSAGE)
				.regex(/^[1-9]\d{0,14}$/, VERSION_MESSAGE)
				.transform(Number),
			requiresCode: YES,
			start: z.enum(['draft', 'open'], { error: 'Choose whether to open the round or keep it as a draft' }),
			/** Ticked after the survey-fatigue warning: schedule it anyway. */
			confirmFatigue: YES
		})
		.refine((r) => r.closesOn >= r.opensOn, {
			path: ['closesOn'],
			error: 'The closing date must be on or after the opening date'
		});
}

export type ScheduleRoundInput = z.output<ReturnType<typeof scheduleRoundSchema>>;

export type ScheduleRoundOutcome =
	| { ok: true; round: Round }
	/** 400: bad input; 409: in conflict with the practice's other rounds. */
	| { ok: false; status: 400 | 409; problems: FieldProblem[] };

/** A round of the practice, other than `exceptId`, that is open or scheduled to open (and not yet past its closing date). */
async function findOpenRound(db: DbOrTx, practiceId: number, today: string, exceptId?: number) {
	let query = db
		.selectFrom('round')
		.select(['id', 'title', 'opens_on', 'closes_on'])
		.where('practice_id', '=', practiceId)
		.where('status', '=', 'open')
		.where('closes_on', '>=', today);
	if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
	return query.orderBy('opens_on').executeTakeFirst();
}

function openRoundMessage(other: { title: string; opens_on: string; closes_on: string }, today: string): string {
	const when = other.opens_on > today ? `is due to open on ${formatDate(other.opens_on)}` : `is open until ${formatDate(other.closes_on)}`;
	return `“${other.title}” ${when}. A practice runs one round at a time: close that one first, or keep this one as a draft.`;
}

/** The practice's round whose opening date is nearest to `opensOn` inside the fatigue window, if any. */
async function findFatiguingRound(db: DbOrTx, practiceId: number, opensOn: string) {
	const rounds = await db
		.selectFrom('round')
		.select(['id', 'title', 'opens_on'])
		.where('practice_id', '=', practiceId)
		.execute();
	const near = rounds.filter((r) => isWithinFatigueWindow(opensOn, r.opens_on));
	const distance = (d: string) => Math.abs(Date.parse(d) - Date.parse(opensOn));
	return near.sort((a, b) => distance(a.opens_on) - distance(b.opens_on))[0];
}

/** Whether the version exists and is a staff survey (link workers' versions are not for rounds). */
async function isStaffInstrumentVersion(db: DbOrTx, versionId: number): Promise<boolean> {
	const row = await db
		.selectFrom('instrument_version')
		.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
		.select('instrument.audience')
		.where('instrument_version.id', '=', versionId)
		.executeTakeFirst();
	return row?.audience === 'staff';
}

/**
 * Creates a round from the manager's form, as a draft or open. Refused, storing nothing, when the
 * instrument version is not a staff survey, when another round of the practice is open (one at a
 * time), or when it starts within FATIGUE_MONTHS of another round and the manager has not
 * confirmed (SCORING.md §5).
 */
export async function scheduleRound(
	db: Db,
	practiceId: number,
	input: ScheduleRoundInput,
	actor: SignedInUser,
	today: string
): Promise<ScheduleRoundOutcome> {
	return db.transaction().execute(async (tx): Promise<ScheduleRoundOutcome> => {
		const refuse = (field: string, message: string, status: 400 | 409): ScheduleRoundOutcome => ({
			ok: false,
			status,
			problems: [{ field, message }]
		});
		if (!(await isStaffInstrumentVersion(tx, input.instrumentVersionId))) {
			return refuse('instrumentVersionId', VERSION_MESSAGE, 400);
		}
		if (input.start === 'open') {
			const other = await findOpenRound(tx, practiceId, today);
			if (other) return refuse('start', openRoundMessage(other, today), 409);
		}
		if (!input.confirmFatigue) {
			const near = await findFatiguingRound(tx, practiceId, input.opensOn);
			if (near) {
				return refuse(
					'confirmFatigue',
					`This round would open within ${FATIGUE_MONTHS} months of “${near.title}” (opening ${formatDate(near.opens_on)}). ` +
						'Asking staff more than three times a year wears them out and fewer answer. ' +
						'Choose another opening date, or tick “Schedule it anyway”.',
					409
				);
			}
		}
		const round = await createRound(tx, {
			practiceId,
			instrumentVersionId: input.instrumentVersionId,
			title: input.title,
			opensOn: input.opensOn,
			closesOn: input.closesOn,
			staffHeadcount: input.staffHeadcount,
			status: input.start,
			requiresCode: input.requiresCode
		});
		if (round.status === 'open') await auditOpened(tx, actor, round, today);
		return { ok: true, round };
	});
}

async function auditOpened(db: DbOrTx, actor: SignedInUser, round: Round, today: string): Promise<void> {
	const from = round.opens_on > today ? `; staff can answer from ${round.opens_on}` : '';
	await recordAudit(db, actor, {
		action: 'round_opened',
		summary: `Opened round ${round.id} “${round.title}”, closing on ${round.closes_on}${from}`,
		practiceId: round.practice_id
	});
}

export type RoundChange = { ok: true; round: Round } | { ok: false; status: 404 | 409; message: string };

/**
 * Opens a draft. Staff can answer from its opening date, or from today if that date has passed
 * (the opening date moves to today, so it says when answers could really start).
 */
export async function openRound(db: Db, roundId: number, actor: SignedInUser, today: string): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		if (round.status === 'open') return { ok: false, status: 409, message: 'This round is already open.' };
		if (round.status === 'closed') return { ok: false, status: 409, message: 'This round has closed. A closed round cannot be opened again.' };
		if (round.closes_on < today) {
			return {
				ok: false,
				status: 409,
				message: `This round’s closing date, ${formatDate(round.closes_on)}, has passed. Create a new round with new dates instead.`
			};
		}
		const other = await findOpenRound(tx, round.practice_id, today, round.id);
		if (other) return { ok: false, status: 409, message: openRoundMessage(other, today) };
		const opened = await tx
			.updateTable('round')
			.set({ status: 'open', opens_on: round.opens_on < today ? today : round.opens_on })
			.where('id', '=', round.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		await auditOpened(tx, actor, opened, today);
		return { ok: true, round: opened };
	});
}

/** Closes an open (or scheduled) round before its closing date. Final: a closed round stays closed. */
export async function closeRound(db: Db, roundId: number, actor: SignedInUser, today: string): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		if (round.status === 'draft') {
			return { ok: false, status: 409, message: 'This round is still a draft: it has not opened, so there is nothing to close.' };
		}
		if (round.status === 'closed') return { ok: false, status: 409, message: 'This round has already closed.' };
		// Past its closing date it has in effect closed already; record the date it really stopped.
		const closedOn = round.closes_on < today ? round.closes_on : today;
		const closed = await tx
			.updateTable('round')
			.set({ status: 'closed', closed_on: closedOn })
			.where('id', '=', round.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		await recordAudit(tx, actor, {
			action: 'round_closed',
			summary:
				closedOn < round.closes_on
					? `Closed round ${round.id} “${round.title}” early, on ${closedOn} (it was due to close on ${round.closes_on})`
					: `Closed round ${round.id} “${round.title}” on ${closedOn}`,
			practiceId: round.practice_id
		});
		return { ok: true, round: closed };
	});
}

/**
 * Deletes a draft, which nobody has been asked to answer. Anything that has opened stays: its
 * responses are part of the practice's history.
 */
export async function deleteDraftRound(db: Db, roundId: number): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		const responses = await tx
			.selectFrom('response')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('round_id', '=', roundId)
			.executeTakeFirstOrThrow();
		if (round.status !== 'draft' || Number(responses.n) > 0) {
			return { ok: false, status: 409, message: 'Only a draft can be deleted. A round that has opened stays, with its answers.' };
		}
		await tx.deleteFrom('round').where('id', '=', roundId).execute();
		return { ok: true, round };
	});
}

/* ---------------------------------------------------------------------------------------------
 * Changing a round that has not closed: its title, dates and staff headcount.
 * ------------------------------------------------------------------------------------------- */

/**
 * The "change details" form. The opening date is left out for a round that has opened (the page
 * shows it without a field); whether it may be given, and must be today or later, depends on the
 * round, so updateRound checks that. The instrument version is not here: answers are checked
 * against it, so it never changes.
 */
export function updateRoundSchema(today: string) {
	return z
		.object({
			title: titleField,
			opensOn: formDate('opening').optional(),
			closesOn: formDate('closing').refine(
				(d) => d >= today,
				'The closing date cannot be in the past. To stop the round straight away, close it from its page instead.'
			),
			staffHeadcount: headcountField
		})
		.refine((r) => r.opensOn === undefined || r.closesOn >= r.opensOn, {
			path: ['closesOn'],
			error: 'The closing date must be on or after the opening date'
		});
}

export type UpdateRoundInput = z.output<ReturnType<typeof updateRoundSchema>>;

export type UpdateRoundOutcome =
	| { ok: true; round: Round; changes: string[] }
	| { ok: false; status: 404; message: string }
	/** 400: bad input for this round; 409: the round has closed. */
	| { ok: false; status: 400 | 409; problems: FieldProblem[] };

const headcountText = (n: number | null) => (n === null ? 'none' : String(n));

/** What differs, in the words of the audit log, e.g. "closing date 2026-12-17 → 2027-01-07". */
function describeChanges(before: Round, after: Pick<Round, 'title' | 'opens_on' | 'closes_on' | 'staff_headcount'>): string[] {
	const changes: string[] = [];
	if (after.title !== before.title) changes.push(`title “${before.title}” → “${after.title}”`);
	if (after.opens_on !== before.opens_on) changes.push(`opening date ${before.opens_on} → ${after.opens_on}`);
	if (after.closes_on !== before.closes_on) changes.push(`closing date ${before.closes_on} → ${after.closes_on}`);
	if (after.staff_headcount !== before.staff_headcount) {
		changes.push(`headcount ${headcountText(before.staff_headcount)} → ${headcountText(after.staff_headcount)}`);
	}
	return changes;
}

/**
 * Changes the title, dates and headcount of a round that has not closed, audited with what
 * changed. Refused, changing nothing: a closed round (409); for a round that has opened, a
 * different opening date (400: staff have been answering since then); for a draft or a round
 * waiting to open, an opening date before today (400). The closing date cannot be before today
 * (the schema checks that): ending a round now is what closeRound is for. Survey fatigue is not
 * warned about again; it was when the round was created.
 */
export async function updateRound(
	db: Db,
	roundId: number,
	input: UpdateRoundInput,
	actor: SignedInUser,
	today: string
): Promise<UpdateRoundOutcome> {
	return db.transaction().execute(async (tx): Promise<UpdateRoundOutcome> => {
		const refuse = (field: string, message: string, status: 400 | 409): UpdateRoundOutcome => ({
			ok: false,
			status,
			problems: [{ field, message }]
		});
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		const editability = roundEditability(round, today);
		if (editability === 'closed') {
			return refuse(
				'form',
				`This round closed on ${formatDate(round.closed_on ?? round.closes_on)}, so its details can no longer change. Nothing was saved.`,
				409
			);
		}
		let opensOn: string;
		if (editability === 'opened') {
			if (input.opensOn !== undefined && input.opensOn !== round.opens_on) {
				return refuse(
					'opensOn',
					`This round opened on ${formatDate(round.opens_on)} and staff may have answered since, so its opening date cannot change.`,
					400
				);
			}
			// closesOn >= today >= opens_on here, so the closing date cannot fall before the opening date.
			opensOn = round.opens_on;
		} else {
			if (input.opensOn === undefined) return refuse('opensOn', 'Enter the opening date', 400);
			if (input.opensOn < today) return refuse('opensOn', 'The opening date cannot be in the past', 400);
			opensOn = input.opensOn;
		}
		const after = {
			title: input.title,
			opens_on: opensOn,
			closes_on: input.closesOn,
			staff_headcount: input.staffHeadcount
		};
		const changes = describeChanges(round, after);
		if (changes.length === 0) return { ok: true, round, changes };
		const changed = await tx.updateTable('round').set(after).where('id', '=', round.id).returningAll().executeTakeFirstOrThrow();
		await recordAudit(tx, actor, {
			action: 'round_changed',
			summary: `Changed round ${round.id} “${round.title}”: ${changes.join(', ')}`,
			practiceId: round.practice_id
		});
		return { ok: true, round: changed, changes };
	});
}

/**
 * Responses by day from the per-day counter, with a running total, filled in up to `lastDay`.
 * Callers show this only once the round has MIN_RESPONSES (SCORING.md §6).
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
		practice: { id: round.practice.id, odsCode: round.practice.ods_code, name: round.practice.name }
	};
}
