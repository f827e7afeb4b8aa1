/**
 * Issue 24, items 1 and 8, through the routes as a browser meets them. Every way into a session
 * (a reset link the person asked for, one an administrator issued, an invitation) ends at the
 * same gate as a password: with two-step sign-in on, or required for the role, the code or set-up
 * step comes next and no session row exists until it is done; then the person lands where the
 * link meant to take them. And every page that takes a code shares the sign-in code limit.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isActionFailure, isRedirect } from '@sveltejs/kit';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { inviteUser } from '../../src/lib/server/accounts/invitations';
import { setRolesRequiringSecondStep } from '../../src/lib/server/accounts/second-factor';
import { SESSION_COOKIE, createSession, hashToken, validateSessionToken } from '../../src/lib/server/accounts/sessions';
import { findUserByEmail } from '../../src/lib/server/accounts/users';
import { afterResponsesSettled } from '../../src/lib/server/platform/after-response';
import type { SignedInUser } from '../../src/lib/server/identity';
import { actions as accountActions, load as accountLoad } from '../../src/routes/(app)/account/+page.server';
import { actions as forgotActions } from '../../src/routes/(app)/forgot-password/+page.server';
import { actions as invitationActions } from '../../src/routes/(app)/invitation/[token]/+page.server';
import { actions as resetActions } from '../../src/routes/(app)/reset-password/[token]/+page.server';
import { actions as signInActions } from '../../src/routes/(app)/sign-in/+page.server';
import { actions as codeActions, load as codeLoad } from '../../src/routes/(app)/sign-in/code/+page.server';
import { actions as setUpActions, load as setUpLoad } from '../../src/routes/(app)/sign-in/set-up/+page.server';
import { actions as personActions } from '../../src/routes/(app)/users/[userId]/+page.server';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_PASSWORD, fakeEvent, outcomeOf, type CookieJar } from '../helpers/events';
import { queuedMail } from '../helpers/mail';

const GOOD_PASSWORD = 'mossy harbour violin teapot';
/** The cookie that holds a sign-in waiting for its second step. */
const CHALLENGE = 'belonging_second_step';

type AnyRoute = (event: never) => unknown;
const call = (fn: AnyRoute, event: ReturnType<typeof fakeEvent>) => outcomeOf(() => fn(event as never));
const locationOf = (thrown: unknown) => (isRedirect(thrown) ? thrown.location : `not a redirect: ${String(thrown)}`);
const statusOfFailure = (result: unknown) => (isActionFailure(result) ? result.status : `not a failure: ${JSON.stringify(result)}`);

async function sessionIds(db: Db, userId: number): Promise<string[]> {
	return (await db.selectFrom('session').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);
}

let t: TestDatabase;
let f: AccessFixture;
beforeEach(async () => {
	t = await createTestDatabase();
	f = await createAccessFixture(t.db);
});
afterEach(() => t.close());

/** A code from the app; `ahead` time steps on, so it is newer than one used a moment ago. */
const codeFor = (secret: string, ahead = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + ahead * 30_000 });

/** Turns two-step sign-in on from the account page, as the person would; returns the app's secret. */
async function turnOnTwoStep(user: SignedInUser): Promise<string> {
	await call(accountActions.twoStepBegin, fakeEvent({ db: t.db, user, path: '/account?/twoStepBegin', form: {} }));
	const page = (await call(accountLoad, fakeEvent({ db: t.db, user, path: '/account' }))).result as { twoStep: { key: { secret: string } } };
	const secret = page.twoStep.key.secret.replace(/\s/g, '');
	const confirmed = await call(accountActions.twoStepConfirm, fakeEvent({ db: t.db, user, path: '/account?/twoStepConfirm', form: { code: codeFor(secret) } }));
	expect(confirmed.result).toMatchObject({ recoveryCodes: expect.any(Array) });
	return secret;
}

