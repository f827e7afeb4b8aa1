/**
 * The link worker's voice, in real Chromium on a server of its own (flags change the demo data):
 * a link worker raises a gap for the PCN lead only; the practice manager does not see it; the PCN
 * lead does, acknowledges it and records an action, then marks it done and finds it on the
 * practice's trend. The practice manager records an action without JavaScript. axe on every page.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDatabase } from '../helpers/server-database';
import { demoServerDatabase } from './own-server';
import { startServer, type RunningServer } from '../helpers/server';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

// The demo already has flags for other needs at Riverside; this one is marked in place there.
const RECORD_GAP = 'I cannot get into the clinical record system, or I have no smartcard.';

/** A UK date some days from now, as a date field takes it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let browser: Browser;
let server: RunningServer;
let database: ServerDatabase;

beforeAll(async () => {
	database = await demoServerDatabase('flags');
	server = await startServer({ DEMO: '1', ...database.env, MIN_RESPONSES: '5' });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await database?.remove();
});

async function riversideAs(email: string): Promise<Page> {
	const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
	await signIn(page, server.url, email);
	await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
	await page.waitForURL(/\/practices\/\d+$/);
	return page;
}

describe('the link worker’s own view', () => {
	it('says it is not anonymous, fits a phone, and shows the perception gap on the dashboard', async () => {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, server.url, 'link.worker@demo.belonging.example');
		await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
		await page.waitForURL(/\/practices\/\d+$/);
		const dashboardUrl = page.url();
		// Rounds are listed newest first on the home page: the second row is the latest closed round.
		await page.goto(`${server.url}/`);
		await page.getByRole('article', { name: /Riverside Surgery/ }).getByRole('row').nth(2).getByRole('link').click();
		await page.waitForURL(/\/rounds\/\d+/);
		await page.getByRole('link', { name: 'Give your own view' }).click();
		await page.waitForURL(/\/assessment$/);
		expect(await page.getByRole('heading', { name: 'Your answers here are not anonymous' }).count()).toBe(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		for (const question of [1, 2, 3, 4, 5, 6]) {
			await page.getByRole('group', { name: new RegExp(`^${question}\\. `) }).getByRole('radio', { name: 'Disagree', exact: true }).check();
		}
		await page.getByRole('button', { name: 'Save my view' }).click();
		await page.waitForURL(/\?assessed/);
		await page.goto(dashboardUrl);
		expect(await page.getByRole('heading', { name: 'Perception gap' }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await context.close();
	});
});

describe('infrastructure gaps', () => {
	it('a link worker raises a gap for the PCN lead only, hidden from the practice manager, acknowledged by the lead', async () => {
		const worker = await riversideAs('link.worker@demo.belonging.example');
		await worker.getByRole('link', { name: 'Your infrastructure checklist' }).click();
		await worker.waitForURL(/\/checklist$/);
		expect(await worker.getByRole('heading', { name: 'This is not anonymous' }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(worker))).toEqual([]);
		const record = worker.getByRole('group', { name: RECORD_GAP });
		await record.getByRole('radio', { name: 'Missing' }).check();
		await record.getByRole('group', { name: /who sees it/ }).getByRole('radio', { name: 'The PCN lead only' }).check();
		await worker.getByRole('button', { name: 'Save' }).click();
		await worker.waitForURL(/\/checklist\?saved/);

		await worker.goto(worker.url().replace(/\/checklist.*$/, '/flags'));
		expect(await worker.getByRole('heading', { name: RECORD_GAP }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(worker))).toEqual([]);
		const flagsUrl = worker.url();
		await worker.close();

		const manager = await riversideAs('practice.manager@demo.belonging.example');
		await manager.goto(flagsUrl);
		expect(await manager.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Flags at Riverside Surgery/);
		expect(await manager.getByRole('heading', { name: RECORD_GAP }).count()).toBe(0);
		expect(await manager.locator('main').innerText()).not.toContain('smartcard');
		await manager.close();

		const lead = await riversideAs('pcn.lead@demo.belonging.example');
		await lead.goto(flagsUrl);
		const flag = lead.getByRole('article', { name: RECORD_GAP });
		expect(await flag.count()).toBe(1);
		await flag.getByRole('radio', { name: /^Acknowledge/ }).check();
		const changed = lead.waitForResponse((response) => response.request().method() === 'POST');
		await flag.getByRole('button', { name: 'Change the flag' }).click();
		await changed;
		await lead.reload();
		expect(await lead.getByRole('article', { name: RECORD_GAP }).innerText()).toMatch(/acknowledged/i);
		expect(describeViolations(await accessibilityProblems(lead))).toEqual([]);
		await lead.close();
	});

	it('the PCN lead records an action on that flag, marks it done and finds it on the trend; the manager never sees it', async () => {
		const lead = await riversideAs('pcn.lead@demo.belonging.example');
		const dashboardUrl = lead.url();
		await lead.goto(`${dashboardUrl}/flags`);
		await lead.getByRole('article', { name: RECORD_GAP }).getByRole('link', { name: 'Record an action for this gap' }).click();
		await lead.waitForURL(/\/actions\?for=flag:\d+/);
		const recordForm = lead.getByRole('region', { name: 'Record an action' });
		// The flag arrives chosen; an empty "what" and a due date too far ahead are refused, with reasons.
		expect(await recordForm.getByLabel('What it is for').locator('option:checked').textContent()).toContain('smartcard');
		await recordForm.getByLabel('Who will do it').fill('PCN digital lead');
		await recordForm.getByLabel('Due by').fill('2099-01-01');
		await recordForm.getByRole('button', { name: 'Record the action' }).click();
		await lead.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await lead.getByRole('link', { name: 'Say what will be done' }).count()).toBe(1);
		expect(await lead.getByRole('link', { name: 'The due date cannot be more than five years ahead' }).count()).toBe(1);
		expect(await lead.getByRole('heading', { name: 'Planned (3)' }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(lead))).toEqual([]);

		const what = 'Ask the registration authority for a smartcard for Sam';
		await recordForm.getByLabel('What will be done').fill(what);
		await recordForm.getByLabel('Due by').fill(inDays(30));
		await recordForm.getByRole('button', { name: 'Record the action' }).click();
		await lead.waitForURL(/\/actions#action-\d+$/);
		const action = lead.getByRole('article', { name: what });
		await action.waitFor();
		// The form is emptied, so a second click cannot record it twice.
		expect(await recordForm.getByLabel('What will be done').inputValue()).toBe('');
		expect(await action.innerText()).toContain('seen by the PCN lead only');

		await action.getByText('Mark it done').click();
		await action.getByLabel('What was done (optional)').fill('Smartcard issued at the PCN office.');
		await action.getByRole('button', { name: 'Mark done' }).click();
		// The page address does not change (it already ends in this action's anchor): wait for the card to move.
		await lead.getByRole('region', { name: /^Done/ }).getByRole('article', { name: what }).waitFor();
		expect(await lead.getByRole('region', { name: /^Planned/ }).getByRole('article', { name: what }).count()).toBe(0);
		expect(describeViolations(await accessibilityProblems(lead))).toEqual([]);

		// On the trend: a marker after the latest round, listed in "You said, we did".
		await lead.goto(dashboardUrl);
		const feedback = lead.getByRole('table', { name: /Things done about the gaps/ });
		const row = feedback.getByRole('row', { name: new RegExp(what) });
		expect(await row.count()).toBe(1);
		expect(await row.innerText()).toContain('Not yet known');
		expect(await lead.locator('.chart[role=img]').first().getAttribute('aria-label')).toMatch(/Numbered dashed lines mark \d+ things done/);
		await lead.locator('section[aria-labelledby=trend] canvas').waitFor();
		await lead.locator('section[aria-labelledby=trend]').screenshot({ path: join(SCREENSHOTS, 'you-said-we-did.png') });
		await lead.close();

		// The action is on a PCN-lead-only flag, so the practice manager sees it nowhere.
		const manager = await riversideAs('practice.manager@demo.belonging.example');
		expect(await manager.locator('main').innerText()).not.toContain('smartcard');
		await manager.goto(`${manager.url()}/actions`);
		expect(await manager.locator('main').innerText()).not.toContain('smartcard');
		await manager.close();
	});

	it('the practice manager records an action for a construct without JavaScript, on a phone', async () => {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
		const page = await context.newPage();
		await signIn(page, server.url, 'practice.manager@demo.belonging.example');
		await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
		await page.waitForURL(/\/practices\/\d+$/);
		await page.getByRole('main').getByRole('link', { name: /^Actions/ }).click();
		await page.waitForURL(/\/actions$/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		const recordForm = page.getByRole('region', { name: 'Record an action' });
		const what = 'Share the link worker’s quarterly outcomes at the partners’ meeting';
		await recordForm.getByLabel('What will be done').fill(what);
		await recordForm.getByLabel('Who will do it').fill('Jo Evans');
		await recordForm.getByLabel('Due by').fill(inDays(14));
		await recordForm.getByLabel('What it is for').selectOption({ label: 'Reflexive monitoring: learning how it is going' });
		await recordForm.getByRole('button', { name: 'Record the action' }).click();
		await page.waitForURL(/\/actions#action-\d+$/);
		const action = page.getByRole('article', { name: what });
		expect(await action.innerText()).toContain('Reflexive monitoring');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		await context.close();
	});
});
