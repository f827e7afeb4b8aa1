/**
 * Issue 27: the request log (platform/logging.ts). One JSON line per request with its method,
 * route id, status, duration and id, and nothing the request carried. tests/e2e/logs.test.ts
 * reads the built server's own output through a whole survey.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, log, logRequests, requestIdOf, type AnsweredRequest } from '../../src/lib/server/platform/logging';
import { captureLog, type CapturedLog } from '../helpers/log';

const SECRET_TOKEN = 'srvytokenQ7x9';

function eventFor(path: string, routeId: string | null, init: RequestInit & { headers?: Record<string, string> } = {}) {
	const request = new Request(`http://localhost${path}`, init);
	return { request, url: new URL(request.url), route: { id: routeId }, locals: {}, getClientAddress: () => '198.51.100.23' } as unknown as RequestEvent;
}

describe('the request log', () => {
	let captured: CapturedLog;
	afterEach(() => captured?.restore());

	it('writes one JSON line per request: id, method, route id, status and duration, and sends the id back', async () => {
		captured = captureLog();
		const heard: AnsweredRequest[] = [];
		const handle = logRequests((answered) => heard.push(answered));
		const event = eventFor(`/s/${SECRET_TOKEN}?key=abc`, '/s/[token]');
		const response = await handle({
			event,
			resolve: (async () => {
				await new Promise((resolve) => setTimeout(resolve, 20));
				return new Response('ok', { status: 200 });
			}) as never
		});
		const lines = captured.lines();
		expect(lines).toHaveLength(1);
		const [line] = lines;
		expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', route: '/s/[token]', status: 200 });
		expect(line!.durationMs).toBeGreaterThanOrEqual(15);
		expect(line!.requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(response.headers.get('x-request-id')).toBe(line!.requestId);
		expect(event.locals.requestId).toBe(line!.requestId);
		expect(typeof line!.time).toBe('string');
		expect(heard).toEqual([{ requestId: line!.requestId, method: 'GET', route: '/s/[token]', status: 200, durationMs: line!.durationMs }]);
		expect(captured.raw[0]).not.toContain(SECRET_TOKEN);
		expect(captured.raw[0]).not.toContain('key=abc');
	});

	it('never writes the path, the query, a header or the body, whatever the request carried', async () => {
		captured = captureLog();
		const handle = logRequests();
		const secrets = ['pathsecret42', 'querysecret42', 'cookiesecret42', 'authsecret42', '198.51.100.23', 'bodysecret42', 'someone@example.nhs.uk'];
		await handle({
			event: eventFor('/invitation/pathsecret42?token=querysecret42', null, {
				method: 'POST',
				headers: { cookie: 'session=cookiesecret42', authorization: 'Bearer authsecret42', 'x-forwarded-for': '198.51.100.23', 'user-agent': 'someone@example.nhs.uk' },
				body: 'password=bodysecret42&email=someone%40example.nhs.uk'
			}),
			resolve: (async () => new Response(null, { status: 303, headers: { location: '/pathsecret42', 'set-cookie': 'session=cookiesecret42' } })) as never
		});
		expect(captured.lines()).toEqual([expect.objectContaining({ method: 'POST', route: null, status: 303 })]);
		for (const secret of secrets) expect(captured.raw.join(''), secret).not.toContain(secret);
	});

	it('keeps an id a proxy gave the request only when it plainly is one', () => {
		const withId = (id: string) => requestIdOf(new Request('http://localhost/', { headers: { 'x-request-id': id } }));
		expect(withId('7c9e6679-7425-40de-944b-e07fc1f90ae7')).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
		expect(withId('abcd1234')).toBe('abcd1234');
		for (const forged of ['short', 'a'.repeat(65), 'abc def ghi', 'abcdefgh","status":200', 'abcdefgh\\nfake', 'abcdefgh;x']) {
			const id = withId(forged);
			expect(id).not.toBe(forged);
			expect(id).toMatch(/^[0-9a-f-]{36}$/);
		}
		expect(requestIdOf(new Request('http://localhost/'))).not.toBe(requestIdOf(new Request('http://localhost/')));
	});

	it('logs a handle that threw as a 500, at error level, and lets the error go on to Kit', async () => {
		captured = captureLog();
		const bug = new Error('a bug');
		await expect(logRequests()({ event: eventFor('/', '/(app)'), resolve: (() => Promise.reject(bug)) as never })).rejects.toBe(bug);
		expect(captured.lines()).toEqual([expect.objectContaining({ level: 'error', msg: 'request', status: 500, route: '/(app)' })]);
	});

	it('adds its header to an answer whose headers cannot change', async () => {
		captured = captureLog();
		const response = await logRequests()({ event: eventFor('/', '/'), resolve: (async () => Response.redirect('http://localhost/elsewhere', 302)) as never });
		expect([response.status, response.headers.get('location')]).toEqual([302, 'http://localhost/elsewhere']);
		expect(response.headers.get('x-request-id')).toBe(captured.lines()[0]!.requestId);
	});

	it('writes nothing at a level above info, and nothing at all when silent', async () => {
		captured = captureLog();
		log.level = 'warn';
		await logRequests()({ event: eventFor('/', '/'), resolve: (async () => new Response('ok')) as never });
		log.level = 'silent';
		log.error('not written');
		expect(captured.raw).toEqual([]);
	});
});

describe('errors in the log', () => {
	it('carry their type, message, code, stack and cause, and nothing a driver copied from the data', () => {
		const refused = Object.assign(new Error('duplicate key value violates unique constraint "user_account_email_key"'), {
			code: '23505',
			detail: 'Key (email)=(someone@example.nhs.uk) already exists.',
			parameters: ['someone@example.nhs.uk'],
			cause: new Error('underneath')
		});
		const described = describeError(refused) as Record<string, unknown>;
		expect(described).toMatchObject({ type: 'Error', message: refused.message, code: '23505', cause: { type: 'Error', message: 'underneath' } });
		expect(described.stack).toMatch(/^Error: duplicate key/);
		expect(JSON.stringify(described)).not.toContain('someone@example.nhs.uk');
		expect(describeError('plain words')).toBe('plain words');
		expect(describeError({ password: 'x' })).toBe('[object Object]');
	});

	it('are written so through the logger', () => {
		const captured = captureLog();
		try {
			log.error({ err: Object.assign(new Error('failed'), { detail: 'Key (email)=(someone@example.nhs.uk)' }) }, 'Something failed');
		} finally {
			captured.restore();
		}
		expect(captured.lines()).toEqual([expect.objectContaining({ level: 'error', msg: 'Something failed', err: expect.objectContaining({ message: 'failed' }) })]);
		expect(captured.raw[0]).not.toContain('someone@example.nhs.uk');
	});
});