describe('every way in ends at the sign-in gate', () => {
	/** The code step as the browser meets it: the page (with `next`), then the form. */
	async function giveCode(jar: CookieJar, next: string, code: string) {
		const page = await call(codeLoad, fakeEvent({ db: t.db, path: `/sign-in/code?next=${encodeURIComponent(next)}`, cookies: jar }));
		expect(page.result).toEqual({ next });
		return call(codeActions.default, fakeEvent({ db: t.db, path: '/sign-in/code', form: { code, next }, cookies: jar }));
	}

	/** The set-up step as the browser meets it: the page shows a new key, and its first code finishes the sign-in. */
	async function setUp(jar: CookieJar, next: string) {
		const page = (await call(setUpLoad, fakeEvent({ db: t.db, path: `/sign-in/set-up?next=${encodeURIComponent(next)}`, cookies: jar }))).result as {
			next: string;
			key: { secret: string };
		};
		expect(page.next).toBe(next);
		const done = await call(setUpActions.default, fakeEvent({ db: t.db, path: '/sign-in/set-up', form: { code: codeFor(page.key.secret.replace(/\s/g, '')), next }, cookies: jar }));
		expect(done.result).toMatchObject({ recoveryCodes: expect.any(Array), next });
	}

	const useResetLink = (token: string, jar: CookieJar) =>
		call(resetActions.default, fakeEvent({ db: t.db, path: `/reset-password/${token}`, params: { token }, form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD }, cookies: jar }));

	it('asks for the code after a reset link the person asked for, and starts the session only with it', async () => {
		const manager = f.users.manager;
		const secret = await turnOnTwoStep(manager);
		await call(forgotActions.default, fakeEvent({ db: t.db, path: '/forgot-password', form: { email: manager.email } }));
		await afterResponsesSettled();
		const token = /reset-password\/(\S+)/.exec((await queuedMail(t.db))[0]!.text)![1]!;

		const jar: CookieJar = new Map();
		const used = await useResetLink(token, jar);
		expect(locationOf(used.thrown)).toBe('/sign-in/code?next=%2Faccount%3Fdone%3Dpassword-reset');
		expect(await sessionIds(t.db, manager.id)).toEqual([]);
		expect(jar.has(SESSION_COOKIE)).toBe(false);
		expect(jar.get(CHALLENGE)?.options).toMatchObject({ path: '/sign-in', httpOnly: true });

		// A wrong code opens nothing; the right one opens the session and goes where the link meant to.
		expect(statusOfFailure((await giveCode(jar, '/account?done=password-reset', '000000')).result)).toBe(401);
		expect(await sessionIds(t.db, manager.id)).toEqual([]);
		const done = await giveCode(jar, '/account?done=password-reset', codeFor(secret, 1));
		expect(locationOf(done.thrown)).toBe('/account?done=password-reset');
		expect(await sessionIds(t.db, manager.id)).toEqual([hashToken(jar.get(SESSION_COOKIE)!.value)]);
	});

	it('asks for the code after a reset link an administrator issued, and only that session is not told of the reset', async () => {
		const lead = f.users.pcnLead;
		const secret = await turnOnTwoStep(lead);
		const issued = await call(personActions.reset, fakeEvent({ db: t.db, user: f.users.admin, path: `/users/${lead.id}`, params: { userId: String(lead.id) }, form: {} }));
		const token = (issued.result as { link: { url: string } }).link.url.split('/').pop()!;

		const jar: CookieJar = new Map();
		const used = await useResetLink(token, jar);
		expect(locationOf(used.thrown)).toBe('/sign-in/code?next=%2Faccount%3Fdone%3Dpassword-reset');
		expect(await sessionIds(t.db, lead.id)).toEqual([]);

		const done = await giveCode(jar, '/account?done=password-reset', codeFor(secret, 1));
		expect(locationOf(done.thrown)).toBe('/account?done=password-reset');
		const opened = jar.get(SESSION_COOKIE)!.value;
		expect(await sessionIds(t.db, lead.id)).toEqual([hashToken(opened)]);
		// The session the link opened is not told; any other is.
		expect((await validateSessionToken(t.db, opened))?.adminResetNotice).toBeNull();
		const other = await createSession(t.db, lead.id);
		expect((await validateSessionToken(t.db, other.token))?.adminResetNotice).toMatch(/an administrator, created a password reset link/);
	});

	it('asks for set-up after a reset link when the role requires two-step sign-in and it is not set up', async () => {
		const lead = f.users.pcnLead;
		expect(await setRolesRequiringSecondStep(t.db, f.users.admin, ['pcn_lead'])).toEqual({ ok: true });
		const issued = await call(personActions.reset, fakeEvent({ db: t.db, user: f.users.admin, path: `/users/${lead.id}`, params: { userId: String(lead.id) }, form: {} }));
		const token = (issued.result as { link: { url: string } }).link.url.split('/').pop()!;

		const jar: CookieJar = new Map();
		const used = await useResetLink(token, jar);
		expect(locationOf(used.thrown)).toBe('/sign-in/set-up?next=%2Faccount%3Fdone%3Dpassword-reset');
		expect(await sessionIds(t.db, lead.id)).toEqual([]);
		await setUp(jar, '/account?done=password-reset');
		const opened = jar.get(SESSION_COOKIE)!.value;
		expect(await sessionIds(t.db, lead.id)).toEqual([hashToken(opened)]);
		expect((await validateSessionToken(t.db, opened))?.adminResetNotice).toBeNull();
	});

	it('asks for set-up after accepting an invitation when the role requires two-step sign-in', async () => {
		expect(await setRolesRequiringSecondStep(t.db, f.users.admin, ['practice_manager'])).toEqual({ ok: true });
		const invited = await inviteUser(
			t.db,
			f.users.admin,
			{ email: 'newbie@example.nhs.uk', displayName: 'Nia Newbie', role: 'practice_manager', scope: { practiceIds: [f.practices.a1.id] } },
			{ origin: 'http://localhost', mail: false }
		);
		if (!invited.ok) throw new Error('invitation failed');
		const token = invited.link.url.split('/').pop()!;

		const jar: CookieJar = new Map();
		const accepted = await call(
			invitationActions.default,
			fakeEvent({ db: t.db, path: `/invitation/${token}`, params: { token }, form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD }, cookies: jar })
		);
		expect(locationOf(accepted.thrown)).toBe('/sign-in/set-up?next=%2F');
		const newbie = (await findUserByEmail(t.db, 'newbie@example.nhs.uk'))!;
		expect(await sessionIds(t.db, newbie.id)).toEqual([]);
		expect(jar.has(SESSION_COOKIE)).toBe(false);
		await setUp(jar, '/');
		expect(await sessionIds(t.db, newbie.id)).toEqual([hashToken(jar.get(SESSION_COOKIE)!.value)]);
	});

	it('ends a sign-in waiting for its code when the password is changed with a reset link', async () => {
		const manager = f.users.manager;
		const secret = await turnOnTwoStep(manager);
		// Someone who knows the old password gets as far as the code step…
		const theirs: CookieJar = new Map();
		const signedIn = await call(signInActions.default, fakeEvent({ db: t.db, path: '/sign-in', form: { email: manager.email, password: TEST_PASSWORD }, cookies: theirs }));
		expect(locationOf(signedIn.thrown)).toBe('/sign-in/code?next=%2F');
		// …then the person changes it with a reset link, and goes through the gate themselves.
		await call(forgotActions.default, fakeEvent({ db: t.db, path: '/forgot-password', form: { email: manager.email } }));
		await afterResponsesSettled();
		const token = /reset-password\/(\S+)/.exec((await queuedMail(t.db))[0]!.text)![1]!;
		const own: CookieJar = new Map();
		expect(locationOf((await useResetLink(token, own)).thrown)).toBe('/sign-in/code?next=%2Faccount%3Fdone%3Dpassword-reset');

		// The old password's sign-in is gone, even with a right code; the person's own goes on.
		const stale = await call(codeActions.default, fakeEvent({ db: t.db, path: '/sign-in/code', form: { code: codeFor(secret, 1), next: '/' }, cookies: theirs }));
		expect(statusOfFailure(stale.result)).toBe(410);
		expect(theirs.has(SESSION_COOKIE)).toBe(false);
		const done = await giveCode(own, '/account?done=password-reset', codeFor(secret, 1));
		expect(locationOf(done.thrown)).toBe('/account?done=password-reset');
	});

	it('is the only code that starts a session, so a way in added later cannot skip it', () => {
		const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|svelte)$/.test(file));
		const starters = files.filter((file) => /\bcreateSession\(/.test(readFileSync(join('src', file), 'utf8')));
		expect(starters.sort()).toEqual([join('lib', 'server', 'accounts', 'sessions.ts'), join('lib', 'server', 'accounts', 'sign-in-gate.ts')]);
	});
});

