/**
 * Security headers, the Content-Security-Policy and cross-site request forgery, checked
 * against the built server; then the pages in Chromium, which must not break the policy.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, signIn } from './browser';
import { latestClosedRoundOf, responsesFor, totalRows } from './database';

const url = (path: string) => `${inject('baseUrl')}${path}`;

/** The policy as a map from directive to its sources. */
function parsePolicy(header: string | null): Map<string, string[]> {
	const policy = new Map<string, string[]>();
	for (const part of (header ?? '').split(';')) {
		const [name, ...sources] = part.trim().split(/\s+/);
		if (name) policy.set(name, sources);
	}
	return policy;
}

/** app.html's wrapper is the one style attribute left (allowed by its hash); it is not a component's. */
function expectCommonHeaders(headers: Headers, { cutFromOpener = true } = {}) {
	expect(headers.get('x-content-type-options')).toBe('nosniff');
	// Either keeps survey and account tokens in the path from reaching another site.
	expect(['no-referrer', 'same-origin']).toContain(headers.get('referrer-policy'));
	expect(headers.get('x-frame-options')).toBe('DENY');
	// A respondent's survey goes without it: there it would only cost the phone a fresh process.
	expect(headers.get('cross-origin-opener-policy')).toBe(cutFromOpener ? 'same-origin' : null);
	expect(headers.get('permissions-policy')).toContain('camera=()');
	// The test server runs on plain http, where HSTS means nothing and must not be sent.
	expect(headers.get('strict-transport-security')).toBeNull();
}

describe('response headers', () => {
	it.each([
		['the home page', '/', 200, true, true],
		['the sign-in page', '/sign-in', 200, true, true],
		// The survey is plain HTML with one script file of its own: no inline script at all.
		['a survey', '/s/demo', 200, false, false],
		['a survey link that leads nowhere', '/s/not-a-real-token', 404, true, false],
		['a page that is not there', '/no-such-page', 404, true, true]
	])('%s carries a strict Content-Security-Policy and the other security headers', async (_label, path, status, startsKit, cutFromOpener) => {
		const response = await fetch(url(path), { redirect: 'manual' });
		expect(response.status).toBe(status);
		expect(response.headers.get('content-type')).toMatch(/^text\/html/);
		expectCommonHeaders(response.headers, { cutFromOpener });

		const policy = parsePolicy(response.headers.get('content-security-policy'));
		expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
		expect(policy.get('default-src')).toEqual(["'self'"]);
		expect(policy.get('object-src')).toEqual(["'none'"]);
		expect(policy.get('base-uri')).toEqual(["'self'"]);
		expect(policy.get('form-action')).toEqual(["'self'"]);
		expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
		expect(policy.get('style-src')).toEqual(["'self'"]);
		// Only exact, hashed style attributes (Kit's route announcer): never 'unsafe-inline'.
		const attributes = policy.get('style-src-attr')!;
		expect(attributes[0]).toBe("'unsafe-hashes'");
		for (const source of attributes.slice(1)) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
		const scripts = policy.get('script-src')!;
		expect(scripts[0]).toBe("'self'");
		expect(scripts).not.toContain("'unsafe-inline'");
		expect(scripts).not.toContain("'unsafe-eval'");
		// Kit's one inline start-up script runs by its nonce, and only that script carries it.
		const nonces = scripts.filter((s) => s.startsWith("'nonce-"));
		const html = await response.text();
		const inlineScripts = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [];
		if (!startsKit) {
			expect(scripts).toEqual(["'self'"]);
			expect(inlineScripts).toEqual([]);
			return;
		}
		expect(nonces).toHaveLength(1);
		expect(inlineScripts.length).toBeGreaterThan(0);
		for (const tag of inlineScripts) expect(tag).toContain(`nonce="${nonces[0]!.slice(7, -1)}"`);
	});

	it('gives every request its own nonce', async () => {
		const nonce = async () => parsePolicy((await fetch(url('/sign-in'))).headers.get('content-security-policy')).get('script-src')!.at(-1);
		expect(await nonce()).not.toBe(await nonce());
	});

	it('renders no inline style, neither a <style> block nor a style attribute from our components', async () => {
		for (const path of ['/', '/sign-in', '/s/demo']) {
			const html = await (await fetch(url(path))).text();
			expect(html).not.toMatch(/<style[\s>]/);
			expect(html).toMatch(/<link[^>]+rel="stylesheet"/);
			expect(html).not.toMatch(/\sstyle=/);
		}
	});

	it('sends the security headers on endpoints too', async () => {
		const response = await fetch(url('/healthz'));
		expect(response.status).toBe(200);
		expectCommonHeaders(response.headers);
	});
});

