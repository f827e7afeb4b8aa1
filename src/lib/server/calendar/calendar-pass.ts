/**
 * The survey calendar's daily work, with no scheduler of its own: run at start-up and then at
 * most once a minute (hooks.server.ts), with the date and time passed in, so tests can move the
 * clock. Each step is safe to run on several instances at once:
 * - planning: a calendar's next opening becomes a draft PLAN_AHEAD_DAYS before it opens; the
 *   calendar's row is held while planned_through moves on, so each opening is planned once;
 * - opening: a calendar draft opens on its opening date, keeping to one open round per practice;
 * - notices: each reminder a round is due goes into the outbox once, to each person who wants it,
 *   recorded in round_notice in the same transaction.
 */
import { addDays } from '../../dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../npt/builtin';
import { FATIGUE_MONTHS, suggestRoundTitle } from '../../npt/round-schedule';
import { dueNotices, isDueForPlanning, openingsAfter, upcomingOpenings, type RoundNotice } from '../../npt/survey-calendar';
import { lockFor, type Db, type DbOrTx } from '../db';
import { enqueueMail } from '../mail/outbox';
import { recordAudit } from '../platform/audit';
import { refuse } from '../platform/outcome';
import { versionIdOf } from '../surveys/instruments';
import { isOfferedToPractice } from '../surveys/instrument-library';
import { findOpenRound, keepingOneOpenRound } from '../surveys/round-scheduling';
import { createRound, latestHeadcount } from '../surveys/rounds';
import { noticeMail, noticeRecipients, type NoticeRound } from './round-notices';
import { getCalendar, othersThan, settingsOf } from './survey-calendar';

const CALENDAR_ACTOR = { system: 'survey calendar' };

export interface CalendarClock {
	/** Today in the UK. */
	today: string;
	now: Date;
}

export interface CalendarPassOptions extends CalendarClock {
	/** The address people use, for links in mails. */
	origin: string;
	minResponses: number;
}

export interface CalendarPassReport {
	planned: number;
	opened: number;
	/** Mails put in the outbox. */
	mails: number;
}

export async function runSurveyCalendar(db: Db, options: CalendarPassOptions): Promise<CalendarPassReport> {
	const planned = await planDueRounds(db, options);
	const opened = await openPlannedRounds(db, options);
	const mails = await queueRoundNotices(db, options);
	return { planned, opened, mails };
}

/** Makes the drafts whose time has come; returns how many. */
export async function planDueRounds(db: Db, clock: CalendarClock): Promise<number> {
	// One read of every calendar, and a transaction only for those with an opening due: this runs
	// once a minute, and most minutes nothing is.
	const calendars = await db.selectFrom('survey_calendar').selectAll().execute();
	const yesterday = addDays(clock.today, -1);
	let made = 0;
	for (const row of calendars) {
		const after = row.planned_through !== null && row.planned_through > yesterday ? row.planned_through : yesterday;
		const [next] = openingsAfter(settingsOf(row).cadence, after, 1);
		if (!next || !isDueForPlanning(next, clock.today)) continue;
		// One opening at a time, so a calendar that fell behind catches up in order.
		for (;;) {
			const step = await db.transaction().execute((tx) => planNextOpening(tx, row.practice_id, clock));
			if (step === 'nothing due') break;
			if (step === 'planned') made++;
		}
	}
	return made;
}

async function planNextOpening(tx: DbOrTx, practiceId: number, { today, now }: CalendarClock): Promise<'planned' | 'skipped' | 'nothing due'> {
	await lockFor(tx, `survey-calendar:${practiceId}`);
	const row = await getCalendar(tx, practiceId);
	if (!row) return 'nothing due';
	const settings = settingsOf(row);
	const rounds = await tx.selectFrom('round').select(['title', 'opens_on', 'planned_by_calendar']).where('practice_id', '=', practiceId).execute();
	const [next] = upcomingOpenings(settings, row.planned_through, today, othersThan(rounds), 1);
	if (!next || !isDueForPlanning(next.opensOn, today)) return 'nothing due';
	await tx.updateTable('survey_calendar').set({ planned_through: next.opensOn }).where('practice_id', '=', practiceId).execute();
	if (next.skippedFor) {
		await recordAudit(
			tx,
			CALENDAR_ACTOR,
			{
				action: 'round_planned',
				summary: `Skipped the round due to open on ${next.opensOn}: it would open within ${FATIGUE_MONTHS} months of “${next.skippedFor.title}” (${next.skippedFor.opensOn})`,
				practiceId
			},
			now
		);
		return 'skipped';
	}
	const instrumentVersionId = await calendarVersionFor(tx, practiceId);
	const round = await createRound(
		tx,
		{
			practiceId,
			instrumentVersionId,
			title: suggestRoundTitle(next.opensOn),
			opensOn: next.opensOn,
			closesOn: next.closesOn,
			staffHeadcount: settings.fixedHeadcount ?? (await latestHeadcount(tx, practiceId)),
			status: 'draft',
			requiresCode: settings.requiresCode,
			plannedByCalendar: true
		},
		now
	);
	await recordAudit(
		tx,
		CALENDAR_ACTOR,
		{
			action: 'round_planned',
			summary: `Planned round ${round.id} “${round.title}” as a draft, to open on ${round.opens_on} and close on ${round.closes_on}`,
			practiceId
		},
		now
	);
	return 'planned';
}

