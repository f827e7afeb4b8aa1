/**
 * How long the server takes to build a PCN dashboard's data (getPcnDashboard), on two databases:
 *
 * - small: one PCN of 8 practices, each with 10 closed rounds about six months apart × 40
 *   responses (every item answered), three of them with a round open now;
 * - large: a national-sized database of 42 ICBs, 1,250 PCNs and 6,300 practices (2–10 per PCN),
 *   8 closed rounds each with 3–45 responses (so some fall below MIN_RESPONSES), about 5% of
 *   practices with no round in the last 12 months and about 20% with a round open now.
 *
 * Going through storeResponse would take hours for the large database, so the generator writes
 * rows straight into the app's schema with better-sqlite3 prepared statements, foreign keys and
 * CHECK constraints on. Each database is cached under os.tmpdir() keyed by scenario, scale and a
 * fingerprint of the generator and the instrument, so later runs reuse it (migrated to the latest
 * schema, and its round summaries rebuilt if they were stored in another layout, when they do).
 *
 * Timing opens the file with the app's openDatabase (same pragmas as the server), warms up, then
 * times getPcnDashboard for the default period (the last 12 months up to TODAY): on the small PCN,
 * and on PCNs of the large database drawn with a seeded random generator.
 *
 * With BENCH_DATABASE_URL (or TEST_DATABASE_URL) set, each database is also loaded into
 * PostgreSQL with db:copy's COPY (cached there too, under the same fingerprint) and timed the
 * same way right after SQLite, in the same run; on the large one the built server is started on
 * each engine.
 *
 * Usage: npm run bench:pcn-dashboard [-- --small | --large] [--fresh] [--scale=0.25] [--runs=30]
 *        [--generate-only]
 *   --fresh          regenerate even if a cached database exists
 *   --scale=F        large scenario only: F × the ICBs, PCNs and practices (rounds and responses
 *                    per practice unchanged), for machines where the full size is too slow
 *   --generate-only  build (or find) the databases and print their sizes, without timing
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CONSTRUCTS, type Construct } from '../../src/lib/npt/constructs';
import { addDays, addMonths } from '../../src/lib/dates';
import { normal, pick, seededRandom } from '../../src/lib/server/demo/random';
import { NOT_RELEVANT_WEIGHTS, notRelevantChance, ROLE_WEIGHTS } from '../../src/lib/server/demo/synthetic-staff';
import { emptyWriteAheadLog, openDatabase, type DatabaseConfig } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { copySqliteToPostgres } from '../../src/lib/server/db/copy';
import { benchPostgresUrl, createBenchDatabase, databaseExists, dropDatabase, NO_POSTGRES, renameDatabase } from './postgres';
import { databaseUrl } from '../helpers/postgres-setup';
import { TEST_SURVEY_LIMIT_SECRET } from '../helpers/server-database';
import { itemIdsOf, storeBuiltInInstruments, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { defaultPeriod, getPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { rebuildRoundSummaries } from '../../src/lib/server/surveys/round-summaries';
import { SUMMARY_FORMAT } from '../../src/lib/npt/round-summary';
import { hashPassword } from '../../src/lib/server/accounts/passwords';
import { createUser, findUserByEmail, toSignedInUser } from '../../src/lib/server/accounts/users';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { startServer } from '../helpers/server';

/** Every generated date is relative to this day, and the benchmark asks for the dashboard as of it. */
const TODAY = '2026-11-28';
const PERIOD = defaultPeriod(TODAY);
const MIN_RESPONSES = 5;
const WARM_UP = 5;
/** Bump when the generator's output changes, so stale cached databases are not reused. */
const GENERATOR_VERSION = 2;
/** Practices written per transaction: big enough to amortise the commit, small enough for progress. */
const BATCH = 50;
/** Bytes of SQLite file per generated response: 1,578 measured on the full large database, rounded up. */
const BYTES_PER_RESPONSE = 1_600;
/** Issue 25's goal for the national database's p95, on a quiet machine. */
const GOAL_P95_MS: Record<string, number> = { SQLite: 10, PostgreSQL: 15 };

interface Scenario {
	name: 'small' | 'large';
	icbs: number;
	pcns: number;
	practices: number;
	closedRounds: number;
	/** Responses to one closed round. */
	responses: (random: () => number) => number;
	/** Months before TODAY that a practice's latest closed round closed. */
	latestMonthsAgo: (random: () => number) => number;
	/** Share of practices with a round open on TODAY. */
	openShare: number;
	seed: number;
}