describe('cross-site request forgery', () => {
	function post(path: string, body: string, headers: Record<string, string>) {
		return fetch(url(path), { method: 'POST', body, redirect: 'manual', headers: { accept: 'text/html', ...headers } });
	}

	it.each([
		['a URL-encoded form', 'application/x-www-form-urlencoded'],
		['a plain-text form', 'text/plain'],
		['a multipart form', 'multipart/form-data; boundary=x']
	])('refuses %s posted from another site, and stores nothing', async (_label, contentType) => {
		const before = await totalRows('response');
		const response = await post('/s/demo', 'item-CO1=4', { 'content-type': contentType, origin: 'https://evil.example' });
		expect(response.status).toBe(403);
		expect(await totalRows('response')).toBe(before);
	});

	it('refuses a cross-site sign-in attempt', async () => {
		const response = await post('/sign-in', 'email=a%40b.example&password=x', {
			'content-type': 'application/x-www-form-urlencoded',
			origin: 'https://evil.example'
		});
		expect(response.status).toBe(403);
		expect(response.headers.get('set-cookie')).toBeNull();
	});

	it('accepts the same form posted from the site itself', async () => {
		const before = await responsesFor('demo');
		const response = await post('/s/demo', 'item-CO1=4', {
			'content-type': 'application/x-www-form-urlencoded',
			origin: inject('baseUrl')
		});
		expect(response.status).toBe(303);
		expect(await responsesFor('demo')).toBe(before + 1);
	});
});

