/**
 * How fast the built app stores survey submissions, against the least a server could do: the
 * real no-JavaScript form post to /s/demo (every check, the per-network limit, the single-use
 * key, the response and its answers), a bare node:http + better-sqlite3 server storing the same
 * rows (bare-submit-server.ts), and one storing only the response and its answers in one
 * transaction (bare-store-server.ts), each on its own copy of the demo database. Loaded in turn,
 * A B C A B C, with autocannon from this process: the same connections, the same bodies. Every
 * post comes from its own network address (X-Forwarded-For), as from many phones, and carries a
 * fresh single-use key, so each one is stored; the rates count the responses each database holds
 * after each phase, not the answers received.
 * With BENCH_DATABASE_URL (or TEST_DATABASE_URL) set, the same again on PostgreSQL in the same
 * run: the app on DATABASE_URL against a bare node:http + pg server storing the same rows
 * (bare-submit-server-postgres.ts), each on its own copy of the demo database.
 * Usage: npm run bench:submit [-- seconds connections]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { startServer } from '../helpers/server';
import { TEST_SURVEY_LIMIT_SECRET } from '../helpers/server-database';
import { benchPostgresUrl, createBenchDatabase, NO_POSTGRES } from './postgres';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 20);
const PHASES = 3;


/** Every radio group of the survey with its choices, read from the page as a phone gets it. */
function questionsOf(html: string): Map<string, string[]> {
	const questions = new Map<string, string[]>();
	for (const [, name, value] of html.matchAll(/<input type="radio" name="([^"]+)" id="[^"]*" value="([^"]*)"/g)) {
		questions.set(name!, [...(questions.get(name!) ?? []), value!]);
	}
	return questions;
}

function submission(questions: Map<string, string[]>): string {
	const form = new URLSearchParams({ submission: randomBytes(16).toString('base64url') });
	for (const [name, values] of questions) form.set(name, values[Math.floor(Math.random() * values.length)]!);
	form.set('comment', 'More time with the link worker at our team meeting, please.');
	return form.toString();
}

const randomAddress = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** One timed load; the rate is what the database holds afterwards that it did not before, not the answers received. */
async function load(url: string, questions: Map<string, string[]>, duration: number, stored: () => Promise<number>) {
	const before = await stored();
	const result = await autocannon({
		url: `${url}/s/demo`,
		connections,
		duration,
		requests: [
			{
				method: 'POST',
				setupRequest: (request) => ({
					...request,
					body: submission(questions),
					headers: {
						// What a browser sends with a plain form post (without it Kit answers as to its own script).
						accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
						'content-type': 'application/x-www-form-urlencoded',
						origin: url,
						'x-forwarded-for': randomAddress()
					}
				})
			}
		]
	});
	// Posts still in flight when the phase ended are stored after it: counted once they are.
	await new Promise((resolve) => setTimeout(resolve, 300));
	const rows = (await stored()) - before;
	const codes = result.statusCodeStats ?? {};
	const answered = codes['303']?.count ?? 0;
	const other = Object.entries(codes).filter(([code]) => code !== '303');
	if (other.length > 0 || result.errors > 0 || rows < answered || rows > answered + connections) {
		throw new Error(
			`Not every post was stored: ${rows} responses stored for ${answered} answers of 303, others ${JSON.stringify(other)}, ${result.errors} errors, ${result.timeouts} timeouts`
		);
	}
	return { rate: rows / result.duration, p50: result.latency.p50, p99: result.latency.p99, stored: rows };
}

/** A server to load: Belonging or a baseline, with how to count the responses its database holds. */
interface Contender {
	name: string;
	url: string;
	stored: () => Promise<number>;
}

/** A bare baseline: its script and arguments, and how to count what its database holds. */
interface Bare {
	name: string;
	args: string[];
	stored: () => Promise<number>;
}

/** Where one engine's copies of the demo live, how to start each server on its copy, and how to count what was stored. */
interface EngineSetup {
	name: string;
	appEnv: Record<string, string>;
	appStored: () => Promise<number>;
	bares: Bare[];
	cleanup: () => Promise<void>;
}

async function startBare(args: string[]): Promise<() => void> {
	const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (chunk) => String(chunk).includes('ready') && resolve());
		child.once('exit', (code) => reject(new Error(`The bare server exited with ${code}`)));
	});
	return () => child.kill('SIGTERM');
}

/** The demo, seeded once by the app itself; returns the survey's questions as a phone gets them. */
async function seedDemo(env: Record<string, string>): Promise<Map<string, string[]>> {
	const seeding = await startServer({ ...env, DEMO: '1' });
	const questions = questionsOf(await (await fetch(`${seeding.url}/s/demo`)).text());
	await seeding.stop();
	if (questions.size < 20) throw new Error(`Found only ${questions.size} questions on the survey page`);
	return questions;
}

