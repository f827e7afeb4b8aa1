/**
 * Benchmarks on the practice dashboard (docs/scoring.md §8), on the shared demo server: the practice
 * manager sees where Riverside Surgery's scores lie against the middle half of the demo ICB's
 * practices and of every practice in the service (the demo has a second ICB), as a drawing and as
 * a table with the same figures, naming no other practice; readable and accessible at 1280 and
 * 360 px. Both engines.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

async function riverside(width: number): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'practice.manager@demo.belonging.example');
	await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
	await page.waitForURL(/\/practices\/\d+$/);
	await unfold(page);
	return page;
}

/** "Beside other practices" is detail, folded until asked for. */
async function unfold(page: Page) {
	await page.locator('section[aria-labelledby="compare"] summary').click();
}

const OTHER_PRACTICES = ['Hillview Medical Centre', 'Canal Street Practice', 'Oakfield Health Centre', 'Millbrook Family Practice', 'Ashworth Surgery', 'Harbour Surgery', 'Cliffside Surgery'];

describe('a practice beside other practices', () => {
	it('sets each score against the middle half of the ICB, in a drawing and a table, naming no other practice', async () => {
		const page = await riverside(1280);
		const section = page.getByRole('region', { name: 'Beside other practices' });
		await section.waitFor();
		expect(await page.getByRole('navigation', { name: 'On this page' }).getByRole('link', { name: 'Beside other practices' }).count()).toBe(1);
		// The demo ICB, then the whole service with the second ICB's practices too.
		expect(await section.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual([
			'Against practices in NHS Example Integrated Care Board (demo)',
			'Against every practice using Belonging'
		]);
		expect(await section.getByRole('img').count()).toBe(2);
		const service = await section
			.getByRole('table', { name: 'Riverside Surgery beside every practice using Belonging' })
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
		expect(service.map((row) => row[0])).toEqual(['Overall', 'Coherence', 'Cognitive participation', 'Collective action', 'Reflexive monitoring']);
		for (const row of service) expect(Number(row[5]), row[0]).toBeGreaterThanOrEqual(20);

		const icbTable = section.getByRole('table', { name: /^Riverside Surgery beside practices in NHS Example/ });
		const rows = await icbTable.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
		expect(rows.map((row) => row[0])).toEqual(['Overall', 'Coherence', 'Cognitive participation', 'Collective action', 'Reflexive monitoring']);
		for (const [label, , lower, median, upper, practices, where] of rows) {
			expect(Number(practices), label).toBeGreaterThanOrEqual(10);
			expect(Number(lower), label).toBeLessThanOrEqual(Number(median));
			expect(Number(median), label).toBeLessThanOrEqual(Number(upper));
			expect(['Above the middle half', 'Within the middle half', 'Below the middle half'], label).toContain(where);
		}
		// Riverside's own overall score is the one the page shows where the practice sits.
		const overallHere = rows[0]![1]!.split(' ')[0]!;
		expect(await page.locator('#placement').locator('..').innerText()).toContain(`${overallHere} out of 10`);
		// The sentence says the same as the table.
		const where = rows[0]![6]!.toLowerCase();
		expect(await section.innerText()).toContain(`Your overall score is ${where} of practices in your ICB`);

		const drawing = section.getByRole('img', { name: /^Riverside Surgery beside the middle half of NHS Example/ });
		expect(await drawing.getAttribute('aria-label')).toContain(`Overall, yours ${overallHere}`);
		const text = await section.innerText();
		for (const name of OTHER_PRACTICES) expect(text, name).not.toContain(name);
		expect(text).not.toMatch(/\b(lowest|highest|rank|minimum|maximum)\b/i);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('fits a 360 px phone without sideways scrolling, and stays accessible', async () => {
		const page = await riverside(360);
		const section = page.getByRole('region', { name: 'Beside other practices' });
		await section.scrollIntoViewIfNeeded();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		expect(await section.getByRole('img').count()).toBe(2);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it("shows the PCN lead where each practice lies against the same middle half, agreeing with the practice's own page", async () => {
		const manager = await riverside(1280);
		const own = await manager
			.getByRole('table', { name: /^Riverside Surgery beside practices in NHS Example/ })
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
		await manager.close();

		const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
		await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
		await page.getByRole('link', { name: /Riverside and Canal PCN \(demo\)\s*: compare its practices/ }).click();
		await page.waitForURL(/\/pcns\/\d+$/);
		await unfold(page);
		const section = page.getByRole('region', { name: 'Beside other practices' });
		const middle = await section
			.getByRole('table', { name: /^The middle half of practices in NHS Example/ })
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
		// The same groups as on the practice's page: quartiles and counts cell for cell.
		expect(middle).toEqual(own.map(([label, , lower, median, upper, practices]) => [label, lower, median, upper, practices]));
		const places = await section
			.getByRole('table', { name: /^Where each of the PCN's practices lies against the middle half of practices in NHS Example/ })
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
		expect(places.map((row) => row[0])).toEqual(['Canal Street Practice', 'Hillview Medical Centre', 'Millbrook Family Practice', 'Oakfield Health Centre', 'Riverside Surgery']);
		for (const row of places) for (const cell of row.slice(1)) expect(['Above', 'Within', 'Below', 'Not shown']).toContain(cell);
		const riversideRow = places.find((row) => row[0] === 'Riverside Surgery')!;
		expect(riversideRow.slice(1)).toEqual(own.map((row) => row[6]!.replace(' the middle half', '')));
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});

