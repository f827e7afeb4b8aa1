/**
 * The next planned round, as the practice dashboard's "At a glance" and its "Planned rounds"
 * both read it: from the survey calendar, before its draft is made (with the day the draft
 * appears) and after (the draft itself, which the dashboard also holds as its current round).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSurveyCalendar } from '../../src/lib/server/calendar/calendar-pass';
import { viewPlannedRounds } from '../../src/lib/server/calendar/planned-rounds';
import { saveCalendar, stopCalendar } from '../../src/lib/server/calendar/survey-calendar';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { markRoundsNoticed } from '../helpers/calendar';

const RULES = { minResponses: 5 };
// Every four months from 11 January 2027, three weeks long: 11 to 31 January, then 11 to 31 May.
const SETTINGS = { cadence: { kind: 'every' as const, everyMonths: 4, anchorOn: '2027-01-11' }, lengthDays: 21, fixedHeadcount: 12, requiresCode: false };

describe('the next planned round', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		// The fixture's own rounds have had their notices; only the calendar's matter here.
		await markRoundsNoticed(t.db);
	});
	afterEach(() => t.close());

	it('is none without a calendar, so the glance can say nothing is planned', async () => {
		const planned = await viewPlannedRounds(t.db, f.practices.a2.id, '2026-12-01');
		expect(planned).toEqual({ on: false, drafts: [], upcoming: [], next: null });
		expect((await getPracticeDashboard(t.db, f.practices.a2.id, RULES, '2026-12-01'))!.current).toBeNull();
	});

	it('names the first opening, with the day its draft appears, as soon as the calendar is saved', async () => {
		await saveCalendar(t.db, f.practices.a2.id, SETTINGS, f.others.managerA2);
		const planned = await viewPlannedRounds(t.db, f.practices.a2.id, '2026-12-01');
		// Nothing is open or made yet: the glance's "This round" has only the calendar to go on.
		expect((await getPracticeDashboard(t.db, f.practices.a2.id, RULES, '2026-12-01'))!.current).toBeNull();
		// Four weeks (28 days) before 11 January 2027 is 14 December 2026.
		expect(planned.next).toEqual({ draft: null, opens: '11 January 2027', closes: '31 January 2027', draftOn: '14 December 2026' });
		// The same round "Planned rounds" lists first.
		expect(planned.upcoming[0]).toEqual({ opens: '11 January 2027', closes: '31 January 2027', planned: '14 December 2026' });
		expect(planned.upcoming[1]).toEqual({ opens: '11 May 2027', closes: '31 May 2027', planned: '13 April 2027' });
	});

	it('is the calendar’s draft once it is made, the same round the dashboard holds as current', async () => {
		await saveCalendar(t.db, f.practices.a2.id, SETTINGS, f.others.managerA2);
		const today = '2026-12-14';
		expect(await runSurveyCalendar(t.db, { today, now: new Date(`${today}T07:00:00Z`), origin: 'https://belonging.example.org', minResponses: 5 })).toMatchObject({ planned: 1 });
		const draft = await t.db.selectFrom('round').select(['id', 'title']).where('practice_id', '=', f.practices.a2.id).where('status', '=', 'draft').executeTakeFirstOrThrow();
		const planned = await viewPlannedRounds(t.db, f.practices.a2.id, today);
		expect(planned.next).toEqual({ draft: { id: draft.id, title: draft.title }, opens: '11 January 2027', closes: '31 January 2027', draftOn: null });
		expect(planned.drafts).toEqual([{ id: draft.id, title: draft.title, opens: '11 January 2027', closes: '31 January 2027' }]);
		expect((await getPracticeDashboard(t.db, f.practices.a2.id, RULES, today))!.current).toMatchObject({ id: draft.id, availability: 'draft' });

		// Switched off, the draft stays as an ordinary one, no longer opening by itself: nothing is planned.
		await stopCalendar(t.db, f.practices.a2.id, f.others.managerA2);
		expect((await viewPlannedRounds(t.db, f.practices.a2.id, today)).next).toBeNull();
	});
});