/** Opens the calendar's drafts whose opening date has come; returns how many. */
export async function openPlannedRounds(db: Db, { today, now }: CalendarClock): Promise<number> {
	const due = await db
		.selectFrom('round')
		.select(['id', 'practice_id'])
		.where('status', '=', 'draft')
		.where('planned_by_calendar', '=', 1)
		.where('opens_on', '<=', today)
		.where('closes_on', '>=', today)
		.execute();
	let opened = 0;
	for (const draft of due) {
		const outcome = await keepingOneOpenRound(db, draft.practice_id, today, undefined, async (tx) => {
			// Another round the manager opened by hand keeps its place; this draft waits for it to close.
			if (await findOpenRound(tx, draft.practice_id, today, draft.id)) return refuse(409, 'Another round is open');
			const round = await tx
				.updateTable('round')
				.set({ status: 'open' })
				.where('id', '=', draft.id)
				.where('status', '=', 'draft')
				.where('planned_by_calendar', '=', 1)
				.returningAll()
				.executeTakeFirst();
			if (!round) return refuse(409, 'Opened or changed meanwhile');
			await recordAudit(
				tx,
				CALENDAR_ACTOR,
				{ action: 'round_opened', summary: `Opened round ${round.id} “${round.title}” on its date, closing on ${round.closes_on}`, practiceId: round.practice_id },
				now
			);
			return { ok: true, round };
		});
		if (outcome.ok) opened++;
	}
	return opened;
}

/** Puts the reminder mails that are due in the outbox; returns how many mails. */
export async function queueRoundNotices(db: Db, options: CalendarPassOptions): Promise<number> {
	const { today } = options;
	const candidates = await db
		.selectFrom('round')
		.innerJoin('practice', 'practice.id', 'round.practice_id')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.select([
			'round.id',
			'round.title',
			'round.opens_on',
			'round.closes_on',
			'round.closed_on',
			'round.status',
			'round.staff_headcount',
			'round.public_token',
			'round.planned_by_calendar',
			'practice.id as practice_id',
			'practice.name as practice_name',
			'practice.pcn_id',
			'pcn.name as pcn_name'
		])
		.where((eb) =>
			eb.or([
				eb.and([eb('round.status', '=', 'open'), eb('round.opens_on', '<=', addDays(today, 7)), eb('round.closes_on', '>=', today)]),
				eb.and([eb('round.status', '=', 'draft'), eb('round.planned_by_calendar', '=', 1), eb('round.opens_on', '<=', addDays(today, 7))]),
				eb.and([eb('round.status', '=', 'closed'), eb('round.closed_on', '>=', addDays(today, -7))])
			])
		)
		.execute();
	let mails = 0;
	for (const row of candidates) {
		const round: NoticeRound = {
			id: row.id,
			title: row.title,
			opensOn: row.opens_on,
			closesOn: row.closes_on,
			staffHeadcount: row.staff_headcount,
			publicToken: row.public_token,
			isCalendarDraft: row.status === 'draft',
			practice: { id: row.practice_id, name: row.practice_name, pcnId: row.pcn_id, pcnName: row.pcn_name }
		};
		const kinds = dueNotices({ status: row.status, opensOn: row.opens_on, closesOn: row.closes_on, closedOn: row.closed_on }, today);
		for (const kind of kinds) mails += await db.transaction().execute((tx) => queueNotice(tx, kind, round, options));
	}
	return mails;
}

async function queueNotice(tx: DbOrTx, kind: RoundNotice, round: NoticeRound, options: CalendarPassOptions): Promise<number> {
	const claimed = await tx
		.insertInto('round_notice')
		.values({ round_id: round.id, kind, sent_on: options.today })
		.onConflict((oc) => oc.columns(['round_id', 'kind']).doNothing())
		.returning('round_id')
		.executeTakeFirst();
	if (!claimed) return 0;
	const recipients = await noticeRecipients(tx, round, kind);
	if (recipients.length === 0) return 0;
	const counted = await tx
		.selectFrom('response')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('round_id', '=', round.id)
		.executeTakeFirstOrThrow();
	const facts = { responses: Number(counted.n), minResponses: options.minResponses, origin: options.origin };
	for (const person of recipients) await enqueueMail(tx, kind, noticeMail(kind, round, person, facts), options.now);
	return recipients.length;
}

/**
 * The staff survey a planned round uses: the version of the practice's latest round while it is
 * still offered to the practice (so its scores stay comparable round to round), otherwise the
 * built-in one.
 */
async function calendarVersionFor(tx: DbOrTx, practiceId: number): Promise<number> {
	const last = await tx
		.selectFrom('round')
		.select('instrument_version_id')
		.where('practice_id', '=', practiceId)
		.orderBy('opens_on', 'desc')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	if (last && (await isOfferedToPractice(tx, last.instrument_version_id, practiceId))) return last.instrument_version_id;
	const builtIn = await versionIdOf(tx, DEFAULT_STAFF_INSTRUMENT);
	if (builtIn === undefined) throw new Error('The built-in staff survey is not stored');
	return builtIn;
}
