/**
 * Issue 24, item 9: PostgreSQL stopped under a running built server. The server reaches its
 * database through a small TCP proxy that the test cuts (every connection dropped, new ones
 * refused) and restores: while it is cut, the survey page, a survey post, a sign-in, a signed-in
 * page and the API each answer 503 with Retry-After and a calm sentence, no stack trace, and the
 * log gets one line for each; /healthz answers 503 as it always has; once the database is back,
 * the server works again within seconds. PostgreSQL only: SQLite is a file on the server itself.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { SESSION_COOKIE, createSession } from '../../src/lib/server/accounts/sessions';
import { createPracticeWithRound, onPostgres } from '../helpers/database';
import { TEST_PASSWORD, createSignedInUser } from '../helpers/events';
import { jsonLines } from '../helpers/log';
import { freePort, startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';

const today = ukDate();

/** A TCP proxy to PostgreSQL that can be cut (all connections dropped, the port closed) and restored. */
async function cuttableProxy(target: { host: string; port: number }) {
	const port = await freePort();
	const sockets = new Set<Socket>();
	let server: Server;
	const listen = () =>
		new Promise<void>((resolve) => {
			server = createServer((client) => {
				const upstream = createConnection(target);
				for (const socket of [client, upstream]) {
					sockets.add(socket);
					socket.on('error', () => {});
					socket.on('close', () => sockets.delete(socket));
				}
				client.pipe(upstream).pipe(client);
			});
			server.listen(port, '127.0.0.1', () => resolve());
		});
	await listen();
	return {
		port,
		cut: async () => {
			const closed = new Promise((resolve) => server.close(resolve));
			for (const socket of sockets) socket.destroy();
			await closed;
		},
		restore: listen,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

describe.runIf(onPostgres)('PostgreSQL away under a running server', () => {
	let database: ServerDatabase;
	let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
	let server: RunningServer;
	let log = '';
	let token: string;
	let email: string;
	let cookie: string;

	beforeAll(async () => {
		database = await createServerDatabase('away');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10), staffHeadcount: 20 });
		token = fixture.round.public_token;
		const manager = await createSignedInUser(db, 'practice_manager', { practiceIds: [fixture.practice.id] }, 'manager@away.example');
		email = manager.email;
		cookie = `${SESSION_COOKIE}=${(await createSession(db, manager.id)).token}`;
		await db.destroy();
		const direct = new URL(database.env.DATABASE_URL!);
		proxy = await cuttableProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
		const viaProxy = new URL(direct);
		viaProxy.hostname = '127.0.0.1';
		viaProxy.port = String(proxy.port);
		server = await startServer({ ...database.env, DATABASE_URL: viaProxy.toString(), DEMO: '0', MIN_RESPONSES: '5', LOG_LEVEL: 'info' });
		server.process.stdout?.on('data', (chunk) => (log += chunk));
		server.process.stderr?.on('data', (chunk) => (log += chunk));
	});

	afterAll(async () => {
		await server?.stop();
		await proxy?.close();
		await database?.remove();
	});

	const responses = async () => {
		const db = database.open();
		try {
			return (await db.selectFrom('response').select('id').execute()).length;
		} finally {
			await db.destroy();
		}
	};
	const form = (path: string, body: string, headers: Record<string, string> = {}) =>
		fetch(`${server.url}${path}`, {
			method: 'POST',
			body,
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html', ...headers }
		});

	it('answers 503 with Retry-After and a calm sentence while the database is away, logging one line each, and recovers by itself', async () => {
		expect((await fetch(`${server.url}/s/${token}`)).status).toBe(200);
		await proxy.cut();
		const logBefore = log.length;

		const answers: [string, Response][] = [
			['survey page', await fetch(`${server.url}/s/${token}`, { headers: { accept: 'text/html' } })],
			['survey post, JavaScript off', await form(`/s/${token}`, 'item-CO1=4&general-G3=9')],
			['sign-in', await form('/sign-in', `email=${encodeURIComponent(email)}&password=${encodeURIComponent(TEST_PASSWORD)}`)],
			['sign-in, enhanced', await form('/sign-in', `email=${encodeURIComponent(email)}&password=x`, { accept: 'application/json', 'x-sveltekit-action': 'true' })],
			['a signed-in page', await fetch(`${server.url}/account`, { headers: { cookie, accept: 'text/html' } })],
			['the API', await fetch(`${server.url}/api/v1/me`, { headers: { authorization: 'Bearer blg_not_a_real_token' } })]
		];
		const bodies = new Map<string, string>();
		for (const [what, response] of answers) {
			bodies.set(what, await response.text());
			expect([what, response.status, response.headers.get('retry-after')]).toEqual([what, 503, '60']);
			expect(bodies.get(what), what).not.toMatch(/ECONNREFUSED|\bat \S+ \(|Error:|node_modules/);
		}
		expect(bodies.get('survey page')).toContain('Belonging cannot reach its database just now, so it cannot show this page. Please try again in a minute.');
		expect(bodies.get('survey post, JavaScript off')).toContain('so your answers were not saved');
		expect(bodies.get('sign-in')).toContain('so what you sent was not saved');
		expect(JSON.parse(bodies.get('sign-in, enhanced')!)).toMatchObject({ type: 'error', error: { unavailable: true } });
		expect(bodies.get('a signed-in page')).toContain('cannot show this page');
		expect(JSON.parse(bodies.get('the API')!).error.status).toBe(503);

		// The health check says so as it always has, with its request line but no "Database unreachable" one.
		const health = await fetch(`${server.url}/healthz`);
		expect([health.status, await health.json()]).toEqual([503, { status: 'error', message: 'The database is not answering' }]);

		// Let anything else the server logs about the cut arrive (the pool's dropped connections).
		await new Promise((resolve) => setTimeout(resolve, 300));
		const written = log.slice(logBefore).split('\n').filter((line) => line.trim() !== '');
		// JSON lines (platform/logging.ts), none with a stack trace in it.
		expect(written.filter((line) => !line.startsWith('{') || /\bat \S+ \(/.test(line)), written.join('\n')).toEqual([]);
		const lines = jsonLines(written.join('\n'));
		const requests = lines.filter((line) => line.msg === 'request');
		expect(requests.map((line) => line.status)).toEqual([...answers.map(() => 503), 503]);
		const others = lines.filter((line) => line.msg !== 'request');
		expect(others.filter((line) => line.msg.startsWith('Database unreachable')), written.join('\n')).toHaveLength(answers.length);
		// Besides those: at most one line for each pooled connection dropped (5) and a mail worker's try.
		expect(others.length, written.join('\n')).toBeLessThanOrEqual(answers.length + 7);

		await proxy.restore();
		const back = Date.now();
		let status = 0;
		while (Date.now() - back < 5000) {
			status = (await fetch(`${server.url}/s/${token}`)).status;
			if (status === 200) break;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(status).toBe(200);
		expect(Date.now() - back).toBeLessThan(2000);
		// Nothing was stored while it was away; a post now is.
		expect(await responses()).toBe(0);
		expect((await form(`/s/${token}`, 'item-CO1=4')).status).toBe(303);
		expect(await responses()).toBe(1);
	});
});
