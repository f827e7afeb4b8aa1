/**
 * Scheduling a round and changing its details: the forms, and the rules that keep one round open
 * at a time and warn of survey fatigue.
 */
import { z } from 'zod';
import { formatDate, isIsoDate } from '../../dates';
import { FATIGUE_MONTHS, isWithinFatigueWindow, roundEditability } from '../../npt/round-schedule';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { isUniqueViolation, type Db, type DbOrTx } from '../db';
import type { Round } from '../db/schema';
import type { SignedInUser } from '../identity';
import { closeDueRounds, createRound, roundTitleSchema } from './rounds';
import { idTextSchema } from '../platform/ids';
import { isOfferedToPractice } from './instrument-library';

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
			title: roundTitleSchema,
			opensOn: formDate('opening').refine((d) => d >= today, 'The opening date cannot be in the past'),
			closesOn: formDate('closing'),
			staffHeadcount: headcountField,
			instrumentVersionId: idTextSchema(VERSION_MESSAGE),
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

/** Refused with 400 for bad input, 409 in conflict with the practice's other rounds. */
export type ScheduleRoundOutcome = Outcome<{ round: Round }>;

/** A round of the practice, other than `exceptId`, that is open or scheduled to open (and not yet past its closing date). */
export async function findOpenRound(db: DbOrTx, practiceId: number, today: string, exceptId?: number) {
	let query = db
		.selectFrom('round')
		.select(['id', 'title', 'opens_on', 'closes_on'])
		.where('practice_id', '=', practiceId)
		.where('status', '=', 'open')
		.where('closes_on', '>=', today);
	if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
	return query.orderBy('opens_on').executeTakeFirst();
}

