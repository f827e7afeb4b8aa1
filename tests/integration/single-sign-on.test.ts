/**
 * Single sign-on's rules that need no provider, on a real database: an administrator requires it
 * (password sessions end, the password is refused, no reset link or password can be had) and
 * allows passwords again; clearing a link ends only the sessions opened through it; an attempt
 * is single-use and short-lived; a bad invitation or an unreachable provider is refused before
 * anything is stored. The flows through a real provider are in tests/e2e/single-sign-on.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setSingleSignOnRequired, unlinkSingleSignOn } from '../../src/lib/server/accounts/sign-in-methods';
import { ATTEMPT_ENDED, finishSingleSignOn, startSingleSignOn } from '../../src/lib/server/accounts/single-sign-on';
import { signInWithPassword } from '../../src/lib/server/accounts/sign-in';
import { acceptInvitation, changePassword } from '../../src/lib/server/accounts/choosing-password';
import { issuePasswordReset, requestPasswordReset, reissueInvitation } from '../../src/lib/server/accounts/invitations';
import { beginSecondFactorSetup } from '../../src/lib/server/accounts/second-factor';
import { createSession, hashToken } from '../../src/lib/server/accounts/sessions';
import { loadConfig, type SingleSignOnConfig } from '../../src/lib/server/platform/config';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, TEST_PASSWORD } from '../helpers/events';
import { isRedirect } from '@sveltejs/kit';
import { load as callbackLoad } from '../../src/routes/(app)/sign-in/sso/callback/+page.server';
import { load as signInLoad } from '../../src/routes/(app)/sign-in/+page.server';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const ADDRESS = '192.0.2.20';
const LINKS = { origin: 'https://belonging.example.org', mail: false, now: T0 };
/** Port 9 is one that fetch never connects to: the provider cannot be reached. */
const UNREACHABLE: SingleSignOnConfig = loadConfig({
	ORIGIN: 'https://belonging.example.org',
	SSO_ISSUER: 'http://127.0.0.1:9/unreachable',
	SSO_CLIENT_ID: 'belonging',
	SSO_CLIENT_SECRET: 'secret',
	SSO_NAME: 'NHSmail'
}).sso!;

