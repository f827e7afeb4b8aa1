/**
 * The first screens of the dashboards, on the shared demo server (read only): at 1280 × 1000 the
 * practice manager sees where the practice sits, what moved, what to work on first, the actions
 * and the round before scrolling, and the PCN lead sees which practices may need support and
 * why, without ranks; both pages have a contents list whose every link lands on a heading, beside
 * the content on a wide screen and folded after the glance on a phone (dashboard-on-a-phone.test.ts
 * has the rest), with no sideways scrolling at 360 px;
 * printed, the summary comes first and the contents list not at all. Both engines check each.
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

async function practiceDashboard(width: number, height = 1000): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'practice.manager@demo.belonging.example');
	await page.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
	await page.waitForURL(/\/practices\/\d+$/);
	return page;
}

async function pcnDashboard(width: number, height = 1000): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
	await page.getByRole('link', { name: /Riverside and Canal PCN \(demo\)\s*: compare its practices/ }).click();
	await page.waitForURL(/\/pcns\/\d+$/);
	return page;
}

/** Every contents link lands on a heading that exists, and the headings are where they say. */
async function expectContentsToWork(page: Page) {
	const contents = page.getByRole('navigation', { name: 'On this page' });
	const links = await contents.getByRole('link').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href')!, text: a.textContent!.trim() })));
	expect(links.length).toBeGreaterThan(5);
	for (const link of links) {
		const target = page.locator(link.href);
		expect(await target.count(), link.href).toBe(1);
		expect(await target.evaluate((el) => /^H[1-6]$/.test(el.tagName)), link.href).toBe(true);
	}
	return links;
}

const bottomOf = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().bottom);

describe('the practice dashboard at a glance', () => {
	it('answers the first questions on the first screen, each linked to its detail', async () => {
		const page = await practiceDashboard(1280);
		const glance = page.getByRole('region', { name: 'At a glance' });
		const text = await glance.innerText();
		expect(text).toMatch(/Where the practice sits\n(Belonging|Fitting in|Bolted on)/);
		expect(text).toMatch(/\d\.\d out of 10 \(95% interval \d\.\d to \d\.\d\)/);
		expect(text).toMatch(/What moved since /);
		expect(text).toContain('Work on first');
		expect(text).toMatch(/Actions\n(None planned|\d+ actions? planned)/);
		expect(text).toMatch(/This round\n.* is open until \d+ \w+ \d{4}/);
		// All of it before the fold, beside the contents list.
		expect(await bottomOf(page, '#at-a-glance ~ dl')).toBeLessThanOrEqual(1000);
		for (const href of ['#placement', '#change', '#todo']) expect(await glance.locator(`a[href="${href}"]`).count(), href).toBe(1);
		const links = await expectContentsToWork(page);
		expect(links[0]).toEqual({ href: '#at-a-glance', text: 'At a glance' });
		expect(links.map((l) => l.href)).toEqual(expect.arrayContaining(['#placement', '#trend', '#todo', '#items', '#comments']));
		// Beside the content, and still there further down.
		const contents = page.getByRole('navigation', { name: 'On this page' });
		const box = (await contents.boundingBox())!;
		const glanceBox = (await glance.boundingBox())!;
		expect(box.x + box.width).toBeLessThanOrEqual(glanceBox.x);
		await page.locator('#comments').scrollIntoViewIfNeeded();
		expect(await contents.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('puts the glance first on a phone, the contents folded after it, with no sideways scrolling', async () => {
		const page = await practiceDashboard(360, 740);
		const contents = page.locator('summary', { hasText: 'On this page' });
		const glance = page.getByRole('region', { name: 'At a glance' });
		expect((await contents.boundingBox())!.y).toBeGreaterThan((await glance.boundingBox())!.y);
		expect(await page.getByRole('navigation', { name: 'On this page' }).count()).toBe(0);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('prints the summary first and leaves the contents list out', async () => {
		const page = await practiceDashboard(1280);
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('.on-this-page').evaluateAll((navs) => navs.filter((n) => n.getClientRects().length > 0).length)).toBe(0);
		const order = await page.locator('.with-contents section[aria-labelledby]').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-labelledby')));
		expect(order[0]).toBe('at-a-glance');
		expect(order).toEqual(expect.arrayContaining(['placement', 'items', 'comments']));
		await page.close();
	});
});

describe('the PCN dashboard at a glance', () => {
	it('names the practices that may need support and why, in words and without ranks, and the common gaps', async () => {
		const page = await pcnDashboard(1280);
		const glance = page.getByRole('region', { name: 'At a glance' });
		const text = await glance.innerText();
		expect(text).toContain('Practices that may need support');
		expect(text).toMatch(/Mean of practice scores \d\.\d out of 10, from \d practices/);
		expect(text).toContain('Most common gaps');
		// Reasons are words; nothing is numbered as a ranking.
		const reasons = await glance.locator('dd').first().getByRole('listitem').allInnerTexts();
		for (const reason of reasons) expect(reason).toMatch(/^[A-Z][^:]+: (placed as bolted on|a notable fall|too few answered|not surveyed|\d+ infrastructure gaps open)/);
		expect(await glance.locator('ol').count()).toBe(0);
		expect(await bottomOf(page, '#at-a-glance ~ dl')).toBeLessThanOrEqual(1000);
		await expectContentsToWork(page);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});

	it('fits a 360 px phone', async () => {
		const page = await pcnDashboard(360, 740);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
		expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		await page.close();
	});
});
