/**
 * The instrument library in real Chromium, on a server of its own (it adds an instrument and a
 * round): an administrator imports a small licensed instrument from pasted JSON, checks the
 * preview, stores it and offers it to every practice; a practice manager runs a round with it;
 * a member of staff answers it with JavaScript off. The preview and the version page pass axe at
 * 1280 and 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDatabase } from '../helpers/server-database';
import { demoServerDatabase } from './own-server';
import { startServer, type RunningServer } from '../helpers/server';
import { smallInstrument } from '../helpers/instruments';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

let browser: Browser;
let server: RunningServer;
let database: ServerDatabase;

beforeAll(async () => {
	database = await demoServerDatabase('instruments');
	server = await startServer({ DEMO: '1', ...database.env, MIN_RESPONSES: '3' });
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

describe('the instrument library', () => {
	it('imports an instrument, offers it, and a practice runs a round with it', async () => {
		const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await signIn(admin, server.url, 'admin@demo.belonging.example');
		await admin.getByRole('link', { name: 'Instruments' }).first().click();
		await admin.waitForURL(/\/instruments$/);
		await admin.getByRole('link', { name: 'Import an instrument' }).click();
		await admin.waitForURL(/\/instruments\/import$/);
		await admin.getByLabel('Or paste the JSON').fill(JSON.stringify(smallInstrument(), null, 2));
		await admin.getByRole('button', { name: 'Check the file' }).click();
		await admin.getByRole('heading', { name: 'Check before storing' }).waitFor();
		const preview = await admin.locator('main').innerText();
		expect(preview).toContain('CC BY 4.0: free to use with attribution');
		expect(preview).toMatch(/8, of which 1 reverse-worded \(T4\)/);
		await passesAxeAtBothWidths(admin);

		await admin.getByRole('button', { name: 'Store version 1.0' }).click();
		await admin.waitForURL(/\/instruments\/\d+\?imported$/);
		expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe('Team fit check, version 1.0');
		await passesAxeAtBothWidths(admin);
		await admin.getByLabel('Every practice').check();
		await admin.getByRole('button', { name: 'Save who may use it' }).click();
		await admin.waitForURL(/\?offered$/);
		expect(await admin.locator('main').innerText()).toContain('now offered to every practice');
		const versionUrl = admin.url().replace(/\?offered$/, '');

		// Editing makes version 1.1 beside 1.0, and the diff says what changed.
		await admin.getByRole('link', { name: 'Edit into a new version' }).click();
		await admin.waitForURL(/\/edit$/);
		expect(await admin.getByLabel('New version number').inputValue()).toBe('1.1');
		await passesAxeAtBothWidths(admin);
		await admin.locator('#item-T1-text').fill('I can explain how the link worker role differs from mine.');
		await admin.getByRole('button', { name: 'Store as a new version' }).click();
		await admin.waitForURL(/\/instruments\/\d+\?imported$/);
		expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe('Team fit check, version 1.1');
		await admin.getByRole('link', { name: 'What changed since version 1.0' }).click();
		await admin.waitForURL(/\/diff\?against=\d+$/);
		expect(await admin.locator('main').innerText()).toContain('Reworded T1');
		await passesAxeAtBothWidths(admin);
		await admin.goto(versionUrl);
		expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe('Team fit check, version 1.0');
		await admin.close();

		const manager = await browser.newPage({ viewport: { width: 1100, height: 900 } });
		await signIn(manager, server.url, 'practice.manager@demo.belonging.example');
		await manager.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
		await manager.waitForURL(/\/practices\/\d+$/);
		const dashboardUrl = manager.url();
		// The demo's running round closes first: a practice has one open round at a time.
		await manager.locator('p.current').getByRole('link').click();
		await manager.waitForURL(/\/rounds\/\d+$/);
		await manager.getByRole('link', { name: 'Close the round now' }).click();
		await manager.getByRole('button', { name: 'Yes, close the round now' }).click();
		await manager.waitForURL(/\?closed/);

		await manager.goto(`${dashboardUrl}/rounds/new`);
		const choice = manager.getByLabel('Survey version').locator('option', { hasText: 'Team fit check, version 1.0 (imported by' });
		await manager.getByLabel('Survey version').selectOption((await choice.getAttribute('value'))!);
		await manager.getByLabel('Title').fill('Team fit round');
		await manager.getByLabel(/^Open now/).check();
		await manager.getByRole('button', { name: 'Create the round' }).click();
		const confirm = manager.getByLabel('Schedule it anyway');
		await confirm.waitFor();
		await confirm.check();
		await manager.getByRole('button', { name: 'Create the round' }).click();
		await manager.waitForURL(/\/rounds\/\d+$/);
		await manager.getByRole('link', { name: 'Share the survey' }).click();
		await manager.waitForURL(/\/share$/);
		const surveyUrl = await manager.getByRole('textbox', { name: 'Survey link', exact: true }).inputValue();
		await manager.close();

		const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const staff = await context.newPage();
		await staff.goto(surveyUrl);
		expect(await staff.locator('main').innerText()).toContain('I can say how the link worker role differs from mine.');
		await staff.getByRole('radio', { name: 'Clinical' }).check();
		for (let question = 1; question <= 8; question++) {
			await staff.getByRole('group', { name: new RegExp(`^${question}\\. `) }).getByRole('radio', { name: 'Agree', exact: true }).check();
		}
		await staff.getByRole('button', { name: 'Send my answers' }).click();
		await staff.waitForURL('**/thanks');
		expect(await staff.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you');
		await context.close();
	});
});
