/**
 * An administrator downloads everything held about a person and then erases their account,
 * through the page that asks first, in Chromium. The person is made for this test (a demo
 * account erased here would be missing from the other tests on the shared demo server).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, downloadedText, launchChromium, signIn } from './browser';

let browser: Browser;
let admin: Page;
const base = () => inject('baseUrl');
const stamp = Date.now().toString(36);
const NAME = `Jordan Erasewell ${stamp}`;
const EMAIL = `jordan.erasewell.${stamp}@example.nhs.uk`;
const PASSWORD = 'quiet orchard lantern pebble';

beforeAll(async () => {
	browser = await launchChromium();
	admin = await browser.newPage({ viewport: { width: 1000, height: 900 } });
	await signIn(admin, base(), 'admin@demo.belonging.example');
});
afterAll(async () => {
	await browser?.close();
});

const expectAxeClean = async (page: Page) => expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

describe('what Belonging holds about a person', () => {
	it('downloads it as one file, then erases the account after asking, and the person can no longer get in', async () => {
		// A link worker at Riverside Surgery who accepts their invitation and is signed in.
		await admin.goto(`${base()}/users/invite`);
		await admin.getByLabel('Full name').fill(NAME);
		await admin.getByLabel('Email address').fill(EMAIL);
		await admin.getByLabel('Link worker').check();
		await admin.getByLabel(/^Riverside Surgery/).check();
		await admin.getByRole('button', { name: 'Create invitation' }).click();
		const link = await admin.locator('.copy-box').innerText();
		const person = await (await browser.newContext()).newPage();
		await person.goto(link);
		await person.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await person.getByLabel('Type the password again').fill(PASSWORD);
		await person.getByRole('button', { name: 'Set password and sign in' }).click();
		await person.waitForURL((url) => !url.pathname.startsWith('/invitation'));
		expect(await person.getByRole('heading', { name: 'Practices you work with', level: 1 }).count()).toBe(1);

		await admin.goto(`${base()}/users?q=${encodeURIComponent(EMAIL)}`);
		await admin.getByRole('link', { name: NAME }).click();
		await admin.waitForURL(/\/users\/\d+$/);
		const userId = /\/users\/(\d+)$/.exec(admin.url())![1]!;
		await expectAxeClean(admin);

		const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name: 'Download everything we hold' }).click()]);
		expect(download.suggestedFilename()).toMatch(new RegExp(`^belonging-account-${userId}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
		const file = JSON.parse(await downloadedText(download)) as {
			profile: { email: string; displayName: string; passwordSet: boolean };
			scope: { practices: { name: string }[] };
			signIns: { sessions: unknown[] };
		};
		expect(file.profile).toMatchObject({ email: EMAIL, displayName: NAME, passwordSet: true });
		expect(file.scope.practices.map((p) => p.name)).toEqual(['Riverside Surgery']);
		expect(file.signIns.sessions.length).toBeGreaterThan(0);

		await admin.getByRole('link', { name: `Erase ${NAME}’s account` }).click();
		await admin.waitForURL(new RegExp(`/users/${userId}/erase$`));
		expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe(`Erase ${NAME}’s account`);
		await expectAxeClean(admin);
		// Not ticked: asked again, nothing erased.
		await admin.getByRole('button', { name: 'Erase this account' }).click();
		await admin.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await admin.getByRole('link', { name: 'Tick the box to confirm that you mean to erase this account' }).count()).toBe(1);
		expect(await admin.title()).toMatch(/^Error: /);
		await expectAxeClean(admin);
		await person.reload();
		expect(await person.getByRole('heading', { name: 'Practices you work with', level: 1 }).count()).toBe(1);

		await admin.getByLabel(/I understand that .* will be erased/).check();
		await admin.getByRole('button', { name: 'Erase this account' }).click();
		await admin.waitForSelector('h1:text("Account erased")');
		expect(await admin.getByRole('status').innerText()).toBe(`Account #${userId} is erased.`);
		await expectAxeClean(admin);

		// The log keeps the invitation, the acceptance and the download, none of them naming the person. (A later
		// sign-in attempt with the old address is logged as any unknown address is: so it is looked at first.)
		await admin.goto(`${base()}/admin/audit`);
		const log = await admin.locator('main').innerText();
		expect(log).toContain(`Erased account #${userId}`);
		expect(log).toContain('A former user');
		expect(log).not.toContain(EMAIL);
		expect(log).not.toContain('Erasewell');

		// Their session ended, their password no longer opens anything, and they are not among the people.
		await person.goto(`${base()}/account`);
		await person.waitForURL(/\/sign-in\?next=%2Faccount$/);
		await person.getByLabel('Email address').fill(EMAIL);
		await person.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await person.getByRole('button', { name: 'Sign in', exact: true }).click();
		await person.getByText('The email address or password is not right').first().waitFor();
		expect(new URL(person.url()).pathname).toBe('/sign-in');
		await admin.goto(`${base()}/users?q=${encodeURIComponent('erasewell')}`);
		expect(await admin.getByRole('link', { name: NAME }).count()).toBe(0);
		const gone = await admin.goto(`${base()}/users/${userId}`);
		expect(gone?.status()).toBe(404);
		await person.context().close();
	});
});
