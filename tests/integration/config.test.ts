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
			demo: false,
			origin: undefined,
			secureCookies: false
		});
	});

	it('reads every variable and treats empty ones as unset', () => {
		expect(loadConfig({ DATABASE_PATH: '/srv/b.db', MIN_RESPONSES: '8', DEMO: '1', PORT: '8080' })).toEqual({
			databasePath: '/srv/b.db',
			minResponses: 8,
			demo: true,
			origin: undefined,
			secureCookies: false
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

	it('says in its message that Belonging cannot start', () => {
		expect(() => loadConfig({ MIN_RESPONSES: '1' })).toThrow(/Belonging cannot start/);
	});
});