function smallScenario(): Scenario {
	return {
		name: 'small',
		icbs: 1,
		pcns: 1,
		practices: 8,
		closedRounds: 10,
		responses: () => 40,
		// Latest round 1–4 months ago, the one before it 6 months earlier: both inside the period.
		latestMonthsAgo: (random) => 1 + Math.floor(random() * 4),
		openShare: 0.25,
		seed: 5
	};
}

function largeScenario(scale: number): Scenario {
	return {
		name: 'large',
		icbs: Math.max(1, Math.round(42 * scale)),
		pcns: Math.max(1, Math.round(1_250 * scale)),
		practices: Math.max(2, Math.round(6_300 * scale)),
		closedRounds: 8,
		// Uniform 3–45 (mean 24): about one round in twenty is below MIN_RESPONSES.
		responses: (random) => 3 + Math.floor(random() * 43),
		// One practice in twenty stopped surveying over a year ago, so it has nothing in the period.
		latestMonthsAgo: (random) => (random() < 0.05 ? 13 : 0) + 1 + Math.floor(random() * 5),
		openShare: 0.2,
		seed: 42
	};
}

// ---------------------------------------------------------------------------------------------
// Command line

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
	const inline = args.find((a) => a.startsWith(`--${name}=`));
	if (inline) return inline.slice(name.length + 3);
	const at = args.indexOf(`--${name}`);
	return at >= 0 ? args[at + 1] : undefined;
};
const fresh = args.includes('--fresh');
const generateOnly = args.includes('--generate-only');
const runs = Number(option('runs') ?? 30);
const scale = Number(option('scale') ?? 1);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be above 0 and at most 1');
const onlySmall = args.includes('--small');
const onlyLarge = args.includes('--large');
const scenarios = [
	...(onlyLarge && !onlySmall ? [] : [smallScenario()]),
	...(onlySmall && !onlyLarge ? [] : [largeScenario(scale)])
];

// ---------------------------------------------------------------------------------------------
// Synthetic answers, after demo.ts: a practice level that moves from round to round, construct
// offsets per practice, a personal tendency per respondent and noise per item.

const COMMENTS = [
	'A one-page guide on who to refer would save everyone time.',
	'Feedback on referrals has improved but it is still patchy.',
	'It would help to see the link worker at our practice meeting now and then.',
	'The monthly case discussion with the link worker is really useful.',
	'Finding a free room for them is a battle every week.'
];

function toPoint(score: number): AgreementPoint {
	return Math.min(5, Math.max(1, Math.round(score / 2.5 + 1))) as AgreementPoint;
}

