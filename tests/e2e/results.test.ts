import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});

/** The demo PCN lead sees all five practices. */
async function leadPage(viewport?: { width: number; height: number }) {
	const page = await browser.newPage(viewport ? { viewport } : {});
	await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
	return page;
}
afterAll(async () => {
	await browser?.close();
});

/** Where the test run leaves the screenshot the README shows. */

describe('results of a seeded round', () => {
	it('shows where the practice sits, with its interval, and passes axe', async () => {
		const page = await leadPage({ width: 1100, height: 900 });
		const riverside = page.getByRole('article', { name: /Riverside Surgery/ });
		// Rounds are listed newest first: the second row is the latest closed round.
		await riverside.getByRole('row').nth(2).getByRole('link').click();
		await page.waitForURL(/\/rounds\/\d+$/);

		await page.getByRole('heading', { name: 'Where the practice sits' }).waitFor();
		const band = page.getByRole('img', { name: /overall score \d+\.\d out of 10 \(95% interval \d+\.\d to \d+\.\d+\)\. Placement: / });
		expect(await band.count()).toBe(1);
		expect(await page.getByText(/not validated cut-off scores/).count()).toBeGreaterThan(0);
		expect(await page.getByRole('table', { name: 'Construct scores' }).getByRole('row').count()).toBe(5);
		expect(await page.getByRole('img', { name: /^Construct scores out of 10/ }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.screenshot({ path: join(SCREENSHOTS, 'round-results.png'), fullPage: false });
		await page.close();
	});

	it('passes axe on a 360 px phone, where wide tables scroll inside a focusable region', async () => {
		const page = await leadPage({ width: 360, height: 740 });
		const riverside = page.getByRole('article', { name: /Riverside Surgery/ });
		await riverside.getByRole('row').nth(2).getByRole('link').click();
		await page.getByRole('heading', { name: 'Where the practice sits' }).waitFor();
		expect(await page.getByRole('region', { name: /scrolls sideways/ }).count()).toBeGreaterThan(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('shows only how many more responses were needed for a round below the minimum', async () => {
		const page = await leadPage();
		const canal = page.getByRole('article', { name: /Canal Street Practice/ });
		const row = canal.getByRole('row').filter({ hasText: 'Not enough responses' });
		await row.getByRole('link').click();
		await page.getByRole('heading', { name: 'Not enough responses to show results' }).waitFor();
		const text = await page.locator('main').innerText();
		expect(text).toMatch(/needed 2 more responses/);
		expect(text).not.toMatch(/Overall score|Construct scores|Comments|response rate/i);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('lists the PCN, its practices and the open survey on the home page, and passes axe', async () => {
		const page = await leadPage({ width: 360, height: 740 });
		expect(await page.getByRole('heading', { name: /Riverside and Canal PCN/ }).count()).toBe(1);
		expect(await page.getByRole('article').count()).toBe(5);
		expect(await page.getByRole('link', { name: 'Open the staff survey for Riverside Surgery' }).getAttribute('href')).toBe('/s/demo');
		expect(await page.getByText('Demo').first().isVisible()).toBe(true);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
