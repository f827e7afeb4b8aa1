/**
 * How fast the built app stores survey submissions, against the least a server could do: the
 * real no-JavaScript form post to /s/demo (every check, the per-network limit, the single-use
 * key, the response and its answers), and a bare node:http + better-sqlite3 server storing the
 * same rows (bare-submit-server.ts), each on its own copy of the demo database. Loaded in turn,
 * A B A B, with autocannon from this process: the same connections, the same bodies. Every post
 * comes from its own network address (X-Forwarded-For), as from many phones, and carries a fresh
 * single-use key, so each one is stored.
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

async function load(url: string, questions: Map<string, string[]>, duration: number) {
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
	const codes = result.statusCodeStats ?? {};
	const stored = codes['303']?.count ?? 0;
	const other = Object.entries(codes).filter(([code]) => code !== '303');
	if (other.length > 0 || result.errors > 0) {
		throw new Error(`Not every post was stored: ${JSON.stringify(other)}, ${result.errors} errors, ${result.timeouts} timeouts`);
	}
	return { rate: stored / result.duration, p50: result.latency.p50, p99: result.latency.p99, stored };
}

/** Where one engine's two copies of the demo live, how to start each server on its copy, and how to count what was stored. */
interface EngineSetup {
	name: string;
	bareName: string;
	appEnv: Record<string, string>;
	bareArgs: string[];
	responses: () => Promise<{ app: number; bare: number }>;
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
	const questions = await seedDemo({ DATABASE_PATH: appDb });
	copyFileSync(appDb, bareDb);
	if (existsSync(`${appDb}-wal`)) copyFileSync(`${appDb}-wal`, `${bareDb}-wal`);
	const count = (path: string) => {
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
			bareName: 'bare node:http + better-sqlite3, same rows',
			appEnv: { DATABASE_PATH: appDb },
			bareArgs: [join(import.meta.dirname, 'bare-submit-server.ts'), bareDb, String(port)],
			responses: async () => ({ app: count(appDb), bare: count(bareDb) }),
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
			bareName: 'bare node:http + pg, same rows',
			appEnv,
			bareArgs: [join(import.meta.dirname, 'bare-submit-server-postgres.ts'), bare.url, String(port)],
			responses: async () => ({ app: await count(app.url), bare: await count(bare.url) }),
			cleanup: async () => {
				await app.drop();
				await bare.drop();
			}
		}
	};
}

async function measure({ setup, questions }: { setup: EngineSetup; questions: Map<string, string[]> }, barePort: number): Promise<void> {
	const app = await startServer({ ...setup.appEnv, DEMO: '1', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	const stopBare = await startBare(setup.bareArgs);
	const bareUrl = `http://127.0.0.1:${barePort}`;
	const before = await setup.responses();
	try {
		await load(app.url, questions, 2);
		await load(bareUrl, questions, 2);
		const runs = { app: [] as Awaited<ReturnType<typeof load>>[], bare: [] as Awaited<ReturnType<typeof load>>[] };
		for (let phase = 0; phase < PHASES; phase++) {
			runs.app.push(await load(app.url, questions, seconds));
			runs.bare.push(await load(bareUrl, questions, seconds));
		}
		const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
		const line = (name: string, list: Awaited<ReturnType<typeof load>>[]) =>
			`${name.padEnd(44)} ${mean(list.map((r) => r.rate)).toFixed(0).padStart(6)}/s  p50 ${mean(list.map((r) => r.p50)).toFixed(1)} ms  p99 ${mean(list.map((r) => r.p99)).toFixed(1)} ms  (phases: ${list.map((r) => r.rate.toFixed(0)).join(', ')})`;
		console.log(`\n${setup.name}: ${connections} connections, ${PHASES} × ${seconds} s each, A B A B; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
		console.log(line('Belonging, the no-JS form post to /s/demo', runs.app));
		console.log(line(setup.bareName, runs.bare));
		console.log(`ratio ${(mean(runs.app.map((r) => r.rate)) / mean(runs.bare.map((r) => r.rate))).toFixed(2)} ×`);
		const after = await setup.responses();
		console.log(`stored: Belonging ${after.app - before.app}, bare ${after.bare - before.bare} responses`);
	} finally {
		stopBare();
		await app.stop();
	}
}

console.log(`Node ${process.version}`);
const engines: (() => Promise<{ setup: EngineSetup; questions: Map<string, string[]> }>)[] = [];
const barePort = 20_000 + Math.floor(Math.random() * 20_000);
engines.push(() => sqliteSetup(barePort));
const postgresBase = benchPostgresUrl();
if (postgresBase) engines.push(() => postgresSetup(postgresBase, barePort + 1));
for (const [i, prepare] of engines.entries()) {
	const prepared = await prepare();
	try {
		await measure(prepared, barePort + i);
	} finally {
		await prepared.setup.cleanup();
	}
}
if (!postgresBase) console.log(NO_POSTGRES);
