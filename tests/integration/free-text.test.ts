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
