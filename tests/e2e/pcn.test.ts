/** The PCN lead's view on the shared demo server: read only, so it leaves the demo data as it is. */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

async function pcnDashboard(width: number): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
	await page.getByRole('link', { name: /Riverside and Canal PCN \(demo\)\s*: compare its practices/ }).click();
	await page.waitForURL(/\/pcns\/\d+$/);
	return page;
}

describe('the PCN dashboard', () => {
	it('shows every practice side by side, with band names as well as colours, and drills down to a practice', async () => {
		const page = await pcnDashboard(1100);
		const heatmap = page.getByRole('table', { name: /^Scores by practice/ });
		// A header row and the five demo practices.
		expect(await heatmap.getByRole('row').count()).toBe(6);
		const text = await heatmap.innerText();
		expect(text).toMatch(/Belonging|Fitting in|Bolted on/);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		// For the README: the first screen, as a PCN lead sees it on a laptop.
		await page.setViewportSize({ width: 1280, height: 1000 });
		await page.screenshot({ path: join(SCREENSHOTS, 'pcn-dashboard.png') });
		await page.setViewportSize({ width: 1100, height: 900 });

		// Sorting by a construct puts the lowest first and says so.
		await heatmap.getByRole('link', { name: /^Reflexive monitoring\s*: sort, lowest first$/ }).click();
		await page.waitForURL(/sort=reflexive_monitoring/);
		expect(await page.getByRole('table', { name: /Reflexive monitoring from lowest/ }).count()).toBe(1);

		await page.getByRole('table', { name: /^Scores by practice/ }).getByRole('link', { name: 'Hillview Medical Centre' }).click();
		await page.waitForURL(/\/practices\/\d+$/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hillview Medical Centre');
		await page.close();
	});

	it('fits a 360 px phone and passes axe there', async () => {
		const page = await pcnDashboard(360);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
