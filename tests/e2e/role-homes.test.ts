/**
 * Each role's home in real Chromium, signed in as the demo's people: the to-do list says what is
 * theirs to do, each with a link to where it is done; the navigation holds exactly the links that
 * role uses, each landing on a page without an error with itself marked current; and the home
 * passes axe and HTML_CodeSniffer at 1280 and 360 px without sideways scroll. Writes the README's
 * pictures of each home (the first screen at 1280).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

const base = () => inject('baseUrl');
const PRACTICE = /^\/practices\/\d+/;

interface RoleHome {
	email: string;
	picture: string;
	/** Where signing in lands. */
	home: string;
	/** The main navigation, in order: label and address. */
	navigation: [string, string | RegExp][];
	/** Patterns the to-do items must include, each as sentence and link address. */
	todo: [RegExp, RegExp][];
}

const ROLES: Record<string, RoleHome> = {
	'link worker': {
		email: 'link.worker@demo.belonging.example',
		picture: 'home-link-worker.png',
		home: '/',
		// Two practices: Flags and Actions list them; the survey calendar is not theirs to run.
		navigation: [
			['Home', '/'],
			['Flags', '/flags'],
			['Actions', '/actions'],
			['Account', '/account']
		],
		todo: [[/^A round is open at Riverside Surgery \(Winter 2026 staff survey, until .+\): give your own view/, /^\/rounds\/\d+\/assessment$/]]
	},
	'practice manager': {
		email: 'practice.manager@demo.belonging.example',
		picture: 'home-practice-manager.png',
		home: '/',
		// One practice: its own pages, straight.
		navigation: [
			['Home', '/'],
			['Flags', /^\/practices\/\d+\/flags$/],
			['Actions', /^\/practices\/\d+\/actions$/],
			['Calendar', /^\/practices\/\d+\/calendar$/],
			['Account', '/account']
		],
		todo: [
			// Below the minimum the round gives no count, only how many more it needs; from the minimum up, the count
			// and the rate. Which one depends on how many answers the survey tests sent to the shared demo server first.
			[
				/^Winter 2026 staff survey at Riverside Surgery is open until .+: (it needs \d+ more responses? before any result can be shown|\d+ responses so far \(\d+% of staff\))\./,
				/^\/rounds\/\d+$/
			],
			[/^“Adopt the PCN lone-working policy for home visits” at Riverside Surgery .+ was due on .+ and is not marked done\./, /^\/practices\/\d+\/actions#action-\d+$/]
		]
	},
	'PCN lead': {
		email: 'pcn.lead@demo.belonging.example',
		picture: 'home-pcn-lead.png',
		home: '/',
		navigation: [
			['Home', '/'],
			['Flags', '/flags'],
			['Actions', '/actions'],
			['Calendar', '/calendar'],
			['People', '/users'],
			['Account', '/account']
		],
		todo: [
			[/^Millbrook Family Practice may need support: placed as bolted on; a notable fall/, PRACTICE],
			[/^Hillview Medical Centre may need support: \d+ infrastructure gaps open\./, PRACTICE],
			[/^A link worker flagged “.+” at Hillview Medical Centre \d+ days ago and it has no response yet\./, /^\/practices\/\d+\/flags#flag-\d+$/]
		]
	},
	admin: {
		email: 'admin@demo.belonging.example',
		picture: 'home-admin.png',
		home: '/admin',
		navigation: [
			['Administration', '/admin'],
			['Organisations', '/admin/organisations'],
			['Instruments', '/instruments'],
			['People', '/users'],
			['Mail', '/admin/mail'],
			['Sign-in security', '/admin/security'],
			['Audit log', '/admin/audit'],
			['Account', '/account']
		],
		// The demo's people who never accepted their invitation.
		todo: [[/^\d+ invitations ran out before they were accepted/, /^\/users$/]]
	}
};

async function todoItems(page: Page): Promise<{ text: string; href: string }[]> {
	return page
		.locator('section[aria-labelledby=todo-heading] li')
		.evaluateAll((items) => items.map((li) => ({ text: li.textContent!.trim(), href: li.querySelector('a')!.getAttribute('href')! })));
}

async function navigationOf(page: Page): Promise<{ label: string; href: string; current: string | null }[]> {
	return page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link')
		.evaluateAll((links) => links.map((a) => ({ label: a.textContent!.trim(), href: a.getAttribute('href')!, current: a.getAttribute('aria-current') })));
}

const matches = (value: string, expected: string | RegExp) => (typeof expected === 'string' ? value === expected : expected.test(value));

describe('each role’s home', () => {
	for (const [role, expected] of Object.entries(ROLES)) {
		it(`shows the ${role} what is theirs to do, and the navigation they use`, async () => {
			const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
			await signIn(page, base(), expected.email);
			expect(new URL(page.url()).pathname).toBe(expected.home);
			expect(await page.getByRole('heading', { name: 'To do', level: 2 }).count()).toBe(1);

			const items = await todoItems(page);
			for (const [sentence, href] of expected.todo) {
				const found = items.find((item) => sentence.test(item.text));
				expect(found, `${sentence} among ${JSON.stringify(items)}`).toBeDefined();
				expect(found!.href).toMatch(href);
			}
			await page.screenshot({ path: join(SCREENSHOTS, expected.picture) });

			const links = await navigationOf(page);
			expect(links.map((l) => l.label)).toEqual(expected.navigation.map(([label]) => label));
			links.forEach((link, i) => expect(matches(link.href, expected.navigation[i]![1]), `${link.label}: ${link.href}`).toBe(true));
			// Only the home is marked as the current page.
			expect(links.filter((l) => l.current === 'page').map((l) => l.label)).toEqual([expected.navigation[0]![0]]);
			expect(describeViolations(await accessibilityProblems(page))).toEqual([]);

			// Every link lands on a page that works, marked current there.
			for (const link of links) {
				const response = await page.goto(`${base()}${link.href}`);
				expect(response?.status(), link.href).toBe(200);
				expect(await page.getByRole('heading', { level: 1 }).count(), link.href).toBe(1);
				const current = (await navigationOf(page)).filter((l) => l.current === 'page').map((l) => l.label);
				expect(current, link.href).toEqual([link.label]);
			}

			// On a phone: the navigation wraps, nothing scrolls sideways.
			await page.setViewportSize({ width: 360, height: 740 });
			await page.goto(`${base()}${expected.home}`);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
			expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
			await page.close();
		});
	}

	it('lists a link worker’s practices behind Flags and Actions, each page passing axe at 1280 and 360 px', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await signIn(page, base(), ROLES['link worker']!.email);
		for (const part of ['flags', 'actions']) {
			await page.setViewportSize({ width: 1280, height: 800 });
			await page.goto(`${base()}/${part}`);
			const practices = page.locator('ul.practice-index > li');
			expect(await practices.count()).toBe(2);
			expect(await practices.getByRole('link').allInnerTexts()).toEqual(['Hillview Medical Centre', 'Riverside Surgery']);
			for (const href of await practices.getByRole('link').evaluateAll((ls) => ls.map((l) => l.getAttribute('href'))))
				expect(href).toMatch(new RegExp(`^/practices/\\d+/${part}$`));
			expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
			await page.setViewportSize({ width: 360, height: 740 });
			await page.reload();
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
			expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
		}
		await page.close();
	});

	it('works with JavaScript off: the to-do list and the navigation are plain links', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, base(), ROLES['PCN lead']!.email);
		expect((await todoItems(page)).length).toBeGreaterThan(0);
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
		await page.waitForURL((url) => url.pathname === '/calendar');
		expect(await page.getByRole('heading', { name: 'Survey calendars', level: 1 }).count()).toBe(1);
		expect(await page.locator('ul.practice-index > li').count()).toBe(5);
		await context.close();
	});
});
