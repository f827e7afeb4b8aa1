/**
 * Issue 29's whole path, in real Chromium, on a server of its own: an administrator imports the
 * README's example file (docs/instruments/example.json) by uploading it, stores it and offers it
 * to every practice; a practice manager runs a round with it; twelve members of staff answer it
 * with JavaScript off; the closed round's page names the instrument and its licence; and the
 * instrument report gives each construct's α as worked out here from the answers sent.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDatabase } from '../helpers/server-database';
import { demoServerDatabase } from './own-server';
import { startServer, type RunningServer } from '../helpers/server';
import { launchChromium, signIn } from './browser';

const EXAMPLE_PATH = 'docs/instruments/example.json';
const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as {
	title: string;
	version: string;
	provenance: { licence: string; citation: string };
	items: { id: string; construct: string; reversed: boolean }[];
};
const LABELS = ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree'];
const PEOPLE = 12;

/**
 * Person p's answer (1–5) to statement q: a level for the person, nudged on some statements so
 * that statements move together without being copies. A reverse-worded statement gets the answer
 * whose reversal (6 − x) is that score.
 */
function intended(person: number, statement: number): number {
	const level = 1 + (person % 5);
	const nudge = (person + statement) % 3 === 0 ? 1 : 0;
	return Math.min(5, level + nudge);
}
const raw = (person: number, statement: number) => (example.items[statement]!.reversed ? 6 - intended(person, statement) : intended(person, statement));

/** Cronbach's α of the scored answers (0–10 scale) to the given statements, over every person. */
function alphaOf(statements: number[]): number {
	const scores = Array.from({ length: PEOPLE }, (_, p) => statements.map((q) => (intended(p, q) - 1) * 2.5));
	const variance = (values: number[]) => {
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
	};
	const k = statements.length;
	const itemVariances = statements.map((_, i) => variance(scores.map((row) => row[i]!)));
	const total = variance(scores.map((row) => row.reduce((a, b) => a + b, 0)));
	return (k / (k - 1)) * (1 - itemVariances.reduce((a, b) => a + b, 0) / total);
}

let browser: Browser;
let server: RunningServer;
let database: ServerDatabase;

beforeAll(async () => {
	database = await demoServerDatabase('instrument-done');
	server = await startServer({ DEMO: '1', ...database.env });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await database?.remove();
});

describe("the README's example instrument, end to end", () => {
	it('is imported, run, answered without JavaScript, labelled with its title and licence, and reported on', async () => {
		const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await signIn(admin, server.url, 'admin@demo.belonging.example');
		await admin.goto(`${server.url}/instruments/import`);
		await admin.getByLabel('Instrument file').setInputFiles(EXAMPLE_PATH);
		await admin.getByRole('button', { name: 'Check the file' }).click();
		await admin.getByRole('heading', { name: 'Check before storing' }).waitFor();
		expect(await admin.locator('main').innerText()).toContain(example.provenance.licence);
		await admin.getByRole('button', { name: `Store version ${example.version}` }).click();
		await admin.waitForURL(/\/instruments\/\d+\?imported$/);
		const versionUrl = admin.url().replace(/\?imported$/, '');
		await admin.getByLabel('Every practice').check();
		await admin.getByRole('button', { name: 'Save who may use it' }).click();
		await admin.waitForURL(/\?offered$/);

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
		const choice = manager.getByLabel('Survey version').locator('option', { hasText: `${example.title}, version ${example.version}` });
		await manager.getByLabel('Survey version').selectOption((await choice.getAttribute('value'))!);
		await manager.getByLabel('Title').fill('Example check-in');
		await manager.getByLabel(/^Open now/).check();
		await manager.getByRole('button', { name: 'Create the round' }).click();
		const anyway = manager.getByLabel('Schedule it anyway');
		await anyway.waitFor();
		await anyway.check();
		await manager.getByRole('button', { name: 'Create the round' }).click();
		await manager.waitForURL(/\/rounds\/\d+$/);
		const roundUrl = manager.url();
		await manager.getByRole('link', { name: 'Share the survey' }).click();
		await manager.waitForURL(/\/share$/);
		const surveyUrl = await manager.getByRole('textbox', { name: 'Survey link', exact: true }).inputValue();

		for (let person = 0; person < PEOPLE; person++) {
			const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
			const staff = await context.newPage();
			await staff.goto(surveyUrl);
			for (let statement = 0; statement < example.items.length; statement++) {
				await staff
					.getByRole('group', { name: new RegExp(`^${statement + 1}\\. `) })
					.getByRole('radio', { name: LABELS[raw(person, statement) - 1]!, exact: true })
					.check();
			}
			await staff.getByRole('button', { name: 'Send my answers' }).click();
			await staff.waitForURL('**/thanks');
			await context.close();
		}

		await manager.goto(roundUrl);
		await manager.getByRole('link', { name: 'Close the round now' }).click();
		await manager.getByRole('button', { name: 'Yes, close the round now' }).click();
		await manager.waitForURL(/\?closed/);
		const results = await manager.locator('main').innerText();
		expect(results).toContain(example.title);
		expect(results).toContain(example.provenance.licence);
		expect(results).toContain(example.provenance.citation);
		await manager.close();

		await admin.goto(`${versionUrl}/report`);
		const table = admin.locator('table', { has: admin.locator('caption', { hasText: 'Internal consistency of each construct' }) });
		const constructs = ['coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'];
		const rows = await table.locator('tbody tr').all();
		expect(rows).toHaveLength(constructs.length);
		for (const [i, construct] of constructs.entries()) {
			const statements = example.items.flatMap((item, q) => (item.construct === construct ? [q] : []));
			const alpha = alphaOf(statements).toFixed(2).replace('-', '−');
			expect(await rows[i]!.locator('td').first().innerText(), construct).toBe(alpha);
			expect(await rows[i]!.locator('td').nth(2).innerText(), construct).toBe(String(PEOPLE));
		}
		expect(await admin.locator('main').innerText()).toContain(example.provenance.licence);
		await admin.close();
	});
});
