/**
 * The spreadsheet path in real Chromium with JavaScript off (issue 29): an administrator uploads
 * an item bank CSV with the details beside it, sees each problem linked to its field, checks the
 * preview, stores it, and finds the four downloads on the version page. The refused form, the
 * preview and the version page pass axe at 1280 and 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemBankCsv } from '../../src/lib/npt/instrument-formats/item-bank';
import { parseInstrument } from '../../src/lib/npt/instrument';
import type { ServerDatabase } from '../helpers/server-database';
import { demoServerDatabase } from './own-server';
import { startServer, type RunningServer } from '../helpers/server';
import { smallInstrument } from '../helpers/instruments';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

let browser: Browser;
let server: RunningServer;
let database: ServerDatabase;
/** The page of version 1.0, once the first test has stored it. */
let versionUrl = '';

beforeAll(async () => {
	database = await demoServerDatabase('instrument-item-bank');
	server = await startServer({ DEMO: '1', ...database.env });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await database?.remove();
});

async function passesAxeAtBothWidths(page: Page): Promise<void> {
	for (const width of [1280, 360]) {
		await page.setViewportSize({ width, height: 900 });
		expect(describeViolations(await accessibilityProblems(page)), `at ${width} px`).toEqual([]);
		expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scrolling at ${width} px`).toBe(width);
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

/** Fills the item-bank form for the small instrument; without a licence unless one is given. */
async function fillItemBank(page: Page, licence?: string, version = '1.0'): Promise<void> {
	const form = page.getByRole('region', { name: 'Or build it from a spreadsheet' });
	await form.getByLabel('Item bank file (CSV)').setInputFiles({
		name: 'team-fit-items.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(itemBankCsv(parseInstrument(smallInstrument())))
	});
	await form.getByLabel('Instrument id').fill('team-fit');
	await form.getByLabel('Version', { exact: true }).fill(version);
	await form.getByLabel('Title').fill('Team fit check');
	await form.getByLabel('Authors').fill('A. Author\nB. Writer');
	await form.getByLabel('Citation').fill('Author A, Writer B. Team fit check. Example Press; 2026.');
	if (licence) await form.getByLabel('Licence', { exact: true }).fill(licence);
	await form.getByRole('button', { name: 'Check the item bank' }).click();
}

const LICENCE = 'CC BY 4.0: free to use with attribution';

describe('the item bank import', () => {
	it('builds an instrument from a spreadsheet without JavaScript, previews it and stores it', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, server.url, 'admin@demo.belonging.example');
		await page.goto(`${server.url}/instruments/import`);
		// No licence: refused, the problem linked to its field, the rest kept.
		await fillItemBank(page);
		const link = page.locator('.error-summary').getByRole('link', { name: /a licence statement is required/ });
		expect(await link.getAttribute('href')).toBe('#bank-licence');
		expect(await page.getByLabel('Instrument id').inputValue()).toBe('team-fit');
		expect(await page.getByLabel('Authors').inputValue()).toBe('A. Author\nB. Writer');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);

		await fillItemBank(page, LICENCE);
		await page.getByRole('heading', { name: 'Check before storing' }).waitFor();
		const preview = await page.locator('main').innerText();
		expect(preview).toContain(LICENCE);
		expect(preview).toMatch(/8, of which 1 reverse-worded \(T4\)/);
		await page.getByRole('button', { name: 'Store version 1.0' }).click();
		await page.waitForURL(/\/instruments\/\d+\?imported$/);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Team fit check, version 1.0');
		versionUrl = page.url().replace(/\?imported$/, '');
		const downloads = page.getByRole('region', { name: 'Download' });
		for (const name of ['JSON instrument file', 'Item bank (CSV)', 'FHIR R4 Questionnaire (JSON)', 'REDCap data dictionary (CSV)']) {
			expect(await downloads.getByRole('link', { name }).count(), name).toBe(1);
		}
		const fhir = await page.request.get(`${server.url}${await downloads.getByRole('link', { name: 'FHIR R4 Questionnaire (JSON)' }).getAttribute('href')}`);
		expect(fhir.headers()['content-type']).toBe('application/fhir+json; charset=utf-8');
		expect(((await fhir.json()) as { resourceType: string }).resourceType).toBe('Questionnaire');

		// The statements page: the item bank edited, as version 1.1, previewed against 1.0.
		await page.getByRole('link', { name: 'Edit the statements in a spreadsheet' }).click();
		await page.waitForURL(/\/statements$/);
		expect(await page.getByLabel('New version number').inputValue()).toBe('1.1');
		const edited = itemBankCsv(parseInstrument(smallInstrument())).replace('I can say how', 'I can explain how');
		await page.getByLabel('Item bank file (CSV)').setInputFiles({ name: 'edited.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
		await page.getByRole('button', { name: 'Check the item bank' }).click();
		await page.getByRole('heading', { name: 'Check before storing' }).waitFor();
		expect(await page.locator('main').innerText()).toContain('Reworded T1');
		await page.getByRole('button', { name: 'Store version 1.1' }).click();
		await page.waitForURL(/\/instruments\/\d+\?imported$/);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Team fit check, version 1.1');
		await context.close();
	});

	// axe runs in the page, so these checks have JavaScript on; the pages are the same without it.
	it('passes axe at 1280 and 360 px: the refused form, the preview, the version page and the statements page', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await signIn(page, server.url, 'admin@demo.belonging.example');
		await page.goto(`${server.url}/instruments/import`);
		await fillItemBank(page);
		await page.locator('.error-summary').waitFor();
		await passesAxeAtBothWidths(page);
		await page.goto(`${server.url}/instruments/import`);
		// Version 1.0 is stored by the test before, so this is 2.0.
		await fillItemBank(page, LICENCE, '2.0');
		await page.getByRole('heading', { name: 'Check before storing' }).waitFor();
		expect(await page.locator('main').innerText()).toContain('It is a new version of an instrument already in the library (latest: version 1.1)');
		await passesAxeAtBothWidths(page);
		await page.goto(versionUrl);
		await passesAxeAtBothWidths(page);
		await page.getByRole('link', { name: 'Edit the statements in a spreadsheet' }).click();
		await page.waitForURL(/\/statements$/);
		await passesAxeAtBothWidths(page);
		await page.close();
	});
});
