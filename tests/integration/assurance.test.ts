/**
 * Issue 27: what the assurance pages state, read from the configuration, the code's constants and
 * the two-step policy in the database; SECURITY_CONTACT and the security.txt built from it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINK_LIFETIME_MS } from '../../src/lib/server/accounts/account-links';
import { setRolesRequiringSecondStep } from '../../src/lib/server/accounts/second-factor';
import { SESSION_IDLE_MS } from '../../src/lib/server/accounts/sessions';
import { MAX_FAILURES_PER_ACCOUNT } from '../../src/lib/server/accounts/sign-in-throttle';
import { API_RATE_LIMIT } from '../../src/lib/server/api/rate-limit';
import { assuranceFacts, readSignInPolicy } from '../../src/lib/server/assurance/facts';
import { SECURITY_TXT_VALID_DAYS, securityTxt } from '../../src/lib/server/assurance/security-txt';
import { ConfigError, loadConfig } from '../../src/lib/server/platform/config';
import { submissionLimits } from '../../src/lib/server/surveys/submission-limits';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

function problemsOf(env: Record<string, string>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
	throw new Error('expected the configuration to be refused');
}

describe('SECURITY_CONTACT', () => {
	it('takes a mailto: or https: address, and is unset by default', () => {
		expect(loadConfig({}).securityContact).toBeUndefined();
		expect(loadConfig({ SECURITY_CONTACT: ' mailto:security@example.nhs.uk ' }).securityContact).toBe('mailto:security@example.nhs.uk');
		expect(loadConfig({ SECURITY_CONTACT: 'https://example.nhs.uk/report' }).securityContact).toBe('https://example.nhs.uk/report');
	});

	it.each(['security@example.nhs.uk', 'http://example.nhs.uk/report', 'mailto:nobody', 'javascript:alert(1)', 'https://'])('refuses %s', (value) => {
		expect(problemsOf({ SECURITY_CONTACT: value })).toEqual([
			`SECURITY_CONTACT=${JSON.stringify(value)} must be where to report a security problem, as mailto:security@example.nhs.uk or an https:// address`
		]);
	});
});

describe('security.txt', () => {
	const now = new Date('2026-12-06T15:30:00Z');

	it('is not published without a contact', () => {
		expect(securityTxt({ securityContact: undefined, origin: 'https://belonging.example.nhs.uk' }, now)).toBeUndefined();
	});

	it('names the contact, expires well within a year from the start of today, and links itself and the policy', () => {
		expect(securityTxt({ securityContact: 'mailto:security@example.nhs.uk', origin: 'https://belonging.example.nhs.uk' }, now)).toBe(
			[
				'Contact: mailto:security@example.nhs.uk',
				`Expires: ${new Date(Date.UTC(2026, 11, 6) + SECURITY_TXT_VALID_DAYS * 86_400_000).toISOString().replace('.000Z', 'Z')}`,
				'Preferred-Languages: en',
				'Canonical: https://belonging.example.nhs.uk/.well-known/security.txt',
				'Policy: https://belonging.example.nhs.uk/security',
				''
			].join('\n')
		);
		expect(SECURITY_TXT_VALID_DAYS).toBeLessThan(365);
	});

	it('leaves out the addresses it cannot know without ORIGIN', () => {
		expect(securityTxt({ securityContact: 'https://example.nhs.uk/report', origin: undefined }, now)).not.toMatch(/Canonical|Policy/);
	});
});

describe('assurance facts', () => {
	it('are the configuration as loaded and the limits the code enforces', () => {
		const config = loadConfig({
			MIN_RESPONSES: '7',
			MIN_BENCHMARK_PRACTICES: '12',
			RETENTION_COMMENTS_MONTHS: '18',
			RETENTION_ANSWERS_MONTHS: '30',
			RETENTION_AUDIT_MONTHS: '84',
			SECURITY_CONTACT: 'mailto:security@example.nhs.uk'
		});
		const facts = assuranceFacts(config);
		expect(facts).toMatchObject({
			minResponses: 7,
			minBenchmarkPractices: 12,
			retention: { commentsMonths: 18, answersMonths: 30, auditMonths: 84 },
			sessionIdleHours: SESSION_IDLE_MS / 3_600_000,
			invitationDays: LINK_LIFETIME_MS.invitation / 86_400_000,
			resetLinkMinutes: LINK_LIFETIME_MS.password_reset / 60_000,
			securityContact: { href: 'mailto:security@example.nhs.uk', label: 'security@example.nhs.uk' },
			singleSignOn: null
		});
		expect(facts.signInThrottle.perAccount).toBe(MAX_FAILURES_PER_ACCOUNT);
		expect(facts.api.requests).toBe(API_RATE_LIMIT);
		// The survey limit as stated gives back the limit as enforced, for any headcount.
		for (const headcount of [1, 6, 7, 50, 123, 5000]) {
			expect(submissionLimits(headcount).perHour).toBe(Math.max(facts.surveyLimit.leastPerHour, Math.ceil(headcount * facts.surveyLimit.perStaffPerHour)));
		}
		expect(facts.surveyLimit.withoutHeadcount).toEqual(submissionLimits(null));
	});
});

describe('the multi-factor plan', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	it('reads who must use two-step sign-in from what administrators set', async () => {
		expect((await readSignInPolicy(t.db)).required).toEqual([]);
		await setRolesRequiringSecondStep(t.db, f.users.admin, ['link_worker', 'admin']);
		const policy = await readSignInPolicy(t.db);
		expect(policy.required).toEqual([
			{ role: 'admin', name: 'Administrator' },
			{ role: 'link_worker', name: 'Link worker' }
		]);
		expect(policy.optional.map((r) => r.role)).toEqual(['icb_lead', 'pcn_lead', 'practice_manager']);
	});
});