describe('single sign-on', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	const sessionsOf = async (userId: number) =>
		(await t.db.selectFrom('session').select('single_sign_on').where('user_id', '=', userId).orderBy('single_sign_on').execute()).map((s) => s.single_sign_on);
	const audit = async (action: string) =>
		(await t.db.selectFrom('audit_event').select('summary').where('action', '=', action as never).execute()).map((e) => e.summary);

	describe('required by an administrator', () => {
		it('ends password sessions but not single sign-on ones, and refuses the password from then on', async () => {
			const worker = f.users.linkWorker;
			await t.db.deleteFrom('session').where('user_id', '=', worker.id).execute();
			await createSession(t.db, worker.id, T0, false);
			await createSession(t.db, worker.id, T0, true);
			const required = await setSingleSignOnRequired(t.db, f.users.admin, worker.id, true, { ssoConfigured: true, now: T0 });
			expect(required).toEqual({ ok: true });
			expect(await sessionsOf(worker.id)).toEqual([1]);
			expect(await audit('sso_required')).toEqual([expect.stringContaining(worker.email)]);

			const signIn = await signInWithPassword(t.db, { email: worker.email, password: TEST_PASSWORD, clientAddress: ADDRESS, ssoName: 'NHSmail' }, T0);
			expect(signIn).toMatchObject({ ok: false, status: 403, problems: [{ message: 'Your account signs in with NHSmail, not a password. Use the “Sign in with NHSmail” button.' }] });
			// A wrong password gets the usual answer: the refusal tells only the password's holder.
			const wrong = await signInWithPassword(t.db, { email: worker.email, password: 'not the password', clientAddress: ADDRESS, ssoName: 'NHSmail' }, T0);
			expect(wrong).toMatchObject({ ok: false, status: 401 });
			expect(await sessionsOf(worker.id)).toEqual([1]);
		});

		it('leaves no way to a password: no reset link, no change, no two-step set-up, and the forgotten-password form sends nothing', async () => {
			const worker = f.users.linkWorker;
			const reset = await issuePasswordReset(t.db, f.users.admin, worker.id, LINKS);
			expect(reset.ok).toBe(true);
			await setSingleSignOnRequired(t.db, f.users.admin, worker.id, true, { ssoConfigured: true, now: T0 });
			// The reset link issued before has stopped working.
			expect(await t.db.selectFrom('account_link').select('used_at').where('user_id', '=', worker.id).where('purpose', '=', 'password_reset').execute()).toEqual([]);
			expect(await issuePasswordReset(t.db, f.users.admin, worker.id, LINKS)).toMatchObject({ ok: false, status: 409 });
			await requestPasswordReset(t.db, worker.email, LINKS);
			expect(await t.db.selectFrom('account_link').select('token_hash').where('user_id', '=', worker.id).execute()).toEqual([]);
			const change = await changePassword(t.db, worker, { current: TEST_PASSWORD, password: 'a brand new long passphrase' }, { clientAddress: ADDRESS, now: T0 });
			expect(change).toMatchObject({ ok: false, status: 409 });
			expect(await beginSecondFactorSetup(t.db, worker, T0)).toMatchObject({ ok: false, status: 409 });
		});

		it('refuses an invited person a password once single sign-on is required, so the invitation is kept for it', async () => {
			const invited = f.others.invitedA2;
			const sent = await reissueInvitation(t.db, f.users.admin, invited.id, LINKS);
			if (!sent.ok) throw new Error('invitation refused');
			await setSingleSignOnRequired(t.db, f.users.admin, invited.id, true, { ssoConfigured: true, now: T0 });
			const token = sent.link.url.split('/').pop()!;
			expect(await acceptInvitation(t.db, token, 'a brand new long passphrase', { now: T0 })).toMatchObject({ ok: false, status: 409 });
			expect(await t.db.selectFrom('account_link').select('used_at').where('token_hash', '=', hashToken(token)).executeTakeFirst()).toEqual({ used_at: null });
		});

		it('is refused without single sign-on set up, for oneself, twice, to a non-administrator, and for someone who does not exist', async () => {
			const worker = f.users.linkWorker.id;
			expect(await setSingleSignOnRequired(t.db, f.users.admin, worker, true, { ssoConfigured: false })).toMatchObject({ status: 409 });
			expect(await setSingleSignOnRequired(t.db, f.users.admin, f.users.admin.id, true, { ssoConfigured: true })).toMatchObject({ status: 400 });
			expect(await setSingleSignOnRequired(t.db, f.users.pcnLead, worker, true, { ssoConfigured: true })).toMatchObject({ status: 403 });
			expect(await setSingleSignOnRequired(t.db, f.users.admin, 999_999, true, { ssoConfigured: true })).toMatchObject({ status: 404 });
			expect(await setSingleSignOnRequired(t.db, f.users.admin, worker, false, { ssoConfigured: true })).toMatchObject({ status: 409 });
			expect(await t.db.selectFrom('user_account').select('sso_required_at').where('id', '=', worker).executeTakeFirst()).toEqual({ sso_required_at: null });
			expect(await audit('sso_required')).toEqual([]);
		});

		it('can be lifted, after which the password works again', async () => {
			const worker = f.users.linkWorker;
			await setSingleSignOnRequired(t.db, f.users.admin, worker.id, true, { ssoConfigured: true, now: T0 });
			expect(await setSingleSignOnRequired(t.db, f.users.admin, worker.id, false, { ssoConfigured: true, now: T0 })).toEqual({ ok: true });
			const signIn = await signInWithPassword(t.db, { email: worker.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, T0);
			expect(signIn.ok && signIn.session !== undefined).toBe(true);
			expect(await audit('sso_not_required')).toHaveLength(1);
		});
	});

	describe('clearing the link', () => {
		it('clears the identity and ends only the sessions opened through it', async () => {
			const manager = f.users.manager;
			await t.db.updateTable('user_account').set({ sso_issuer: 'https://login.example/tenant', sso_subject: 'abc' }).where('id', '=', manager.id).execute();
			await t.db.deleteFrom('session').where('user_id', '=', manager.id).execute();
			await createSession(t.db, manager.id, T0, false);
			await createSession(t.db, manager.id, T0, true);
			expect(await unlinkSingleSignOn(t.db, f.users.admin, manager.id, T0)).toEqual({ ok: true });
			expect(await t.db.selectFrom('user_account').select(['sso_issuer', 'sso_subject']).where('id', '=', manager.id).executeTakeFirst()).toEqual({ sso_issuer: null, sso_subject: null });
			expect(await sessionsOf(manager.id)).toEqual([0]);
			expect(await unlinkSingleSignOn(t.db, f.users.admin, manager.id, T0)).toMatchObject({ ok: false, status: 409 });
			expect(await unlinkSingleSignOn(t.db, f.users.pcnLead, manager.id, T0)).toMatchObject({ ok: false, status: 403 });
			expect(await audit('sso_unlinked')).toHaveLength(1);
		});
	});

	describe('attempts', () => {
		it('refuses an answer with no attempt, an unknown one, and an expired one, using the attempt up', async () => {
			const query = new URLSearchParams({ code: 'c', state: 's' });
			expect(await finishSingleSignOn(t.db, UNREACHABLE, { key: undefined, query }, T0)).toMatchObject({ status: 400, reason: 'ended', problems: [{ message: ATTEMPT_ENDED }] });
			expect(await finishSingleSignOn(t.db, UNREACHABLE, { key: 'never-issued', query }, T0)).toMatchObject({ status: 400 });
			await t.db
				.insertInto('sso_attempt')
				.values({ key_hash: hashToken('old'), state: 's', nonce: 'n', code_verifier: 'v', next_path: '/', invitation_hash: null, expires_at: T0.toISOString() })
				.execute();
			expect(await finishSingleSignOn(t.db, UNREACHABLE, { key: 'old', query }, T0)).toMatchObject({ status: 400 });
			expect(await t.db.selectFrom('sso_attempt').selectAll().execute()).toEqual([]);
		});

		it('sends a refused answer on to the sign-in page with the reason’s key only, and the sign-in page words it', async () => {
			const path = '/sign-in/sso/callback?code=c&state=s';
			const config = { sso: UNREACHABLE };
			const sent = await outcomeOf(() => callbackLoad(fakeEvent({ db: t.db, path, config }) as never));
			expect(isRedirect(sent.thrown) && { status: sent.thrown.status, location: sent.thrown.location }).toEqual({ status: 303, location: '/sign-in?sso=ended' });
			const shown = (await signInLoad(fakeEvent({ db: t.db, path: '/sign-in?sso=ended', config }) as never)) as { ssoRefused: string | null };
			expect(shown.ssoRefused).toBe(ATTEMPT_ENDED);
			for (const key of ['constructor', '__proto__', 'Call 0800 000 000', '']) {
				const other = (await signInLoad(fakeEvent({ db: t.db, path: `/sign-in?sso=${encodeURIComponent(key)}`, config }) as never)) as { ssoRefused: string | null };
				expect(other.ssoRefused, key).toBeNull();
			}
			// Without single sign-on set up there is nothing to word.
			const without = (await signInLoad(fakeEvent({ db: t.db, path: '/sign-in?sso=ended' }) as never)) as { ssoRefused: string | null };
			expect(without.ssoRefused).toBeNull();
		});

		it('refuses an unknown or used invitation before going to the provider, and says so when the provider cannot be reached', async () => {
			expect(await startSingleSignOn(t.db, UNREACHABLE, { next: '/', invitation: 'no-such-invitation' }, T0)).toMatchObject({ ok: false, status: 404 });
			const unreachable = await startSingleSignOn(t.db, UNREACHABLE, { next: '/' }, T0);
			expect(unreachable).toMatchObject({ ok: false, status: 503, retryAfterSeconds: 30 });
			expect(await t.db.selectFrom('sso_attempt').selectAll().execute()).toEqual([]);
		});
	});
});