async function sqliteSetup(port: number): Promise<{ setup: EngineSetup; questions: Map<string, string[]> }> {
	const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-submit-'));
	const appDb = join(dir, 'app.db');
	const bareDb = join(dir, 'bare.db');
	const storeDb = join(dir, 'store.db');
	const questions = await seedDemo({ DATABASE_PATH: appDb });
	for (const copy of [bareDb, storeDb]) {
		copyFileSync(appDb, copy);
		if (existsSync(`${appDb}-wal`)) copyFileSync(`${appDb}-wal`, `${copy}-wal`);
	}
	const count = async (path: string) => {
		const db = new SQLite(path, { readonly: true });
		try {
			return (db.prepare('select count(*) as n from response').get() as { n: number }).n;
		} finally {
			db.close();
		}
	};
	return {
		questions,
		setup: {
			name: 'SQLite',
			appEnv: { DATABASE_PATH: appDb },
			appStored: () => count(appDb),
			bares: [
				{
					name: 'bare node:http + better-sqlite3, same rows',
					args: [join(import.meta.dirname, 'bare-submit-server.ts'), bareDb, String(port)],
					stored: () => count(bareDb)
				},
				{
					name: 'bare, only the response and its answers',
					args: [join(import.meta.dirname, 'bare-store-server.ts'), storeDb, String(port + 1)],
					stored: () => count(storeDb)
				}
			],
			cleanup: async () => rmSync(dir, { recursive: true, force: true })
		}
	};
}

async function postgresSetup(base: string, port: number): Promise<{ setup: EngineSetup; questions: Map<string, string[]> }> {
	const app = await createBenchDatabase(base, 'belonging_bench_submit_app');
	const appEnv = { DATABASE_URL: app.url, SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET };
	const questions = await seedDemo(appEnv);
	const bare = await createBenchDatabase(base, 'belonging_bench_submit_bare', 'belonging_bench_submit_app');
	const count = async (url: string) => {
		const client = new pg.Client({ connectionString: url });
		await client.connect();
		try {
			return Number((await client.query<{ n: string }>('select count(*) as n from response')).rows[0]!.n);
		} finally {
			await client.end();
		}
	};
	return {
		questions,
		setup: {
			name: 'PostgreSQL',
			appEnv,
			appStored: () => count(app.url),
			bares: [
				{
					name: 'bare node:http + pg, same rows',
					args: [join(import.meta.dirname, 'bare-submit-server-postgres.ts'), bare.url, String(port)],
					stored: () => count(bare.url)
				}
			],
			cleanup: async () => {
				await app.drop();
				await bare.drop();
			}
		}
	};
}

async function measure({ setup, questions }: { setup: EngineSetup; questions: Map<string, string[]> }): Promise<void> {
	const app = await startServer({ ...setup.appEnv, DEMO: '1', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	const stops: (() => void)[] = [];
	try {
		const contenders: Contender[] = [{ name: 'Belonging, the no-JS form post to /s/demo', url: app.url, stored: setup.appStored }];
		for (const bare of setup.bares) {
			stops.push(await startBare(bare.args));
			contenders.push({ name: bare.name, url: `http://127.0.0.1:${bare.args.at(-1)}`, stored: bare.stored });
		}
		for (const contender of contenders) await load(contender.url, questions, 2, contender.stored);
		const runs = contenders.map(() => [] as Awaited<ReturnType<typeof load>>[]);
		for (let phase = 0; phase < PHASES; phase++) {
			for (const [i, contender] of contenders.entries()) runs[i]!.push(await load(contender.url, questions, seconds, contender.stored));
		}
		const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
		const rate = (list: Awaited<ReturnType<typeof load>>[]) => mean(list.map((r) => r.rate));
		const line = (name: string, list: Awaited<ReturnType<typeof load>>[]) =>
			`${name.padEnd(44)} ${rate(list).toFixed(0).padStart(6)} stored/s  p50 ${mean(list.map((r) => r.p50)).toFixed(1)} ms  p99 ${mean(list.map((r) => r.p99)).toFixed(1)} ms  (phases: ${list.map((r) => r.rate.toFixed(0)).join(', ')}; ${list.reduce((n, r) => n + r.stored, 0)} responses stored)`;
		console.log(`\n${setup.name}: ${connections} connections, ${PHASES} × ${seconds} s each, in turn (A B C A B C); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
		console.log('Rates count the responses in each database after each phase, every one from a fresh key and its own address.');
		for (const [i, contender] of contenders.entries()) console.log(line(contender.name, runs[i]!));
		const goals = [0.5, 0.4];
		for (const [i, contender] of contenders.slice(1).entries()) {
			const ratio = rate(runs[0]!) / rate(runs[i + 1]!);
			const goal = goals[i];
			console.log(`ratio against ${contender.name}: ${ratio.toFixed(2)} ×${goal ? `  (goal ≥ ${goal} ×: ${ratio >= goal ? 'met' : 'NOT met'})` : ''}`);
		}
	} finally {
		for (const stop of stops) stop();
		await app.stop();
	}
}

console.log(`Node ${process.version}`);
const engines: (() => Promise<{ setup: EngineSetup; questions: Map<string, string[]> }>)[] = [];
const barePort = 20_000 + Math.floor(Math.random() * 20_000);
engines.push(() => sqliteSetup(barePort));
const postgresBase = benchPostgresUrl();
if (postgresBase) engines.push(() => postgresSetup(postgresBase, barePort + 2));
for (const prepare of engines) {
	const prepared = await prepare();
	try {
		await measure(prepared);
	} finally {
		await prepared.setup.cleanup();
	}
}
if (!postgresBase) console.log(NO_POSTGRES);
