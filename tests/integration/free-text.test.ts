/**
 * Issue 12, item 9: every free-text input drops control characters before it is checked, so a
 * title of only NUL is refused as empty and nothing is stored; ids are decimal integers only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { checkSubmission } from '../../src/lib/npt/submission';
import { getInstrumentVersion, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { importOrganisations } from '../../src/lib/server/organisations/import';
import { createIcb } from '../../src/lib/server/organisations/organisation-changes';
import { inviteUser } from '../../src/lib/server/accounts/invitations';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { actions as flagActions } from '../../src/routes/(app)/practices/[practiceId]/flags/+page.server';
import { actions as newRoundActions } from '../../src/routes/(app)/practices/[practiceId]/rounds/new/+page.server';
import { actions as editRoundActions } from '../../src/routes/(app)/rounds/[roundId]/edit/+page.server';
import { load as roundLoad } from '../../src/routes/(app)/rounds/[roundId]/+page.server';
import { addDays, ukDate } from '../../src/lib/dates';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, statusOf } from '../helpers/events';

describe('control characters and ids', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	it('refuses a round title that is only NUL, and stores nothing', async () => {
		const before = await countRows(t.db, 'round');
		const versionId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
		await expect(
			createRound(t.db, { practiceId: f.practices.a2.id, instrumentVersionId: versionId, title: '\u0000\u0000', opensOn: '2026-03-01', closesOn: '2026-03-20', staffHeadcount: 10 })
		).rejects.toThrow(/Give the round a title/);
		expect(await countRows(t.db, 'round')).toBe(before);
		const round = await createRound(t.db, { practiceId: f.practices.a2.id, instrumentVersionId: versionId, title: 'Spring\u0000 round\u001b', opensOn: '2026-03-01', closesOn: '2026-03-20', staffHeadcount: 10 });
		expect(round.title).toBe('Spring round');
	});

	it('drops NUL from a survey comment before it is stored, and keeps its line breaks', async () => {
		const instrument = (await getInstrumentVersion(t.db, (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!))!.instrument;
		const checked = checkSubmission(instrument, [[`item-${instrument.items[0]!.id}`, '4'], ['comment', 'More\u0000 time\r\nplease\u0007']], { codeRequired: false });
		expect(checked.ok && checked.submission.comment).toBe('More time\nplease');
		const empty = checkSubmission(instrument, [[`item-${instrument.items[0]!.id}`, '4'], ['comment', '\u0000']], { codeRequired: false });
		expect(empty.ok && empty.submission.comment).toBeNull();
	});

	it('drops control characters from imported practice and PCN names', async () => {
		await createIcb(t.db, { odsCode: 'QWE', name: 'Valley ICB' });
		const csv = ['ODS code,Name,PCN code,PCN name,ICB code', 'K55501,Meadow\u0000 Lane\u0007 Surgery,U55501,Valley\u001b PCN,QWE'].join('\n');
		const outcome = await importOrganisations(t.db, csv, f.users.admin);
		expect(outcome.ok).toBe(true);
		const practice = await t.db.selectFrom('practice').select('name').where('ods_code', '=', 'K55501').executeTakeFirstOrThrow();
		const pcn = await t.db.selectFrom('pcn').select('name').where('ods_code', '=', 'U55501').executeTakeFirstOrThrow();
		expect([practice.name, pcn.name]).toEqual(['Meadow Lane Surgery', 'Valley PCN']);
	});

	it('refuses a name that is only control characters', async () => {
		const outcome = await inviteUser(t.db, f.users.admin, { email: 'nul@example.nhs.uk', displayName: '\u0000\u0001', role: 'practice_manager', scope: { practiceIds: [f.practices.a1.id] } }, { origin: 'http://localhost', mail: false });
		expect(outcome).toMatchObject({ ok: false, status: 400, problems: [{ field: 'displayName' }] });
		expect(await countRows(t.db, 'account_link')).toBe(0);
	});

	it.each(['0x1', '1e0', '+1', '1.0', '01', '-1'])('takes flag id %j as no flag at all, and changes nothing', async (flagId) => {
		// The shared flag at A1 is flag 1 in the fixture.
		expect(f.flags.a1Shared.id).toBe(1);
		const event = fakeEvent({
			db: t.db,
			user: f.users.manager,
			path: `/practices/${f.practices.a1.id}/flags`,
			params: { practiceId: String(f.practices.a1.id) },
			form: { flagId, to: 'acknowledged' }
		});
		expect(statusOf(await outcomeOf(() => flagActions.state(event as never)))).toBe(400);
		const flag = await t.db.selectFrom('flag').select('state').where('id', '=', 1).executeTakeFirstOrThrow();
		expect(flag.state).toBe('open');
		expect(await countRows(t.db, 'flag_event')).toBe(2);
	});
});

// Issue 24, items 7 and 12: the round forms' title skipped the cleaning (edit stored a NUL, create
// was a ZodError and a 500), and ids were trimmed and unbounded.
describe('round titles and ids on every path', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	const today = ukDate();
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	const titles = async () => (await t.db.selectFrom('round').select(['id', 'title']).orderBy('id').execute()).map((r) => `${r.id} ${r.title}`);
	const problemsOf = (outcome: { result?: unknown }) => (outcome.result as { data: { problems: { field: string; message: string }[] } }).data.problems;

	it.each(['\u0000', '\u0000\u0000 \u0007', '\u202e\u2066\u0085'])('refuses a new round titled %j with a 400, and stores nothing', async (title) => {
		const before = await titles();
		const audits = await countRows(t.db, 'audit_event');
		const versionId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
		const event = fakeEvent({
			db: t.db,
			user: f.users.manager,
			path: `/practices/${f.practices.a1.id}/rounds/new`,
			params: { practiceId: String(f.practices.a1.id) },
			form: { title, opensOn: addDays(today, 400), closesOn: addDays(today, 420), staffHeadcount: '', instrumentVersionId: String(versionId), start: 'draft', confirmFatigue: 'yes' }
		});
		const outcome = await outcomeOf(() => newRoundActions.default(event as never));
		expect(statusOf(outcome)).toBe(400);
		expect(problemsOf(outcome)).toEqual([{ field: 'title', message: 'Give the round a title' }]);
		expect(await titles()).toEqual(before);
		expect(await countRows(t.db, 'audit_event')).toBe(audits);
	});

	it.each(['\u0000', '\u0000\u0000 \u0007', '\u202e\u2066\u0085'])('refuses changing a round’s title to %j with a 400, and changes nothing', async (title) => {
		const before = await titles();
		const round = f.rounds.a1Draft;
		const event = fakeEvent({
			db: t.db,
			user: f.users.manager,
			path: `/rounds/${round.id}/edit`,
			params: { roundId: String(round.id) },
			form: { title, opensOn: round.opens_on, closesOn: round.closes_on, staffHeadcount: '20' }
		});
		const outcome = await outcomeOf(() => editRoundActions.default(event as never));
		expect(statusOf(outcome)).toBe(400);
		expect(problemsOf(outcome)).toEqual([{ field: 'title', message: 'Give the round a title' }]);
		expect(await titles()).toEqual(before);
	});

	it('stores a changed title without its control characters', async () => {
		const round = f.rounds.a1Draft;
		const form = { title: 'Spring\u0000 round\u001b', opensOn: round.opens_on, closesOn: round.closes_on, staffHeadcount: '20' };
		const event = fakeEvent({ db: t.db, user: f.users.manager, path: `/rounds/${round.id}/edit`, params: { roundId: String(round.id) }, form });
		expect(statusOf(await outcomeOf(() => editRoundActions.default(event as never)))).toBe(303);
		expect((await t.db.selectFrom('round').select('title').where('id', '=', round.id).executeTakeFirstOrThrow()).title).toBe('Spring round');
	});

	it('refuses a flag id with a space, a point, a sign, hex, an exponent or past PostgreSQL’s integer, and changes nothing', async () => {
		const id = f.flags.a1Shared.id;
		for (const flagId of [` ${id}`, `${id} `, `${id}.0`, `+${id}`, `0x${id}`, `${id}e0`, `0${id}`, '2147483648', '99999999999999']) {
			const event = fakeEvent({
				db: t.db,
				user: f.users.manager,
				path: `/practices/${f.practices.a1.id}/flags`,
				params: { practiceId: String(f.practices.a1.id) },
				form: { flagId, to: 'acknowledged' }
			});
			expect(statusOf(await outcomeOf(() => flagActions.state(event as never))), flagId).toBe(400);
		}
		expect((await t.db.selectFrom('flag').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state).toBe('open');
		expect(await countRows(t.db, 'flag_event')).toBe(2);
	});

	it('answers a round path whose id is not plain digits, or past PostgreSQL’s integer, with a 404', async () => {
		const id = f.rounds.a1.id;
		const page = (roundId: string) => outcomeOf(() => roundLoad(fakeEvent({ db: t.db, user: f.users.manager, path: `/rounds/${encodeURIComponent(roundId)}`, params: { roundId } }) as never));
		expect(statusOf(await page(String(id)))).toBe(200);
		for (const roundId of [` ${id}`, `${id}.0`, `+${id}`, `0${id}`, `${id}e0`, '2147483648', '99999999999999']) {
			expect(statusOf(await page(roundId)), roundId).toBe(404);
		}
	});
});
