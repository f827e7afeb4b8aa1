/**
 * Issue 27: the assurance pages (/privacy, /accessibility, /assurance and its DPIA and DTAC
 * answers, /security) and security.txt, on a server of their own started with settings unlike
 * the defaults. Every figure a page marks as a fact must be what this server enforces: its
 * settings as started, and the limits in the code's own constants (never the pages' copy of
 * them). The pages are open to everyone, linked from the footer of app pages and of the survey,
 * and pass both accessibility checkers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { LINK_LIFETIME_MS } from '../../src/lib/server/accounts/account-links';
import { MAX_RESET_REQUESTS_PER_HOUR } from '../../src/lib/server/accounts/invitations';
import { MIN_PASSWORD_LENGTH } from '../../src/lib/server/accounts/passwords';
import { setRolesRequiringSecondStep } from '../../src/lib/server/accounts/second-factor';
import { SESSION_IDLE_MS } from '../../src/lib/server/accounts/sessions';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW_MS } from '../../src/lib/server/accounts/sign-in-throttle';
import { getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import { API_RATE_LIMIT, API_RATE_WINDOW_MS } from '../../src/lib/server/api/rate-limit';
import { LOG_EMPTIED_WITHIN_MS } from '../../src/lib/server/db/checkpoints';
import { MIN_RESPONSES_FLOOR } from '../../src/lib/server/platform/config';
import { submissionLimits } from '../../src/lib/server/surveys/submission-limits';
import { signIn } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const CONTACT = 'mailto:security@belonging.example';
const own = useOwnServer('assurance', () => ({
	DEMO: '1',
	MIN_RESPONSES: '7',
	MIN_BENCHMARK_PRACTICES: '12',
	RETENTION_COMMENTS_MONTHS: '18',
	RETENTION_ANSWERS_MONTHS: '30',
	RETENTION_AUDIT_MONTHS: '84',
	SECURITY_CONTACT: CONTACT
}));

const HOUR_MS = 60 * 60 * 1000;

/**
 * What the server enforces, as the pages should print it: the settings it was started with, and
 * the code's constants. The survey limit's factor per staff member is checked apart, against the
 * limit itself.
 */
const ENFORCED: Record<string, string> = {
	minResponses: '7',
	minResponsesFloor: String(MIN_RESPONSES_FLOOR),
	minBenchmarkPractices: '12',
	'retention.commentsMonths': '18',
	'retention.answersMonths': '30',
	'retention.auditMonths': '84',
	sessionIdleHours: String(SESSION_IDLE_MS / HOUR_MS),
	invitationDays: String(LINK_LIFETIME_MS.invitation / (24 * HOUR_MS)),
	resetLinkMinutes: String(LINK_LIFETIME_MS.password_reset / 60_000),
	resetRequestsPerHour: String(MAX_RESET_REQUESTS_PER_HOUR),
	passwordMinLength: String(MIN_PASSWORD_LENGTH),
	'signInThrottle.perAccount': String(MAX_FAILURES_PER_ACCOUNT),
	'signInThrottle.perAddress': String(MAX_FAILURES_PER_ADDRESS),
	'signInThrottle.windowMinutes': String(THROTTLE_WINDOW_MS / 60_000),
	'api.requests': String(API_RATE_LIMIT),
	'api.windowSeconds': String(API_RATE_WINDOW_MS / 1000),
	'surveyLimit.leastPerHour': String(submissionLimits(1).perHour),
	'surveyLimit.withoutHeadcount.perHour': String(submissionLimits(null).perHour),
	'surveyLimit.withoutHeadcount.perDay': String(submissionLimits(null).perDay),
	logEmptiedWithinMs: String(LOG_EMPTIED_WITHIN_MS),
	securityContact: 'security@belonging.example'
};

const RETENTION = ['retention.commentsMonths', 'retention.answersMonths', 'retention.auditMonths'];

/** Each page, and the facts it must state (it may state others, which must be right too). */
const PAGES: Record<string, string[]> = {
	'/privacy': ['minResponses', 'minResponsesFloor', 'minBenchmarkPractices', ...RETENTION, 'sessionIdleHours'],
	'/accessibility': ['sessionIdleHours', 'resetLinkMinutes', 'invitationDays'],
	'/assurance': ['minResponses', 'minBenchmarkPractices', ...RETENTION, 'securityContact'],
	'/assurance/dpia': ['minResponses', 'minBenchmarkPractices', ...RETENTION, 'logEmptiedWithinMs', 'sessionIdleHours'],
	'/assurance/dtac': ['minResponses', ...RETENTION, 'sessionIdleHours'],
	'/security': [
		'securityContact',
		'minResponses',
		'signInThrottle.perAccount',
		'signInThrottle.perAddress',
		'signInThrottle.windowMinutes',
		'passwordMinLength',
		'sessionIdleHours',
		'resetLinkMinutes',
		'invitationDays',
		'resetRequestsPerHour',
		'surveyLimit.perStaffPerHour',
		'surveyLimit.leastPerHour',
		'surveyLimit.withoutHeadcount.perHour',
		'surveyLimit.withoutHeadcount.perDay',
		'api.requests',
		'api.windowSeconds',
		'logEmptiedWithinMs',
		'retention.auditMonths'
	]
};

const FOOTER_LINKS = ['/privacy', '/accessibility', '/security', '/assurance'];

