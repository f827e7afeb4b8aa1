/**
 * Issue 25, section 2: the built server sends the survey page from a template kept per round,
 * with a fresh single-use key in each. Its own server on its own database, which this test
 * process changes directly, as another instance would: the page follows at once.
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error Kit ships this file untyped: its own ETag hash, to check ours against.
import { hash } from '../../node_modules/@sveltejs/kit/src/utils/hash.js';
import { addDays, ukDate } from '../../src/lib/dates';
import type { Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { createPracticeWithRound, type PracticeFixture } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';

const today = ukDate();
const KEY = /name="submission" value="([A-Za-z0-9_-]{22})"/;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	body: string;
	key: string | undefined;
}

let database: ServerDatabase;
let server: RunningServer;
let db: Db;
let fixture: PracticeFixture;
let path: string;

/** One request with exactly these headers (fetch would add its own Accept-Encoding and undo the encoding). */
function send(target: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(`${server.url}${target}`, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const raw = Buffer.concat(chunks);
				const body = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
				resolve({ status: response.statusCode!, headers: response.headers, raw, body, key: KEY.exec(body)?.[1] });
			});
		});
		request.on('error', reject);
		request.end(options.body);
	});
}

const post = (body: string) =>
	send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' } });

async function responses(): Promise<number> {
	const row = await db.selectFrom('response').select((eb) => eb.fn.countAll<number>().as('n')).where('round_id', '=', fixture.round.id).executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The headers two answers must share: all but those that follow the body (its hash, length, framing) and the clock. */
const shared = (headers: Answer['headers']) =>
	Object.fromEntries(Object.entries(headers).filter(([name]) => !['etag', 'content-length', 'date', 'transfer-encoding', 'connection', 'keep-alive', 'x-request-id'].includes(name)));

beforeAll(async () => {
	database = await createServerDatabase('page-cache');
	db = database.open();
	await migrateToLatest(db);
	await storeBuiltInInstruments(db);
	fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -2), closesOn: addDays(today, 20), staffHeadcount: 12 });
	path = `/s/${fixture.round.public_token}`;
	server = await startServer({ ...database.env, DEMO: '0', MIN_RESPONSES: '5' });
});
afterAll(async () => {
	await server?.stop();
	await db?.destroy();
	await database?.remove();
});

describe('the survey page from its template, on the built server', () => {
	it('gives each GET its own key, and each key stores one response however often it is sent', async () => {
		const [first, second] = [await send(path), await send(path)];
		expect(first.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(second.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(second.key).not.toBe(first.key);
		expect(second.body.replace(second.key!, '')).toBe(first.body.replace(first.key!, ''));

		const before = await responses();
		for (const key of [first.key, first.key, second.key]) {
			const sent = await post(`item-CO1=4&submission=${key}`);
			expect(sent.status).toBe(303);
			expect(sent.headers.location).toBe(`${path}/thanks`);
		}
		expect(await responses()).toBe(before + 2);
	});

	it('sends the headers the page rendered by Kit has, with the ETag and length of what it sends', async () => {
		const cached = await send(path);
		// A query string leaves the page to Kit, rendered as before.
		const rendered = await send(`${path}?from=mail`);
		expect(rendered.key).toBeDefined();
		expect(shared(cached.headers)).toEqual(shared(rendered.headers));
		expect(cached.headers['content-security-policy']).toContain("script-src 'self'");
		expect(cached.headers['x-frame-options']).toBe('DENY');
		expect(cached.headers['cache-control']).toBe(rendered.headers['cache-control']);
		expect(cached.headers.etag).toBe(`"${hash(cached.body)}"`);
		expect(rendered.headers.etag).toBe(`"${hash(rendered.body)}"`);
		expect(cached.headers['content-length']).toBe(String(cached.raw.byteLength));
		expect(cached.body.replace(cached.key!, '')).toBe(rendered.body.replace(rendered.key!, ''));

		const zipped = await send(path, { headers: { 'accept-encoding': 'gzip' } });
		const renderedZipped = await send(`${path}?from=mail`, { headers: { 'accept-encoding': 'gzip' } });
		expect(zipped.headers['content-encoding']).toBe('gzip');
		expect(shared(zipped.headers)).toEqual(shared(renderedZipped.headers));
		expect(zipped.headers['content-length']).toBe(String(zipped.raw.byteLength));
		expect(zipped.body.replace(zipped.key!, '')).toBe(cached.body.replace(cached.key!, ''));
		// A browser that takes brotli as well gets the gzip: brotli cannot be spliced.
		const browser = await send(path, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
		expect(browser.headers['content-encoding']).toBe('gzip');
		expect(browser.headers.vary).toBe('Accept-Encoding');
		expect(browser.body.replace(browser.key!, '')).toBe(cached.body.replace(cached.key!, ''));
	});

	it('answers a HEAD as before, and a device that has answered with the page that says so', async () => {
		const head = await send(path, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.raw.byteLength).toBe(0);
		expect(shared(head.headers)).toEqual(shared((await send(path)).headers));

		const cookie = `answered_r${fixture.round.id}=1`;
		const answered = await send(path, { headers: { cookie } });
		expect(answered.status).toBe(200);
		expect(answered.body).toContain('You have already answered this survey on this device.');
		expect(answered.key).toBeUndefined();
		expect((await send(path, { headers: { cookie } })).body).toBe(answered.body);
		expect((await send(path)).key).toBeDefined();
	});

	it('shows a change made by another instance at once: an edit, a close', async () => {
		expect((await send(path)).body).toContain('Test round');
		await db.updateTable('round').set({ title: 'Summer staff survey' }).where('id', '=', fixture.round.id).execute();
		const edited = await send(path);
		expect(edited.body).toContain('Summer staff survey');
		expect(edited.body).not.toContain('Test round');
		expect(edited.key).toBeDefined();

		await db.updateTable('round').set({ status: 'closed', closed_on: today }).where('id', '=', fixture.round.id).execute();
		const closed = await send(path, { headers: { 'accept-encoding': 'gzip' } });
		expect(closed.status).toBe(200);
		expect(closed.body).toContain('no longer takes answers');
		expect(closed.key).toBeUndefined();
		expect(closed.headers.etag).toBe(`"${hash(closed.body)}"`);
		await db.updateTable('round').set({ status: 'open', closed_on: null }).where('id', '=', fixture.round.id).execute();
		expect((await send(path)).key).toBeDefined();
	});

	it('still answers an unknown link with 404', async () => {
		const unknown = await send('/s/no-such-survey-link');
		expect(unknown.status).toBe(404);
		expect(unknown.body).toContain('We could not find this survey');
	});
});
