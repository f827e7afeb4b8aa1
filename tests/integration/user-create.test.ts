/** `npm run user:create`, through the function the command calls. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptInvitation } from '../../src/lib/server/accounts/choosing-password';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createUserFromCommandLine } from '../../src/lib/server/cli/user-create';
import { findUserByEmail, getScope } from '../../src/lib/server/accounts/users';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_COST } from '../helpers/events';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const options = { origin: 'https://belonging.example.org', now: NOW };

describe('user:create', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
		const icb = await createIcb(t.db, { odsCode: 'QAA', name: 'Test ICB' });
		await createIcb(t.db, { odsCode: 'QBB', name: 'Other ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'Test PCN', icbId: icb.id });
		await createPractice(t.db, { odsCode: 'A10001', name: 'Test Surgery', pcnId: pcn.id });
		await createPractice(t.db, { odsCode: 'A10002', name: 'Other Surgery', pcnId: pcn.id });
	});
	afterEach(() => t.close());

	it('creates the first administrator and prints a single-use link where they choose a password', async () => {
		const result = await createUserFromCommandLine(t.db, ['--email', 'Ann@Example.nhs.uk', '--name', 'Ann Admin', '--role', 'admin'], options);
		if (!result.ok) throw new Error(result.problems.join('\n'));
		const user = (await findUserByEmail(t.db, 'ann@example.nhs.uk'))!;
		expect(user).toMatchObject({ role: 'admin', display_name: 'Ann Admin', password_hash: null });
		expect(result.lines[0]).toBe('Created an account for Ann Admin <ann@example.nhs.uk> as Administrator.');
		expect(result.lines[1]).toBe('Send them this link to choose their password. It works once, until 29 November 2026 at 10:00:');
		const url = result.lines.find((line) => line.includes('/invitation/'))!.trim();
		expect(url).toMatch(/^https:\/\/belonging\.example\.org\/invitation\/[\w-]{43}$/);
		const audit = await t.db.selectFrom('audit_event').select(['actor_label', 'actor_user_id', 'action']).execute();
		expect(audit).toEqual([{ actor_label: 'command line', actor_user_id: null, action: 'invitation_issued' }]);
		const contents = await t.db.selectFrom('app_meta').select('value').where('key', '=', 'contents').executeTakeFirst();
		expect(contents?.value).toBe('real');

		const accepted = await acceptInvitation(t.db, url.split('/').pop()!, 'mossy harbour violin teapot', { now: NOW, cost: TEST_COST });
		expect(accepted).toMatchObject({ ok: true, user: { role: 'admin' } });
	});

	it('resolves ODS codes, in any case, into the scope', async () => {
		const result = await createUserFromCommandLine(
			t.db,
			['--email', 'lw@example.nhs.uk', '--name', 'Lee Worker', '--role', 'link_worker', '--practice', 'a10001', '--practice', 'A10002'],
			options
		);
		expect(result.ok).toBe(true);
		const user = (await findUserByEmail(t.db, 'lw@example.nhs.uk'))!;
		const names = await t.db.selectFrom('practice').select('name').where('id', 'in', (await getScope(t.db, user.id)).practiceIds).orderBy('name').execute();
		expect(names.map((n) => n.name)).toEqual(['Other Surgery', 'Test Surgery']);
	});

	it('makes an ICB lead of the ICBs given by code, seeing the PCNs in them and no practice', async () => {
		const result = await createUserFromCommandLine(
			t.db,
			['--email', 'icb@example.nhs.uk', '--name', 'Ira Lead', '--role', 'icb_lead', '--icb', 'qaa', '--icb', 'QBB'],
			options
		);
		if (!result.ok) throw new Error(result.problems.join('\n'));
		expect(result.lines[0]).toBe('Created an account for Ira Lead <icb@example.nhs.uk> as ICB lead.');
		const user = (await findUserByEmail(t.db, 'icb@example.nhs.uk'))!;
		const scope = await getScope(t.db, user.id);
		const icbs = await t.db.selectFrom('icb').select('ods_code').where('id', 'in', scope.icbIds).orderBy('ods_code').execute();
		expect(icbs.map((i) => i.ods_code)).toEqual(['QAA', 'QBB']);
		expect(scope).toMatchObject({ pcnIds: [], practiceIds: [] });
		const audit = await t.db.selectFrom('audit_event').select('summary').executeTakeFirstOrThrow();
		expect(audit.summary).toBe('Invited Ira Lead (icb@example.nhs.uk) as ICB lead: Other ICB and Test ICB');
	});

	it.each([
		['an unknown role', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'boss'], '“boss” is not a role'],
		['a missing email', ['--name', 'A', '--role', 'admin'], 'Give the person’s email address with --email.'],
		['an invalid email', ['--email', 'not-an-email', '--name', 'A', '--role', 'admin'], 'Enter an email address'],
		['an unknown option', ['--email', 'a@example.nhs.uk', '--password', 'x'], "Unknown option '--password'"],
		['a PCN lead without a PCN', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'pcn_lead'], 'A PCN lead needs one or more --pcn codes'],
		['an administrator with a practice', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'admin', '--practice', 'A10001'], 'leave out --icb, --pcn and --practice'],
		['an administrator with an ICB', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'admin', '--icb', 'QAA'], 'leave out --icb, --pcn and --practice'],
		['an ICB lead without an ICB', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'icb_lead'], 'An ICB lead needs one or more --icb codes and no --pcn or --practice.'],
		['an ICB lead with a PCN as well', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'icb_lead', '--icb', 'QAA', '--pcn', 'U10001'], 'An ICB lead needs one or more --icb codes and no --pcn or --practice.'],
		['a PCN lead with an ICB as well', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'pcn_lead', '--pcn', 'U10001', '--icb', 'QAA'], 'A PCN lead needs one or more --pcn codes and no --icb or --practice.'],
		['an unknown ICB code', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'icb_lead', '--icb', 'QZZ'], 'No ICB with ODS code QZZ'],
		['a malformed ICB code', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'icb_lead', '--icb', 'Q-1X'], '“Q-1X” is not an ICB ODS code: three letters or digits, like QE1.'],
		['an unknown PCN code', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'pcn_lead', '--pcn', 'U99999'], 'No PCN with ODS code U99999'],
		['a malformed practice code', ['--email', 'a@example.nhs.uk', '--name', 'A', '--role', 'link_worker', '--practice', 'X1'], '“X1” is not a practice ODS code']
	])('refuses %s with a clear message and creates nothing', async (_label, args, message) => {
		const result = await createUserFromCommandLine(t.db, args, options);
		expect(result.ok).toBe(false);
		expect(result.ok ? [] : result.problems.join('\n')).toContain(message);
		expect(await t.db.selectFrom('user_account').select('id').execute()).toEqual([]);
	});

	it('refuses an email address that already has an account', async () => {
		const args = ['--email', 'ann@example.nhs.uk', '--name', 'Ann Admin', '--role', 'admin'];
		expect((await createUserFromCommandLine(t.db, args, options)).ok).toBe(true);
		const again = await createUserFromCommandLine(t.db, ['--email', 'ANN@example.nhs.uk', '--name', 'Ann Again', '--role', 'admin'], options);
		expect(again).toEqual({ ok: false, problems: ['Someone already has an account with this email address.'] });
	});

	it('refuses to run against a demo database, or with DEMO switched on', async () => {
		const args = ['--email', 'ann@example.nhs.uk', '--name', 'Ann Admin', '--role', 'admin'];
		expect((await createUserFromCommandLine(t.db, args, { ...options, demo: true })).ok).toBe(false);
		await t.db.insertInto('app_meta').values({ key: 'contents', value: 'demo' }).execute();
		const result = await createUserFromCommandLine(t.db, args, options);
		expect(result.ok ? '' : result.problems[0]).toMatch(/demo database/);
		expect(await findUserByEmail(t.db, 'ann@example.nhs.uk')).toBeUndefined();
	});
});
