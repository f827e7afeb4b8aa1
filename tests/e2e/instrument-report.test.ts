/**
 * The instrument report (issue 29) in a browser, on the shared demo server (read only): an ICB
 * lead's report of the built-in staff survey, its constructs and statements as real tables, a
 * change of scope through the plain GET form, and axe-core and HTML_CodeSniffer at 1280 and 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { openDatabase } from '../../src/lib/server/db';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

const ICB_LEAD = 'icb.lead@demo.belonging.example';

let browser: Browser;
let versionId: number;
beforeAll(async () => {
	browser = await launchChromium();
	const config = inject('serverDatabase');
	const db = openDatabase(config.databasePath ? { ...config, readOnly: true } : config);
	try {
		versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	} finally {
		await db.destroy();
	}
});
afterAll(async () => {
	await browser?.close();
});

async function report(width: number, query = ''): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height: 1000 }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), ICB_LEAD);
	await page.goto(`${inject('baseUrl')}/instruments/${versionId}/report${query}`);
	return page;
}

const rowsOf = (page: Page, caption: RegExp) =>
	page
		.getByRole('table', { name: caption })
		.locator('tbody tr')
		.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim())));

describe('the instrument report', () => {
	it('sets out each construct and statement in tables, with the survey’s licence and citation', async () => {
		const page = await report(1280);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('How well does this survey measure?');
		const constructs = await rowsOf(page, /^Internal consistency of each construct/);
		expect(constructs.map((row) => row[0])).toEqual(['Coherence', 'Cognitive participation', 'Collective action', 'Reflexive monitoring']);
		// The demo ICB's rounds give α for every construct: a number, and an interval below it and above it.
		for (const row of constructs) {
			expect(row[1]).toMatch(/^−?\d\.\d\d$/);
			expect(row[2]).toMatch(/^−?\d\.\d\d to \d\.\d\d$/);
		}
		const statements = await rowsOf(page, /^How each statement behaves/);
		expect(statements).toHaveLength(DEFAULT_STAFF_INSTRUMENT.items.length);
		const about = await page.getByRole('region', { name: 'About this survey' }).innerText();
		expect(about).toContain(DEFAULT_STAFF_INSTRUMENT.provenance.licence);
		expect(await page.getByText(/not a target or a pass mark/).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('changes scope through the form, and stays accessible on a phone', async () => {
		const page = await report(360);
		const options = await page.getByLabel('Rounds from').locator('option').evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value));
		const pcn = options.find((value) => value.startsWith('pcn:'))!;
		await page.getByLabel('Rounds from').selectOption(pcn);
		await page.getByRole('button', { name: 'Show this report' }).click();
		await page.waitForURL(new RegExp(`scope=${pcn.replace(':', '(:|%3A)')}`));
		expect(await page.locator('.meta').innerText()).toMatch(/PCN/);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
