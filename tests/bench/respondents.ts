/**
 * A whole practice answering at once: N virtual respondents (default 200) for T seconds (default
 * 60) against the built server, each looping: GET the survey page as a phone does (asking for
 * compressed bytes), then POST answers with that page's single-use key. Every loop is a new
 * person on a new phone, from an address of its own (X-Forwarded-For behind ADDRESS_HEADER, as
 * behind the proxy a deployment has), so the per-network limit, which is about one address
 * stuffing a round, counts each once. The demo database, on SQLite and then (with
 * BENCH_DATABASE_URL or TEST_DATABASE_URL) on PostgreSQL.
 *
 * Prints: responses stored per second (rows in the database after the run, not answers
 * received), loops over 10 s (timeouts), failures by what answered, p50/p95/p99 of the page+post
 * loop, the server's peak RSS and CPU, the client's own CPU (it shares the cores), and the load
 * average, and the untimed warm-up's own loops apart. Goal (issue 25, SQLite, 2 cores, quiet):
 * 200 × 60 s with 0 timeouts and p99 < 500 ms.
 * Usage: npm run bench:respondents [-- respondents seconds] [--cold]
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { startServer, type RunningServer } from '../helpers/server';
import { TEST_SURVEY_LIMIT_SECRET } from '../helpers/server-database';
import { benchPostgresUrl, createBenchDatabase, NO_POSTGRES } from './postgres';

const numbers = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const respondents = Number(numbers[0] ?? 200);
const seconds = Number(numbers[1] ?? 60);
/**
 * How the respondents' connections come: by default opened before the timed run, as the reverse
 * proxy of a deployment keeps its pool of connections to the server open while it takes the
 * phones' own connections; with --cold, opened by the respondents all at once as the run starts,
 * as phones reaching the server directly would. Node's event loop takes one new connection per
 * turn, so while it is busy with the first respondents the rest wait in the kernel's queue.
 */
const cold = process.argv.includes('--cold');
/**
 * By default the same respondents first run for a few seconds untimed, so the run measures a
 * server that has been serving, as a deployment's has when a practice answers: its code compiled
 * and optimised, its survey page rendered. Those seconds are printed on their own. --cold skips
 * them too: a server started a moment before the whole practice arrives.
 */
const WARM_UP_SECONDS = cold ? 0 : 5;
const TIMEOUT_MS = 10_000;
const GOAL_P99_MS = 500;

interface Reply {
	status: number;
	body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: respondents });

/** One request on the shared keep-alive agent; rejects with 'timeout' past TIMEOUT_MS. */
function send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const outgoing = request(url, { method, headers, agent }, (incoming) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				clearTimeout(timer);
				const raw = Buffer.concat(chunks);
				const encoding = incoming.headers['content-encoding'];
				resolve({ status: incoming.statusCode ?? 0, body: encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw });
			});
			incoming.on('error', reject);
		});
		const timer = setTimeout(() => {
			outgoing.destroy(new Error('timeout'));
		}, TIMEOUT_MS);
		outgoing.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		outgoing.end(body);
	});
}

/** Every radio group of the survey with its choices, read from the page as a phone gets it. */
function questionsOf(html: string): [string, string[]][] {
	const questions = new Map<string, string[]>();
	for (const [, name, value] of html.matchAll(/<input type="radio" name="([^"]+)" id="[^"]*" value="([^"]*)"/g)) {
		questions.set(name!, [...(questions.get(name!) ?? []), value!]);
	}
	return [...questions];
}

const KEY = /name="submission" value="([A-Za-z0-9_-]+)"/;
const pick = <T>(values: T[]) => values[Math.floor(Math.random() * values.length)]!;
const randomAddress = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

interface Tally {
	loops: number[];
	timeouts: number;
	/** Which request of the loop timed out. */
	timedOut: { GET: number; POST: number };
	failures: Map<string, number>;
}

async function respondent(base: string, questions: [string, string[]][], until: number, tally: Tally): Promise<void> {
	const page = new URL(`${base}/s/demo`);
	const fail = (what: string) => tally.failures.set(what, (tally.failures.get(what) ?? 0) + 1);
	while (Date.now() < until) {
		const address = randomAddress();
		const started = performance.now();
		let sending: 'GET' | 'POST' = 'GET';
		try {
			const got = await send(page, 'GET', { accept: 'text/html', 'accept-encoding': 'br, gzip', 'x-forwarded-for': address });
			const key = got.status === 200 ? KEY.exec(got.body.toString())?.[1] : undefined;
			if (!key) {
				fail(`GET ${got.status}${got.status === 200 ? ' without a key' : ''}`);
				continue;
			}
			const form = new URLSearchParams({ submission: key, roleGroup: 'clinical' });
			for (const [name, values] of questions) form.set(name, pick(values));
			form.set('comment', 'More time with the link worker at our team meeting, please.');
			sending = 'POST';
			const posted = await send(
				page,
				'POST',
				{ accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: base, 'x-forwarded-for': address },
				form.toString()
			);
			if (posted.status !== 303) fail(`POST ${posted.status}`);
			else tally.loops.push(performance.now() - started);
		} catch (error) {
			if ((error as Error).message === 'timeout') {
				tally.timeouts++;
				tally.timedOut[sending]++;
			}
			else fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
		}
	}
}

/** Opens one keep-alive connection per respondent (a GET of /healthz on each), so the timed run starts with them all open. */
async function openConnections(base: string): Promise<void> {
	const health = new URL(`${base}/healthz`);
	const opened = await Promise.allSettled(Array.from({ length: respondents }, () => send(health, 'GET', { 'x-forwarded-for': randomAddress() })));
	const failed = opened.filter((result) => result.status === 'rejected').length;
	if (failed > 0) throw new Error(`${failed} of ${respondents} connections could not be opened before the run`);
}

