/**
 * The ICB lead's view (issue 26), on the shared demo server (read only): at a glance the PCNs that
 * may need support and why, the ICB's figure against the period before, the weakest constructs and
 * the shared gaps; the heatmap, band counts, PCN benchmarks, half-years and gap counts, each chart
 * with its table; the drill-down to a PCN dashboard, read-only and without a link worker's own view
 * or a link into a practice; accessible to axe-core and HTML_CodeSniffer at 1280 and 360 px; and
 * the page printed as a board summary on at most two A4 pages. Both engines.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';

const ICB_LEAD = 'icb.lead@demo.belonging.example';
const DEMO_ICB = 'NHS Example Integrated Care Board (demo)';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

async function icbDashboard(width: number, height = 1000): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), ICB_LEAD);
	await page.getByRole('link', { name: DEMO_ICB }).first().click();
	await page.waitForURL(/\/icbs\/\d+$/);
	return page;
}

const rowsOf = (page: Page, caption: string | RegExp) =>
	page
		.getByRole('table', { name: caption })
		.locator('tbody tr')
		.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim())));

describe("the ICB lead's dashboard", () => {
	it('opens on the PCNs that may need support and why, the figure against the period before, and the weakest and shared gaps', async () => {
		const page = await icbDashboard(1280);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(DEMO_ICB);
		const glance = page.getByRole('region', { name: 'At a glance' });
		const text = await glance.innerText();
		// Eastbrook's practices start low in the demo: its figure is bolted on.
		expect(text).toMatch(/PCNs that may need support\n(.*\n)*Eastbrook PCN \(demo\): its figure, \d\.\d, is bolted on/);
		expect(text).toMatch(/Mean of practice scores \d\.\d out of 10, from \d+ practices, against \d\.\d from \d+ practices between/);
		expect(text).toMatch(/Weakest across the ICB\n/);
		expect(text).toMatch(/\d+ of \d+ practices: “[^”]+”/);
		expect(await glance.locator('ol').count()).toBe(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('sets out every PCN side by side, in bands, beside every PCN, over time and by gap, each chart with its table', async () => {
		const page = await icbDashboard(1280);
		// The shared demo server: another test may have imported a PCN into the demo ICB, so the demo's own are looked for among all.
		const practicesInIcb = Number(/(\d+) practices$/.exec(await page.locator('.meta').innerText())![1]);
		const heatmap = await rowsOf(page, 'Figures by PCN, by name');
		expect(heatmap.map((row) => row[0]!.replace(/ U\d+$/, '')).filter((name) => name.endsWith('(demo)'))).toEqual([
			'Ashworth PCN (demo)',
			'Eastbrook PCN (demo)',
			'Harbour and Dunes PCN (demo)',
			'Riverside and Canal PCN (demo)',
			'Westfield and Moor PCN (demo)'
		]);
		for (const row of heatmap) expect(row[1]).toMatch(/^\d of \d$/);

		const bands = await rowsOf(page, 'Practices in each band, by PCN');
		// Each row's counts add up to its practices.
		for (const row of bands) expect(row.slice(1, 6).reduce((n, cell) => n + Number(cell), 0)).toBe(Number(row[6]!.split(' ')[0]));
		expect(bands.reduce((n, row) => n + Number(row[6]!.split(' ')[0]), 0)).toBe(practicesInIcb);
		expect(await page.getByRole('img', { name: /^Practices in each band, by PCN/ }).count()).toBe(1);

		// Eleven PCNs in the service: the group of every PCN is shown.
		const middle = await rowsOf(page, 'The middle half of every PCN using Belonging');
		expect(middle[0]![0]).toBe('Overall');
		expect(Number(middle[0]![4])).toBeGreaterThanOrEqual(10);
		expect(Number(middle[0]![1])).toBeLessThanOrEqual(Number(middle[0]![2]));
		const places = await rowsOf(page, /^Where each of the ICB’s PCNs lies/);
		for (const row of places) for (const cell of row.slice(1)) expect(['Above', 'Within', 'Below', 'No figure']).toContain(cell);
		// No other ICB's PCN is named, and no column gives a lowest, highest or rank.
		const section = page.locator('section[aria-labelledby="compare"]');
		expect(await section.innerText()).not.toMatch(/Cliffside|Vale Villages|Estuary|Downs and Weald|Old Town|Priorsford/);
		expect((await section.locator('th').allInnerTexts()).join(' ')).not.toMatch(/\b(lowest|highest|minimum|maximum|rank)\b/i);

		expect(await page.getByRole('img', { name: /^The ICB’s overall figure in each half-year/ }).count()).toBe(1);
		await page.getByText('Show the figures as a table').click();
		const halves = await rowsOf(page, /^The ICB’s figures by half-year/);
		expect(halves.length).toBeGreaterThanOrEqual(2);
		for (const row of halves) expect(row[0]).toMatch(/^(Apr–Sep \d{4}|Oct \d{4}–Mar \d{4})$/);

		const gaps = await rowsOf(page, /^Practices with a flag still open, by checklist item/);
		expect(gaps.length).toBeGreaterThan(2);
		for (const row of gaps) expect(row[2]).toBe(`${/^\d+/.exec(row[2]!)![0]} of ${practicesInIcb} practices`);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('drills down to a PCN dashboard, read-only: no link worker’s own view and no link into a practice', async () => {
		const page = await icbDashboard(1280);
		await page.getByRole('table', { name: 'Figures by PCN, by name' }).getByRole('link', { name: 'Riverside and Canal PCN (demo)' }).click();
		await page.waitForURL(/\/pcns\/\d+$/);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Riverside and Canal PCN (demo)');
		expect(await page.getByRole('region', { name: 'Practices side by side' }).isVisible()).toBe(true);
		expect(await page.locator('a[href^="/practices/"], a[href^="/rounds/"]').count()).toBe(0);
		expect(await page.getByRole('heading', { name: 'How link workers and staff see each practice' }).count()).toBe(0);
		expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: DEMO_ICB }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		// A practice's own page is not theirs, by its address either.
		const response = await page.goto(new URL('/practices/1', inject('baseUrl')).href);
		expect([403, 404]).toContain(response!.status());
		await page.close();
	});

	it('fits a 360 px phone with no sideways scrolling, and stays accessible', async () => {
		const page = await icbDashboard(360, 740);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('prints as a board summary on no more than two A4 pages, the glance first', async () => {
		const page = await icbDashboard(1280);
		await page.emulateMedia({ media: 'print' });
		expect(await page.getByRole('navigation', { name: 'On this page' }).isVisible()).toBe(false);
		const order = await page.locator('.contents-body > section').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-labelledby')));
		expect(order[0]).toBe('at-a-glance');
		const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
		const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
		expect(pages.length).toBeGreaterThanOrEqual(1);
		expect(pages.length).toBeLessThanOrEqual(2);
		await page.close();
	});
});
