import { describe, expect, inject, it } from 'vitest';
import { responsesFor, totalRows } from './database';

const url = (path: string) => `${inject('baseUrl')}${path}`;

function post(path: string, body: string, headers: Record<string, string> = {}) {
	return fetch(url(path), {
		method: 'POST',
		body,
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: inject('baseUrl'),
			accept: 'text/html',
			...headers
		}
	});
}

describe('the running server', () => {
	it('answers the health check after asking the database', async () => {
		const response = await fetch(url('/healthz'));
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it('stores a plain form post and redirects to the thank-you page', async () => {
		const before = await responsesFor('demo');
		const response = await post('/s/demo', 'item-CO1=4&general-G3=9');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/s/demo/thanks');
		expect(response.headers.get('set-cookie')).toMatch(/HttpOnly/i);
		expect(await responsesFor('demo')).toBe(before + 1);
	});

	it.each([
		['an unknown item', 'item-CO1=4&item-QQ9=2', 400, 'does not ask for'],
		['an out-of-range value', 'item-CO1=7', 400, 'choose one of the answers'],
		['a general rating of the wrong type', 'general-G1=high', 400, 'choose a number from 0 to 10'],
		['an oversized body', `item-CO1=4&comment=${'y'.repeat(80_000)}`, 413, 'too large'],
		['a field named __proto__', 'item-CO1=4&__proto__=4', 400, 'does not ask for']
	])('rejects %s with a clear message and stores nothing', async (_label, body, status, message) => {
		const before = await totalRows('response');
		const response = await post('/s/demo', body);
		expect(response.status).toBe(status);
		expect(await response.text()).toContain(message);
		expect(await totalRows('response')).toBe(before);
	});

	it('refuses a cross-site form post (CSRF) and stores nothing', async () => {
		const before = await totalRows('response');
		const response = await post('/s/demo', 'item-CO1=4', { origin: 'https://evil.example' });
		expect(response.status).toBe(403);
		expect(await totalRows('response')).toBe(before);
	});

	it('refuses a body that is not a form', async () => {
		const before = await totalRows('response');
		const response = await post('/s/demo', '{"item-CO1": 4}', { 'content-type': 'application/json' });
		expect(response.status).toBe(415);
		expect(await totalRows('response')).toBe(before);
	});

	it('returns 404 for an unknown survey token, with no stack trace', async () => {
		const response = await fetch(url('/s/unknown-token'));
		expect(response.status).toBe(404);
		const html = await response.text();
		expect(html).toContain('We could not find this survey');
		expect(html).not.toMatch(/Error:|at \S+\.js/);
		const posted = await post('/s/unknown-token', 'item-CO1=4');
		expect(posted.status).toBe(404);
	});

	it('sends a visitor who is not signed in from a results page to sign in, and back', async () => {
		const response = await fetch(url('/rounds/1'), { redirect: 'manual' });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/sign-in?next=%2Frounds%2F1');
	});

	it('answers repeated failed sign-ins with 429 and a Retry-After header, even for an email with no account', async () => {
		const attempt = () => post('/sign-in', new URLSearchParams({ email: 'nobody.at.all@demo.belonging.example', password: 'wrong wrong wrong' }).toString());
		for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
		const throttled = await attempt();
		expect(throttled.status).toBe(429);
		expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(800);
		expect(await throttled.text()).toMatch(/Too many attempts to sign in\. Wait 15 minutes/);
	});
});
