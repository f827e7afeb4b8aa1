/**
 * Issue 27: SIGTERM lets what is under way finish. A survey post is in flight (its body half
 * sent) when the built server is told to stop: new connections are refused at once, the post is
 * still read, stored and answered 200, and only then does the process exit, with 0, its log
 * written out to the last line.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { createPracticeWithRound } from '../helpers/database';
import { jsonLines } from '../helpers/log';
import { startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';

const today = ukDate();
const KEY = /name="submission" value="([A-Za-z0-9_-]{22})"/;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stopping the built server with SIGTERM', () => {
	let database: ServerDatabase;
	let server: RunningServer;
	let token: string;
	let roundId: number;
	let output = '';

	beforeAll(async () => {
		database = await createServerDatabase('shutdown');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10) });
		token = fixture.round.public_token;
		roundId = fixture.round.id;
		await db.destroy();
		server = await startServer({ ...database.env, DEMO: '0', LOG_LEVEL: 'info' });
		server.process.stdout!.on('data', (chunk) => (output += chunk));
		server.process.stderr!.on('data', (chunk) => (output += chunk));
	});
	afterAll(async () => {
		if (server?.process.exitCode === null) await server.stop();
		await database?.remove();
	});

	it('finishes the request in flight, refuses new connections, then exits 0', async () => {
		const page = await fetch(`${server.url}/s/${token}`, { headers: { accept: 'text/html' } });
		const key = KEY.exec(await page.text())![1]!;
		const body = new URLSearchParams({ submission: key, 'item-CO1': '4', 'general-G1': '8', roleGroup: 'none' }).toString();

		// The post as the survey's script sends it (answered 200 with where to go next), its body held back halfway.
		const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.process.once('exit', (code) => resolve({ code, at: Date.now() })));
		let answered: { status: number; body: string; at: number } | undefined;
		const post = httpRequest(`${server.url}/s/${token}`, {
			method: 'POST',
			agent: false,
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': String(Buffer.byteLength(body)),
				origin: server.url,
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			}
		});
		const response = new Promise<void>((resolve, reject) => {
			post.on('response', (res: IncomingMessage) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					answered = { status: res.statusCode!, body: text, at: Date.now() };
					resolve();
				});
			});
			post.on('error', reject);
		});
		post.write(body.slice(0, 20));
		await pause(300);

		server.process.kill('SIGTERM');
		await pause(300);
		// Still running, for the post; but no longer taking connections.
		expect(server.process.exitCode).toBeNull();
		const refused = await fetch(`${server.url}/healthz`).then(
			() => 'answered',
			(error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message
		);
		expect(refused).toBe('ECONNREFUSED');
		expect(answered).toBeUndefined();

		post.end(body.slice(20));
		await response;
		expect(answered!.status).toBe(200);
		expect(JSON.parse(answered!.body)).toMatchObject({ type: 'redirect', status: 303, location: `/s/${token}/thanks` });

		const exit = await exited;
		expect(exit.code).toBe(0);
		expect(exit.at).toBeGreaterThanOrEqual(answered!.at);

		// The post was stored, and the log has its line and the last one written before the exit.
		const db = database.open();
		try {
			const stored = await db.selectFrom('response').select('id').where('round_id', '=', roundId).execute();
			expect(stored).toHaveLength(1);
		} finally {
			await db.destroy();
		}
		const lines = jsonLines(output);
		expect(lines.filter((line) => line.msg === 'request' && line.method === 'POST' && line.route === '/s/[token]' && line.status === 200)).toHaveLength(1);
		expect(lines.at(-1)?.msg).toBe('Belonging: stopped');
	});
});
