/**
 * What a practice's benchmarks cost (getPracticeBenchmarks: its ICB and every practice in the
 * service over the last twelve months, docs/scoring.md §8), on the national database of
 * `bench:pcn-dashboard` (42 ICBs, 1,250 PCNs, 6,300 practices, 50,400 closed rounds), on SQLite
 * and, with BENCH_DATABASE_URL or TEST_DATABASE_URL set, on PostgreSQL:
 *
 * - the first read of the period in a process (the period's rounds given their stored scores
 *   where they have none, as after the upgrade that brought them; then the whole service read);
 * - a read just after another instance wrote a round's scores (the kept copy then reads the rows
 *   written since), p50/p95 over `--runs` practices;
 * - the steady state: a read with the kept copy current, p50/p95/p99 over `--runs` practices
 *   drawn at random (goal ≤ 10 ms p95, issue 26).
 *
 * Heap growth over the steady-state reads is printed too, and a PCN page's benchmarks (each of its
 * practices set against its ICB and the service, viewPcnBenchmarks) in the steady state. The national database must be built
 * first: `npm run bench:pcn-dashboard -- --large --generate-only` (which loads PostgreSQL too).
 * Usage: npm run bench:benchmarks [-- --runs=30]
 */
import { availableParallelism, loadavg } from 'node:os';
import { seededRandom } from '../../src/lib/server/demo/random';
import { openDatabase, type Db, type DatabaseConfig } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { getPracticeBenchmarks, viewPcnBenchmarks } from '../../src/lib/server/results/benchmarks';
import { defaultPeriod, getPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { countScoreWrite } from '../../src/lib/server/surveys/round-summaries';
import { NATIONAL_TODAY, onEachNationalEngine } from './national';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
const config = { minResponses: 5, minBenchmarkPractices: 10 };
const GOAL_P95_MS = 10;

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
	const started = performance.now();
	const result = await work();
	return [performance.now() - started, result];
}

/** As another instance closing a round does: the count of score writes goes up, and one round's row carries it. */
async function rewriteScores(db: Db, roundId: number): Promise<void> {
	const version = await countScoreWrite(db);
	await db.updateTable('round_score').set({ version }).where('round_id', '=', roundId).execute();
}

async function bench(engine: string, dbConfig: DatabaseConfig): Promise<void> {
	const db = openDatabase(dbConfig);
	try {
		await migrateToLatest(db);
		const practices = (await db.selectFrom('practice').select('id').orderBy('id').execute()).map((p) => p.id);
		const random = seededRandom(26);
		const draw = () => practices[Math.floor(random() * practices.length)]!;
		const scoresBefore = Number((await db.selectFrom('round_score').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

		console.log(`\nnational, ${engine}: ${practices.length} practices; load average ${load()}`);
		const [first, benchmarks] = await timed(() => getPracticeBenchmarks(db, draw(), config, NATIONAL_TODAY));
		const scoresAfter = Number((await db.selectFrom('round_score').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
		const service = benchmarks!.groups.find((g) => g.kind === 'service')!.scores.overall;
		console.log(
			`  first read of the period   ${ms(first)}  (${scoresAfter - scoresBefore} rounds given their stored scores; the service group holds ${service.practices} practices with an overall score shown)`
		);

		const rounds = (await db.selectFrom('round_score').select('round_id').where('closed_on', '>', '2026-06-01').execute()).map((r) => r.round_id);
		const stale: number[] = [];
		for (let i = 0; i < runs; i++) {
			await rewriteScores(db, rounds[Math.floor(random() * rounds.length)]!);
			stale.push((await timed(() => getPracticeBenchmarks(db, draw(), config, NATIONAL_TODAY)))[0]);
		}
		stale.sort((a, b) => a - b);
		console.log(`  after another instance wrote a round's scores  p50 ${ms(at(stale, 0.5))}  p95 ${ms(at(stale, 0.95))}  (the rows written since read)`);

		for (let i = 0; i < 5; i++) await getPracticeBenchmarks(db, draw(), config, NATIONAL_TODAY);
		const heapBefore = process.memoryUsage().heapUsed;
		const steady: number[] = [];
		for (let i = 0; i < runs; i++) steady.push((await timed(() => getPracticeBenchmarks(db, draw(), config, NATIONAL_TODAY)))[0]);
		const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
		steady.sort((a, b) => a - b);
		const p95 = at(steady, 0.95);
		console.log(
			`  steady state               p50 ${ms(at(steady, 0.5))}  p95 ${ms(p95)}  p99 ${ms(at(steady, 0.99))}  (goal p95 ≤ ${GOAL_P95_MS} ms: ${p95 <= GOAL_P95_MS ? 'met' : 'NOT met'}); heap growth over ${runs} reads ${heapGrowth.toFixed(1)} MB`
		);

		// The PCN page's part: each of a PCN's practices set against its ICB and the service, from the page's own rows.
		const pcns = await db.selectFrom('pcn').innerJoin('icb', 'icb.id', 'pcn.icb_id').select(['pcn.id', 'pcn.icb_id', 'icb.name']).execute();
		const pages = [];
		for (let i = 0; i < Math.min(runs, 20); i++) {
			const pcn = pcns[Math.floor(random() * pcns.length)]!;
			const dashboard = (await getPcnDashboard(db, pcn.id, config, defaultPeriod(NATIONAL_TODAY), NATIONAL_TODAY))!;
			pages.push({ icb: { id: pcn.icb_id, name: pcn.name }, practices: dashboard.practices });
		}
		const pcnTimes: number[] = [];
		for (let i = 0; i < runs; i++) {
			const page = pages[i % pages.length]!;
			pcnTimes.push((await timed(() => viewPcnBenchmarks(db, page.icb, page.practices, defaultPeriod(NATIONAL_TODAY), config, NATIONAL_TODAY)))[0]);
		}
		pcnTimes.sort((a, b) => a - b);
		console.log(`  a PCN page's benchmarks (viewPcnBenchmarks)  p50 ${ms(at(pcnTimes, 0.5))}  p95 ${ms(at(pcnTimes, 0.95))}  p99 ${ms(at(pcnTimes, 0.99))}`);
	} finally {
		await db.destroy();
	}
}

console.log(`Node ${process.version}; ${availableParallelism()} cores; load average ${load()}; ${runs} timed reads each.`);
await onEachNationalEngine(bench);
console.log(`\nload average at the end ${load()}`);
