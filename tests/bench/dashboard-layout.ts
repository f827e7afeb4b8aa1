/**
 * What each person meets on the demo's dashboards and survey, as laid out by Chromium from the
 * built server as `npm run demo` runs it: where "At a glance" starts on a 360 × 780 phone and at
 * 1280 px, how tall each dashboard is, how many A4 sheets the dashboard and its printable summary
 * take, and how many of the survey's answers are smaller than 44 × 44 px on a phone. These are
 * the figures of issue 28's before-and-after table in the README.
 * Usage: npm run bench:layout
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from '../e2e/browser';
import { startServer } from '../helpers/server';

/** Sheets in a PDF: one page object each. */
async function printedSheets(page: Page, path: string): Promise<number> {
	await page.goto(path);
	await page.emulateMedia({ media: 'print' });
	const pdf = await page.pdf({ format: 'A4' });
	await page.emulateMedia({ media: 'screen' });
	return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

async function dashboard(browser: Browser, baseUrl: string, email: string, path: string, summary: string) {
	const rows: string[] = [];
	for (const [width, height] of [
		[360, 780],
		[1280, 1000]
	] as const) {
		const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
		await signIn(page, baseUrl, email);
		await page.goto(`${baseUrl}${path}`);
		const glanceTop = await page.getByRole('region', { name: 'At a glance' }).evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
		const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
		rows.push(`${width} px: "At a glance" starts at ${Math.round(glanceTop)} px; the page is ${pageHeight} px tall`);
		if (width === 1280) {
			rows.push(`printed: the dashboard on ${await printedSheets(page, `${baseUrl}${path}`)} A4 sheets, its summary on ${await printedSheets(page, `${baseUrl}${summary}`)}`);
		}
		await page.close();
	}
	return rows;
}

/** Answers, buttons and links in the survey form smaller than 44 × 44 px on a 360 px phone, of all of them. */
async function smallSurveyTargets(browser: Browser, baseUrl: string): Promise<{ small: number; all: number }> {
	const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
	await page.goto(`${baseUrl}/s/demo`);
	const sizes = await page.$$eval('form label, form button, form a, form summary', (targets) =>
		targets.map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0).map((r) => Math.min(r.width, r.height))
	);
	await page.close();
	return { small: sizes.filter((size) => size < 44).length, all: sizes.length };
}

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
const browser = await launchChromium();
try {
	const practiceId = 1;
	const pcnId = 1;
	console.log('Practice dashboard (Riverside Surgery, as its practice manager):');
	for (const row of await dashboard(browser, server.url, 'practice.manager@demo.belonging.example', `/practices/${practiceId}`, `/practices/${practiceId}/summary`)) console.log(`  ${row}`);
	console.log('PCN dashboard (Riverside and Canal PCN, as its lead):');
	for (const row of await dashboard(browser, server.url, 'pcn.lead@demo.belonging.example', `/pcns/${pcnId}`, `/pcns/${pcnId}/summary`)) console.log(`  ${row}`);
	const targets = await smallSurveyTargets(browser, server.url);
	console.log(`Survey on a 360 px phone: ${targets.small} of ${targets.all} labels, buttons and links in the form are under 44 px.`);
} finally {
	await browser.close();
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
