/**
 * Survey-calendar fixtures shared by the integration tests: the access fixture's own rounds marked
 * as having had every notice (so only the calendar's rounds mail), and A2's calendar of every four
 * months from 11 January 2027, three weeks a round, twelve staff, saved on 1 December 2026.
 */
import type { Db } from '../../src/lib/server/db';
import { calendarSchema, saveCalendar } from '../../src/lib/server/calendar/survey-calendar';
import { ROUND_NOTICE_KINDS } from '../../src/lib/server/mail/kinds';
import type { AccessFixture } from './access-fixture';

/** Every round in the database so far has had each of its notices. */
export async function markRoundsNoticed(db: Db): Promise<void> {
	const rounds = await db.selectFrom('round').select('id').execute();
	await db
		.insertInto('round_notice')
		.values(rounds.flatMap((r) => ROUND_NOTICE_KINDS.map((kind) => ({ round_id: r.id, kind, sent_on: '2026-01-01' }))))
		.execute();
}

/** A2's manager saves a calendar: every 4 months from 11 January 2027, 3 weeks a round, 12 staff. */
export async function saveEveryFourMonthsAtA2(db: Db, f: AccessFixture) {
	const form = calendarSchema('2026-12-01').safeParse({
		cadence: 'every',
		everyMonths: '4',
		anchorOn: '2027-01-11',
		months: [],
		lengthWeeks: '3',
		headcountSource: 'fixed',
		fixedHeadcount: '12'
	});
	if (!form.success) throw new Error(form.error.message);
	return saveCalendar(db, f.practices.a2.id, form.data, f.others.managerA2);
}