/** Every [data-fact] on the page, as [name, text]. */
function factsOn(page: Page): Promise<[string, string][]> {
	return page.$$eval('[data-fact]', (elements) => elements.map((e) => [(e as HTMLElement).dataset.fact!, e.textContent!.trim()] as [string, string]));
}

/** The links in the page's footer: a list in the app's, a plain line on the survey's. */
function footerLinksOn(page: Page): Promise<string[]> {
	return page.locator('footer a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
}

describe('the assurance pages', () => {
	it.each(Object.keys(PAGES))('%s states exactly what this server enforces, and passes both accessibility checkers', async (path) => {
		const page = await own.browser.newPage();
		const response = await page.goto(`${own.server.url}${path}`);
		expect(response?.status()).toBe(200);
		const facts = await factsOn(page);
		for (const [name, text] of facts) {
			if (name === 'surveyLimit.perStaffPerHour') {
				// The factor the limit is built from: the limit for any headcount past its floor is that many per person, rounded up.
				for (const headcount of [40, 77, 300]) expect(submissionLimits(headcount).perHour, `${path}: ${name}`).toBe(Math.ceil(headcount * Number(text)));
				continue;
			}
			expect(ENFORCED, `${path} shows a fact the test does not know: ${name}`).toHaveProperty([name]);
			expect(text, `${path}: ${name}`).toBe(ENFORCED[name]);
		}
		for (const name of PAGES[path]!) expect(facts.map(([n]) => n), `${path} states ${name}`).toContain(name);
		expect(await footerLinksOn(page)).toEqual(FOOTER_LINKS);
		await expectAxeClean(page);
		await page.close();
	});

	it('are open to someone signed in too, at 360 px', async () => {
		const context = await own.browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, own.server.url, 'practice.manager@demo.belonging.example');
		for (const path of Object.keys(PAGES)) {
			const response = await page.goto(`${own.server.url}${path}`);
			expect(response?.status(), path).toBe(200);
			expect(await page.getByRole('heading', { level: 1 }).count(), path).toBe(1);
			// Nothing wider than the phone but the tables, which scroll.
			expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
		}
		expect(await footerLinksOn(page)).toEqual(FOOTER_LINKS);
		await expectAxeClean(page);
		await context.close();
	});

	it('are linked from the footer of app pages, error pages and the survey, and from the survey’s introduction', async () => {
		const page = await own.browser.newPage();
		for (const path of ['/sign-in', '/forgot-password', '/s/demo/thanks', '/a-page-that-does-not-exist', '/s/demo']) {
			await page.goto(`${own.server.url}${path}`);
			expect(await footerLinksOn(page), path).toEqual(FOOTER_LINKS);
		}
		const intro = page.getByRole('link', { name: 'How your answers are kept anonymous and for how long' });
		expect(await intro.getAttribute('href')).toBe('/privacy');
		await expectAxeClean(page);
		await page.close();
	});

	it('state the multi-factor plan as set on this server, read afresh', async () => {
		const page = await own.browser.newPage();
		const required = async () => {
			await page.goto(`${own.server.url}/assurance/dtac`);
			return page.$$eval('[data-two-step]', (cells) =>
				Object.fromEntries(cells.map((c) => [(c as HTMLElement).dataset.twoStep!, c.textContent!.startsWith('Authenticator app required') ? 'required' : 'optional']))
			);
		};
		expect(Object.values(await required())).not.toContain('required');
		const db = own.database.open();
		try {
			const adminId = (await db.selectFrom('user_account').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow()).id;
			const admin = await toSignedInUser(db, (await getUser(db, adminId))!);
			await setRolesRequiringSecondStep(db, admin, ['admin', 'pcn_lead']);
		} finally {
			await db.destroy();
		}
		expect(await required()).toEqual({ admin: 'required', icb_lead: 'optional', link_worker: 'optional', pcn_lead: 'required', practice_manager: 'optional' });
		await page.close();
	});
});

describe('security.txt', () => {
	it('is served with the configured contact and the fields RFC 9116 requires', async () => {
		const response = await fetch(`${own.server.url}/.well-known/security.txt`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		const text = await response.text();
		const lines = text.trimEnd().split('\n');
		for (const line of lines) expect(line).toMatch(/^[A-Z][A-Za-z-]*: \S+$/);
		const fields = new Map(lines.map((line) => line.split(/: (.*)/).slice(0, 2) as [string, string]));
		expect(fields.get('Contact')).toBe(CONTACT);
		const expires = Date.parse(fields.get('Expires')!);
		expect(fields.get('Expires')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(expires).toBeGreaterThan(Date.now());
		expect(expires).toBeLessThan(Date.now() + 365 * 24 * HOUR_MS);
		expect(fields.get('Canonical')).toBe(`${own.server.url}/.well-known/security.txt`);
		expect(fields.get('Policy')).toBe(`${own.server.url}/security`);
		// Expires once, Contact at least once: no field the RFC allows only once appears twice.
		expect(lines.filter((line) => line.startsWith('Expires:'))).toHaveLength(1);
	});

	it('is not served without SECURITY_CONTACT, and /security then names the organisation running the service', async () => {
		const base = inject('baseUrl');
		expect((await fetch(`${base}/.well-known/security.txt`)).status).toBe(404);
		const page = await (await fetch(`${base}/security`)).text();
		expect(page).toContain('Report a security problem in this service to the organisation that runs it');
		expect(page).not.toContain('data-fact="securityContact"');
	});
});
