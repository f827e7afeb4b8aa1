/**
 * The practice manager's whole cycle in real Chromium, on a server of its own (the shared demo
 * server's rounds must stay as other tests expect them): close the round that is running, start a
 * new one past the survey-fatigue warning, share it, three staff answer (one without JavaScript),
 * close it, and find the new point on the practice dashboard's trend.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDatabase } from '../helpers/server-database';
import { demoServerDatabase } from './own-server';
import { startServer, type RunningServer } from '../helpers/server';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

const MANAGER = 'practice.manager@demo.belonging.example';
const ROUND_TITLE = 'Cycle test round';

let browser: Browser;
let server: RunningServer;
let database: ServerDatabase;

beforeAll(async () => {
	database = await demoServerDatabase('cycle');
	// Three is the lowest minimum the configuration allows, so three staff are enough to see results.
	server = await startServer({ DEMO: '1', ...database.env, MIN_RESPONSES: '3' });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await database?.remove();
});

/** One member of staff on their phone: a role group, every statement, a rating. */
async function answerAsStaff(surveyUrl: string, javaScriptEnabled: boolean, agreement: 'Agree' | 'Strongly agree') {
	const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 740 } });
	const page = await context.newPage();
	await page.goto(surveyUrl);
	await page.getByRole('radio', { name: 'Clinical' }).check();
	for (let question = 1; question <= 22; question++) {
		await page.getByRole('group', { name: new RegExp(`^${question}\\. `) }).getByRole('radio', { name: agreement, exact: true }).check();
	}
	await page.getByRole('group', { name: /^23\. / }).getByRole('radio', { name: '8', exact: true }).check();
	await page.getByRole('button', { name: 'Send my answers' }).click();
	await page.waitForURL('**/thanks');
	expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you');
	await context.close();
}

async function trendRows(page: Page): Promise<string[]> {
	// The table sits in a closed <details> under the chart, so it is hidden until opened.
	return page
		.getByRole('table', { name: /^Scores of every closed round/, includeHidden: true })
		.getByRole('row', { includeHidden: true })
		.allTextContents();
}