/** A version 4 UUID from the seeded generator (at most 8 hex digits a draw, as it gives 32 bits): random keys as the app makes them, but repeatable. */
function seededUuid(random: () => number): string {
	const hex = (n: number) => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');
	const variant = (8 + Math.floor(random() * 4)).toString(16);
	return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(6)}${hex(6)}`;
}

function seasonTitle(closesOn: string): string {
	const month = Number(closesOn.slice(5, 7));
	const season = month <= 2 || month === 12 ? 'Winter' : month <= 5 ? 'Spring' : month <= 8 ? 'Summer' : 'Autumn';
	return `${season} ${closesOn.slice(0, 4)} staff survey`;
}

// ---------------------------------------------------------------------------------------------
// Generation

const fingerprint = createHash('sha256')
	.update(
		JSON.stringify({
			generator: GENERATOR_VERSION,
			instrument: [DEFAULT_STAFF_INSTRUMENT.id, DEFAULT_STAFF_INSTRUMENT.version, DEFAULT_STAFF_INSTRUMENT.items.map((i) => i.id)],
			today: TODAY
		})
	)
	.digest('hex')
	.slice(0, 12);
const cacheDir = join(tmpdir(), 'belonging-bench');

function cachePath(scenario: Scenario): string {
	const scalePart = scenario.name === 'large' && scale !== 1 ? `-x${scale}` : '';
	return join(cacheDir, `pcn-dashboard-${scenario.name}${scalePart}-${fingerprint}.db`);
}

function expectedResponses(scenario: Scenario): number {
	const perRound = scenario.name === 'small' ? 40 : 24;
	return scenario.practices * (scenario.closedRounds * perRound + scenario.openShare * 6);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function checkFreeSpace(scenario: Scenario): void {
	const needed = expectedResponses(scenario) * BYTES_PER_RESPONSE * 1.3 + 200 * 1024 * 1024;
	const fs = statfsSync(cacheDir);
	const free = Number(fs.bavail) * Number(fs.bsize);
	if (free < needed) {
		throw new Error(
			`Not enough free disk space in ${cacheDir} for the ${scenario.name} database: about ${mb(needed)} needed, ${mb(free)} free. ` +
				'Free some space, set TMPDIR to a roomier disk, or pass --scale=0.25.'
		);
	}
	console.log(`Disk: ${mb(free)} free in ${cacheDir}, about ${mb(needed)} needed`);
}

/** Creates the schema with the app's own migrations and instruments, then bulk-loads the rows. */
async function generate(scenario: Scenario, path: string): Promise<void> {
	checkFreeSpace(scenario);
	const building = `${path}.building`;
	for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
	const started = performance.now();

	const appDb = openDatabase({ databasePath: building });
	let versionId: number;
	let agreementIds: Map<string, number>;
	let generalIds: number[];
	try {
		await migrateToLatest(appDb);
		await storeBuiltInInstruments(appDb);
		versionId = (await versionIdOf(appDb, DEFAULT_STAFF_INSTRUMENT))!;
		const ids = await itemIdsOf(appDb, versionId);
		agreementIds = ids.agreement;
		generalIds = DEFAULT_STAFF_INSTRUMENT.generalItems.map((g) => ids.general.get(g.id)!);
	} finally {
		await appDb.destroy();
	}

	const sqlite = new SQLite(building);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = OFF');
	sqlite.pragma('foreign_keys = ON');
	// Response keys are random, so answers land all over the B-tree: keep it in memory while loading.
	sqlite.pragma('cache_size = -4000000');
	try {
		load(sqlite, scenario, versionId, agreementIds, generalIds, started);
		sqlite.pragma('wal_checkpoint(TRUNCATE)');
	} finally {
		sqlite.close();
	}
	// Every closed round summed up, as the app stores it when a round closes.
	const summarising = performance.now();
	const summaryDb = openDatabase({ databasePath: building });
	try {
		const rounds = await rebuildRoundSummaries(summaryDb, TODAY, (done, of) => {
			if (done % 5000 < 200 || done === of) process.stdout.write(`\r  summaries: ${done.toLocaleString('en-GB')} of ${of.toLocaleString('en-GB')} closed rounds`);
		});
		await emptyWriteAheadLog(summaryDb);
		console.log(`\n  ${rounds.toLocaleString('en-GB')} round summaries stored in ${seconds(performance.now() - summarising)}`);
	} finally {
		await summaryDb.destroy();
	}
	renameSync(building, path);
	for (const suffix of ['-wal', '-shm']) rmSync(building + suffix, { force: true });
	console.log(`Generated the ${scenario.name} database in ${seconds(performance.now() - started)}: ${path}`);
}

function load(
	sqlite: SQLite.Database,
	scenario: Scenario,
	versionId: number,
	agreementIds: Map<string, number>,
	generalIds: number[],
	started: number
): void {
	const random = seededRandom(scenario.seed);
	const items = DEFAULT_STAFF_INSTRUMENT.items.map((item) => ({ ...item, dbId: agreementIds.get(item.id)! }));
	const rowsOf = (n: number, columns: number) => Array.from({ length: n }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');
	const insertIcb = sqlite.prepare('insert into icb (ods_code, name) values (?, ?)');
	const insertPcn = sqlite.prepare('insert into pcn (ods_code, name, icb_id) values (?, ?, ?)');
	const insertPractice = sqlite.prepare('insert into practice (ods_code, name, pcn_id) values (?, ?, ?)');
	const insertRound = sqlite.prepare(
		`insert into round (practice_id, instrument_version_id, title, opens_on, closes_on, closed_on, staff_headcount, status, public_token, requires_code, created_at)
		 values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`
	);
	const insertResponse = sqlite.prepare('insert into response (id, round_id, role_group) values (?, ?, ?)');
	// Every item is answered (a point or a "not relevant"), so one statement writes a whole response.
	const insertAnswers = sqlite.prepare(
		`insert into answer (response_id, item_id, value, not_relevant) values ${rowsOf(items.length, 4)}`
	);
	const insertGeneral = sqlite.prepare(
		`insert into general_answer (response_id, general_item_id, value) values ${rowsOf(generalIds.length, 3)}`
	);
	const insertComment = sqlite.prepare('insert into comment (id, round_id, body) values (?, ?, ?)');
	const insertDay = sqlite.prepare('insert into submission_day (round_id, day, submissions) values (?, ?, ?)');

	// Organisations: every PCN gets two practices, the rest are spread at random (2–10 per PCN).
	const pcnIds: number[] = [];
	const practicesToLoad: { id: number }[] = [];
	sqlite.transaction(() => {
		const icbIds: number[] = [];
		for (let i = 0; i < scenario.icbs; i++) {
			const code = `Q${String(i + 1).padStart(2, '0')}`;
			icbIds.push(Number(insertIcb.run(code, `NHS Bench ${code} Integrated Care Board`).lastInsertRowid));
		}
		for (let i = 0; i < scenario.pcns; i++) {
			const icbId = icbIds[Math.floor((i * icbIds.length) / scenario.pcns)]!;
			pcnIds.push(Number(insertPcn.run(`U${String(10_001 + i)}`, `Bench PCN ${String(i + 1).padStart(4, '0')}`, icbId).lastInsertRowid));
		}
		const pcnOfPractice = Array.from({ length: scenario.practices }, (_, i) =>
			i < 2 * scenario.pcns ? i % scenario.pcns : Math.floor(random() * scenario.pcns)
		);
		let capped = pcnOfPractice.map((p) => p);
		// Cap PCNs at 10 practices by moving the overflow to the smallest PCNs.
		const sizes = new Array<number>(scenario.pcns).fill(0);
		for (const p of capped) sizes[p]!++;
		capped = capped.map((p) => {
			if (sizes[p]! <= 10) return p;
			sizes[p]!--;
			const smallest = sizes.indexOf(Math.min(...sizes));
			sizes[smallest]!++;
			return smallest;
		});
		capped.sort((a, b) => a - b);
		for (const [i, p] of capped.entries()) {
			const code = `B${String(10_001 + i)}`;
			const id = Number(insertPractice.run(code, `Bench Surgery ${code}`, pcnIds[p]!).lastInsertRowid);
			practicesToLoad.push({ id });
		}
	})();

	let roundNumber = 0;
	let responses = 0;
	let lastReport = performance.now();
	const respond = (roundId: number, level: number, offsets: Partial<Record<Construct, number>>, day: string, days: Map<string, number>) => {
		const responseId = seededUuid(random);
		const roleGroup = pick(random, ROLE_WEIGHTS);
		insertResponse.run(responseId, roundId, roleGroup);
		const personal = normal(random) * 1.5;
		const answerValues: (string | number | null)[] = [];
		for (const item of items) {
			if (random() < notRelevantChance(roleGroup, item.id)) {
				answerValues.push(responseId, item.dbId, null, pick(random, NOT_RELEVANT_WEIGHTS));
			} else {
				const point = toPoint(level + (offsets[item.construct] ?? 0) + personal + normal(random) * 1.2);
				answerValues.push(responseId, item.dbId, item.reversed ? 6 - point : point, null);
			}
		}
		insertAnswers.run(answerValues);
		insertGeneral.run(
			generalIds.flatMap((id, g) => [responseId, id, Math.min(10, Math.max(0, Math.round(level + g * 0.5 + personal + normal(random) * 1.5)))])
		);
		if (random() < 0.3) insertComment.run(seededUuid(random), roundId, COMMENTS[Math.floor(random() * COMMENTS.length)]!);
		days.set(day, (days.get(day) ?? 0) + 1);
		responses++;
	};
	const round = (practiceId: number, headcount: number, opensOn: string, closesOn: string, status: 'open' | 'closed') => {
		roundNumber++;
		return Number(
			insertRound.run(
				practiceId,
				versionId,
				seasonTitle(closesOn),
				opensOn,
				closesOn,
				status === 'closed' ? closesOn : null,
				headcount,
				status,
				`bench-round-${roundNumber}`,
				`${addDays(opensOn, -7)}T09:30:00.000Z`
			).lastInsertRowid
		);
	};
	const writeDays = (roundId: number, days: Map<string, number>) => {
		for (const [day, n] of [...days].sort()) insertDay.run(roundId, day, n);
	};

	const loadPractice = (practiceId: number) => {
		const headcount = 45 + Math.floor(random() * 40);
		const start = 2 + random() * 5;
		const drift = (random() - 0.35) * 0.5;
		const offsets = Object.fromEntries(CONSTRUCTS.map((c) => [c, normal(random) * 0.7])) as Record<Construct, number>;
		const latest = scenario.latestMonthsAgo(random);
		for (let r = 0; r < scenario.closedRounds; r++) {
			const closesOn = addMonths(TODAY, -(latest + 6 * (scenario.closedRounds - 1 - r)));
			const opensOn = addDays(closesOn, -21);
			const roundId = round(practiceId, headcount, opensOn, closesOn, 'closed');
			const level = Math.min(9.5, Math.max(0.5, start + drift * r + normal(random) * 0.3));
			const days = new Map<string, number>();
			const n = scenario.responses(random);
			for (let i = 0; i < n; i++) respond(roundId, level, offsets, addDays(opensOn, Math.floor(random() * 22)), days);
			writeDays(roundId, days);
		}
		if (random() < scenario.openShare) {
			const opened = 1 + Math.floor(random() * 14);
			const opensOn = addDays(TODAY, -opened);
			const roundId = round(practiceId, headcount, opensOn, addDays(opensOn, 21), 'open');
			const days = new Map<string, number>();
			const n = Math.floor(random() * 12);
			const level = Math.min(9.5, Math.max(0.5, start + drift * scenario.closedRounds));
			for (let i = 0; i < n; i++) respond(roundId, level, offsets, addDays(opensOn, Math.floor(random() * (opened + 1))), days);
			writeDays(roundId, days);
		}
	};

	const total = practicesToLoad.length;
	for (let from = 0; from < total; from += BATCH) {
		sqlite.transaction(() => {
			for (const practice of practicesToLoad.slice(from, from + BATCH)) loadPractice(practice.id);
		})();
		const done = Math.min(total, from + BATCH);
		const now = performance.now();
		if (now - lastReport > 10_000 || done === total) {
			lastReport = now;
			const elapsed = now - started;
			const eta = (elapsed / done) * (total - done);
			console.log(
				`  ${scenario.name}: ${done}/${total} practices, ${responses.toLocaleString('en-GB')} responses, ${seconds(elapsed)} elapsed, about ${seconds(eta)} to go`
			);
		}
	}
}

function describe(path: string): void {
	const sqlite = new SQLite(path, { readonly: true });
	try {
		const count = (table: string) => (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
		const tables = ['icb', 'pcn', 'practice', 'round', 'response', 'answer', 'general_answer', 'comment', 'submission_day'];
		const counts = tables.map((t) => `${t} ${count(t).toLocaleString('en-GB')}`);
		const closed = sqlite
			.prepare(
				`select count(*) as rounds, sum(n < ?) as below from
				 (select round.id, count(response.id) as n from round left join response on response.round_id = round.id
				  where round.status = 'closed' group by round.id)`
			)
			.get(MIN_RESPONSES) as { rounds: number; below: number };
		const perPcn = sqlite
			.prepare('select min(n) as least, max(n) as most from (select count(*) as n from practice group by pcn_id)')
			.get() as { least: number; most: number };
		console.log(`  file ${mb(statSync(path).size)}; rows: ${counts.join(', ')}`);
		console.log(`  practices per PCN ${perPcn.least}–${perPcn.most}`);
		console.log(`  closed rounds ${closed.rounds.toLocaleString('en-GB')}, of which ${closed.below.toLocaleString('en-GB')} below MIN_RESPONSES (${MIN_RESPONSES})`);
	} finally {
		sqlite.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Timing

/** The value at quantile `q` of a sorted list (nearest rank). */
const at = <T>(sorted: T[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function time(scenario: Scenario, engine: string, config: DatabaseConfig): Promise<void> {
	const db = openDatabase(config);
	try {
		const practicesOf = new Map(
			(await db.selectFrom('practice').select(['pcn_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('pcn_id').execute()).map(
				(row) => [row.pcn_id!, Number(row.n)]
			)
		);
		const pcnIds = [...practicesOf.keys()].sort((a, b) => a - b);
		const random = seededRandom(2026);
		const choose = () => pcnIds[Math.floor(random() * pcnIds.length)]!;
		const build = (pcnId: number) => getPcnDashboard(db, pcnId, { minResponses: MIN_RESPONSES }, PERIOD, TODAY);

		for (let i = 0; i < WARM_UP; i++) await build(choose());
		const times: number[] = [];
		const sizes: number[] = [];
		for (let i = 0; i < runs; i++) {
			const pcnId = choose();
			const started = performance.now();
			const dashboard = await build(pcnId);
			times.push(performance.now() - started);
			if (dashboard?.practices.length !== practicesOf.get(pcnId)) throw new Error(`PCN ${pcnId} came back without all its practices`);
			sizes.push(JSON.stringify(dashboard).length);
		}
		const { heapUsed, rss } = process.memoryUsage();
		const heap = heapUsed / 1024 / 1024;
		times.sort((a, b) => a - b);
		sizes.sort((a, b) => a - b);
		const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
		const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
		const data = sizes[0] === sizes.at(-1) ? kb(sizes[0]!) : `median ${kb(at(sizes, 0.5))} (max ${kb(sizes.at(-1)!)})`;
		const over = pcnIds.length === 1 ? 'the one PCN' : `${runs} PCNs drawn at random from ${pcnIds.length.toLocaleString('en-GB')}`;
		// Other work on the machine skews the figures, so say how busy it was.
		const load = loadavg()[0]!.toFixed(2);
		console.log(`${scenario.name} on ${engine}: ${runs} timed runs on ${over} after ${WARM_UP} warm-up, period ${PERIOD.from} to ${PERIOD.to}, load average ${load}`);
		const goal = scenario.name === 'large' ? ` (goal ≤ ${GOAL_P95_MS[engine]} ms)` : '';
		console.log(
			`getPcnDashboard (${scenario.name}, ${engine})  median ${fmt(at(times, 0.5))}  p95 ${fmt(at(times, 0.95))}${goal}  min ${fmt(times[0]!)}  max ${fmt(times.at(-1)!)}  heap used ${heap.toFixed(1)} MB  RSS ${mb(rss)}  data ${data}`
		);
	} finally {
		await db.destroy();
	}
}

/**
 * The built server (`npm run build` first) on the national database: how long it takes from
 * `node build` to a healthy /healthz, and its resident memory once it has built the dashboards
 * of the PCNs the timing used, through the same data functions, as a PCN lead would see them.
 */
async function serve(engine: string, config: DatabaseConfig, env: Record<string, string>): Promise<void> {
	if (!existsSync('build/index.js')) {
		console.log('  (no build/index.js: run `npm run build` to measure the server’s start-up and memory)');
		return;
	}
	const startups: number[] = [];
	for (let i = 0; i < 3; i++) {
		const server = await startServer(env);
		startups.push(server.startupMs);
		if (i < 2) {
			await server.stop();
			continue;
		}
		const pid = server.process.pid!;
		const rssOf = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
		const idle = rssOf();
		// The server's own PCN data API, for 30 PCNs of the national database, as an analyst would read them.
		const db = openDatabase(config);
		let token: string;
		try {
			token = await apiTokenForEvery(db, 'pcn');
		} finally {
			await db.destroy();
		}
		const random = seededRandom(2026);
		const pcns = (await (await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { pcns: { id: number }[] };
		for (let i = 0; i < 30; i++) {
			const pcn = pcns.pcns[Math.floor(random() * pcns.pcns.length)]!;
			const response = await fetch(`${server.url}/api/v1/pcns/${pcn.id}/heatmap`, { headers: { authorization: `Bearer ${token}` } });
			if (!response.ok) throw new Error(`The heatmap of PCN ${pcn.id} answered ${response.status}`);
			await response.arrayBuffer();
		}
		console.log(
			`server on the large database (${engine}): start-up ${startups.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (to a healthy /healthz); RSS ${mb(idle)} when started, ${mb(rssOf())} after 30 PCN heatmaps through the API`
		);
		await timeFlatTables(engine, server.url, config, pcns.pcns.map((p) => p.id), random);
		await server.stop();
	}
}

/** Tokens made in this run, so each has a name of its own. */
let tokensMade = 0;

/** How many reads of each flat table are timed: the API lets one token make 60 a minute. */
const FLAT_READS = 30;

/**
 * The flat tables an analyst's report refreshes from (issue 30, item 2), read through the running
 * server as Power BI would: each PCN's score and statement tables for PCNs drawn at random, and
 * the score table of whole ICBs (every practice of some 150). Each series has a token of its own,
 * as the API allows a token 60 reads a minute; bytes are the body as the server sent it (gzip
 * when asked for, as an analyst's tool asks).
 */
async function timeFlatTables(engine: string, url: string, config: DatabaseConfig, pcnIds: number[], random: () => number): Promise<void> {
	const db = openDatabase(config);
	let icbIds: number[];
	const tokens: string[] = [];
	try {
		tokens.push(await apiTokenForEvery(db, 'pcn'), await apiTokenForEvery(db, 'pcn'), await apiTokenForEvery(db, 'icb'));
		icbIds = (await db.selectFrom('icb').select('id').orderBy('id').execute()).map((icb) => icb.id);
	} finally {
		await db.destroy();
	}
	const series = [
		{ name: 'PCN scores', token: tokens[0]!, path: (id: number) => `/api/v1/pcns/${id}/scores`, ids: pcnIds },
		{ name: 'PCN statements', token: tokens[1]!, path: (id: number) => `/api/v1/pcns/${id}/statements`, ids: pcnIds },
		{ name: 'ICB scores', token: tokens[2]!, path: (id: number) => `/api/v1/icbs/${id}/scores`, ids: icbIds }
	];
	for (const { name, token, path, ids } of series) {
		const times: number[] = [];
		const bytes: number[] = [];
		const rows: number[] = [];
		for (let i = 0; i < FLAT_READS; i++) {
			const id = ids[Math.floor(random() * ids.length)]!;
			const started = performance.now();
			const body = await sentBody(`${url}${path(id)}`, token);
			times.push(performance.now() - started);
			bytes.push(body.sent);
			rows.push((JSON.parse(body.text) as unknown[]).length);
		}
		for (const list of [times, bytes, rows]) list.sort((a, b) => a - b);
		console.log(
			`  ${name} (${engine}), ${FLAT_READS} reads over ${ids.length.toLocaleString('en-GB')}: median ${at(times, 0.5).toFixed(1)} ms, p95 ${at(times, 0.95).toFixed(1)} ms; ` +
				`rows median ${at(rows, 0.5).toLocaleString('en-GB')} (max ${rows.at(-1)!.toLocaleString('en-GB')}); ` +
				`gzip on the wire median ${(at(bytes, 0.5) / 1024).toFixed(1)} kB (max ${(bytes.at(-1)! / 1024).toFixed(1)} kB); load average ${loadavg()[0]!.toFixed(2)}`
		);
	}
}

/** A GET's body as the server sent it (bytes counted before decompression) and as text. */
async function sentBody(address: string, token: string): Promise<{ sent: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = request(address, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const raw = Buffer.concat(chunks);
				if (response.statusCode !== 200) return reject(new Error(`${address} answered ${response.statusCode}`));
				const text = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
				resolve({ sent: raw.length, text });
			});
		});
		req.on('error', reject);
		req.end();
	});
}

/** A lead over every PCN, or every ICB, and a new API token of theirs: the bench's way in to the running server's data. */
async function apiTokenForEvery(db: ReturnType<typeof openDatabase>, kind: 'pcn' | 'icb'): Promise<string> {
	const email = kind === 'pcn' ? 'bench.lead@example.nhs.uk' : 'bench.icb.lead@example.nhs.uk';
	let user = await findUserByEmail(db, email);
	if (!user) {
		const ids = (await db.selectFrom(kind).select('id').execute()).map((row) => row.id);
		const lead =
			kind === 'pcn'
				? { displayName: 'Bench lead', role: 'pcn_lead' as const, scope: { icbIds: [], pcnIds: ids, practiceIds: [] } }
				: { displayName: 'Bench ICB lead', role: 'icb_lead' as const, scope: { icbIds: ids, pcnIds: [], practiceIds: [] } };
		user = await createUser(db, { email, ...lead, passwordHash: await hashPassword(`${email} bench password 2026`) });
	}
	const created = await createApiToken(db, await toSignedInUser(db, user), `Bench ${Date.now()} ${++tokensMade}`);
	if (!created.ok) throw new Error(created.problems[0]!.message);
	return created.token.token;
}

/**
 * A cached database's round summaries rebuilt when they were stored in another layout
 * (SUMMARY_FORMAT): the app would rebuild each on first read, inside the timed runs.
 */
async function summariesInThisLayout(db: ReturnType<typeof openDatabase>, engine: string): Promise<void> {
	const stale = await db.selectFrom('round_summary').select((eb) => eb.fn.countAll<number>().as('n')).where('format', '<>', SUMMARY_FORMAT).executeTakeFirstOrThrow();
	if (Number(stale.n) === 0) return;
	const started = performance.now();
	const rounds = await rebuildRoundSummaries(db, TODAY);
	console.log(`  ${engine}: ${Number(stale.n).toLocaleString('en-GB')} summaries were in another layout; ${rounds.toLocaleString('en-GB')} rebuilt as layout ${SUMMARY_FORMAT} in ${seconds(performance.now() - started)}`);
}

/** The cached SQLite database loaded into PostgreSQL once (db:copy's COPY), then reused by name. */
async function inPostgres(scenario: Scenario, path: string, base: string): Promise<string> {
	const name = `belonging_bench_${scenario.name}${scenario.name === 'large' && scale !== 1 ? `_x${String(scale).replace('.', '_')}` : ''}_${fingerprint}`;
	if (!fresh && (await databaseExists(base, name))) {
		console.log(`  PostgreSQL: reusing database ${name}`);
		const cached = openDatabase({ databaseUrl: databaseUrl(base, name), databasePoolSize: 1 });
		try {
			await summariesInThisLayout(cached, 'PostgreSQL');
		} finally {
			await cached.destroy();
		}
	} else {
		const loading = await createBenchDatabase(base, `${name}_loading`);
		const started = performance.now();
		const copied = await copySqliteToPostgres(path, loading.url);
		const admin = openDatabase({ databaseUrl: loading.url, databasePoolSize: 1 });
		try {
			await sql`analyze`.execute(admin);
		} finally {
			await admin.destroy();
		}
		await dropDatabase(base, name);
		await renameDatabase(base, `${name}_loading`, name);
		const rows = copied.reduce((sum, c) => sum + c.rows, 0);
		console.log(`  PostgreSQL: loaded ${rows.toLocaleString('en-GB')} rows into ${name} with COPY in ${seconds(performance.now() - started)}`);
	}
	return databaseUrl(base, name);
}

mkdirSync(cacheDir, { recursive: true });
const postgresBase = benchPostgresUrl();
console.log(`Node ${process.version}; ${availableParallelism()} cores; today ${TODAY}; MIN_RESPONSES ${MIN_RESPONSES}`);
if (!postgresBase) console.log(NO_POSTGRES);
for (const scenario of scenarios) {
	const path = cachePath(scenario);
	const scaleNote = scenario.name === 'large' && scale !== 1 ? ` (--scale=${scale})` : '';
	console.log(
		`\n${scenario.name}${scaleNote}: ${scenario.icbs} ICB(s), ${scenario.pcns} PCN(s), ${scenario.practices} practices, ${scenario.closedRounds} closed rounds each`
	);
	if (fresh || !existsSync(path)) await generate(scenario, path);
	else {
		console.log(`  reusing ${path} (pass --fresh to regenerate)`);
		const cached = openDatabase({ databasePath: path });
		try {
			for (const line of await migrateToLatest(cached)) console.log(`  ${line}`);
			await summariesInThisLayout(cached, 'SQLite');
			await emptyWriteAheadLog(cached);
		} finally {
			await cached.destroy();
		}
	}
	describe(path);
	const postgresUrl = postgresBase ? await inPostgres(scenario, path, postgresBase) : undefined;
	if (!generateOnly) {
		await time(scenario, 'SQLite', { databasePath: path });
		if (postgresUrl) await time(scenario, 'PostgreSQL', { databaseUrl: postgresUrl });
		if (scenario.name === 'large') {
			await serve('SQLite', { databasePath: path }, { DATABASE_PATH: path });
			if (postgresUrl) await serve('PostgreSQL', { databaseUrl: postgresUrl }, { DATABASE_URL: postgresUrl, SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET });
		}
	}
}
