/**
 * The dashboards on a phone, folded and on paper, on the shared demo server (read only): at
 * 360 × 780 "At a glance" starts on the first screen, before the page's links and the contents
 * list, which is folded away; detail sections are folded until a link asks for them; printed,
 * a dashboard has no buttons, forms, navigation or toggles, and its one-page summary (two pages
 * for a PCN) fits; the PCN's infrastructure-gaps table keeps its first column in sight while
 * the practices scroll under it, and no page scrolls sideways.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

const PHONE = { width: 360, height: 780 };

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

async function practiceDashboard(width: number, height: number): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'practice.manager@demo.belonging.example');
	await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
	await page.waitForURL(/\/practices\/\d+$/);
	await page.waitForLoadState('networkidle');
	return page;
}

async function pcnDashboard(width: number, height: number): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
	await page.getByRole('link', { name: /Riverside and Canal PCN \(demo\)\s*: compare its practices/ }).click();
	await page.waitForURL(/\/pcns\/\d+$/);
	await page.waitForLoadState('networkidle');
	return page;
}

/** Top of an element from the top of the document, in CSS pixels. */
const topOf = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
const pageHeight = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * "At a glance" comes straight after the page's title: only the breadcrumb, the title and its
 * line of detail are before it in the page's content, below the site's header and navigation
 * (296 px of a 780 px phone screen on the demo, its banner included), and its first answer is
 * starts on the first screen. Before, the glance started at 1,128 px (PCN 1,480 px) on this screen.
 */
async function expectAnswerOnFirstScreen(page: Page) {
	const before = await page.locator('main').evaluate((main) => {
		const glance = main.querySelector('section.at-a-glance')!;
		const earlier = [...main.querySelectorAll('*')].filter((el) => el.compareDocumentPosition(glance) & Node.DOCUMENT_POSITION_FOLLOWING && !el.contains(glance));
		return earlier
			.filter((el) => !earlier.includes(el.parentElement!) && el.getClientRects().length > 0)
			.map((el) => (el.tagName === 'NAV' ? `nav ${el.getAttribute('aria-label')}` : `${el.tagName.toLowerCase()}${el.classList.length ? `.${el.classList[0]}` : ''}`));
	});
	expect(before).toEqual(['nav Breadcrumb', 'h1', 'p.meta']);
	const firstAnswer = await page.locator('.at-a-glance dd').first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
	expect(firstAnswer).toBeLessThanOrEqual(PHONE.height - 48);
}

/** Pages in a PDF: its page objects (`/Type /Page`, not the `/Type /Pages` tree above them). */
function pdfPages(pdf: Buffer): number {
	return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}

/** What is on paper and would look like something to press: buttons, links drawn as buttons, forms, navigation, toggles. */
function visibleControlsInPrint(page: Page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('button, a.button, input, select, form, nav, summary, [role="button"]')]
			.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
			.map((el) => `${el.tagName.toLowerCase()} ${(el.textContent ?? '').trim().slice(0, 40)}`)
	);
}

