/**
 * Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider, started here
 * on a local port), with a demo server of its own configured to use it: an invited person
 * accepts through the provider and lands on their home page; an identity with no account, a
 * tampered `state`, a replayed code, and ID tokens for another audience or signed with an
 * unpublished key are each refused, on the sign-in page at a clean address that a reload does
 * not turn into an error, and no session; Entra ID's way of sending
 * the address works; signing out ends the session and offers the provider's sign-out; an
 * administrator can require single sign-on, after which the password is refused. axe checks
 * every new page.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/server';
import { demoIdentities, startTestProvider, type TestProvider } from '../helpers/oidc-provider';
import { DEMO_PASSWORD_FOR_TESTS, signIn } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const NAME = 'NHSmail (test)';
const INVITEE = 'robin.new@demo.belonging.example';

let provider: TestProvider;
let serverPort: number;

// The provider first: it must know Belonging's return address, so the server's port is chosen before either starts.
beforeAll(async () => {
	serverPort = await freePort();
	const url = `http://127.0.0.1:${serverPort}`;
	provider = await startTestProvider({
		port: await freePort(),
		redirectUri: `${url}/sign-in/sso/callback`,
		signedOutUri: `${url}/sign-in`,
		identities: [...demoIdentities(), { login: INVITEE, claims: { email: INVITEE, email_verified: true } }]
	});
});
afterAll(async () => {
	await provider?.stop();
});
const own = useOwnServer(
	'single-sign-on',
	() => ({ DEMO: '1', SSO_ISSUER: provider.issuer, SSO_CLIENT_ID: provider.clientId, SSO_CLIENT_SECRET: provider.clientSecret, SSO_NAME: NAME }),
	{ port: () => serverPort }
);

/** At the provider's own sign-in page: any password will do there. */
async function signInAtProvider(page: Page, login: string) {
	await page.waitForURL((url) => url.origin === provider.issuer);
	await page.locator('input[name="login"]').fill(login);
	await page.locator('input[name="password"]').fill('anything');
	await page.locator('button[type="submit"]').click();
}

/** From Belonging's sign-in page through the provider and back; the response to the callback is returned. */
async function singleSignOn(page: Page, login: string) {
	await page.goto(`${own.server.url}/sign-in`);
	const callback = page.waitForResponse((r) => r.url().includes('/sign-in/sso/callback'));
	await page.getByRole('link', { name: `Sign in with ${NAME}` }).click();
	await signInAtProvider(page, login);
	return callback;
}

const isCallback = (url: URL) => url.pathname === '/sign-in/sso/callback';

/**
 * The provider's answer for `login`, fetched with the browser's cookies but not delivered to
 * Belonging: the redirects followed by hand, signing in at the provider's page if it asks.
 */
async function providerAnswer(page: Page, login: string): Promise<string> {
	let at = new URL(`${own.server.url}/sign-in/sso`);
	for (let hop = 0; hop < 10; hop++) {
		if (isCallback(at)) return at.toString();
		const response = await page.request.get(at.toString(), { maxRedirects: 0 });
		const location = response.headers()['location'];
		if (location) {
			at = new URL(location, at);
			continue;
		}
		const action = /<form[^>]*action="([^"]+)"/.exec(await response.text())?.[1];
		if (!action) throw new Error(`No redirect and no sign-in form at ${at}: ${response.status()}`);
		const posted = await page.request.post(new URL(action.replaceAll('&amp;', '&'), at).toString(), {
			form: { prompt: 'login', login, password: 'anything' },
			maxRedirects: 0
		});
		at = new URL(posted.headers()['location']!, at);
	}
	throw new Error('The provider did not answer within ten redirects');
}

async function isSignedIn(page: Page): Promise<boolean> {
	const response = await page.request.get(`${own.server.url}/account`, { maxRedirects: 0 });
	return response.status() === 200;
}

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
	const context = await own.browser.newContext();
	return { context, page: await context.newPage() };
}

