/**
 * A practice's survey rounds as an .ics file: the open round, the survey calendar's drafts and its
 * next openings, each one all-day event with a UID that stays the same as an opening becomes a
 * draft; and the download is guarded exactly as the calendar page is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planDueRounds } from '../../src/lib/server/calendar/calendar-pass';
import { downloadName, practiceCalendarDownload } from '../../src/lib/server/calendar/calendar-download';
import { GET } from '../../src/routes/(app)/practices/[practiceId]/calendar.ics/+server';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, statusOf } from '../helpers/events';
import type { SignedInUser } from '../../src/lib/server/identity';
import { saveEveryFourMonthsAtA2 } from '../helpers/calendar';

const ORIGIN = 'https://belonging.example.org';
const NOW = new Date('2026-12-06T09:00:00.000Z');

describe('the survey calendar as an .ics file', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	it('writes the open round as one all-day event, exactly', async () => {
		// Practice A1 has an open round (1 January 2026 to 31 December 2099), a draft it made by hand
		// (not planned, so not in the file) and no survey calendar.
		const id = f.rounds.a1Open.id;
		const download = await practiceCalendarDownload(t.db, { id: f.practices.a1.id, name: 'Practice A1' }, { origin: ORIGIN, today: '2026-12-06', now: NOW });
		expect(download.filename).toBe('practice-a1-survey-rounds.ics');
		const description = `DESCRIPTION:The staff survey is open in Belonging.\\nhttps://belonging.example.org/rounds/${id}`;
		expect(download.body).toBe(
			[
				'BEGIN:VCALENDAR',
				'VERSION:2.0',
				'PRODID:-//Belonging//Survey calendar//EN',
				'CALSCALE:GREGORIAN',
				'X-WR-CALNAME:Staff survey rounds\\, Practice A1',
				'BEGIN:VEVENT',
				`UID:survey-round-${f.practices.a1.id}-2026-01-01@belonging.example.org`,
				'DTSTAMP:20261206T090000Z',
				'DTSTART;VALUE=DATE:20260101',
				'DTEND;VALUE=DATE:21000101',
				'SUMMARY:A1 spring\\, Practice A1',
				// 75 octets, then the rest of the address on a continuation line.
				description.slice(0, 75),
				` ${description.slice(75)}`,
				`URL:https://belonging.example.org/rounds/${id}`,
				'TRANSP:TRANSPARENT',
				'END:VEVENT',
				'END:VCALENDAR',
				''
			].join('\r\n')
		);
		expect(description.slice(0, 75)).toBe('DESCRIPTION:The staff survey is open in Belonging.\\nhttps://belonging.examp');
	});

	it('lists the calendar’s next openings, and an opening keeps its UID when it becomes a draft', async () => {
		expect(await saveEveryFourMonthsAtA2(t.db, f)).toMatchObject({ ok: true });
		const practice = { id: f.practices.a2.id, name: 'Practice A2' };
		const eventsOf = (body: string) =>
			body
				.replace(/\r\n /g, '')
				.split('BEGIN:VEVENT')
				.slice(1)
				.map((event) => Object.fromEntries(event.split('\r\n').filter((l) => /^(UID|DTSTART|DTEND|SUMMARY):|^DT\w+;/.test(l)).map((l) => l.split(':') as [string, string])));
		const before = eventsOf((await practiceCalendarDownload(t.db, practice, { origin: ORIGIN, today: '2026-12-01', now: NOW })).body);
		const uid = (opens: string) => `survey-round-${practice.id}-${opens}@belonging.example.org`;
		// Every four months from 11 January 2027, three weeks each: closing on the 21st day.
		expect(before).toEqual([
			{ UID: uid('2027-01-11'), 'DTSTART;VALUE=DATE': '20270111', 'DTEND;VALUE=DATE': '20270201', SUMMARY: 'Winter 2026–27 staff survey\\, Practice A2' },
			{ UID: uid('2027-05-11'), 'DTSTART;VALUE=DATE': '20270511', 'DTEND;VALUE=DATE': '20270601', SUMMARY: 'Spring 2027 staff survey\\, Practice A2' },
			{ UID: uid('2027-09-11'), 'DTSTART;VALUE=DATE': '20270911', 'DTEND;VALUE=DATE': '20271002', SUMMARY: 'Autumn 2027 staff survey\\, Practice A2' }
		]);
		// Four weeks before the first opening its draft is made: the same event, now linking to the round.
		expect(await planDueRounds(t.db, { today: '2026-12-14', now: NOW })).toBe(1);
		const after = await practiceCalendarDownload(t.db, practice, { origin: ORIGIN, today: '2026-12-14', now: NOW });
		const draft = await t.db.selectFrom('round').select('id').where('practice_id', '=', practice.id).where('planned_by_calendar', '=', 1).executeTakeFirstOrThrow();
		expect(eventsOf(after.body)[0]).toEqual(before[0]);
		expect(after.body).toContain(`\r\nURL:${ORIGIN}/rounds/${draft.id}\r\n`);
		expect(after.body.split('BEGIN:VEVENT').length - 1).toBe(4);
	});

	it('names the file from the practice, with nothing that could break the header', () => {
		expect(downloadName('St. Mary’s & Ysgol Fêl "Surgery"')).toBe('st-mary-s-ysgol-fel-surgery-survey-rounds.ics');
		expect(downloadName('“”')).toBe('practice-survey-rounds.ics');
	});

	describe('the download', () => {
		async function download(user: SignedInUser | null, practiceId: number | string) {
			const event = fakeEvent({ db: t.db, user, path: `/practices/${practiceId}/calendar.ics`, params: { practiceId: String(practiceId) }, config: { origin: ORIGIN } });
			return outcomeOf(() => GET(event as never));
		}

		it('is an attachment of text/calendar for the practice’s manager and its PCN lead', async () => {
			for (const user of [f.users.manager, f.users.pcnLead]) {
				const outcome = await download(user, f.practices.a1.id);
				const response = outcome.result as Response;
				expect(response.status).toBe(200);
				expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
				expect(response.headers.get('content-disposition')).toBe('attachment; filename="practice-a1-survey-rounds.ics"');
				expect(response.headers.get('cache-control')).toBe('private, no-store');
				const body = await response.text();
				expect(body).toMatch(/^BEGIN:VCALENDAR\r\n/);
				expect(body).toContain(`\r\nUID:survey-round-${f.practices.a1.id}-2026-01-01@belonging.example.org\r\n`);
				expect(body).toMatch(/\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
			}
		});

		it('is refused as the calendar page is: 404 out of scope, 403 for other roles, sign-in for nobody', async () => {
			expect(statusOf(await download(f.users.manager, f.practices.a2.id))).toBe(404);
			expect(statusOf(await download(f.users.pcnLead, f.practices.b1.id))).toBe(404);
			expect(statusOf(await download(f.users.manager, '999999'))).toBe(404);
			expect(statusOf(await download(f.users.manager, '1e0'))).toBe(404);
			expect(statusOf(await download(f.users.linkWorker, f.practices.a1.id))).toBe(403);
			expect(statusOf(await download(f.users.admin, f.practices.a1.id))).toBe(403);
			expect(statusOf(await download(null, f.practices.a1.id))).toBe(303);
		});
	});
});
