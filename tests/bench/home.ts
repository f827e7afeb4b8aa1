/**
 * What the home page costs each kind of viewer, on the demo and on the national database of
 * `bench:pcn-dashboard` (1,250 PCNs, 6,300 practices, 50,400 closed rounds), on SQLite and, with
 * BENCH_DATABASE_URL or TEST_DATABASE_URL set, on PostgreSQL:
 *
 * - in process: getNetworkOverview (the page's one server call) for a practice manager of one
 *   practice, a link worker of two, a PCN lead of one PCN and a lead over every PCN (on the demo,
 *   whose one PCN is every PCN, the demo's lead is both), p50/p95/p99 and the heap's growth over
 *   one call (heap used just after it, less heap used after a collection just before it),
 *   beside getPcnDashboard of the viewer's first PCN in the same run, as the baseline; and
 *   listTodo, the to-do list the page shows above the overview, for the same viewer;
 * - in process: listOverseenIcbs (an ICB lead's home page, which reads no practice or round) for
 *   the demo's ICB lead and, nationally, a lead of one ICB and a lead of all 42;
 * - over HTTP, on the built server (`npm run build` first): the one-practice manager's home page
 *   against their account page, A B A B in the same run, and the national lead's home page.
 *
 * The national database must be built first: `npm run bench:pcn-dashboard -- --large --generate-only`.
 * The bench adds its six accounts to it (once; they are kept for the next run).
 * Usage: npm run bench:home [-- --runs=30] [--demo-only | --national-only]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { ukDate } from '../../src/lib/dates';
import { hashPassword } from '../../src/lib/server/accounts/passwords';
import { SESSION_COOKIE, createSession } from '../../src/lib/server/accounts/sessions';
import { createUser, findUserByEmail, toSignedInUser } from '../../src/lib/server/accounts/users';
import { openDatabase, type Db, type DatabaseConfig } from '../../src/lib/server/db';
import type { SignedInUser } from '../../src/lib/server/identity';
import { listTodo } from '../../src/lib/server/home/todo';
import { getNetworkOverview } from '../../src/lib/server/results/overview';
import { listOverseenIcbs } from '../../src/lib/server/organisations/overseen';
import { defaultPeriod, getPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { TEST_SURVEY_LIMIT_SECRET } from '../helpers/server-database';
import { databaseUrl } from '../helpers/postgres-setup';
import { startServer } from '../helpers/server';
import { NATIONAL_TODAY, nationalPostgresName, nationalSqlitePath } from './national';
import { benchPostgresUrl, createBenchDatabase, databaseExists, NO_POSTGRES } from './postgres';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
const WARM_UP = 3;
const config = { minResponses: 5 };
const GOALS = { ratio: 1.5, nationalP95Ms: 300, nationalHeapMb: 50 };

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Viewer {
	label: string;
	email: string;
	/** Whether the goals for a national scope apply to this viewer's figures. */
	national?: boolean;
}

const DEMO_VIEWERS: Viewer[] = [
	{ label: 'practice manager (1 practice)', email: 'practice.manager@demo.belonging.example' },
	{ label: 'link worker (2 practices)', email: 'link.worker@demo.belonging.example' },
	{ label: 'PCN lead (1 PCN, every PCN)', email: 'pcn.lead@demo.belonging.example' }
];
const DEMO_ICB_VIEWERS: Viewer[] = [{ label: 'ICB lead (1 ICB, 5 PCNs)', email: 'icb.lead@demo.belonging.example' }];
const NATIONAL_ICB_VIEWERS: Viewer[] = [
	{ label: 'ICB lead (1 ICB)', email: 'bench.home.icb@example.nhs.uk' },
	{ label: 'ICB lead of all 42 ICBs', email: 'bench.home.icbs@example.nhs.uk', national: true }
];
const NATIONAL_VIEWERS: Viewer[] = [
	{ label: 'practice manager (1 practice)', email: 'bench.home.manager@example.nhs.uk' },
	{ label: 'link worker (2 practices)', email: 'bench.home.worker@example.nhs.uk' },
	{ label: 'PCN lead (1 PCN)', email: 'bench.home.lead@example.nhs.uk' },
	{ label: 'lead over all 1,250 PCNs', email: 'bench.home.national@example.nhs.uk', national: true }
];

/**
 * The national database's six accounts, made once: the first practice's manager and lead, a link
 * worker of the first and last practice, a lead of every PCN, and ICB leads of the first ICB and
 * of every ICB.
 */
