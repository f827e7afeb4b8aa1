/**
 * The survey calendar with the clock driven forward: drafts appear four weeks ahead, open on
 * their date and close on theirs, and each reminder goes once, to the right people, with no
 * count below MIN_RESPONSES and no score in any of them. Practice A2 (PCN A) has two managers
 * with accounts, one invited who has not accepted, and PCN A's lead; B1's manager is elsewhere.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { noticeChoices, saveNoticeChoices } from '../../src/lib/server/accounts/mail-preferences';
import { runSurveyCalendar, type CalendarPassReport } from '../../src/lib/server/calendar/calendar-pass';
import { calendarSchema, saveCalendar, stopCalendar, viewCalendar } from '../../src/lib/server/calendar/survey-calendar';
import { openDatabase } from '../../src/lib/server/db';
import { ROUND_NOTICE_KINDS } from '../../src/lib/server/mail/kinds';
import { itemIdsOf, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { closeDueRounds } from '../../src/lib/server/surveys/rounds';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';
import { queuedMail } from '../helpers/mail';
import { markRoundsNoticed, saveEveryFourMonthsAtA2 } from '../helpers/calendar';

const MIN = 5;

describe('the survey calendar', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		// The fixture's other rounds (one open at A1 until 2099) have had their notices: only A2's count here.
		await markRoundsNoticed(t.db);
	});
	afterEach(() => t.close());

	/** One day of the server's life: rounds close, then the calendar runs, as hooks.server.ts does. */
	async function day(today: string): Promise<CalendarPassReport> {
		await closeDueRounds(t.db, today);
		return runSurveyCalendar(t.db, { today, now: new Date(`${today}T07:00:00Z`), origin: 'https://belonging.example.org', minResponses: MIN });
	}

	async function roundsOfA2() {
		return t.db.selectFrom('round').selectAll().where('practice_id', '=', f.practices.a2.id).orderBy('opens_on').execute();
	}

	async function answer(roundId: number, count: number, day: string) {
		const versionId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
		const ids = await itemIdsOf(t.db, versionId);
		const agreement = Object.fromEntries([...ids.agreement.keys()].map((id) => [id, 4 as const]));
		for (let i = 0; i < count; i++) {
			await storeResponse(t.db, roundId, ids, { roleGroup: null, agreement, general: {}, comment: null, code: null }, day);
		}
	}

	async function mailsSince(seen: number) {
		return (await queuedMail(t.db)).slice(seen);
	}

	it('plans, opens and closes rounds on its own, and sends each reminder once to the people who want it', async () => {
		expect(await saveEveryFourMonthsAtA2(t.db, f)).toMatchObject({ ok: true });

		// Too early: a draft is made four weeks before opening.
		expect(await day('2026-12-13')).toEqual({ planned: 0, opened: 0, mails: 0 });
		expect(await day('2026-12-14')).toEqual({ planned: 1, opened: 0, mails: 0 });
		const [, planned] = await roundsOfA2();
		expect(planned).toMatchObject({
			title: 'Winter 2026–27 staff survey',
			status: 'draft',
			opens_on: '2027-01-11',
			closes_on: '2027-01-31',
			staff_headcount: 12,
			planned_by_calendar: 1
		});
		// The same day again plans nothing more.
		expect(await day('2026-12-14')).toEqual({ planned: 0, opened: 0, mails: 0 });
		const view = await viewCalendar(t.db, f.practices.a2.id, '2026-12-14');
		expect(view.drafts).toEqual([{ id: planned!.id, title: planned!.title, opensOn: '2027-01-11', closesOn: '2027-01-31' }]);
		expect(view.upcoming.map((u) => [u.opensOn, u.closesOn, u.plannedOn])).toEqual([
			['2027-05-11', '2027-05-31', '2027-04-13'],
			['2027-09-11', '2027-10-01', '2027-08-14'],
			['2028-01-11', '2028-01-31', '2027-12-14']
		]);

		// A week before: the managers with accounts hear, by default; the PCN lead has not opted in.
		expect((await day('2027-01-04')).mails).toBe(2);
		let mails = await queuedMail(t.db);
		expect(mails.map((m) => [m.kind, m.to])).toEqual([
			['round_opening_soon', 'manager.a2@matrix.example'],
			['round_opening_soon', 'spare.a2@matrix.example']
		]);
		expect(mails[0]!.subject).toBe('Practice A2: “Winter 2026–27 staff survey” opens on 11 January 2027');
		expect(mails[0]!.text).toContain(`https://belonging.example.org/s/${planned!.public_token}`);
		expect(mails[0]!.text).toContain(`https://belonging.example.org/rounds/${planned!.id}/share`);
		expect(mails[0]!.text).toContain(`https://belonging.example.org/rounds/${planned!.id}/poster`);
		expect(mails[0]!.text).toContain('opens by itself on its opening day');
		expect(mails[0]!.text).toContain('because you are a practice manager for Practice A2');
		expect(mails[0]!.text).toContain('https://belonging.example.org/account');
		expect(await day('2027-01-05')).toEqual({ planned: 0, opened: 0, mails: 0 });

		// The lead opts in to everything; one manager turns off all but the results. The ICB lead over
		// PCN A is offered no reminders, and gets none even with every kind stored as wanted.
		await saveNoticeChoices(t.db, f.users.pcnLead, ROUND_NOTICE_KINDS);
		await saveNoticeChoices(t.db, f.others.spareA2, ['round_results_ready']);
		expect(await noticeChoices(t.db, f.users.icbLead)).toEqual([]);
		await saveNoticeChoices(t.db, f.users.icbLead, ROUND_NOTICE_KINDS);

		// Opening day: the draft opens, and the opening note goes.
		expect(await day('2027-01-11')).toEqual({ planned: 0, opened: 1, mails: 2 });
		expect((await roundsOfA2())[1]).toMatchObject({ status: 'open' });
		mails = await mailsSince(2);
		expect(mails.map((m) => [m.kind, m.to])).toEqual([
			['round_opened', 'lead.a@matrix.example'],
			['round_opened', 'manager.a2@matrix.example']
		]);
		expect(mails[0]!.text).toContain('because you lead PCN A, which Practice A2 belongs to');

		// Halfway with 4 answers, one short of MIN_RESPONSES: no number at all.
		await answer(planned!.id, MIN - 1, '2027-01-15');
		expect((await day('2027-01-21')).mails).toBe(2);
		mails = await mailsSince(4);
		expect(mails.map((m) => m.kind)).toEqual(['round_progress', 'round_progress']);
		for (const mail of mails) {
			expect(mail.text).toContain('Not enough staff have answered yet to give a number');
			expect(mail.text).not.toMatch(/\b4\b/);
			expect(mail.html).not.toMatch(/\b4\b/);
		}

		// Two days before closing, then closed on its date with too few answers: no results, no count.
		expect((await day('2027-01-29')).mails).toBe(2);
		expect((await mailsSince(6)).map((m) => m.kind)).toEqual(['round_closing_soon', 'round_closing_soon']);
		expect((await day('2027-02-01')).mails).toBe(3);
		expect((await roundsOfA2())[1]).toMatchObject({ status: 'closed', closed_on: '2027-01-31' });
		mails = await mailsSince(8);
		expect(mails.map((m) => [m.kind, m.to])).toEqual([
			['round_results_ready', 'lead.a@matrix.example'],
			['round_results_ready', 'manager.a2@matrix.example'],
			['round_results_ready', 'spare.a2@matrix.example']
		]);
		expect(mails[0]!.text).toContain(`Fewer staff answered than the ${MIN} needed`);
		expect(mails[0]!.text).not.toMatch(/\b4\b/);

		// Nobody outside A2's managers and PCN A's lead heard anything; nobody without an account did.
		const everyone = new Set((await queuedMail(t.db)).map((m) => m.to));
		expect([...everyone].sort()).toEqual(['lead.a@matrix.example', 'manager.a2@matrix.example', 'spare.a2@matrix.example']);

		// The next round is planned four weeks before 11 May, and reaches MIN_RESPONSES this time.
		expect((await day('2027-04-12')).planned).toBe(0);
		expect((await day('2027-04-13')).planned).toBe(1);
		const next = (await roundsOfA2())[2]!;
		expect(next).toMatchObject({ opens_on: '2027-05-11', status: 'draft' });
		await day('2027-05-04');
		await day('2027-05-11');
		await answer(next.id, MIN + 1, '2027-05-12');
		const seen = (await queuedMail(t.db)).length;
		await day('2027-05-21');
		const progress = await mailsSince(seen);
		expect(progress.map((m) => m.kind)).toEqual(['round_progress', 'round_progress']);
		expect(progress[0]!.text).toContain(`${MIN + 1} staff have answered so far of the 12 staff you expect.`);
		await day('2027-06-01');
		const ready = (await queuedMail(t.db)).filter((m) => m.kind === 'round_results_ready').slice(-3);
		expect(ready[0]!.text).toContain('has closed, and its results are ready');
		expect(ready[0]!.text).toContain(`https://belonging.example.org/rounds/${next.id}`);
		// Never a score (a decimal) or a place on the continuum in a mail.
		for (const mail of await queuedMail(t.db)) expect(`${mail.text}${mail.html.replace(/style="[^"]*"/g, "")}`.match(/score|bolted on|fitting in|\b\d+\.\d\b/i)).toBeNull();
	});

	// Several servers share a PostgreSQL database; an SQLite file has one server.
	it.runIf(onPostgres)('plans each opening once when two servers run the calendar at once', async () => {
		const settings = { cadence: { kind: 'every' as const, everyMonths: 6, anchorOn: '2027-01-11' }, lengthDays: 21, fixedHeadcount: null, requiresCode: false };
		await saveCalendar(t.db, f.practices.a2.id, settings, f.others.managerA2);
		const second = openDatabase(onPostgres ? { databaseUrl: t.path, databasePoolSize: 4 } : { databasePath: t.path });
		try {
			const options = { today: '2027-01-04', now: new Date('2027-01-04T07:00:00Z'), origin: 'https://belonging.example.org', minResponses: MIN };
			const reports = await Promise.all([runSurveyCalendar(t.db, options), runSurveyCalendar(second, options)]);
			expect(reports.map((r) => r.planned).sort()).toEqual([0, 1]);
			expect(reports[0]!.mails + reports[1]!.mails).toBe(2);
			expect((await roundsOfA2()).filter((r) => r.planned_by_calendar === 1)).toHaveLength(1);
			expect((await queuedMail(t.db)).map((m) => m.kind)).toEqual(['round_opening_soon', 'round_opening_soon']);
		} finally {
			await second.destroy();
		}
	});

	it('skips an opening within four months of a round the manager ran by hand, and says so', async () => {
		// A2 ran a round by hand opening 2027-03-01; the calendar's 2027-05-11 opening would tire staff.
		await t.db
			.insertInto('round')
			.values({
				practice_id: f.practices.a2.id,
				instrument_version_id: f.rounds.a2.instrument_version_id,
				title: 'Spring check-in',
				opens_on: '2027-03-01',
				closes_on: '2027-03-21',
				status: 'draft',
				public_token: 'spring-check-in-token',
				created_at: '2027-01-01T00:00:00Z'
			})
			.execute();
		const settings = { cadence: { kind: 'months' as const, months: [5, 11], openDay: 11 }, lengthDays: 21, fixedHeadcount: null, requiresCode: true };
		await saveCalendar(t.db, f.practices.a2.id, settings, f.others.managerA2);
		const view = await viewCalendar(t.db, f.practices.a2.id, '2027-04-01');
		expect(view.upcoming[0]).toMatchObject({ opensOn: '2027-05-11', skippedFor: { title: 'Spring check-in', opensOn: '2027-03-01' } });
		expect(view.upcoming[1]).toMatchObject({ opensOn: '2027-11-11' });
		expect(view.upcoming[1]!.skippedFor).toBeUndefined();
		expect(await day('2027-04-13')).toMatchObject({ planned: 0 });
		const audit = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'round_planned').execute();
		expect(audit.map((a) => a.summary)).toEqual(['Skipped the round due to open on 2027-05-11: it would open within 4 months of “Spring check-in” (2027-03-01)']);
		expect(await day('2027-10-14')).toMatchObject({ planned: 1 });
		expect((await roundsOfA2()).at(-1)).toMatchObject({ opens_on: '2027-11-11', requires_code: 1, staff_headcount: 20 });
	});

	it('refuses a cadence that asks staff more often than every four months', () => {
		const schema = calendarSchema('2026-12-01');
		const base = { months: [], lengthWeeks: '3', headcountSource: 'last_round' };
		const problems = (input: object) => {
			const parsed = schema.safeParse({ ...base, ...input });
			return parsed.success ? [] : parsed.error.issues.map((i) => [i.path[0], i.message]);
		};
		expect(problems({ cadence: 'every', everyMonths: '3', anchorOn: '2027-01-11' })).toEqual([
			['everyMonths', expect.stringContaining('Choose a gap of 4 to 24 months')]
		]);
		expect(problems({ cadence: 'months', months: ['1', '4'], openDay: '1' })).toEqual([
			['months', 'January and April are less than 4 months apart: asking staff more than three times a year wears them out and fewer answer']
		]);
		expect(problems({ cadence: 'months', months: ['1', '5', '9', '12'], openDay: '1' })).toEqual([['months', expect.stringContaining('less than 4 months apart')]]);
		expect(problems({ cadence: 'months', months: ['1', '5', '9'], openDay: '1' })).toEqual([]);
		expect(problems({ cadence: 'every', everyMonths: '6', anchorOn: '2026-11-30' })).toEqual([['anchorOn', 'The next round cannot open in the past']]);
		expect(problems({ cadence: 'every', everyMonths: '6', anchorOn: '2027-01-31' })).toEqual([
			['anchorOn', 'Choose a first opening date on day 1 to 28 of its month, so every month has that day']
		]);
		expect(problems({ cadence: 'months', months: ['13'], openDay: '1' })).toEqual([['months', 'Choose months from the list']]);
		expect(problems({ cadence: 'every', everyMonths: '6', anchorOn: '2027-01-11', headcountSource: 'fixed', fixedHeadcount: '0' })).toEqual([
			['fixedHeadcount', 'Enter the number of staff as a whole number from 1 to 5,000']
		]);
		expect(problems({ cadence: 'weekly' })).toEqual([['cadence', 'Choose how often rounds run']]);
	});

	it('leaves its drafts as ordinary drafts when switched off', async () => {
		const settings = { cadence: { kind: 'every' as const, everyMonths: 6, anchorOn: '2027-01-11' }, lengthDays: 21, fixedHeadcount: null, requiresCode: false };
		await saveCalendar(t.db, f.practices.a2.id, settings, f.others.managerA2);
		await day('2026-12-20');
		expect(await stopCalendar(t.db, f.practices.a2.id, f.others.managerA2)).toEqual({ ok: true, drafts: 1 });
		expect(await stopCalendar(t.db, f.practices.a2.id, f.others.managerA2)).toMatchObject({ ok: false, status: 409 });
		expect(await day(addDays('2027-01-11', 0))).toMatchObject({ opened: 0 });
		expect((await roundsOfA2()).at(-1)).toMatchObject({ status: 'draft', planned_by_calendar: 0 });
	});
});
