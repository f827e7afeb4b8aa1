/**
 * Two-step sign-in in Chromium, on a demo server of its own: the PCN lead sets it up from
 * /account with the key shown beside the QR code, keeps the recovery codes, signs out, and signs
 * in again with the password and then a code, at 360 px; a recovery code also works, once; the
 * admin resets it; a password chosen with a reset link waits for the code too. axe checks each
 * new page.
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD_FOR_TESTS, signIn } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const own = useOwnServer('two-step', () => ({ DEMO: '1' }));

const LEAD = 'pcn.lead@demo.belonging.example';

async function passwordStep(page: Page) {
	await page.goto(`${own.server.url}/sign-in`);
	await page.getByLabel('Email address').fill(LEAD);
	await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD_FOR_TESTS);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await page.waitForURL(/\/sign-in\/code/);
}

describe('two-step sign-in', () => {
	let secret: string;
	let recoveryCodes: string[];

	it('is set up from the account page with an authenticator code, and shows the recovery codes once', async () => {
		const page = await own.browser.newPage();
		await signIn(page, own.server.url, LEAD);
		await page.goto(`${own.server.url}/account`);
		await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
		await page.waitForURL(/\/account#two-step$/);
		expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).count()).toBe(1);
		await expectAxeClean(page);
		secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
		await page.getByLabel('Code from your app').fill('000000');
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		await page.getByLabel('Code from your app').fill(TOTP.generate({ secret: Secret.fromBase32(secret) }));
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		const codes = page.getByRole('list', { name: 'Recovery codes' });
		await codes.waitFor();
		recoveryCodes = await codes.getByRole('listitem').allInnerTexts();
		expect(recoveryCodes).toHaveLength(10);
		await expectAxeClean(page);
		// Shown once: the page afterwards says it is on, without the codes.
		await page.goto(`${own.server.url}/account`);
		expect(await page.getByRole('region', { name: 'Two-step sign-in' }).innerText()).toContain('10 recovery codes are left');
		expect(await page.getByText(recoveryCodes[0]!).count()).toBe(0);
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.close();
	});

	it('asks for the code after the password, on a phone, and signs in with it', async () => {
		const context = await own.browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await passwordStep(page);
		await expectAxeClean(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		// No session yet: the home page still offers to sign in.
		const elsewhere = await context.newPage();
		await elsewhere.goto(`${own.server.url}/account`);
		expect(new URL(elsewhere.url()).pathname).toBe('/sign-in');
		await elsewhere.close();
		await page.getByLabel('Code').fill('123456');
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await page.locator('#code-error').innerText()).toContain('That code is not right');
		await expectAxeClean(page);
		// The next time step's code: newer than the one used at set-up, and within the one-step allowance.
		await page.getByLabel('Code').fill(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + 30_000 }));
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
		expect(await page.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);
		await context.close();
	});

	it('takes a recovery code once, and the admin can reset it', async () => {
		const page = await own.browser.newPage();
		await passwordStep(page);
		await page.getByLabel('Code').fill(recoveryCodes[0]!);
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await passwordStep(page);
		await page.getByLabel('Code').fill(recoveryCodes[0]!);
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		await page.close();

		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		await admin.goto(`${own.server.url}/users`);
		await admin.getByRole('link', { name: 'Priya Shah' }).first().click();
		await admin.waitForURL(/\/users\/\d+$/);
		// It asks first, saying what the reset does and what Priya must do next; nothing changes until confirmed.
		await admin.getByRole('link', { name: /^Reset .*two-step sign-in$/ }).click();
		await admin.waitForURL(/confirm=resetTwoStep/);
		expect(await admin.locator('main').innerText()).toMatch(/set up two-step sign-in again/);
		await expectAxeClean(admin);
		await admin.getByRole('button', { name: 'Yes, reset two-step sign-in' }).click();
		await admin.waitForURL(/done=two-step-reset/);
		expect(await admin.getByRole('status').first().innerText()).toContain('two-step sign-in is reset');
		await expectAxeClean(admin);
		await admin.close();

		const again = await own.browser.newPage();
		await signIn(again, own.server.url, LEAD);
		expect(new URL(again.url()).pathname).toBe('/');
		await again.close();
	});

	it('is set up at sign-in once the admin requires it for PCN leads, and then cannot be turned off', async () => {
		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		await admin.goto(`${own.server.url}/admin/security`);
		await expectAxeClean(admin);
		await admin.getByLabel('PCN leads').check();
		await admin.getByRole('button', { name: 'Save' }).click();
		await admin.waitForURL(/\/admin\/security\?saved$/);
		expect(await admin.getByLabel('PCN leads').isChecked()).toBe(true);
		await admin.close();

		const page = await (await own.browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
		await page.goto(`${own.server.url}/sign-in`);
		await page.getByLabel('Email address').fill(LEAD);
		await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD_FOR_TESTS);
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.waitForURL(/\/sign-in\/set-up/);
		expect(await page.getByRole('heading', { name: 'Set up two-step sign-in', level: 1 }).count()).toBe(1);
		await expectAxeClean(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		const key = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
		secret = key;
		await page.getByLabel('Code from your app').fill(TOTP.generate({ secret: Secret.fromBase32(key) }));
		await page.getByRole('button', { name: 'Turn on and sign in' }).click();
		const codes = page.getByRole('list', { name: 'Recovery codes' });
		await codes.waitFor();
		expect(await codes.getByRole('listitem').count()).toBe(10);
		await expectAxeClean(page);
		await page.getByRole('link', { name: 'Continue to Belonging' }).click();
		await page.waitForURL((url) => url.pathname === '/');
		expect(await page.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);

		await page.goto(`${own.server.url}/account`);
		await page.getByLabel(/Code from your app, or a recovery code/).fill(TOTP.generate({ secret: Secret.fromBase32(key), timestamp: Date.now() + 30_000 }));
		await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await page.locator('.error-summary').innerText()).toContain('required for PCN leads');
	});

	// Issue 24, item 1: a reset link used to sign its holder in with no code.
	it('asks for the code after a password chosen with a reset link, and starts no session until it is given', async () => {
		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		await admin.goto(`${own.server.url}/users`);
		await admin.getByRole('link', { name: 'Priya Shah' }).first().click();
		await admin.waitForURL(/\/users\/\d+$/);
		await admin.getByRole('button', { name: 'Create a password reset link' }).click();
		const link = new URL(await admin.locator('#link-to-copy').innerText());
		await admin.close();

		const context = await own.browser.newContext();
		const page = await context.newPage();
		await page.goto(`${own.server.url}${link.pathname}`);
		await page.getByLabel('New password', { exact: true }).fill('mossy harbour violin teapot');
		await page.getByLabel('Type the password again').fill('mossy harbour violin teapot');
		await page.getByRole('button', { name: 'Save new password' }).click();
		await page.waitForURL(/\/sign-in\/code\?/);
		expect(new URL(page.url()).searchParams.get('next')).toBe('/account?done=password-reset');
		// No session yet: the home page shows no dashboard, and the account page sends this browser to sign in.
		const elsewhere = await context.newPage();
		await elsewhere.goto(`${own.server.url}/`);
		expect(await elsewhere.getByRole('heading', { name: 'Practices in your PCN' }).count()).toBe(0);
		await elsewhere.goto(`${own.server.url}/account`);
		expect(new URL(elsewhere.url()).pathname).toBe('/sign-in');
		await elsewhere.close();

		await page.getByLabel('Code').fill(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + 30_000 }));
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL((url) => url.pathname === '/account' && url.searchParams.get('done') === 'password-reset');
		expect(await page.getByText('Your new password is saved and you are signed in').count()).toBe(1);
		// The person who used the link is not told of it; their other sessions would be.
		expect(await page.getByText(/created a password reset link for your account/).count()).toBe(0);
		await page.goto(`${own.server.url}/`);
		expect(await page.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);
		await context.close();
	});
});
