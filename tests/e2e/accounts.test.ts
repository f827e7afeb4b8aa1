import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

const base = () => inject('baseUrl');

describe('signing in as each demo role', () => {
	it('lists the demo accounts on the sign-in page, which passes axe at 360 px', async () => {
		const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
		await page.goto(`${base()}/sign-in`);
		expect(await page.getByRole('heading', { name: 'Sign in', level: 1 }).count()).toBe(1);
		const demo = page.getByRole('table', { name: 'Demo accounts, one for each role' });
		// A heading row and one account for each of the five roles.
		expect(await demo.getByRole('row').count()).toBe(6);
		expect(await page.getByText('belonging-demo-2026').count()).toBeGreaterThan(0);
		// The wide table scrolls inside its box; the page itself never scrolls sideways.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('takes the admin to administration, with no practice results', async () => {
		const page = await browser.newPage();
		await signIn(page, base(), 'admin@demo.belonging.example');
		expect(new URL(page.url()).pathname).toBe('/admin');
		expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).count()).toBe(1);
		await page.goto(`${base()}/`);
		expect(new URL(page.url()).pathname).toBe('/admin');
		await page.close();
	});

	it('shows the PCN lead every practice in the PCN', async () => {
		const page = await browser.newPage();
		await signIn(page, base(), 'pcn.lead@demo.belonging.example');
		expect(await page.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);
		expect(await page.getByRole('article').count()).toBe(5);
		await page.close();
	});

	it('shows the ICB lead their ICB and its five PCNs, no practice, and PCN leads alone to invite; each page passes axe', async () => {
		const page = await browser.newPage();
		await signIn(page, base(), 'icb.lead@demo.belonging.example');
		expect(await page.getByRole('heading', { name: 'Your ICB', level: 1 }).count()).toBe(1);
		const icb = page.getByRole('link', { name: /NHS Example Integrated Care Board \(demo\)\s*: compare its PCNs/ });
		expect(await icb.getAttribute('href')).toMatch(/^\/icbs\/\d+$/);
		const pcns = page.getByRole('table', { name: /^PCNs in NHS Example Integrated Care Board/ }).getByRole('link');
		expect(await pcns.count()).toBe(5);
		for (const href of await pcns.evaluateAll((links) => links.map((a) => a.getAttribute('href')))) expect(href).toMatch(/^\/pcns\/\d+$/);
		expect(await page.getByRole('article').count()).toBe(0);
		expect(await page.locator('a[href^="/practices/"], a[href^="/rounds/"]').count()).toBe(0);
		const nav = page.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link').allInnerTexts()).toEqual(['ICB and PCN dashboards', 'Instruments', 'People', 'Account']);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.goto(`${base()}/users/invite`);
		expect(await page.getByRole('radio').count()).toBe(1);
		expect(await page.getByRole('radio', { name: 'PCN lead' }).isChecked()).toBe(true);
		expect(await page.getByRole('group', { name: 'PCNs they lead' }).getByRole('checkbox').count()).toBe(5);
		expect(await page.getByRole('group', { name: /Practices they work with|ICBs they oversee/ }).count()).toBe(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.goto(`${base()}/account`);
		expect(await page.getByText('You never see a practice’s own pages').count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('shows the practice manager only their own practice', async () => {
		const page = await browser.newPage();
		await signIn(page, base(), 'practice.manager@demo.belonging.example');
		expect(await page.getByRole('heading', { name: 'Your practice', level: 1 }).count()).toBe(1);
		const practices = await page.getByRole('article').allInnerTexts();
		expect(practices).toHaveLength(1);
		expect(practices[0]).toMatch(/Riverside Surgery/);
		expect(await page.getByText('Hillview Medical Centre').count()).toBe(0);
		await page.close();
	});

	it('shows the link worker the two practices they serve, and signs them out', async () => {
		const page = await browser.newPage();
		await signIn(page, base(), 'link.worker@demo.belonging.example');
		expect(await page.getByRole('heading', { name: 'Practices you work with', level: 1 }).count()).toBe(1);
		const names = await page.getByRole('article').getByRole('heading', { level: 3 }).allInnerTexts();
		expect(names.map((n) => n.replace(/\s+X\d+$/, ''))).toEqual(['Hillview Medical Centre', 'Riverside Surgery']);

		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(/\/sign-in\?signed-out/);
		expect(await page.getByRole('status').innerText()).toMatch(/You have signed out/);
		await page.goto(`${base()}/`);
		expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
		await page.close();
	});

	it('sends a visitor to sign in and then back to the page they asked for', async () => {
		const page = await browser.newPage();
		const lead = await browser.newPage();
		await signIn(lead, base(), 'pcn.lead@demo.belonging.example');
		const href = await lead.getByRole('article', { name: /Hillview/ }).getByRole('row').nth(1).getByRole('link').getAttribute('href');
		await lead.close();

		await page.goto(`${base()}${href}`);
		expect(new URL(page.url()).pathname).toBe('/sign-in');
		await page.getByLabel('Email address').fill('pcn.lead@demo.belonging.example');
		await page.getByLabel('Password', { exact: true }).fill('belonging-demo-2026');
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.waitForURL((url) => url.pathname === href);
		await page.close();
	});

	it('keeps what was typed before the page’s JavaScript arrived', async () => {
		const page = await browser.newPage();
		let release!: () => void;
		const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/_app/immutable/**', async (route) => {
			await scriptsMayLoad;
			await route.continue();
		});
		// Module scripts hold back DOMContentLoaded, so only wait for the HTML to arrive.
		await page.goto(`${base()}/sign-in`, { waitUntil: 'commit' });
		await page.getByLabel('Email address').waitFor();
		await page.getByLabel('Email address').fill('pcn.lead@demo.belonging.example');
		await page.getByLabel('Password', { exact: true }).fill('belonging-demo-2026');
		release();
		await page.waitForLoadState('networkidle');
		expect(await page.getByLabel('Email address').inputValue()).toBe('pcn.lead@demo.belonging.example');
		expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('belonging-demo-2026');
		await page.close();
	});

	it('refuses a wrong password with one message that does not say whether the email exists', async () => {
		const page = await browser.newPage();
		const messages: string[] = [];
		for (const email of ['pcn.lead@demo.belonging.example', 'nobody@demo.belonging.example']) {
			await page.goto(`${base()}/sign-in`);
			await page.getByLabel('Email address').fill(email);
			await page.getByLabel('Password', { exact: true }).fill('not the right password at all');
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
			messages.push(await page.locator('.error-summary').innerText());
		}
		expect(messages[0]).toBe(messages[1]);
		expect(messages[0]).toMatch(/email address or password is not right/);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
