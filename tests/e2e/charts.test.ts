/**
 * Charts drawn after client-side navigation. The same page opened for another practice keeps
 * its components and hands them new data, options and plugins (the "you said, we did" markers
 * are a plugin); every chart must then look exactly as it does when that page is loaded afresh.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, signIn } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

/** The dashboard address of a practice listed on the home page. */
async function dashboardOf(page: Page, name: string): Promise<string> {
	const href = await page.getByRole('link', { name, exact: true }).first().getAttribute('href');
	if (!href || !/^\/practices\/\d+$/.test(href)) throw new Error(`No dashboard link for ${name}`);
	return href;
}

/** Every chart on the page as it is drawn now, the folded sections opened, once the browser has painted twice. */
async function drawnCharts(page: Page): Promise<Buffer[]> {
	await page.locator('details.fold').evaluateAll((folds) => folds.forEach((fold) => ((fold as HTMLDetailsElement).open = true)));
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
	const charts = page.locator('div.chart canvas');
	const count = await charts.count();
	const shots: Buffer[] = [];
	for (let i = 0; i < count; i++) shots.push(await charts.nth(i).screenshot());
	return shots;
}

describe('charts after client-side navigation', () => {
	it('draws another practice’s charts, markers included, exactly as a fresh load of its dashboard does', async () => {
		const baseUrl = inject('baseUrl');
		const page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, reducedMotion: 'reduce' });
		await signIn(page, baseUrl, 'pcn.lead@demo.belonging.example');
		const riverside = await dashboardOf(page, 'Riverside Surgery');
		const hillview = await dashboardOf(page, 'Hillview Medical Centre');

		await page.goto(`${baseUrl}${riverside}`);
		await page.getByRole('heading', { level: 1, name: 'Riverside Surgery' }).waitFor();
		const riversideCharts = await drawnCharts(page);
		expect(riversideCharts.length).toBeGreaterThan(1);

		// A link to the other practice's dashboard, followed by the router without a page load.
		await page.evaluate(() => {
			(window as unknown as { stillThisPage: boolean }).stillThisPage = true;
		});
		await page.evaluate((href) => {
			const link = document.createElement('a');
			link.href = href;
			link.id = 'to-another-practice';
			link.textContent = 'Another practice';
			document.body.append(link);
		}, hillview);
		await page.click('#to-another-practice');
		await page.getByRole('heading', { level: 1, name: 'Hillview Medical Centre' }).waitFor();
		expect(await page.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
		await page.mouse.move(0, 0);
		const navigated = await drawnCharts(page);

		await page.reload();
		await page.getByRole('heading', { level: 1, name: 'Hillview Medical Centre' }).waitFor();
		await page.mouse.move(0, 0);
		const fresh = await drawnCharts(page);

		expect(navigated.length).toBe(fresh.length);
		// The two practices' charts differ, so equal drawings below mean the new ones were drawn.
		expect(fresh[0]!.equals(riversideCharts[0]!)).toBe(false);
		navigated.forEach((shot, i) => expect(shot.equals(fresh[i]!), `chart ${i + 1}`).toBe(true));
		await page.close();
	});
});