describe('single sign-on', () => {
	it('offers the provider on the sign-in page, beside the password', async () => {
		const { context, page } = await freshPage();
		await page.goto(`${own.server.url}/sign-in`);
		expect(await page.getByRole('link', { name: `Sign in with ${NAME}` }).count()).toBe(1);
		expect(await page.getByRole('heading', { name: 'Or sign in with a password' }).count()).toBe(1);
		await expectAxeClean(page);
		await context.close();
	});

	it('lets an invited person accept through the provider, and lands them on their home page', async () => {
		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		await admin.goto(`${own.server.url}/users/invite`);
		await admin.getByLabel('Full name').fill('Robin New');
		await admin.getByLabel('Email address').fill(INVITEE);
		await admin.getByLabel('Practice manager').check();
		await admin.getByLabel(/^Riverside Surgery/).check();
		await admin.getByRole('button', { name: 'Create invitation' }).click();
		const link = await admin.locator('.copy-box').innerText();

		const { context, page } = await freshPage();
		await page.goto(link);
		await expectAxeClean(page);
		await page.getByRole('link', { name: `Accept with ${NAME}` }).click();
		await signInAtProvider(page, INVITEE);
		await page.waitForURL(`${own.server.url}/`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Your practice');
		expect(await page.locator('main').innerText()).toContain('Riverside Surgery');
		// No Belonging password: the account page says how they sign in instead.
		await page.goto(`${own.server.url}/account`);
		expect(await page.getByRole('region', { name: 'How you sign in' }).innerText()).toContain(`You sign in with ${NAME}`);
		expect(await page.getByRole('region', { name: 'Change your password' }).count()).toBe(0);
		await expectAxeClean(page);
		// The invitation is used up, and the people page shows them active and linked.
		await page.goto(link);
		expect(await page.locator('main').innerText()).toContain('already been used');
		await admin.goto(`${own.server.url}/users`);
		expect(await admin.getByRole('row', { name: /Robin New/ }).innerText()).toMatch(/Active/);
		await admin.goto(`${own.server.url}/admin/audit`);
		const log = await admin.locator('main').innerText();
		expect(log).toContain(`Accepted the invitation by signing in with ${NAME}`);
		expect(log).toContain(`Signed in with ${NAME} (single sign-on)`);
		await context.close();
		await admin.close();
	});

	it('refuses an identity with no account, saying so in words on a clean sign-in address, and starts no session', async () => {
		const { context, page } = await freshPage();
		const callback = await singleSignOn(page, 'stranger@elsewhere.example');
		// Sent on at once: the provider's code and state leave the address bar.
		expect(callback.status()).toBe(303);
		await page.waitForURL(`${own.server.url}/sign-in?sso=no-account`);
		expect(page.url()).not.toMatch(/code=|state=/);
		const noAccount = `You are not signed in. There is no Belonging account you can use for the address ${NAME} gave.`;
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in');
		expect(await page.getByRole('alert').innerText()).toContain(noAccount);
		await expectAxeClean(page);
		await page.setViewportSize({ width: 360, height: 740 });
		await expectAxeClean(page);
		// A reload asks nothing of the provider again: the same words, no error.
		const reloaded = await page.reload();
		expect(reloaded?.status()).toBe(200);
		expect(await page.getByRole('alert').innerText()).toContain(noAccount);
		expect(await isSignedIn(page)).toBe(false);
		// Only the fixed keys have words: anything else in the address shows nothing.
		await page.goto(`${own.server.url}/sign-in?sso=${encodeURIComponent('Call 0800 000 000 to sign in')}`);
		expect(await page.getByRole('alert').count()).toBe(0);
		expect(await page.locator('main').innerText()).not.toContain('0800');
		await page.goto(`${own.server.url}/sign-in?sso=constructor`);
		expect(await page.getByRole('alert').count()).toBe(0);
		await context.close();
	});

	it('signs in the address Entra ID sends in preferred_username, and sign-out ends the session and offers the provider’s', async () => {
		const { context, page } = await freshPage();
		await singleSignOn(page, 'entra-style');
		await page.waitForURL(`${own.server.url}/`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Practices in your PCN');
		expect(await isSignedIn(page)).toBe(true);
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.waitForURL(/\/sign-in\?signed-out=sso$/);
		expect(await isSignedIn(page)).toBe(false);
		const providerSignOut = page.getByRole('link', { name: `sign out of ${NAME} too` });
		expect(await providerSignOut.getAttribute('href')).toMatch(new RegExp(`^${provider.issuer}/session/end\\?`));
		await expectAxeClean(page);
		// The provider's own sign-out asks, then comes back to Belonging's sign-in page.
		await providerSignOut.click();
		await page.getByRole('button', { name: 'Yes, sign me out' }).click();
		await page.waitForURL(`${own.server.url}/sign-in`);
		await context.close();
	});

	it('keeps an account to the provider identity it first signed in with, even for the same address', async () => {
		// The PCN lead's account was linked to the Entra-style identity above; another identity
		// that the provider says has the same address (a reissued mailbox, say) opens nothing.
		const { context, page } = await freshPage();
		const callback = await singleSignOn(page, 'pcn.lead@demo.belonging.example');
		expect(callback.status()).toBe(303);
		await page.waitForURL(`${own.server.url}/sign-in?sso=linked-elsewhere`);
		expect(await page.locator('main').innerText()).toContain(`linked to a different ${NAME} identity`);
		expect(await isSignedIn(page)).toBe(false);
		await context.close();
	});

	it('refuses a tampered state', async () => {
		const { context, page } = await freshPage();
		// The provider's answer, stopped on its way back, its state changed, and delivered.
		const answer = await providerAnswer(page, 'practice.manager@demo.belonging.example');
		const tampered = new URL(answer);
		tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
		const response = await page.goto(tampered.toString());
		expect(response?.url()).toBe(`${own.server.url}/sign-in?sso=unconfirmed`);
		expect(await page.locator('main').innerText()).toContain(`could not confirm the answer from ${NAME}`);
		await expectAxeClean(page);
		expect(await isSignedIn(page)).toBe(false);
		// The attempt is used up: the untouched answer is refused now too.
		expect((await page.goto(answer))?.url()).toBe(`${own.server.url}/sign-in?sso=ended`);
		expect(await page.locator('main').innerText()).toContain('This sign-in has ended');
		expect(await isSignedIn(page)).toBe(false);
		await context.close();
	});

	it('refuses a code used twice, at the provider as well as by Belonging', async () => {
		const { context, page } = await freshPage();
		const first = await providerAnswer(page, 'practice.manager@demo.belonging.example');
		expect((await page.goto(first))?.url()).toBe(`${own.server.url}/`);
		expect(await isSignedIn(page)).toBe(true);
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.waitForURL(/signed-out/);
		// Replayed as it was: its attempt is gone.
		expect((await page.goto(first))?.url()).toBe(`${own.server.url}/sign-in?sso=ended`);
		// Replayed inside a new attempt (its state), so only the provider can refuse the old code;
		// the provider remembers the person, so it answers without asking again.
		const replay = new URL(await providerAnswer(page, 'practice.manager@demo.belonging.example'));
		replay.searchParams.set('code', new URL(first).searchParams.get('code')!);
		expect((await page.goto(replay.toString()))?.url()).toBe(`${own.server.url}/sign-in?sso=unconfirmed`);
		expect(await isSignedIn(page)).toBe(false);
		await context.close();
	});

	it('refuses an ID token for another audience, and one signed with a key the provider never published', async () => {
		for (const tamper of [{ audience: 'another-application' }, { foreignKey: true }]) {
			Object.assign(provider.tamper, tamper);
			try {
				const { context, page } = await freshPage();
				const callback = await singleSignOn(page, 'practice.manager@demo.belonging.example');
				expect(callback.status(), JSON.stringify(tamper)).toBe(303);
				await page.waitForURL(`${own.server.url}/sign-in?sso=unconfirmed`);
				expect(await isSignedIn(page)).toBe(false);
				await context.close();
			} finally {
				delete provider.tamper.audience;
				delete provider.tamper.foreignKey;
			}
		}
	});

	it('lets an administrator require single sign-on, after which the password is refused', async () => {
		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		const { context, page } = await freshPage();
		await signIn(page, own.server.url, 'link.worker@demo.belonging.example');
		await admin.goto(`${own.server.url}/users`);
		await admin.getByRole('link', { name: 'Sam Okafor' }).click();
		await admin.getByRole('link', { name: `Require sign-in with ${NAME}` }).click();
		await admin.waitForURL(/confirm=requireSso/);
		expect(await admin.locator('main').innerText()).toContain('Their password stops working');
		await admin.getByRole('button', { name: `Yes, require ${NAME}` }).click();
		await admin.getByText('now signs in through single sign-on only').waitFor();
		await expectAxeClean(admin);
		// Their password session has ended, and the password no longer opens one.
		expect(await isSignedIn(page)).toBe(false);
		await page.goto(`${own.server.url}/sign-in`);
		await page.getByLabel('Email address').fill('link.worker@demo.belonging.example');
		await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD_FOR_TESTS);
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.getByText(`Your account signs in with ${NAME}, not a password.`).waitFor();
		expect(await isSignedIn(page)).toBe(false);
		await singleSignOn(page, 'link.worker@demo.belonging.example');
		await page.waitForURL(`${own.server.url}/`);
		expect(await isSignedIn(page)).toBe(true);
		await admin.getByRole('button', { name: 'Allow password sign-in again' }).click();
		await admin.getByText('can sign in with a password again').waitFor();
		// The administrators' overview counts who signs in that way.
		await admin.goto(`${own.server.url}/admin/security`);
		const overview = await admin.locator('main').innerText();
		expect(overview).toContain(`People can sign in with ${NAME} (the provider at ${new URL(provider.issuer).host}).`);
		// Robin, Jo, Priya and Sam have signed in through it; nobody must any more.
		expect(overview).toMatch(/4 accounts have signed in that way, and 0 accounts\s+must\./);
		await expectAxeClean(admin);
		await context.close();
		await admin.close();
	});
});