describe('in Chromium, the pages keep to the policy', () => {
	let browser: Browser;
	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});

	/** Collects what Chromium reports about the policy: console messages and violation events. */
	async function watchPolicy(page: Page): Promise<string[]> {
		const reports: string[] = [];
		page.on('console', (message) => {
			if (message.text().includes('Content Security Policy')) reports.push(message.text());
		});
		await page.exposeFunction('reportViolation', (text: string) => reports.push(text));
		await page.addInitScript(() => {
			document.addEventListener('securitypolicyviolation', (e) => {
				(window as unknown as { reportViolation: (t: string) => void }).reportViolation(
					`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`
				);
			});
		});
		return reports;
	}

	/** The demo's latest closed round at Riverside Surgery, which has enough responses to show. */
	async function riversideResultsPath(): Promise<string> {
		return `/rounds/${await latestClosedRoundOf('X99001')}`;
	}

	it('loads the survey and answers a question with no policy violation', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		const reports = await watchPolicy(page);
		await page.goto(url('/s/demo'));
		await page.getByRole('group', { name: /^1\. / }).getByRole('radio', { name: 'Agree', exact: true }).check();
		await page.getByText(/You have answered 1 of \d+ questions/).waitFor();
		expect(reports).toEqual([]);
		await context.close();
	});

	it("keeps a signed-in person's survey page cut off from the window that opened it", async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, inject('baseUrl'), 'practice.manager@demo.belonging.example');
		const signedIn = await context.request.get(url('/s/demo'));
		expect(signedIn.status()).toBe(200);
		expect(signedIn.headers()['cross-origin-opener-policy']).toBe('same-origin');
		const anonymous = await fetch(url('/s/demo'));
		expect(anonymous.headers.get('cross-origin-opener-policy')).toBeNull();
		await context.close();
	});

	it('signs in and shows round results, with the chart and the continuum drawn, and no policy violation', async () => {
		const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
		const page = await context.newPage();
		const reports = await watchPolicy(page);
		await page.goto(url(`/sign-in?next=${encodeURIComponent(await riversideResultsPath())}`));
		await page.getByLabel('Email address').fill('practice.manager@demo.belonging.example');
		await page.getByLabel('Password').fill('belonging-demo-2026');
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.waitForURL(/\/rounds\/\d+$/);
		await page.getByRole('heading', { name: 'Where the practice sits' }).waitFor();

		const band = page.getByRole('img', { name: /overall score \d+\.\d out of 10/ });
		expect(await band.evaluate((svg) => svg.tagName.toLowerCase())).toBe('svg');
		// The stylesheet, not an inline style, gives the zones their colours.
		const fills = await band.locator('rect.zone').evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill));
		expect(new Set(fills).size).toBe(3);
		// Chart.js sizes its canvas through the DOM, which the policy allows.
		const chart = page.getByRole('img', { name: /^Construct scores out of 10/ });
		expect(await chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).height)).toBeGreaterThan(100);
		expect(reports).toEqual([]);

		// The page as the server sends it, before any script runs: no inline style of ours.
		const html = await (await context.request.get(page.url())).text();
		expect(html).toContain('Where the practice sits');
		expect(html).not.toMatch(/<style[\s>]/);
		expect(html).not.toMatch(/\sstyle=/);
		await context.close();
	});

	// Issue 12, item 2: a tab (or CR, LF, NUL, a backslash) in `next` once sent Chromium to another site.
	it.each([
		['a tab', '%2F%09%2Fevil.example%2Fx'],
		['a carriage return and line feed', '%2F%0D%0A%2Fevil.example%2Fx'],
		['a NUL', '%2F%00%2Fevil.example%2Fx'],
		['a backslash', '%2F%5Cevil.example%2Fx'],
		['a full-width solidus', '%2F%EF%BC%8Fevil.example%2Fx'],
		['an ideographic space', '%2F%E3%80%80%2Fevil.example%2Fx']
	])('stays on Belonging after a real sign-in whose next address hides %s', async (_label, next) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(url(`/sign-in?next=${next}`));
		await page.getByLabel('Email address').fill('link.worker@demo.belonging.example');
		await page.getByLabel('Password').fill('belonging-demo-2026');
		const answer = page.waitForResponse((r) => r.request().method() === 'POST');
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		const response = await answer;
		expect(response.status()).toBe(303);
		expect(response.headers()['location']).toBe('/');
		await page.waitForLoadState();
		expect(new URL(page.url()).origin).toBe(new URL(url('/')).origin);
		await context.close();
	});

	it('lets an admin filter and download the audit log without JavaScript, within the policy and passing axe', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		const reports = await watchPolicy(page);
		await page.goto(url('/sign-in?next=%2Fadmin%2Faudit'));
		await page.getByLabel('Email address').fill('admin@demo.belonging.example');
		await page.getByLabel('Password').fill('belonging-demo-2026');
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();

		await page.getByLabel('What happened').selectOption({ label: 'Signed in' });
		await page.getByLabel('Who').fill('admin@');
		await page.getByRole('button', { name: 'Show events' }).click();
		await page.waitForURL(/action=sign_in&actor=admin%40/);
		const table = page.getByRole('table', { name: /matching the filter, newest first/ });
		const rows = table.locator('tbody tr');
		expect(await rows.count()).toBeGreaterThan(0);
		for (const text of await rows.allInnerTexts()) expect(text).toMatch(/admin@demo\.belonging\.example\s+Signed in/);

		// axe needs scripts: the same page, signed in as the same admin, with JavaScript on.
		const scripted = await browser.newContext({ storageState: await context.storageState() });
		const scriptedPage = await scripted.newPage();
		const scriptedReports = await watchPolicy(scriptedPage);
		await scriptedPage.goto(page.url());
		await scriptedPage.getByRole('table', { name: /matching the filter/ }).waitFor();
		expect(describeViolations(await accessibilityProblems(scriptedPage))).toEqual([]);
		expect(scriptedReports).toEqual([]);
		await scripted.close();

		const href = await page.getByRole('link', { name: /Download every event matching the filter/ }).getAttribute('href');
		expect(href).toBe('/admin/audit/export?action=sign_in&actor=admin%40');
		const download = await context.request.get(url(href!));
		expect(download.headers()['content-type']).toBe('text/csv; charset=utf-8');
		const csv = await download.body();
		expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(csv.toString('utf8')).toMatch(/\r\n\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,admin@demo\.belonging\.example,\d+,sign_in,Signed in,/);
		expect(reports).toEqual([]);
		await context.close();
	});
});