export function openRoundMessage(other: { title: string; opens_on: string; closes_on: string }, today: string): string {
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

/**
 * Creates a round from the manager's form, as a draft or open. Refused, storing nothing, when the
 * instrument version is not a staff survey offered to the practice, when another round of the practice is open (one at a
 * time), or when it starts within FATIGUE_MONTHS of another round and the manager has not
 * confirmed (docs/scoring.md §5).
 */
export async function scheduleRound(
	db: Db,
	practiceId: number,
	input: ScheduleRoundInput,
	actor: SignedInUser,
	today: string
): Promise<ScheduleRoundOutcome> {
	const schedule = (tx: DbOrTx) => scheduleIn(tx, practiceId, input, actor, today);
	return input.start === 'open' ? keepingOneOpenRound(db, practiceId, today, 'start', schedule) : db.transaction().execute(schedule);
}

async function scheduleIn(
	tx: DbOrTx,
	practiceId: number,
	input: ScheduleRoundInput,
	actor: SignedInUser,
	today: string
): Promise<ScheduleRoundOutcome> {
	// Only a staff version offered to this practice (built in, or offered to every practice or to its ICB).
	if (!(await isOfferedToPractice(tx, input.instrumentVersionId, practiceId))) {
		return refuse(400, VERSION_MESSAGE, 'instrumentVersionId');
	}
	if (input.start === 'open') {
		const other = await findOpenRound(tx, practiceId, today);
		if (other) return refuse(409, openRoundMessage(other, today), 'start');
	}
	if (!input.confirmFatigue) {
		const near = await findFatiguingRound(tx, practiceId, input.opensOn);
		if (near) {
			return refuse(
				409,
				`This round would open within ${FATIGUE_MONTHS} months of “${near.title}” (opening ${formatDate(near.opens_on)}). ` +
					'Asking staff more than three times a year wears them out and fewer answer. ' +
					'Choose another opening date, or tick “Schedule it anyway”.',
				'confirmFatigue'
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
}

/**
 * Runs a change that opens a round of the practice, in a transaction, keeping to one open round
 * at a time. The practice's rounds past their closing date are closed first (they no longer
 * count as open); the change then checks for another open round itself. Two such changes at
 * once, on one instance or several, can both pass that check: the database's
 * round_one_open_per_practice index then refuses the second, and it gets the same answer.
 */
export async function keepingOneOpenRound<T extends object>(
	db: Db,
	practiceId: number,
	today: string,
	field: string | undefined,
	change: (tx: DbOrTx) => Promise<Outcome<T>>
): Promise<Outcome<T>> {
	try {
		return await db.transaction().execute(async (tx) => {
			await closeDueRounds(tx, today, practiceId);
			return change(tx);
		});
	} catch (error) {
		if (!isUniqueViolation(error, 'round', 'practice_id')) throw error;
		const other = await findOpenRound(db, practiceId, today);
		return refuse(409, other ? openRoundMessage(other, today) : 'Another round of this practice opened at the same moment. A practice runs one round at a time.', field);
	}
}

export async function auditOpened(db: DbOrTx, actor: SignedInUser, round: Round, today: string): Promise<void> {
	const from = round.opens_on > today ? `; staff can answer from ${round.opens_on}` : '';
	await recordAudit(db, actor, {
		action: 'round_opened',
		summary: `Opened round ${round.id} “${round.title}”, closing on ${round.closes_on}${from}`,
		practiceId: round.practice_id
	});
}


/**
 * The "change details" form. The opening date is left out for a round that has opened (the page
 * shows it without a field); whether it may be given, and must be today or later, depends on the
 * round, so updateRound checks that. The instrument version may change only while the round is
 * a draft (nobody has answered it), and only to a version offered to the practice.
 */
export function updateRoundSchema(today: string) {
	return z
		.object({
			title: roundTitleSchema,
			opensOn: formDate('opening').optional(),
			closesOn: formDate('closing').refine(
				(d) => d >= today,
				'The closing date cannot be in the past. To stop the round straight away, close it from its page instead.'
			),
			staffHeadcount: headcountField,
			/** Drafts only: no one has answered a draft, so its survey version may still change. */
			instrumentVersionId: idTextSchema(VERSION_MESSAGE).optional()
		})
		.refine((r) => r.opensOn === undefined || r.closesOn >= r.opensOn, {
			path: ['closesOn'],
			error: 'The closing date must be on or after the opening date'
		});
}

export type UpdateRoundInput = z.output<ReturnType<typeof updateRoundSchema>>;

/** Refused with 404 for no such round, 400 for bad input for this round, 409 once it has closed. */
export type UpdateRoundOutcome = Outcome<{ round: Round; changes: string[] }>;

const headcountText = (n: number | null) => (n === null ? 'none' : String(n));

/** What differs, in the words of the audit log, e.g. "closing date 2026-12-17 → 2027-01-07". */
function describeChanges(
	before: Round,
	after: Pick<Round, 'title' | 'opens_on' | 'closes_on' | 'staff_headcount' | 'instrument_version_id'>
): string[] {
	const changes: string[] = [];
	if (after.instrument_version_id !== before.instrument_version_id) {
		changes.push(`survey version ${before.instrument_version_id} → ${after.instrument_version_id}`);
	}
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
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return refuse(404, 'We could not find that survey round.');
		const editability = roundEditability(round, today);
		if (editability === 'closed') {
			return refuse(
				409,
				`This round closed on ${formatDate(round.closed_on ?? round.closes_on)}, so its details can no longer change. Nothing was saved.`,
				'form'
			);
		}
		let opensOn: string;
		if (editability === 'opened') {
			if (input.opensOn !== undefined && input.opensOn !== round.opens_on) {
				return refuse(
					400,
					`This round opened on ${formatDate(round.opens_on)} and staff may have answered since, so its opening date cannot change.`,
					'opensOn'
				);
			}
			// closesOn >= today >= opens_on here, so the closing date cannot fall before the opening date.
			opensOn = round.opens_on;
		} else {
			if (input.opensOn === undefined) return refuse(400, 'Enter the opening date', 'opensOn');
			if (input.opensOn < today) return refuse(400, 'The opening date cannot be in the past', 'opensOn');
			opensOn = input.opensOn;
		}
		let versionId = round.instrument_version_id;
		if (input.instrumentVersionId !== undefined && input.instrumentVersionId !== round.instrument_version_id) {
			if (round.status !== 'draft') {
				return refuse(409, 'Only a draft’s survey version can change: staff answer the same statements for the whole round.', 'instrumentVersionId');
			}
			if (!(await isOfferedToPractice(tx, input.instrumentVersionId, round.practice_id))) {
				return refuse(400, VERSION_MESSAGE, 'instrumentVersionId');
			}
			versionId = input.instrumentVersionId;
		}
		const after = {
			title: input.title,
			opens_on: opensOn,
			closes_on: input.closesOn,
			staff_headcount: input.staffHeadcount,
			instrument_version_id: versionId
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
