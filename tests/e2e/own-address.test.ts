/**
 * Issue 30 item 8: a server set up at http://localhost:PORT (its ORIGIN) opened as
 * http://127.0.0.1:PORT. The demo sends the page to the same page at localhost, where signing in
 * works; outside the demo the page is served, and its form is refused in words with the address
 * to use, with JavaScript on (the error page) and off (a page of its own), never a bare 403.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/server';
import { DEMO_PASSWORD_FOR_TESTS, launchChromium } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

let demoPort = 0;
let plainPort = 0;
beforeAll(async () => {
	demoPort = await freePort();
	plainPort = await freePort();
});
const demo = useOwnServer('own-address-demo', () => ({ DEMO: '1', ORIGIN: `http://localhost:${demoPort}` }), { port: () => demoPort });
const plain = useOwnServer('own-address-plain', () => ({ ORIGIN: `http://localhost:${plainPort}` }), { port: () => plainPort });

describe('the demo opened at 127.0.0.1 instead of localhost', () => {
	it('sends the page to the same page at localhost, where signing in works', async () => {
		const page = await demo.browser.newPage();
		try {
			await page.goto(`http://127.0.0.1:${demoPort}/sign-in?next=%2Faccount`);
			expect(page.url()).toBe(`http://localhost:${demoPort}/sign-in?next=%2Faccount`);
			await expect.poll(() => page.getByText('The demo answers only on this computer').count()).toBe(1);
			await expectAxeClean(page);
			await page.getByLabel('Email address').fill('admin@demo.belonging.example');
			await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD_FOR_TESTS);
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await page.waitForURL(`http://localhost:${demoPort}/account`);
		} finally {
			await page.close();
		}
	});

	it('answers a request at 127.0.0.1 with a redirect that keeps the path and query', async () => {
		const response = await fetch(`http://127.0.0.1:${demoPort}/rounds?page=2`, { redirect: 'manual' });
		expect(response.status).toBe(307);
		expect(response.headers.get('location')).toBe(`http://localhost:${demoPort}/rounds?page=2`);
	});
});

describe('outside the demo, a form sent from 127.0.0.1', () => {
	const refusal = (port: number) =>
		`This page was opened at http://127.0.0.1:${port}, but Belonging is set up at http://localhost:${port} and takes forms only from its pages there, so nothing was sent. Open http://localhost:${port}/sign-in and try again.`;

	it('is refused on the error page, in words, with JavaScript on', async () => {
		const page = await plain.browser.newPage();
		try {
			await page.goto(`http://127.0.0.1:${plainPort}/sign-in`);
			expect(page.url()).toBe(`http://127.0.0.1:${plainPort}/sign-in`);
			// The page's script must have started, or the click posts the form without it.
			await page.waitForLoadState('networkidle');
			await page.getByLabel('Email address').fill('someone@belonging.example');
			await page.getByLabel('Password', { exact: true }).fill('a password');
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await expect.poll(() => page.getByText(refusal(plainPort)).count()).toBe(1);
			expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
			await expectAxeClean(page);
		} finally {
			await page.close();
		}
	});

	it('is refused on a page of its own with 403 and a link to the right address, with JavaScript off', async () => {
		const browser = await launchChromium();
		try {
			const context = await browser.newContext({ javaScriptEnabled: false });
			const page = await context.newPage();
			await page.goto(`http://127.0.0.1:${plainPort}/sign-in`);
			await page.getByLabel('Email address').fill('someone@belonging.example');
			await page.getByLabel('Password', { exact: true }).fill('a password');
			const [answer] = await Promise.all([
				page.waitForResponse((r) => r.request().method() === 'POST'),
				page.getByRole('button', { name: 'Sign in', exact: true }).click()
			]);
			expect(answer.status()).toBe(403);
			await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Form refused');
			expect(await page.getByText(refusal(plainPort)).count()).toBe(1);
			expect(await page.getByRole('link', { name: `Open http://localhost:${plainPort}/sign-in` }).getAttribute('href')).toBe(
				`http://localhost:${plainPort}/sign-in`
			);
			// axe runs in the page's JavaScript, off here: the same answer is checked in a page with it on.
			const checked = await plain.browser.newPage();
			await checked.setContent(await answer.text());
			await expectAxeClean(checked);
			await checked.close();
		} finally {
			await browser.close();
		}
	});

	it('is still refused, in words, when it comes from another site, and no session is given', async () => {
		const response = await fetch(`http://127.0.0.1:${plainPort}/sign-in`, {
			method: 'POST',
			body: 'email=a%40b.example&password=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', accept: 'text/html' }
		});
		expect(response.status).toBe(403);
		expect(response.headers.get('set-cookie')).toBeNull();
		expect(await response.text()).toContain(`Belonging takes forms only from its own pages at http://localhost:${plainPort}.`);
	});
});