describe('one code limit for every page that takes a code', () => {
	const turnOff = (user: SignedInUser, code: string) =>
		call(accountActions.twoStepOff, fakeEvent({ db: t.db, user, path: '/account?/twoStepOff', form: { code } }));

	async function twoStepIsOn(userId: number): Promise<boolean> {
		const row = await t.db.selectFrom('second_factor').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
		return row?.confirmed_at != null;
	}

	it('refuses the sixth code on /account?/twoStepOff, as at sign-in, even a right one', async () => {
		const manager = f.users.manager;
		const secret = await turnOnTwoStep(manager);
		for (let i = 0; i < 5; i++) expect(statusOfFailure((await turnOff(manager, '123456')).result), `try ${i + 1}`).toBe(400);
		const blocked = await turnOff(manager, codeFor(secret, 1));
		expect(statusOfFailure(blocked.result)).toBe(429);
		expect(JSON.stringify(blocked.result)).toContain('Too many codes tried');
		expect(await twoStepIsOn(manager.id)).toBe(true);
	});

	it('counts codes at sign-in and on the account page against one allowance', async () => {
		const manager = f.users.manager;
		const secret = await turnOnTwoStep(manager);
		const jar: CookieJar = new Map();
		const signedIn = await call(signInActions.default, fakeEvent({ db: t.db, path: '/sign-in', form: { email: manager.email, password: TEST_PASSWORD }, cookies: jar }));
		expect(locationOf(signedIn.thrown)).toBe('/sign-in/code?next=%2F');
		const atSignIn = () => call(codeActions.default, fakeEvent({ db: t.db, path: '/sign-in/code', form: { code: '123456', next: '/' }, cookies: jar }));

		// Two wrong at sign-in and three wrong on the account page make five: the limit, on both.
		for (let i = 0; i < 2; i++) expect(statusOfFailure((await atSignIn()).result)).toBe(401);
		for (let i = 0; i < 3; i++) expect(statusOfFailure((await turnOff(manager, '123456')).result)).toBe(400);
		expect(statusOfFailure((await turnOff(manager, codeFor(secret, 1))).result)).toBe(429);
		const right = await call(codeActions.default, fakeEvent({ db: t.db, path: '/sign-in/code', form: { code: codeFor(secret, 1), next: '/' }, cookies: jar }));
		expect(statusOfFailure(right.result)).toBe(429);
		expect(await twoStepIsOn(manager.id)).toBe(true);
		expect(jar.has(SESSION_COOKIE)).toBe(false);
	});
});