async function nationalAccounts(db: Db): Promise<void> {
	const [first, last] = await Promise.all([
		db.selectFrom('practice').select(['id', 'pcn_id']).where('pcn_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow(),
		db.selectFrom('practice').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
	]);
	const passwordHash = await hashPassword('bench-home-password-2026');
	const everyPcn = (await db.selectFrom('pcn').select('id').execute()).map((p) => p.id);
	const everyIcb = (await db.selectFrom('icb').select('id').orderBy('id').execute()).map((i) => i.id);
	const wanted = [
		{ email: NATIONAL_VIEWERS[0]!.email, role: 'practice_manager' as const, scope: { practiceIds: [first.id] } },
		{ email: NATIONAL_VIEWERS[1]!.email, role: 'link_worker' as const, scope: { practiceIds: [first.id, last.id] } },
		{ email: NATIONAL_VIEWERS[2]!.email, role: 'pcn_lead' as const, scope: { pcnIds: [first.pcn_id!] } },
		{ email: NATIONAL_VIEWERS[3]!.email, role: 'pcn_lead' as const, scope: { pcnIds: everyPcn } },
		{ email: NATIONAL_ICB_VIEWERS[0]!.email, role: 'icb_lead' as const, scope: { icbIds: everyIcb.slice(0, 1) } },
		{ email: NATIONAL_ICB_VIEWERS[1]!.email, role: 'icb_lead' as const, scope: { icbIds: everyIcb } }
	];
	for (const account of wanted) {
		if (await findUserByEmail(db, account.email)) continue;
		await createUser(db, { ...account, displayName: 'Bench viewer', passwordHash });
	}
}

async function signedIn(db: Db, email: string): Promise<SignedInUser> {
	const account = await findUserByEmail(db, email);
	if (!account) throw new Error(`No account ${email}`);
	return toSignedInUser(db, account);
}

/** getNetworkOverview for each viewer: p50/p95/p99 and the heap's growth over one call. */
async function inProcess(name: string, engine: string, db: Db, viewers: Viewer[], today: string): Promise<void> {
	console.log(`\n${name}, ${engine}: getNetworkOverview (the home page's server call, first page), ${runs} runs after ${WARM_UP} warm-up; load average ${load()}`);
	for (const viewer of viewers) {
		const user = await signedIn(db, viewer.email);
		const inScope = Number(
			(
				await sql<{ n: number }>`select count(*) as n from round where status = 'closed' and practice_id in (
					select practice.id from practice join user_pcn on user_pcn.pcn_id = practice.pcn_id where user_pcn.user_id = ${user.id}
					union select practice_id from user_practice where user_id = ${user.id})`.execute(db)
			).rows[0]!.n
		);
		for (let i = 0; i < WARM_UP; i++) await getNetworkOverview(db, config, today, user);
		const times: number[] = [];
		const heap: number[] = [];
		let shape = '';
		for (let i = 0; i < runs; i++) {
			gc();
			const before = process.memoryUsage().heapUsed;
			const started = performance.now();
			const overview = await getNetworkOverview(db, config, today, user);
			times.push(performance.now() - started);
			heap.push((process.memoryUsage().heapUsed - before) / 1024 / 1024);
			const practices = overview.pcns.reduce((n, p) => n + p.practices.length, 0);
			shape = `${overview.pcns.length} PCNs, ${practices} practices on page 1 of ${overview.pages}`;
		}
		// Baseline: the PCN dashboard's data of the first PCN on the page, timed A B A B with nothing else.
		const firstPcn = (await getNetworkOverview(db, config, today, user)).pcns[0]!.id;
		const baseline: number[] = [];
		for (let i = 0; i < runs; i++) {
			const started = performance.now();
			await getPcnDashboard(db, firstPcn, config, defaultPeriod(today), today);
			baseline.push(performance.now() - started);
		}
		// The to-do list the page shows above the overview, from the same scope, timed on its own.
		const todoTimes: number[] = [];
		let todoShape = '';
		for (let i = 0; i < WARM_UP; i++) await listTodo(db, user, config, today, new Date());
		for (let i = 0; i < runs; i++) {
			const started = performance.now();
			const todo = await listTodo(db, user, config, today, new Date());
			todoTimes.push(performance.now() - started);
			todoShape = `${todo.items.length} to-do items`;
		}
		todoTimes.sort((a, b) => a - b);
		baseline.sort((a, b) => a - b);
		times.sort((a, b) => a - b);
		heap.sort((a, b) => a - b);
		const goal = viewer.national ? `  (goals: p95 ≤ ${GOALS.nationalP95Ms} ms, heap ≤ ${GOALS.nationalHeapMb} MB)` : '';
		console.log(
			`  ${viewer.label.padEnd(30)} p50 ${ms(at(times, 0.5))}  p95 ${ms(at(times, 0.95))}  p99 ${ms(at(times, 0.99))}  heap growth median ${at(heap, 0.5).toFixed(1)} MB, max ${heap.at(-1)!.toFixed(1)} MB${goal}`
		);
		console.log(`  ${''.padEnd(30)} scope: ${user.practiceIds.length.toLocaleString('en-GB')} practices, ${inScope.toLocaleString('en-GB')} closed rounds; ${shape}`);
		console.log(
			`  ${''.padEnd(30)} baseline getPcnDashboard of its first PCN: p50 ${ms(at(baseline, 0.5))}  p95 ${ms(at(baseline, 0.95))}; home ÷ baseline (p50) ${(at(times, 0.5) / at(baseline, 0.5)).toFixed(1)}×`
		);
		console.log(
			`  ${''.padEnd(30)} listTodo (the to-do list above it): p50 ${ms(at(todoTimes, 0.5))}  p95 ${ms(at(todoTimes, 0.95))}  p99 ${ms(at(todoTimes, 0.99))}; ${todoShape}; to-do ÷ baseline (p50) ${(at(todoTimes, 0.5) / at(baseline, 0.5)).toFixed(1)}×`
		);
	}
}

/** listOverseenIcbs for each ICB lead: p50/p95/p99 of the first page, and what it held. */
async function icbHomeInProcess(name: string, engine: string, db: Db, viewers: Viewer[]): Promise<void> {
	console.log(`\n${name}, ${engine}: listOverseenIcbs (an ICB lead's home page, first page), ${runs} runs after ${WARM_UP} warm-up; load average ${load()}`);
	for (const viewer of viewers) {
		const user = await signedIn(db, viewer.email);
		for (let i = 0; i < WARM_UP; i++) await listOverseenIcbs(db, user);
		const times: number[] = [];
		let shape = '';
		for (let i = 0; i < runs; i++) {
			const started = performance.now();
			const icbs = await listOverseenIcbs(db, user);
			times.push(performance.now() - started);
			shape = `${icbs.items.length} ICBs, ${icbs.items.reduce((n, icb) => n + icb.pcns.length, 0)} PCNs on page 1 of ${icbs.pages}`;
		}
		times.sort((a, b) => a - b);
		console.log(`  ${viewer.label.padEnd(30)} p50 ${ms(at(times, 0.5))}  p95 ${ms(at(times, 0.95))}  p99 ${ms(at(times, 0.99))}`);
		console.log(`  ${''.padEnd(30)} scope: ${user.icbIds.length} ICBs, ${user.pcnIds.length.toLocaleString('en-GB')} PCNs; ${shape}`);
	}
}

/** Over HTTP on the built server: the one-practice manager's home against their account page, A B A B; and the widest viewer's home. */
async function overHttp(name: string, engine: string, env: Record<string, string>, config: DatabaseConfig, viewers: Viewer[]): Promise<void> {
	let server: Awaited<ReturnType<typeof startServer>>;
	try {
		server = await startServer(env);
	} catch (error) {
		console.log(`\n${name}, ${engine}: over HTTP skipped: ${(error as Error).message.split('\n')[0]} (load average ${load()})`);
		return;
	}
	const db = openDatabase(config);
	try {
		const cookieOf = async (email: string) => {
			const { token } = await createSession(db, (await findUserByEmail(db, email))!.id);
			return `${SESSION_COOKIE}=${token}`;
		};
		// Uncompressed, as the account page always is (it carries secrets), so the two compare like for like.
		const get = async (path: string, cookie: string, encoding = 'identity') => {
			const started = performance.now();
			const response = await fetch(`${server.url}${path}`, { headers: { cookie, accept: 'text/html', 'accept-encoding': encoding }, redirect: 'manual' });
			const body = await response.arrayBuffer();
			if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
			return { ms: performance.now() - started, bytes: body.byteLength };
		};
		const manager = await cookieOf(viewers[0]!.email);
		const widest = await cookieOf(viewers.at(-1)!.email);
		for (let i = 0; i < WARM_UP; i++) {
			await get('/account', manager);
			await get('/', manager);
			await get('/', widest);
		}
		const account: number[] = [];
		const home: number[] = [];
		const wide: number[] = [];
		const compressed: number[] = [];
		let sizes = { account: 0, home: 0, wide: 0 };
		for (let i = 0; i < runs; i++) {
			const a = await get('/account', manager);
			const b = await get('/', manager);
			const c = await get('/', widest);
			compressed.push((await get('/', manager, 'br, gzip')).ms);
			account.push(a.ms);
			home.push(b.ms);
			wide.push(c.ms);
			sizes = { account: a.bytes, home: b.bytes, wide: c.bytes };
		}
		for (const list of [account, home, wide, compressed]) list.sort((x, y) => x - y);
		const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
		console.log(`\n${name}, ${engine}: over HTTP on the built server, ${runs} runs A B A B after ${WARM_UP} warm-up; load average ${load()}`);
		console.log(`  account page, practice manager     p50 ${ms(at(account, 0.5))}  p95 ${ms(at(account, 0.95))}  ${kb(sizes.account)}`);
		console.log(`  home page, practice manager        p50 ${ms(at(home, 0.5))}  p95 ${ms(at(home, 0.95))}  ${kb(sizes.home)}`);
		console.log(
			`  home ÷ account (medians)           ${(at(home, 0.5) / at(account, 0.5)).toFixed(2)}×  (goal ≤ ${GOALS.ratio}×)`
		);
		console.log(`  home page, practice manager, br    p50 ${ms(at(compressed, 0.5))}  p95 ${ms(at(compressed, 0.95))}  (as a browser asks; the account page is never compressed)`);
		console.log(`  home page, ${viewers.at(-1)!.label.padEnd(23)} p50 ${ms(at(wide, 0.5))}  p95 ${ms(at(wide, 0.95))}  ${kb(sizes.wide)}`);
	} finally {
		await db.destroy();
		await server.stop();
	}
}

const postgresBase = benchPostgresUrl();
const onlyDemo = args.includes('--demo-only');
const onlyNational = args.includes('--national-only');
console.log(`Node ${process.version}; ${availableParallelism()} cores; load average ${load()}. Figures on a shared machine are noisy: compare within a run.`);
if (!postgresBase) console.log(NO_POSTGRES);

if (!onlyNational) {
	const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-home-'));
	try {
		const path = join(dir, 'demo.db');
		await overHttp('demo', 'SQLite', { DATABASE_PATH: path, DEMO: '1' }, { databasePath: path }, DEMO_VIEWERS);
		const db = openDatabase({ databasePath: path });
		try {
			await inProcess('demo', 'SQLite', db, DEMO_VIEWERS, ukDate());
			await icbHomeInProcess('demo', 'SQLite', db, DEMO_ICB_VIEWERS);
		} finally {
			await db.destroy();
		}
		if (postgresBase) {
			const demo = await createBenchDatabase(postgresBase, 'belonging_bench_home_demo');
			try {
				await overHttp('demo', 'PostgreSQL', { DATABASE_URL: demo.url, DEMO: '1', SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET }, { databaseUrl: demo.url }, DEMO_VIEWERS);
				const pgDb = openDatabase({ databaseUrl: demo.url });
				try {
					await inProcess('demo', 'PostgreSQL', pgDb, DEMO_VIEWERS, ukDate());
					await icbHomeInProcess('demo', 'PostgreSQL', pgDb, DEMO_ICB_VIEWERS);
				} finally {
					await pgDb.destroy();
				}
			} finally {
				await demo.drop();
			}
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (!onlyDemo) {
	const path = nationalSqlitePath();
	if (!path) {
		console.log('\nnational: no cached database; build it with `npm run bench:pcn-dashboard -- --large --generate-only`');
	} else {
		const engines: { engine: string; config: DatabaseConfig; env: Record<string, string> }[] = [
			{ engine: 'SQLite', config: { databasePath: path }, env: { DATABASE_PATH: path } }
		];
		const pgName = nationalPostgresName(path);
		if (postgresBase) {
			if (await databaseExists(postgresBase, pgName)) {
				const url = databaseUrl(postgresBase, pgName);
				engines.push({ engine: 'PostgreSQL', config: { databaseUrl: url }, env: { DATABASE_URL: url, SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET } });
			} else console.log(`\nnational, PostgreSQL: no database ${pgName}; load it with \`npm run bench:pcn-dashboard -- --large --generate-only\``);
		}
		for (const { engine, config: dbConfig, env } of engines) {
			const db = openDatabase(dbConfig);
			try {
				await nationalAccounts(db);
				await inProcess('national', engine, db, NATIONAL_VIEWERS, NATIONAL_TODAY);
				await icbHomeInProcess('national', engine, db, NATIONAL_ICB_VIEWERS);
			} finally {
				await db.destroy();
			}
			await overHttp('national', engine, env, dbConfig, NATIONAL_VIEWERS);
		}
	}
}
console.log(`\nload average at the end ${load()}`);
