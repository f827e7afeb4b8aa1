import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/platform/config';

function problemsOf(env: Record<string, string>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
	throw new Error('expected the configuration to be refused');
}

describe('configuration from the environment', () => {
	it('has sensible defaults', () => {
		expect(loadConfig({})).toEqual({
			databasePath: './data/belonging.db',
			minResponses: 5,
			minBenchmarkPractices: 10,
			surveyLimitKey: expect.any(Buffer),
			demo: false,
			origin: undefined,
			secureCookies: false,
			retention: { commentsMonths: 24, answersMonths: 36, auditMonths: 72 },
			logLevel: 'info'
		});
	});

	it('never writes out the password of a malformed database or mail address it refuses', () => {
		const problems = [
			...problemsOf({ DATABASE_URL: 'postgres://belonging:hunter2-secret@db host/belonging' }),
			...problemsOf({ SMTP_URL: 'smtp://mailer:hunter2-secret@' })
		];
		expect(problems).toHaveLength(2);
		expect(problems.join('\n')).not.toContain('hunter2');
		expect(problems[0]).toMatch(/^DATABASE_URL="postgres:\/\/belonging:…@db host\/belonging" must be/);
	});

	it('says why a From address at localhost is refused: its domain has no dot', () => {
		expect(problemsOf({ SMTP_URL: 'smtp://localhost:2525', MAIL_FROM: 'belonging@localhost' })).toEqual([
			'MAIL_FROM="belonging@localhost" must be an address whose domain has a dot in it, like belonging@nhs.net or "Belonging <belonging@nhs.net>" (an address at localhost is refused)'
		]);
		expect(loadConfig({ SMTP_URL: 'smtp://localhost:2525', MAIL_FROM: 'Belonging <belonging@practice.example>' }).smtp?.from).toBe(
			'Belonging <belonging@practice.example>'
		);
	});

	it('reads the retention lengths, refusing nonsense and comments kept longer than the answers they came with', () => {
		expect(loadConfig({ RETENTION_COMMENTS_MONTHS: '12', RETENTION_ANSWERS_MONTHS: '18', RETENTION_AUDIT_MONTHS: '84' }).retention).toEqual({
			commentsMonths: 12,
			answersMonths: 18,
			auditMonths: 84
		});
		expect(problemsOf({ RETENTION_COMMENTS_MONTHS: 'two years' })).toEqual(['RETENTION_COMMENTS_MONTHS="two years" must be a whole number of months']);
		expect(problemsOf({ RETENTION_AUDIT_MONTHS: '0' })).toEqual(['RETENTION_AUDIT_MONTHS="0" must be between 1 and 600 months']);
		expect(problemsOf({ RETENTION_COMMENTS_MONTHS: '48' })).toEqual([
			"RETENTION_COMMENTS_MONTHS (48) is longer than RETENTION_ANSWERS_MONTHS (36): comments go when a round's answers are reduced to its summary, so keep them no longer than the answers."
		]);
	});

	it('reads every variable and treats empty ones as unset', () => {
		expect(loadConfig({ DATABASE_PATH: '/srv/b.db', MIN_RESPONSES: '8', MIN_BENCHMARK_PRACTICES: '12', DEMO: '1', PORT: '8080' })).toEqual({
			databasePath: '/srv/b.db',
			minResponses: 8,
			minBenchmarkPractices: 12,
			surveyLimitKey: expect.any(Buffer),
			demo: true,
			origin: undefined,
			secureCookies: false,
			retention: { commentsMonths: 24, answersMonths: 36, auditMonths: 72 },
			logLevel: 'info'
		});
		expect(loadConfig({ ORIGIN: 'https://belonging.example.org' })).toMatchObject({
			origin: 'https://belonging.example.org',
			secureCookies: true
		});
		expect(loadConfig({ ORIGIN: 'http://localhost:3000' }).secureCookies).toBe(false);
		expect(loadConfig({ DEMO: '', MIN_RESPONSES: ' ' }).minResponses).toBe(5);
		expect(loadConfig({ DEMO: 'off' }).demo).toBe(false);
	});

	it('refuses MIN_RESPONSES below 3, naming the variable and the value', () => {
		expect(problemsOf({ MIN_RESPONSES: '2' })).toEqual([
			'MIN_RESPONSES="2" must be at least 3: smaller groups could identify people'
		]);
		expect(problemsOf({ MIN_RESPONSES: 'five' })[0]).toMatch(/^MIN_RESPONSES="five" must be a whole number/);
	});

	it('refuses MIN_BENCHMARK_PRACTICES below 5, where quartiles would give practices away', () => {
		expect(problemsOf({ MIN_BENCHMARK_PRACTICES: '4' })).toEqual([
			"MIN_BENCHMARK_PRACTICES=\"4\" must be at least 5: in smaller groups the quartiles give away other practices' scores"
		]);
		expect(problemsOf({ MIN_BENCHMARK_PRACTICES: '10.5' })[0]).toMatch(/^MIN_BENCHMARK_PRACTICES="10.5" must be a whole number/);
		expect(loadConfig({ MIN_BENCHMARK_PRACTICES: '5' }).minBenchmarkPractices).toBe(5);
	});

	it('refuses a malformed PORT or DEMO, all problems at once', () => {
		const problems = problemsOf({ PORT: '99999', DEMO: 'maybe' });
		expect(problems).toHaveLength(2);
		expect(problems.join('\n')).toMatch(/PORT="99999" must be between 1 and 65535/);
		expect(problems.join('\n')).toMatch(/DEMO="maybe" must be 1 or 0/);
	});

	it('gives one clear message for a PORT that is not a number, and checks ORIGIN', () => {
		expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT="abc" must be a port number']);
		expect(problemsOf({ ORIGIN: 'belonging.example.org' })[0]).toMatch(/^ORIGIN=.* must be the address people use/);
		expect(loadConfig({ ORIGIN: 'https://belonging.example.org' }).demo).toBe(false);
	});

	describe('the database', () => {
		const url = 'postgres://belonging:secret@db.example.nhs.uk:5432/belonging?sslmode=require';
		const secret = 'a'.repeat(32);

		it('takes PostgreSQL from DATABASE_URL, with a pool of 5 unless DATABASE_POOL_SIZE says otherwise', () => {
			expect(loadConfig({ DATABASE_URL: url, SURVEY_LIMIT_SECRET: secret })).toMatchObject({ databaseUrl: url, databasePoolSize: 5 });
			expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/b', DATABASE_POOL_SIZE: '12', SURVEY_LIMIT_SECRET: secret })).toMatchObject({ databasePoolSize: 12 });
			expect(loadConfig({})).not.toHaveProperty('databaseUrl');
		});

		it('refuses DATABASE_URL and DATABASE_PATH together, a pool without PostgreSQL, and addresses that are not PostgreSQL', () => {
			expect(problemsOf({ DATABASE_URL: url, DATABASE_PATH: './b.db', SURVEY_LIMIT_SECRET: secret })).toEqual([
				'DATABASE_URL and DATABASE_PATH are both set: set DATABASE_URL for PostgreSQL or DATABASE_PATH for an SQLite file, not both.'
			]);
			expect(problemsOf({ DATABASE_POOL_SIZE: '5' })[0]).toMatch(/^DATABASE_POOL_SIZE is set, but it is for PostgreSQL only/);
			expect(problemsOf({ DATABASE_URL: 'mysql://localhost/b' })[0]).toMatch(/^DATABASE_URL="mysql:\/\/localhost\/b" must be a PostgreSQL address/);
			expect(problemsOf({ DATABASE_URL: url, DATABASE_POOL_SIZE: '0', SURVEY_LIMIT_SECRET: secret })).toEqual(['DATABASE_POOL_SIZE="0" must be between 1 and 100']);
		});

		it('needs a shared SURVEY_LIMIT_SECRET to serve from PostgreSQL, where instances must count survey posts alike; commands do not', () => {
			expect(problemsOf({ DATABASE_URL: url })[0]).toMatch(/^SURVEY_LIMIT_SECRET is not set: on PostgreSQL every instance needs the same secret/);
			expect(problemsOf({ DATABASE_URL: url, SURVEY_LIMIT_SECRET: 'short' })[0]).toMatch(/^SURVEY_LIMIT_SECRET=.* must be at least 32 characters/);
			expect(loadConfig({ DATABASE_URL: url }, 'command').databaseUrl).toBe(url);
		});

		it('derives the same survey limit key from the same secret, and a fresh one per start without it', () => {
			const one = loadConfig({ DATABASE_URL: url, SURVEY_LIMIT_SECRET: secret }).surveyLimitKey;
			expect(loadConfig({ DATABASE_URL: url, SURVEY_LIMIT_SECRET: secret }).surveyLimitKey).toEqual(one);
			expect(loadConfig({ DATABASE_URL: url, SURVEY_LIMIT_SECRET: 'b'.repeat(32) }).surveyLimitKey).not.toEqual(one);
			expect(loadConfig({}).surveyLimitKey).not.toEqual(loadConfig({}).surveyLimitKey);
		});
	});

	it('reads LOG_LEVEL (info unless set) and METRICS_TOKEN (at least 32 characters, no spaces)', () => {
		expect(loadConfig({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
		expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
		expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual(['LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent']);
		expect(loadConfig({})).not.toHaveProperty('metricsToken');
		const token = 'm'.repeat(32);
		expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
		// A secret is never repeated in the message, which goes to the log.
		expect(problemsOf({ METRICS_TOKEN: 'short' })[0]).toMatch(/^METRICS_TOKEN=\(5 characters, not shown\) must be at least 32 characters/);
		expect(problemsOf({ METRICS_TOKEN: `${token} and more` })[0]).toMatch(/must be printable characters without spaces/);
	});

	it('says in its message that Belonging cannot start', () => {
		expect(() => loadConfig({ MIN_RESPONSES: '1' })).toThrow(/Belonging cannot start/);
	});

	describe('single sign-on', () => {
		const SSO = { ORIGIN: 'https://belonging.example.org', SSO_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0', SSO_CLIENT_ID: 'app-id', SSO_CLIENT_SECRET: 'app-secret' };

		it('is read with its return addresses on ORIGIN, and a plain name when SSO_NAME is unset', () => {
			expect(loadConfig({ ...SSO, SSO_NAME: 'NHSmail' }).sso).toEqual({
				issuer: 'https://login.microsoftonline.com/tenant-id/v2.0',
				clientId: 'app-id',
				clientSecret: 'app-secret',
				name: 'NHSmail',
				redirectUri: 'https://belonging.example.org/sign-in/sso/callback',
				signedOutUri: 'https://belonging.example.org/sign-in'
			});
			expect(loadConfig(SSO).sso?.name).toBe('your organisation’s account');
			expect(loadConfig({}).sso).toBeUndefined();
		});

		it('takes plain http only from this machine', () => {
			expect(loadConfig({ ...SSO, SSO_ISSUER: 'http://127.0.0.1:9000' }).sso?.issuer).toBe('http://127.0.0.1:9000');
			expect(loadConfig({ ...SSO, SSO_ISSUER: 'http://localhost:9000' }).sso?.issuer).toBe('http://localhost:9000');
			expect(problemsOf({ ...SSO, SSO_ISSUER: 'http://login.example.org' })[0]).toMatch(/^SSO_ISSUER="http:\/\/login.example.org" must be the provider’s https issuer address/);
			expect(problemsOf({ ...SSO, SSO_ISSUER: 'not a url' })[0]).toMatch(/^SSO_ISSUER=/);
		});

		it('needs all three variables together, ORIGIN for the server, and a short plain name', () => {
			expect(problemsOf({ ...SSO, SSO_CLIENT_SECRET: '' })).toEqual(['Single sign-on needs SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET together; SSO_CLIENT_SECRET is not set.']);
			expect(problemsOf({ SSO_ISSUER: SSO.SSO_ISSUER, ORIGIN: SSO.ORIGIN })[0]).toContain('SSO_CLIENT_ID and SSO_CLIENT_SECRET are not set');
			expect(problemsOf({ SSO_NAME: 'NHSmail' })[0]).toMatch(/^SSO_NAME is set but SSO_ISSUER is not/);
			expect(problemsOf({ ...SSO, ORIGIN: '' })[0]).toMatch(/^Single sign-on needs ORIGIN/);
			expect(loadConfig({ ...SSO, ORIGIN: '' }, 'command').sso).toBeUndefined();
			expect(problemsOf({ ...SSO, SSO_NAME: 'x'.repeat(41) })[0]).toMatch(/^SSO_NAME=.* must be at most 40 characters/);
			expect(problemsOf({ ...SSO, SSO_NAME: 'NHS\u0007mail' })[0]).toMatch(/must not contain control characters/);
		});
	});
});