/** The process's CPU seconds so far and its peak resident memory, from /proc (Linux). */
function processFigures(pid: number): { cpuSeconds: number; peakRssMb: number } {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
	return { cpuSeconds: ticks / 100, peakRssMb: Number(peak ?? 0) / 1024 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function run(engine: string, server: RunningServer, stored: () => Promise<number>): Promise<void> {
	const questions = questionsOf((await send(new URL(`${server.url}/s/demo`), 'GET', { accept: 'text/html', 'x-forwarded-for': randomAddress() })).body.toString());
	if (questions.length < 20) throw new Error(`Found only ${questions.length} questions on the survey page`);
	const newTally = (): Tally => ({ loops: [], timeouts: 0, timedOut: { GET: 0, POST: 0 }, failures: new Map() });
	const warmUp = newTally();
	if (!cold) await openConnections(server.url);
	if (WARM_UP_SECONDS > 0) {
		const warmUntil = Date.now() + WARM_UP_SECONDS * 1000;
		await Promise.all(Array.from({ length: respondents }, () => respondent(server.url, questions, warmUntil, warmUp)));
	}
	const tally = newTally();
	const loadBefore = load();
	const before = await stored();
	const serverBefore = processFigures(server.process.pid!);
	const clientBefore = process.cpuUsage();
	const began = performance.now();
	const until = Date.now() + seconds * 1000;
	await Promise.all(Array.from({ length: respondents }, () => respondent(server.url, questions, until, tally)));
	const elapsed = (performance.now() - began) / 1000;
	const client = process.cpuUsage(clientBefore);
	const serverAfter = processFigures(server.process.pid!);
	const rows = (await stored()) - before;
	const sorted = tally.loops.sort((a, b) => a - b);
	const p99 = percentile(sorted, 99);
	const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
	console.log(`\n${engine}: ${respondents} respondents × ${seconds} s, each loop a GET of the page then a POST with its key, from an address of its own`);
	console.log(
		cold
			? 'a server just started, its connections opened by the respondents all at once as the run starts (--cold: no proxy in front)'
			: `a server that has served for ${WARM_UP_SECONDS} s, its connections opened before, as a proxy's pool to it (--cold: neither)`
	);
	if (WARM_UP_SECONDS > 0) {
		const warm = warmUp.loops.sort((a, b) => a - b);
		console.log(
			`warm-up         ${WARM_UP_SECONDS} s untimed, the server just started: ${warm.length} loops, p50 ${percentile(warm, 50).toFixed(0)} ms, p99 ${percentile(warm, 99).toFixed(0)} ms, ${warmUp.timeouts} timeouts (--cold times a server this fresh)`
		);
	}
	console.log(`load average before ${loadBefore}, after ${load()} (2 cores; the client runs on them too)`);
	console.log(`stored          ${(rows / elapsed).toFixed(1)} responses/s (${rows} rows in the database, ${sorted.length} loops answered 303)`);
	console.log(`timeouts >10 s  ${tally.timeouts} (GET ${tally.timedOut.GET}, POST ${tally.timedOut.POST})  (goal 0: ${verdict(tally.timeouts === 0)})`);
	console.log(`failures        ${tally.failures.size === 0 ? 'none' : [...tally.failures].map(([what, n]) => `${what} × ${n}`).join(', ')}`);
	console.log(`page+post loop  p50 ${percentile(sorted, 50).toFixed(0)} ms  p95 ${percentile(sorted, 95).toFixed(0)} ms  p99 ${p99.toFixed(0)} ms  (goal p99 < ${GOAL_P99_MS} ms: ${verdict(p99 < GOAL_P99_MS)})`);
	console.log(`server          peak RSS ${serverAfter.peakRssMb.toFixed(0)} MB, CPU ${(serverAfter.cpuSeconds - serverBefore.cpuSeconds).toFixed(1)} s over ${elapsed.toFixed(1)} s`);
	console.log(`client          CPU ${((client.user + client.system) / 1e6).toFixed(1)} s over ${elapsed.toFixed(1)} s`);
}

const ADDRESSED = { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' };

async function onSqlite(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-respondents-'));
	const path = join(dir, 'demo.db');
	try {
		await (await startServer({ DATABASE_PATH: path, DEMO: '1' })).stop();
		const server = await startServer({ DATABASE_PATH: path, DEMO: '1', ...ADDRESSED });
		try {
			const reader = new SQLite(path, { readonly: true });
			try {
				await run('SQLite', server, async () => (reader.prepare('select count(*) as n from response').get() as { n: number }).n);
			} finally {
				reader.close();
			}
		} finally {
			await server.stop();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function onPostgres(base: string): Promise<void> {
	const database = await createBenchDatabase(base, 'belonging_bench_respondents');
	const env = { DATABASE_URL: database.url, SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET, DEMO: '1' };
	const client = new pg.Client({ connectionString: database.url });
	try {
		await (await startServer(env)).stop();
		const server = await startServer({ ...env, ...ADDRESSED });
		await client.connect();
		try {
			await run('PostgreSQL', server, async () => Number((await client.query<{ n: string }>('select count(*) as n from response')).rows[0]!.n));
		} finally {
			await server.stop();
		}
	} finally {
		await client.end().catch(() => undefined);
		await database.drop();
	}
}

console.log(`Node ${process.version}`);
await onSqlite();
const postgresBase = benchPostgresUrl();
if (postgresBase) await onPostgres(postgresBase);
else console.log(NO_POSTGRES);
agent.destroy();
