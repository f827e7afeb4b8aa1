/**
 * Issue 24, item 9: when the database cannot be reached, requests answer 503 with Retry-After
 * and a calm sentence, and the log gets one line per failure, not a stack trace. Here: which real
 * errors of each engine count as "cannot be reached", and what the handle and handleError make
 * of them. tests/e2e/database-away.test.ts cuts PostgreSQL under a running built server.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { isDatabaseUnreachable } from '../../src/lib/server/db/unreachable';
import { answerWhenDatabaseAway, databaseAwayError, DATABASE_AWAY_RETRY_SECONDS } from '../../src/lib/server/platform/database-away';
import { createTestDatabase, onPostgres, tempDirectory } from '../helpers/database';
import { databaseUrl } from '../helpers/postgres-setup';
import { captureLog } from '../helpers/log';
import { freePort } from '../helpers/server';

async function errorOf(run: () => Promise<unknown> | unknown): Promise<unknown> {
	try {
		await run();
	} catch (error) {
		return error;
	}
	throw new Error('expected it to fail');
}

describe('which errors say the database cannot be reached', () => {
	it('a PostgreSQL server that refuses the connection (nothing listening)', async () => {
		const db = openDatabase({ databaseUrl: `postgres://belonging@127.0.0.1:${await freePort()}/belonging`, databasePoolSize: 1 });
		try {
			const error = await errorOf(() => sql`select 1`.execute(db));
			expect((error as { code?: string }).code).toBe('ECONNREFUSED');
			expect(isDatabaseUnreachable(error)).toBe(true);
		} finally {
			await db.destroy();
		}
	});

	it('SQLite locked by another process for longer than the busy timeout, and a file that cannot be opened', async () => {
		const temp = tempDirectory();
		const path = join(temp.dir, 'locked.db');
		const holder = new SQLite(path);
		const waiter = new SQLite(path, { timeout: 0 });
		try {
			holder.exec('create table t (x integer); begin exclusive; insert into t values (1)');
			const busy = await errorOf(() => waiter.prepare('insert into t values (2)').run());
			expect((busy as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
			expect(isDatabaseUnreachable(busy)).toBe(true);
			// What better-sqlite3 throws when the file cannot be opened or read any more.
			expect(isDatabaseUnreachable(Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' }))).toBe(true);
			expect(isDatabaseUnreachable(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHORT_READ' }))).toBe(true);
		} finally {
			holder.close();
			waiter.close();
			temp.remove();
		}
	});

	it('but not a mistake in a query, or a refused duplicate, on this run’s engine', async () => {
		const t = await createTestDatabase();
		try {
			expect(isDatabaseUnreachable(await errorOf(() => sql`select * from no_such_table`.execute(t.db)))).toBe(false);
			await t.db.insertInto('app_meta').values({ key: 'probe', value: '1' }).execute();
			expect(isDatabaseUnreachable(await errorOf(() => t.db.insertInto('app_meta').values({ key: 'probe', value: '2' }).execute()))).toBe(false);
			expect(isDatabaseUnreachable(new Error('Something else went wrong'))).toBe(false);
			expect(isDatabaseUnreachable(undefined)).toBe(false);
		} finally {
			await t.close();
		}
	});

	it.runIf(onPostgres)('PostgreSQL ending the connection under a query (admin shutdown), and a database that takes no connections', async () => {
		const base = process.env.TEST_DATABASE_URL!;
		const name = `belonging_away_${randomBytes(4).toString('hex')}`;
		const admin = new pg.Client({ connectionString: base });
		await admin.connect();
		await admin.query(`create database ${name}`);
		const db = openDatabase({ databaseUrl: databaseUrl(base, name), databasePoolSize: 1 });
		try {
			const sleeping = errorOf(() => sql`select pg_sleep(10)`.execute(db));
			await new Promise((resolve) => setTimeout(resolve, 300));
			await admin.query(`alter database ${name} allow_connections false`);
			await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
			expect(isDatabaseUnreachable(await sleeping)).toBe(true);
			// Once the ended connection has left the pool, a new one is refused.
			await new Promise((resolve) => setTimeout(resolve, 300));
			const refused = await errorOf(() => sql`select 1`.execute(db));
			expect([(refused as { code?: string }).code, (refused as Error).message]).toEqual(['55000', `database "${name}" is not currently accepting connections`]);
			expect(isDatabaseUnreachable(refused)).toBe(true);
		} finally {
			await db.destroy();
			await admin.query(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	});
});

describe('the answer when the database is away', () => {
	afterEach(() => vi.restoreAllMocks());

	const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

	function eventFor(method: string, path: string, routeId: string | null, headers: Record<string, string> = {}) {
		const url = new URL(`http://localhost${path}`);
		return {
			url,
			request: new Request(url, { method, headers, body: method === 'POST' ? 'a=1' : undefined }),
			route: { id: routeId },
			isDataRequest: path.endsWith('__data.json'),
			locals: {}
		} as never as import('@sveltejs/kit').RequestEvent;
	}

	/** The handle around `inner`, with the log watched: its messages, and each line as written. */
	async function answer(event: import('@sveltejs/kit').RequestEvent, inner: () => Promise<Response>) {
		const log = captureLog();
		const response = await answerWhenDatabaseAway({ event, resolve: inner as never });
		log.restore();
		return { response, body: await response.text(), lines: log.lines().map((line) => line.msg), raw: log.raw };
	}

	const expectCalm = (result: { response: Response; body: string; lines: string[]; raw: string[] }) => {
		expect(result.response.status).toBe(503);
		expect(result.response.headers.get('retry-after')).toBe(String(DATABASE_AWAY_RETRY_SECONDS));
		expect(result.body).not.toMatch(/ECONNREFUSED|\bat \S+ \(|Error:/);
		expect(result.lines).toHaveLength(1);
		expect(result.lines[0]).toMatch(/^Database unreachable \(ECONNREFUSED/);
		// One line as written, and no stack in it.
		expect(result.raw[0]!.trimEnd()).not.toContain('\n');
		expect(result.raw[0]).not.toMatch(/\bat \S+ \(/);
	};

	it('answers a page the session check could not load with a calm 503 page, and logs one line', async () => {
		const result = await answer(eventFor('GET', '/account', '/(app)/account', { accept: 'text/html' }), () => Promise.reject(refused));
		expectCalm(result);
		expect(result.response.headers.get('content-type')).toMatch(/^text\/html/);
		expect(result.body).toContain('Belonging cannot reach its database just now, so it cannot show this page. Please try again in a minute.');
	});

	it('says a survey post’s answers were not saved, and another post’s form was not saved', async () => {
		const survey = await answer(eventFor('POST', '/s/abc', '/s/[token]', { accept: 'text/html' }), () => Promise.reject(refused));
		expectCalm(survey);
		expect(survey.body).toContain('so your answers were not saved');
		const signIn = await answer(eventFor('POST', '/sign-in', '/(app)/sign-in', { accept: 'text/html' }), () => Promise.reject(refused));
		expectCalm(signIn);
		expect(signIn.body).toContain('so what you sent was not saved');
	});

	it('answers an enhanced form, a page’s data and the API in the JSON each expects', async () => {
		const action = await answer(eventFor('POST', '/sign-in', '/(app)/sign-in', { accept: 'application/json', 'x-sveltekit-action': 'true' }), () => Promise.reject(refused));
		expectCalm(action);
		expect(JSON.parse(action.body)).toMatchObject({ type: 'error', error: { unavailable: true } });
		const data = await answer(eventFor('GET', '/account/__data.json', '/(app)/account'), () => Promise.reject(refused));
		expectCalm(data);
		expect(JSON.parse(data.body).message).toContain('cannot show this page');
		const api = await answer(eventFor('GET', '/api/v1/me', '/api/v1/me'), () => Promise.reject(refused));
		expectCalm(api);
		expect(JSON.parse(api.body)).toEqual({ error: { status: 503, message: 'Belonging cannot reach its database just now. Please try again in a minute.' } });
	});

	it('turns the 500 of a load or action that failed for want of the database into 503, keeping its page', async () => {
		const event = eventFor('POST', '/s/abc', '/s/[token]', { accept: 'text/html' });
		const log = captureLog();
		const response = await answerWhenDatabaseAway({
			event,
			// What Kit does with an error thrown in a load or an action: handleError, then the error page.
			resolve: (async () => {
				const shown = databaseAwayError(event, refused);
				return new Response(`<h1>Please try again in a minute</h1><p>${shown?.message}</p>`, { status: 500, headers: { 'content-type': 'text/html' } });
			}) as never
		});
		expect(response.status).toBe(503);
		expect(response.headers.get('retry-after')).toBe(String(DATABASE_AWAY_RETRY_SECONDS));
		expect(await response.text()).toContain('so your answers were not saved');
		log.restore();
		expect(log.lines().map((line) => line.msg)).toEqual([expect.stringMatching(/^Database unreachable \(ECONNREFUSED/)]);
	});

	it('leaves every other failure as it was', async () => {
		const event = eventFor('GET', '/', '/(app)');
		expect(databaseAwayError(event, new Error('a bug'))).toBeUndefined();
		const plain500 = await answerWhenDatabaseAway({ event, resolve: (async () => new Response('oops', { status: 500 })) as never });
		expect(plain500.status).toBe(500);
		expect(plain500.headers.get('retry-after')).toBeNull();
		const bug = new Error('a bug');
		await expect(answerWhenDatabaseAway({ event: eventFor('GET', '/', '/(app)'), resolve: (() => Promise.reject(bug)) as never })).rejects.toBe(bug);
	});
});
