/**
 * Issue 27: the built server's log and metrics, read from its own output. A whole survey (the
 * page, a post with its code, key and answers), a signed-in page, a sign-in and a page that does
 * not exist, behind a proxy that names the client: each request has exactly one JSON line with
 * its id, method, route id, status and duration, and no line anywhere holds the survey's token,
 * its key or code, an answer or its field, a cookie, the client's address, an email address or a
 * password. Then /metrics: refused without its token, and with it counting what happened.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { issueCodes } from '../../src/lib/server/surveys/codes';
import { SESSION_COOKIE, createSession } from '../../src/lib/server/accounts/sessions';
import { createPracticeWithRound } from '../helpers/database';
import { TEST_PASSWORD, createSignedInUser } from '../helpers/events';
import { jsonLines } from '../helpers/log';
import { startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';
import { parseExposition } from '../helpers/prometheus';

const today = ukDate();
const CLIENT_ADDRESS = '203.0.113.77';
const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const EMAIL = 'leak.check.person@logs.example';
const COMMENT = 'Quokka onboarding would help us all';
const KEY = /name="submission" value="([A-Za-z0-9_-]{22})"/;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

describe('the built server’s log and metrics', () => {
	let database: ServerDatabase;
	let server: RunningServer;
	let output = '';
	let token: string;
	let code: string;
	let sessionToken: string;
	/** Every request the test sent, with the id the server gave it back. */
	const sent: { method: string; route: string | null; status: number; id: string }[] = [];

	function send(method: string, path: string, route: string | null, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
		return new Promise((resolve, reject) => {
			const request = httpRequest(`${server.url}${path}`, { method, headers: { 'x-forwarded-for': CLIENT_ADDRESS, ...options.headers } }, (response) => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (body += chunk));
				response.on('end', () => {
					sent.push({ method, route, status: response.statusCode!, id: String(response.headers['x-request-id']) });
					resolve({ status: response.statusCode!, headers: response.headers, body });
				});
			});
			request.on('error', reject);
			request.end(options.body);
		});
	}
	const form = (fields: Record<string, string>) => ({
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
		body: new URLSearchParams(fields).toString()
	});

	beforeAll(async () => {
		database = await createServerDatabase('logs');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10), requiresCode: true });
		token = fixture.round.public_token;
		code = (await issueCodes(db, fixture.round.id, 1))[0]!;
		const manager = await createSignedInUser(db, 'practice_manager', { practiceIds: [fixture.practice.id] }, EMAIL);
		sessionToken = (await createSession(db, manager.id)).token;
		await db.destroy();
		server = await startServer({ ...database.env, DEMO: '0', LOG_LEVEL: 'info', METRICS_TOKEN, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
		server.process.stdout!.on('data', (chunk) => (output += chunk));
		server.process.stderr!.on('data', (chunk) => (output += chunk));
	});
	afterAll(async () => {
		await server?.stop();
		await database?.remove();
	});

	it('logs one line per request, and nothing a request carried', async () => {
		const page = await send('GET', `/s/${token}`, '/s/[token]', { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		const key = KEY.exec(page.body)![1]!;
		const answers = { 'item-CO1': '4', 'item-CO2': '2', 'general-G1': '7', roleGroup: 'none', comment: COMMENT };
		const posted = await send('POST', `/s/${token}`, '/s/[token]', form({ submission: key, code, ...answers }));
		expect([posted.status, posted.headers.location]).toEqual([303, `/s/${token}/thanks`]);
		const answeredCookie = String(posted.headers['set-cookie']).split(';')[0]!;
		expect((await send('GET', `/s/${token}/thanks`, '/s/[token]/thanks', { headers: { cookie: answeredCookie, accept: 'text/html' } })).status).toBe(200);
		expect((await send('GET', '/account', '/(app)/account', { headers: { cookie: `${SESSION_COOKIE}=${sessionToken}`, accept: 'text/html' } })).status).toBe(200);
		const signIn = await send('POST', '/sign-in', '/(app)/sign-in', form({ email: EMAIL, password: `${TEST_PASSWORD} but wrong` }));
		expect(signIn.status).toBe(401);
		expect((await send('GET', `/no-such-page/${token}?code=${encodeURIComponent(code)}`, null, { headers: { accept: 'text/html' } })).status).toBe(404);
		// An id the proxy gave the request is kept; one that is not plainly an id is replaced.
		const traced = await send('GET', '/healthz', '/healthz', { headers: { 'x-request-id': 'proxy-trace-0001' } });
		expect(traced.headers['x-request-id']).toBe('proxy-trace-0001');
		const forged = await send('GET', '/healthz', '/healthz', { headers: { 'x-request-id': 'x"}{"status":200' } });
		expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

		await new Promise((resolve) => setTimeout(resolve, 200));

		// Everything the server printed, request lines or not, is JSON, and none of it is a secret.
		const printed = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Listening on '));
		expect(printed.filter((line) => !line.startsWith('{'))).toEqual([]);
		const secrets: Record<string, string> = {
			'the survey token': token,
			'the single-use key': key,
			'the code': code,
			'the code without its dash': code.replace(/\W/g, ''),
			'the session cookie': sessionToken,
			'the client address': CLIENT_ADDRESS,
			'the email address': EMAIL,
			'the password': TEST_PASSWORD,
			'the comment': COMMENT,
			'an answer field': 'item-CO1',
			'a rating field': 'general-G1'
		};
		for (const [what, secret] of Object.entries(secrets)) expect(output.includes(secret), `${what} (${secret}) is in the log:\n${output}`).toBe(false);
		expect(output).not.toMatch(/@/);

		const lines = jsonLines(output);
		const requestLines = lines.filter((line) => line.msg === 'request');
		expect(requestLines).toHaveLength(sent.length);
		for (const request of sent) {
			const mine = requestLines.filter((line) => line.requestId === request.id);
			expect(mine, `${request.method} ${request.route}`).toHaveLength(1);
			expect(mine[0]).toMatchObject({ level: 'info', method: request.method, route: request.route, status: request.status });
			expect(typeof mine[0]!.durationMs).toBe('number');
			expect(Object.keys(mine[0]!).sort()).toEqual(['durationMs', 'hostname', 'level', 'method', 'msg', 'pid', 'requestId', 'route', 'status', 'time']);
		}
	});

	it('serves /metrics only with its token, counting requests and the stored submission', async () => {
		const refused = await send('GET', '/metrics', '/metrics');
		expect(refused.status).toBe(401);
		expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
		expect((await send('GET', '/metrics', '/metrics', { headers: { authorization: 'Bearer not-the-token-not-the-token-not-the' } })).status).toBe(401);
		const scraped = await send('GET', '/metrics', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
		expect(scraped.status).toBe(200);
		expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
		const samples = parseExposition(scraped.body);
		expect(samples.get('belonging_survey_submissions_total')).toBe(1);
		expect(samples.get('belonging_http_requests_total{method="POST",route="/s/[token]",status="303"}')).toBe(1);
		expect(samples.get('belonging_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
		expect(samples.get('belonging_http_requests_total{method="GET",route="/metrics",status="401"}')).toBe(2);
		expect(samples.get('belonging_http_request_duration_seconds_count{method="GET",route="/s/[token]"}')).toBe(1);
		expect(samples.get('belonging_database_up')).toBe(1);
		expect(samples.get('belonging_database_size_bytes')).toBeGreaterThan(0);
		expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
		// The labels hold route ids, never what was asked for.
		expect(scraped.body).not.toContain(token);
		expect(scraped.body).not.toContain('no-such-page');
	});

	it('has no /metrics at all without METRICS_TOKEN', async () => {
		const plain = await startServer({ ...database.env, DEMO: '0', LOG_LEVEL: 'silent', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
		try {
			const answer = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
			expect(answer.status).toBe(404);
		} finally {
			await plain.stop();
		}
	});
});