describe('the practice dashboard on a phone', () => {
	it('starts with the answer, then the links, then the contents folded away', async () => {
		const page = await practiceDashboard(PHONE.width, PHONE.height);
		const glanceTop = await topOf(page, 'section.at-a-glance');
		console.info(`practice dashboard at 360: "At a glance" starts at ${Math.round(glanceTop)} px; page ${await pageHeight(page)} px tall`);
		await expectAnswerOnFirstScreen(page);
		// The glance, then what to do about it, then the contents, then the sections.
		const startRound = page.getByRole('link', { name: 'Start a new round' });
		const contents = page.getByRole('group').filter({ has: page.locator('summary', { hasText: 'On this page' }) });
		expect((await startRound.boundingBox())!.y).toBeGreaterThan(glanceTop);
		const summary = page.locator('summary', { hasText: 'On this page' });
		expect((await summary.boundingBox())!.y).toBeGreaterThan((await startRound.boundingBox())!.y);
		expect((await summary.boundingBox())!.y).toBeLessThan(await topOf(page, '#placement'));
		// Folded: the links are not there until asked for, and the summary is a large target.
		expect(await contents.count()).toBe(1);
		expect(await page.getByRole('navigation', { name: 'On this page' }).count()).toBe(0);
		expect((await summary.boundingBox())!.height).toBeGreaterThanOrEqual(44);
		expect(await pageWidth(page)).toBe(PHONE.width);
		await page.screenshot({ path: join(SCREENSHOTS, 'practice-dashboard-phone.png') });
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		// By keyboard: the summary opens the list, and a link to a folded section opens that section.
		await summary.focus();
		await page.keyboard.press('Enter');
		const nav = page.getByRole('navigation', { name: 'On this page' });
		expect(await nav.isVisible()).toBe(true);
		const comments = page.locator('section[aria-labelledby="comments"]');
		expect(await comments.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
		expect(await comments.locator('details > :not(summary)').first().isVisible()).toBe(false);
		await nav.getByRole('link', { name: 'Comments' }).focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/#comments$/);
		expect(await comments.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
		expect(await page.evaluate(() => document.querySelector('#comments')!.getBoundingClientRect().top)).toBeLessThan(PHONE.height);
		expect(await pageWidth(page)).toBe(PHONE.width);
		await page.close();
	});

	it('keeps the contents beside the content on a wide screen, and folds the detail', async () => {
		const page = await practiceDashboard(1280, 1000);
		console.info(`practice dashboard at 1280: page ${await pageHeight(page)} px tall`);
		const nav = page.getByRole('navigation', { name: 'On this page' });
		const glance = page.getByRole('region', { name: 'At a glance' });
		expect((await nav.boundingBox())!.x + (await nav.boundingBox())!.width).toBeLessThanOrEqual((await glance.boundingBox())!.x);
		expect(await page.locator('summary', { hasText: 'On this page' }).isVisible()).toBe(false);
		// The answer is open; the detail is folded, each under its own heading.
		for (const id of ['placement', 'change', 'trend', 'todo', 'profile']) {
			expect(await page.locator(`section[aria-labelledby="${id}"] details.fold`).count(), id).toBe(0);
		}
		for (const id of ['compare', 'items', 'groups', 'general', 'comments']) {
			const fold = page.locator(`section[aria-labelledby="${id}"] > details.fold`);
			expect(await fold.evaluate((d) => (d as HTMLDetailsElement).open), id).toBe(false);
		}
		await nav.getByRole('link', { name: 'Statement by statement' }).click();
		expect(await page.locator('section[aria-labelledby="items"] > details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		// An address that ends with a folded section's heading opens it too.
		await page.goto(`${page.url().replace(/#.*$/, '')}#groups`);
		await page.waitForLoadState('networkidle');
		expect(await page.locator('section[aria-labelledby="groups"] > details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
		await page.close();
	});

	it('prints without buttons, forms, navigation or toggles, every fold open', async () => {
		const page = await practiceDashboard(1280, 1000);
		await page.emulateMedia({ media: 'print' });
		expect(await visibleControlsInPrint(page)).toEqual([]);
		// The folded comments are on paper all the same.
		expect(await page.locator('section[aria-labelledby="comments"] > details > :not(summary)').first().isVisible()).toBe(true);
		console.info(`practice dashboard printed on A4: ${pdfPages(await page.pdf({ format: 'A4' }))} pages`);
		await page.close();
	});
});

describe('the practice summary for a meeting', () => {
	it('is linked from the dashboard and prints on one sheet of A4, its drawing with its table', async () => {
		const page = await practiceDashboard(1280, 1000);
		await page.getByRole('link', { name: 'Print a one-page summary' }).click();
		await page.waitForURL(/\/practices\/\d+\/summary$/);
		await page.waitForLoadState('networkidle');
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Riverside Surgery: summary for a practice meeting');
		const glance = await page.getByRole('region', { name: 'At a glance' }).innerText();
		expect(glance).toMatch(/\d\.\d out of 10 \(95% interval \d\.\d to \d\.\d\)/);
		expect(glance).toMatch(/This round\n.* is open until \d+ \w+ \d{4}/);
		// The placement drawn and in a table, the change in a table.
		expect(await page.getByRole('img').count()).toBeGreaterThan(0);
		expect(await page.getByRole('table', { name: 'Overall score and placement' }).count()).toBe(1);
		expect(await page.getByRole('table', { name: /^Change from / }).count()).toBe(1);
		// Its links lead to the dashboard's sections, not to nowhere on this page.
		for (const href of await page.locator('.at-a-glance a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
			expect(href).toMatch(/^\/(practices|rounds)\/\d+/);
		}
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.setViewportSize(PHONE);
		expect(await pageWidth(page)).toBe(PHONE.width);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

		await page.setViewportSize({ width: 1280, height: 1000 });
		await page.emulateMedia({ media: 'print' });
		expect(await visibleControlsInPrint(page)).toEqual([]);
		expect(pdfPages(await page.pdf({ format: 'A4' }))).toBe(1);
		// What the sheet looks like: the width of A4 between 15 mm margins, at 96 px an inch.
		await page.setViewportSize({ width: 680, height: 1000 });
		await page.screenshot({ path: join(SCREENSHOTS, 'practice-summary-print.png'), fullPage: true });
		await page.close();
	});

	it('is refused to those who may not read the dashboard, the same way', async () => {
		const page = await browser.newPage();
		await signIn(page, inject('baseUrl'), 'practice.manager@demo.belonging.example');
		const own = await page.request.get(`${inject('baseUrl')}/practices/999999/summary`);
		expect(own.status()).toBe(404);
		const signedOut = await browser.newPage();
		const response = await signedOut.goto(`${inject('baseUrl')}/practices/1/summary`);
		expect(new URL(response!.url()).pathname).toBe('/sign-in');
		await signedOut.close();
		await page.close();
	});
});

describe('the PCN dashboard on a phone', () => {
	it('starts with the answer, then the period, then the contents folded away', async () => {
		const page = await pcnDashboard(PHONE.width, PHONE.height);
		const glanceTop = await topOf(page, 'section.at-a-glance');
		console.info(`PCN dashboard at 360: "At a glance" starts at ${Math.round(glanceTop)} px; page ${await pageHeight(page)} px tall`);
		await expectAnswerOnFirstScreen(page);
		const period = page.getByRole('button', { name: 'Show this period' });
		expect((await period.boundingBox())!.y).toBeGreaterThan(glanceTop);
		const summary = page.locator('summary', { hasText: 'On this page' });
		expect((await summary.boundingBox())!.y).toBeGreaterThan((await period.boundingBox())!.y);
		expect(await page.getByRole('navigation', { name: 'On this page' }).count()).toBe(0);
		expect(await pageWidth(page)).toBe(PHONE.width);
		await page.screenshot({ path: join(SCREENSHOTS, 'pcn-dashboard-phone.png') });
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		// The glance's link to a folded section opens it.
		await page.getByRole('region', { name: 'At a glance' }).getByRole('link', { name: 'PCN figures' }).click();
		expect(await page.locator('section[aria-labelledby="figures"] > details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
		await page.close();
	});

	it('folds the detail on a wide screen and prints without controls', async () => {
		const page = await pcnDashboard(1280, 1000);
		console.info(`PCN dashboard at 1280: page ${await pageHeight(page)} px tall`);
		for (const id of ['figures', 'compare', 'perception', 'trends', 'rounds']) {
			expect(await page.locator(`section[aria-labelledby="${id}"] > details.fold`).evaluate((d) => (d as HTMLDetailsElement).open), id).toBe(false);
		}
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.emulateMedia({ media: 'print' });
		expect(await visibleControlsInPrint(page)).toEqual([]);
		console.info(`PCN dashboard printed on A4: ${pdfPages(await page.pdf({ format: 'A4' }))} pages`);
		await page.close();
	});

	it('has a summary for a PCN meeting on at most two sheets of A4', async () => {
		const page = await pcnDashboard(1280, 1000);
		await page.getByRole('link', { name: 'Print a summary for a PCN meeting' }).click();
		await page.waitForURL(/\/pcns\/\d+\/summary\?from=[\d-]+&to=[\d-]+$/);
		await page.waitForLoadState('networkidle');
		expect(await page.getByRole('table', { name: /^Scores by practice/ }).getByRole('row').count()).toBe(6);
		// The continuum drawn, its table a click away on screen and printed open on paper.
		const continuumTable = page.locator('table', { has: page.locator('caption', { hasText: 'Overall score and placement of each practice with a shown score' }) });
		expect(await continuumTable.count()).toBe(1);
		expect(await page.getByRole('table', { name: /^Actions by practice/ }).count()).toBe(1);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.setViewportSize(PHONE);
		expect(await pageWidth(page)).toBe(PHONE.width);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.setViewportSize({ width: 1280, height: 1000 });
		await page.emulateMedia({ media: 'print' });
		expect(await visibleControlsInPrint(page)).toEqual([]);
		expect(await continuumTable.isVisible()).toBe(true);
		const pages = pdfPages(await page.pdf({ format: 'A4' }));
		console.info(`PCN summary printed on A4: ${pages} pages`);
		expect(pages).toBeGreaterThanOrEqual(1);
		expect(pages).toBeLessThanOrEqual(2);
		await page.close();
	});
});

describe('the PCN infrastructure-gaps table', () => {
	it('shows every practice at 1280, scrolling inside a named region if it must with the need in sight, and the page does not scroll', async () => {
		const page = await pcnDashboard(1280, 1000);
		const table = page.getByRole('table', { name: 'Infrastructure gaps by practice, grouped by kind of need' });
		const box = page.locator('.table-scroll', { has: table });
		const practices = await table.locator('thead th.practice').allInnerTexts();
		expect(practices.length).toBe(5);
		const last = table.locator('thead th.practice').last();
		const first = table.locator('thead th.item');
		expect(await first.innerText()).toBe('What the link worker needs');
		const boxRect = (await box.boundingBox())!;
		const scrolls = await box.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
		console.info(`infrastructure gaps at 1280: ${scrolls ? 'scrolls inside its box' : 'fits'}`);
		if (scrolls) {
			// A region a keyboard can reach and scroll, named after the table.
			expect(await box.getAttribute('tabindex')).toBe('0');
			expect(await box.getAttribute('aria-label')).toBe('Infrastructure gaps by practice, grouped by kind of need (scrolls sideways)');
			await box.evaluate((el) => (el.scrollLeft = el.scrollWidth));
		}
		// The last practice is all there, inside the box, and the need is still in sight beside it.
		const lastRect = (await last.boundingBox())!;
		const needRect = (await first.boundingBox())!;
		expect(lastRect.x).toBeGreaterThanOrEqual(boxRect.x);
		expect(lastRect.x + lastRect.width).toBeLessThanOrEqual(boxRect.x + boxRect.width + 1);
		expect(needRect.x).toBeGreaterThanOrEqual(boxRect.x - 1);
		expect(await pageWidth(page)).toBe(1280);
		await box.evaluate((el) => (el.scrollLeft = 0));
		await page.locator('section[aria-labelledby="infrastructure"]').screenshot({ path: join(SCREENSHOTS, 'pcn-gaps-table.png') });

		await page.setViewportSize(PHONE);
		expect(await pageWidth(page)).toBe(PHONE.width);
		// On a phone it scrolls, and the need stays at the left beside whichever practice is in view.
		// The region learns it scrolls from a resize observer, a frame or more after the resize.
		await expect.poll(() => box.getAttribute('tabindex')).toBe('0');
		await box.evaluate((el) => (el.scrollLeft = el.scrollWidth));
		const phoneBox = (await box.boundingBox())!;
		expect((await first.boundingBox())!.x).toBeCloseTo(phoneBox.x, 0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
