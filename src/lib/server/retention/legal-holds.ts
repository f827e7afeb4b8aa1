/**
 * Legal holds and what retention will take soon. An administrator places a hold on a practice
 * (every round of it) or on one round, with a reason, when its data must outlive the retention
 * policy (a complaint, an investigation, a request under the law); retention then leaves it
 * alone until the hold is released. Placing and releasing are audited with the reason.
 */
import { addDays } from '../../dates';
import { closeDateOf } from '../../npt/round-schedule';
import { lineText } from '../../text';
import { lockFor, type DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import type { RetentionConfig } from '../platform/config';
import { refuse, type Outcome } from '../platform/outcome';
import { DUE_SOON_DAYS, retentionCutoffs, retentionDatesOf } from './policy';
import { auditNotHeld, closedBy, held } from './retention';

export const holdReasonSchema = lineText({
	max: 300,
	tooLong: 'Keep the reason to 300 characters',
	required: 'Say why the data must be kept (for example, the complaint or request it is for)'
});

export type HoldSubject = { practiceId: number } | { roundId: number };

export interface LegalHoldEntry {
	id: number;
	practice: { id: number; name: string; odsCode: string };
	/** The round held, when the hold is on one round rather than the whole practice. */
	round: { id: number; title: string } | null;
	reason: string;
	placedBy: string;
	placedAt: string;
	releasedBy: string | null;
	releasedAt: string | null;
}

const FORMER_ACCOUNT = 'an account since removed';

/** Every hold, those in place first, then the released ones, latest first. */
export async function listLegalHolds(db: DbOrTx): Promise<LegalHoldEntry[]> {
	const rows = await db
		.selectFrom('legal_hold')
		.leftJoin('round', 'round.id', 'legal_hold.round_id')
		.innerJoin('practice', (join) => join.on((eb) => eb('practice.id', '=', eb.fn.coalesce('legal_hold.practice_id', 'round.practice_id'))))
		.leftJoin('user_account as placer', 'placer.id', 'legal_hold.placed_by')
		.leftJoin('user_account as releaser', 'releaser.id', 'legal_hold.released_by')
		.select([
			'legal_hold.id',
			'legal_hold.reason',
			'legal_hold.placed_at',
			'legal_hold.released_at',
			'practice.id as practice_id',
			'practice.name as practice_name',
			'practice.ods_code',
			'round.id as round_id',
			'round.title as round_title',
			'placer.email as placed_by',
			'releaser.email as released_by'
		])
		.orderBy((eb) => eb.case().when('legal_hold.released_at', 'is', null).then(0).else(1).end())
		.orderBy('legal_hold.placed_at', 'desc')
		.orderBy('legal_hold.id', 'desc')
		.execute();
	return rows.map((row) => ({
		id: row.id,
		practice: { id: row.practice_id, name: row.practice_name, odsCode: row.ods_code },
		round: row.round_id === null ? null : { id: row.round_id, title: row.round_title! },
		reason: row.reason,
		placedBy: row.placed_by ?? FORMER_ACCOUNT,
		placedAt: row.placed_at,
		releasedBy: row.released_at === null ? null : (row.released_by ?? FORMER_ACCOUNT),
		releasedAt: row.released_at
	}));
}

/** Places a hold on a practice or a round; a second hold on the same one is refused. */
export async function placeLegalHold(
	db: DbOrTx,
	actor: SignedInUser,
	subject: HoldSubject,
	reasonText: string,
	now: Date = new Date()
): Promise<Outcome<{ holdId: number }>> {
	const reason = holdReasonSchema.safeParse(reasonText);
	if (!reason.success) return refuse(400, reason.error.issues[0]!.message, 'reason');
	return db.transaction().execute(async (tx) => {
		const target =
			'practiceId' in subject
				? await tx.selectFrom('practice').select(['id as practice_id', 'name', 'ods_code']).where('id', '=', subject.practiceId).executeTakeFirst()
				: await tx
						.selectFrom('round')
						.innerJoin('practice', 'practice.id', 'round.practice_id')
						.select(['round.practice_id', 'round.title as name', 'practice.ods_code'])
						.where('round.id', '=', subject.roundId)
						.executeTakeFirst();
		if (!target) return refuse(404, 'roundId' in subject ? 'There is no such round.' : 'There is no such practice.', 'subject');
		// Two administrators placing the same hold at once: the second waits here, then finds the first's.
		await lockFor(tx, 'practiceId' in subject ? `legal-hold:practice:${subject.practiceId}` : `legal-hold:round:${subject.roundId}`);
		const existing = await tx
			.selectFrom('legal_hold')
			.select('id')
			.where('released_at', 'is', null)
			.where('practiceId' in subject ? 'practice_id' : 'round_id', '=', 'practiceId' in subject ? subject.practiceId : subject.roundId)
			.executeTakeFirst();
		if (existing) return refuse(409, 'A hold is already in place on it.', 'subject');
		const { id } = await tx
			.insertInto('legal_hold')
			.values({
				practice_id: 'practiceId' in subject ? subject.practiceId : null,
				round_id: 'roundId' in subject ? subject.roundId : null,
				reason: reason.data,
				placed_by: actor.id,
				placed_at: now.toISOString()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const what = 'practiceId' in subject ? `practice ${target.ods_code}` : `round ${subject.roundId} “${target.name}” of ${target.ods_code}`;
		await recordAudit(tx, actor, { action: 'legal_hold_placed', summary: `Placed a legal hold on ${what}: ${reason.data}`, practiceId: target.practice_id }, now);
		return { ok: true, holdId: id };
	});
}

/** Releases a hold in place; retention takes what is due at its next run. */
export async function releaseLegalHold(db: DbOrTx, actor: SignedInUser, holdId: number, now: Date = new Date()): Promise<Outcome> {
	return db.transaction().execute(async (tx) => {
		const released = await tx
			.updateTable('legal_hold')
			.set({ released_at: now.toISOString(), released_by: actor.id })
			.where('id', '=', holdId)
			.where('released_at', 'is', null)
			.returning(['practice_id', 'round_id', 'reason'])
			.executeTakeFirst();
		if (!released) return refuse(404, 'That hold is not in place (it may have been released already).', 'holdId');
		const practiceId =
			released.practice_id ?? (await tx.selectFrom('round').select('practice_id').where('id', '=', released.round_id!).executeTakeFirstOrThrow()).practice_id;
		const what = released.round_id === null ? 'the practice' : `round ${released.round_id}`;
		await recordAudit(tx, actor, { action: 'legal_hold_released', summary: `Released the legal hold on ${what} (placed because: ${released.reason})`, practiceId }, now);
		return { ok: true };
	});
}

export interface DueRoundEntry {
	roundId: number;
	title: string;
	practice: { name: string; odsCode: string };
	closedOn: string;
	/** When its comments go, unless already gone. */
	commentsGoOn: string | null;
	/** When its answers are reduced to its summary, unless already reduced. */
	answersGoOn: string | null;
	/** A hold on the round or its practice: nothing goes while it is in place. */
	held: boolean;
}

export interface DueSoon {
	/** The last day looked at: today and the DUE_SOON_DAYS after it. */
	until: string;
	rounds: DueRoundEntry[];
	/** Rounds with something due, more than the page lists. */
	moreRounds: number;
	/** Audit entries that reach RETENTION_AUDIT_MONTHS by `until` (those of held practices aside). */
	auditEntries: number;
}

const DUE_LISTED = 100;

/**
 * What retention will take between today and DUE_SOON_DAYS from now, and what it would take but
 * for a hold: the rounds whose comments or answers fall due by then (overdue ones included, which
 * only a hold keeps), and the audit entries that reach their age.
 */
export async function dueSoon(db: DbOrTx, retention: RetentionConfig, today: string): Promise<DueSoon> {
	const until = addDays(today, DUE_SOON_DAYS);
	const cutoffs = retentionCutoffs(retention, until);
	const due = db
		.selectFrom('round')
		.where((eb) =>
			eb.or([
				eb.and([eb('round.comments_deleted_on', 'is', null), closedBy(eb, until, cutoffs.commentsClosedBy)]),
				eb.and([eb('round.answers_reduced_on', 'is', null), closedBy(eb, until, cutoffs.answersClosedBy)])
			])
		);
	const [rows, counted, audit] = await Promise.all([
		due
			.innerJoin('practice', 'practice.id', 'round.practice_id')
			.select([
				'round.id',
				'round.title',
				'round.closes_on',
				'round.closed_on',
				'round.comments_deleted_on',
				'round.answers_reduced_on',
				'practice.name',
				'practice.ods_code',
				(eb) => held(eb).as('held')
			])
			.orderBy((eb) => eb.fn.coalesce('round.closed_on', 'round.closes_on'))
			.orderBy('round.id')
			.limit(DUE_LISTED)
			.execute(),
		due.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
		db
			.selectFrom('audit_event')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('occurred_at', '<', cutoffs.auditBefore)
			.where(auditNotHeld)
			.executeTakeFirstOrThrow()
	]);
	return {
		until,
		rounds: rows.map((row) => {
			const closedOn = closeDateOf(row);
			const dates = retentionDatesOf(retention, closedOn);
			return {
				roundId: row.id,
				title: row.title,
				practice: { name: row.name, odsCode: row.ods_code },
				closedOn,
				commentsGoOn: row.comments_deleted_on === null ? dates.commentsGoOn : null,
				answersGoOn: row.answers_reduced_on === null && dates.answersGoOn <= until ? dates.answersGoOn : null,
				held: Boolean(row.held)
			};
		}),
		moreRounds: Math.max(0, Number(counted.n) - rows.length),
		auditEntries: Number(audit.n)
	};
}
