import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

let browser: Browser;
let page: Page;
beforeAll(async () => {
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
	await signIn(page, inject('baseUrl'), 'admin@demo.belonging.example');
});
afterAll(async () => {
	await browser?.close();
});

const base = () => inject('baseUrl');

describe('administration in Chromium', () => {
	it('shows the admin home and the organisations, both passing axe', async () => {
		await page.goto(`${base()}/admin`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/Administration/);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.goto(`${base()}/admin/organisations`);
		// The ICBs with their counts; the PCNs are a search (or an ICB's page) away.
		expect(await page.getByRole('table', { name: /ICBs, with how many PCNs and practices/ }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.getByLabel('Find an ICB, PCN or practice').fill('riverside and');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.waitForURL(/\/admin\/organisations\?q=riverside\+and$/);
		expect(await page.getByRole('link', { name: 'Riverside and Canal PCN (demo)' }).count()).toBe(1);
		expect(await page.getByLabel('Find an ICB, PCN or practice').inputValue()).toBe('riverside and');
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
	});

	it('filters the people by name or email address and role with a plain form', async () => {
		await page.goto(`${base()}/users`);
		await page.getByLabel('Name or email address').fill('@');
		await page.getByLabel('Role').selectOption({ label: 'Administrator' });
		await page.getByRole('button', { name: 'Show people' }).click();
		await page.waitForURL(/\/users\?q=%40&role=admin$/);
		const roles = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
		expect(roles.length).toBeGreaterThan(0);
		expect(roles.every((role) => role === 'Administrator')).toBe(true);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.getByRole('link', { name: 'Show everyone' }).click();
		await page.waitForURL(/\/users$/);
	});

	it('previews a CSV with every row’s problem, writes nothing, then imports the corrected file', async () => {
		await page.goto(`${base()}/admin/import`);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		const bad = [
			'ODS code,Name,PCN code,PCN name,ICB code',
			'Y77001,Northgate Surgery,U77001,Northgate PCN (e2e),QZZ',
			'Y77001,Northgate Twin,U77001,Northgate PCN (e2e),QZZ',
			'nonsense,Bad Code Practice,U77001,Northgate PCN (e2e),QZZ',
			'Y77003,Unknown ICB Practice,U77002,Elsewhere PCN,QXX'
		].join('\n');
		await page.getByLabel('Or paste the rows here').fill(bad);
		await page.getByRole('button', { name: 'Check the file' }).click();
		await page.getByRole('heading', { name: 'Problems to fix' }).waitFor();
		const preview = await page.locator('main').innerText();
		expect(preview).toMatch(/Y77001/);
		expect(preview).toMatch(/QXX/);
		expect(await page.getByRole('button', { name: /^Import / }).count()).toBe(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.goto(`${base()}/admin/organisations?q=Northgate`);
		expect(await page.getByText('Northgate Surgery').count()).toBe(0);

		await page.goto(`${base()}/admin/import`);
		await page.getByLabel('Or paste the rows here').fill(
			['ODS code,Name,PCN code,PCN name,ICB code', 'Y77001,Northgate Surgery,U77001,Northgate PCN (e2e),QZZ', 'Y77002,Northgate Lane Practice,U77001,Northgate PCN (e2e),QZZ'].join('\n')
		);
		await page.getByRole('button', { name: 'Check the file' }).click();
		await page.getByRole('heading', { name: 'Check before importing' }).waitFor();
		await page.getByRole('button', { name: 'Import 2 practices' }).click();
		await page.waitForURL(/\/admin\/organisations\?imported=2/);
		await page.goto(`${base()}/admin/organisations?q=northgate`);
		expect(await page.getByRole('link', { name: 'Northgate Lane Practice' }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
	});

	it('shows every job with its last run since start-up, and runs one again on request', async () => {
		await page.goto(`${base()}/admin/jobs`);
		const rows = page.locator('tbody tr');
		expect(await rows.count()).toBe(11);
		for (const name of ['close-due-rounds', 'round-reminders', 'retention-answers', 'purge-expired']) {
			const row = page.locator(`#job-${name}`);
			expect(await row.innerText(), name).toMatch(/Done: /);
		}
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.locator('#job-purge-expired').getByRole('button', { name: /Run now/ }).click();
		await page.waitForURL(/\/admin\/jobs\?requested=purge-expired/);
		expect(await page.getByRole('status').innerText()).toMatch(/purge-expired will run within 30 seconds/);
	});

	it('places a legal hold on a practice with a reason, refuses one without, and releases it only once confirmed', async () => {
		await page.goto(`${base()}/admin/retention`);
		expect(await page.getByText('Comments staff write are deleted 24 months after their round closes.').count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.getByLabel('Practice ODS code').fill('X99003');
		await page.getByRole('button', { name: 'Place the hold' }).click();
		// The browser's own check stops an empty reason; without it, the server says the same.
		expect(await page.getByLabel('Why the practice’s data must be kept').evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
		await page.getByLabel('Why the practice’s data must be kept').fill('Complaint 2026/31');
		await page.getByRole('button', { name: 'Place the hold' }).click();
		await page.waitForURL(/done=placed/);
		const held = page.getByRole('table', { name: 'Holds in place' });
		expect(await held.innerText()).toMatch(/Complaint 2026\/31/);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await held.getByLabel('I understand that anything overdue is deleted at the next run').check();
		await held.getByRole('button', { name: /^Release/ }).click();
		await page.waitForURL(/done=released/);
		expect(await page.getByText('No hold is in place.').count()).toBe(1);
		expect(await page.getByRole('heading', { name: 'Released holds' }).count()).toBe(1);
	});

	it('fits every admin page on a 360 px phone without sideways scrolling, passing axe', async () => {
		await page.setViewportSize({ width: 360, height: 740 });
		for (const path of ['/admin', '/admin/organisations', '/admin/import', '/users', '/users/invite', '/admin/audit', '/admin/jobs', '/admin/retention', '/account']) {
			await page.goto(`${base()}${path}`);
			expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBe(360);
			expect(describeViolations(await accessibilityProblems(page)), path).toEqual([]);
		}
		await page.setViewportSize({ width: 1000, height: 900 });
	});
});