describe('a practice manager runs a round from start to finish', () => {
	it('creates, opens, shares and closes a round, and sees the new point on the trend', async () => {
		// Reduced motion: charts are drawn at once, so the screenshot shows them finished.
		const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, reducedMotion: 'reduce' });
		await signIn(page, server.url, MANAGER);

		await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
		await page.waitForURL(/\/practices\/\d+$/);
		const dashboardUrl = page.url();
		const before = await trendRows(page);
		expect(before.join('\n')).not.toContain(ROUND_TITLE);

		// For the README: the first screen of the demo practice as its manager sees it.
		await page.setViewportSize({ width: 1280, height: 1000 });
		await page.screenshot({ path: join(SCREENSHOTS, 'practice-dashboard.png') });
		await page.setViewportSize({ width: 1100, height: 900 });

		// The demo's running round must close first: a practice has one open round at a time.
		await page.locator('p.current').getByRole('link').click();
		await page.waitForURL(/\/rounds\/\d+$/);
		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.waitForURL(/\/close$/);
		await page.getByRole('button', { name: 'Yes, close the round now' }).click();
		await page.waitForURL(/\?closed/);
		await page.getByRole('heading', { name: 'Where the practice sits' }).waitFor();

		await page.goto(dashboardUrl);
		await page.getByRole('link', { name: 'Start a new round' }).click();
		await page.waitForURL(/\/rounds\/new$/);
		await page.getByLabel('Title').fill(ROUND_TITLE);
		await page.getByLabel(/^Open now/).check();
		await page.getByRole('button', { name: 'Create the round' }).click();
		// The last round opened only weeks ago: survey fatigue is worth a second thought.
		const confirm = page.getByLabel('Schedule it anyway');
		await confirm.waitFor();
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await confirm.check();
		await page.getByRole('button', { name: 'Create the round' }).click();
		await page.waitForURL(/\/rounds\/\d+$/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(ROUND_TITLE);
		expect(await page.locator('main').innerText()).toMatch(/3 more responses needed/);

		await page.getByRole('link', { name: 'Share the survey' }).click();
		await page.waitForURL(/\/share$/);
		const surveyUrl = await page.getByRole('textbox', { name: 'Survey link', exact: true }).inputValue();
		expect(surveyUrl).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{20,}$`));
		expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		const roundUrl = page.url().replace(/\/share$/, '');
		await page.goto(`${roundUrl}/poster`);
		expect(await page.getByRole('article', { name: 'Poster preview' }).innerText()).toContain(surveyUrl);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await answerAsStaff(surveyUrl, true, 'Agree');
		await answerAsStaff(surveyUrl, false, 'Strongly agree');
		await answerAsStaff(surveyUrl, true, 'Agree');

		// Three answers reach this server's minimum: progress appears, scores still do not.
		await page.goto(roundUrl);
		const progress = await page.locator('main').innerText();
		expect(progress).toMatch(/3 responses so far/);
		expect(progress).not.toMatch(/Where the practice sits|out of 10/);
		expect(await page.getByRole('img', { name: /responses/i }).count()).toBe(1);

		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.waitForURL(/\/close$/);
		await page.getByRole('button', { name: 'Yes, close the round now' }).click();
		await page.waitForURL(/\?closed/);
		await page.getByRole('heading', { name: 'Where the practice sits' }).waitFor();

		await page.goto(dashboardUrl);
		const after = await trendRows(page);
		expect(after.length).toBe(before.length + 2);
		const newPoint = after.find((row) => row.includes(ROUND_TITLE));
		expect(newPoint).toMatch(/\d+\.\d/);
		expect(await page.getByRole('img', { name: /^Trend|score/i }).first().getAttribute('aria-label')).toBeTruthy();
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.close();
	});
});

describe('the practice dashboard', () => {
	async function dashboard(options: { width: number; javaScriptEnabled?: boolean }): Promise<Page> {
		const context = await browser.newContext({ viewport: { width: options.width, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
		const page = await context.newPage();
		await signIn(page, server.url, 'link.worker@demo.belonging.example');
		await page.getByRole('link', { name: 'Hillview Medical Centre', exact: true }).click();
		await page.waitForURL(/\/practices\/\d+$/);
		return page;
	}

	it('fits a 360 px phone, passes axe, and labels every chart with its finding', async () => {
		const page = await dashboard({ width: 360 });
		await page.getByRole('heading', { name: 'Trend across rounds' }).waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		const labels = await page.locator('[role="img"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
		expect(labels.length).toBeGreaterThanOrEqual(3);
		for (const label of labels) expect(label.length).toBeGreaterThan(20);
		// A link worker reads results but does not run rounds.
		expect(await page.getByRole('link', { name: 'Start a new round' }).count()).toBe(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.context().close();
	});

	it('shows every figure in tables without JavaScript', async () => {
		const page = await dashboard({ width: 1100, javaScriptEnabled: false });
		const trend = page.getByRole('table', { name: /^Scores of every closed round/, includeHidden: true });
		// Four demo rounds: a header row and one row per round.
		expect(await trend.getByRole('row', { includeHidden: true }).count()).toBeGreaterThanOrEqual(5);
		expect(await page.getByRole('heading', { name: 'What to work on' }).count()).toBe(1);
		expect(await page.locator('main').innerText()).toMatch(/Reflexive monitoring/);
		await page.context().close();
	});

	it('prints as a report: no navigation, no buttons', async () => {
		const page = await dashboard({ width: 1100 });
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('.site-header').isVisible()).toBe(false);
		expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).isVisible()).toBe(false);
		expect(await page.getByRole('heading', { name: 'Trend across rounds' }).isVisible()).toBe(true);
		await page.context().close();
	});
});
