/**
 * What an ICB lead's dashboard costs (getIcbDashboard: the ICB's PCNs over the last twelve months
 * and the twelve before, its figure per half-year, its link workers' gaps, and each PCN beside
 * every PCN in the service), on the national database of `bench:pcn-dashboard` (42 ICBs, 1,250
 * PCNs, 6,300 practices, 50,400 closed rounds), on SQLite and, with BENCH_DATABASE_URL or
 * TEST_DATABASE_URL set, on PostgreSQL:
 *
 * - the first read in a process (the benchmarks' kept copy of the period read whole);
 * - the steady state: p50/p95/p99 over `--runs` ICBs drawn at random (goal ≤ 50 ms p95, issue 26),
 *   beside a bare baseline measured in the same run: one indexed read of the ICB's row;
 * - the largest and the smallest ICB, each read `--runs` times, so the cost is seen to follow
 *   the ICB's size (its practices and rounds), not the service's.
 *
 * The national database must be built first: `npm run bench:pcn-dashboard -- --large --generate-only`.
 * Usage: npm run bench:icb-dashboard [-- --runs=30]
 */
import { availableParallelism, loadavg } from 'node:os';
import { seededRandom } from '../../src/lib/server/demo/random';
import { openDatabase, type DatabaseConfig, type Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { defaultPeriod } from '../../src/lib/server/results/pcn-dashboard';
import { getIcbDashboard } from '../../src/lib/server/results/icb-dashboard';
import { NATIONAL_TODAY, onEachNationalEngine } from './national';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
const config = { minResponses: 5, minBenchmarkPractices: 10 };
const GOAL_P95_MS = 50;
const period = defaultPeriod(NATIONAL_TODAY);

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const spread = (times: number[]) => {
	const sorted = [...times].sort((a, b) => a - b);
	return `p50 ${ms(at(sorted, 0.5))}  p95 ${ms(at(sorted, 0.95))}  p99 ${ms(at(sorted, 0.99))}`;
};

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
	const started = performance.now();
	const result = await work();
	return [performance.now() - started, result];
}

async function bench(engine: string, dbConfig: DatabaseConfig): Promise<void> {
	const db: Db = openDatabase(dbConfig);
	try {
		await migrateToLatest(db);
		const icbs = await db
			.selectFrom('icb')
			.innerJoin('pcn', 'pcn.icb_id', 'icb.id')
			.innerJoin('practice', 'practice.pcn_id', 'pcn.id')
			.select((eb) => ['icb.id', eb.fn.count<number>('practice.id').as('practices')])
			.groupBy('icb.id')
			.orderBy('icb.id')
			.execute();
		const random = seededRandom(26);
		const draw = () => icbs[Math.floor(random() * icbs.length)]!.id;
		console.log(`\nnational, ${engine}: ${icbs.length} ICBs; load average ${load()}`);

		const [first, dashboard] = await timed(() => getIcbDashboard(db, draw(), config, period, NATIONAL_TODAY));
		console.log(
			`  first read in the process  ${ms(first)}  (an ICB of ${dashboard!.pcns.length} PCNs and ${dashboard!.figures.practices} practices; ${dashboard!.overTime.length} half-years)`
		);

		for (let i = 0; i < 5; i++) await getIcbDashboard(db, draw(), config, period, NATIONAL_TODAY);
		const baseline: number[] = [];
		const steady: number[] = [];
		for (let i = 0; i < runs; i++) {
			const icbId = draw();
			baseline.push((await timed(() => db.selectFrom('icb').selectAll().where('id', '=', icbId).executeTakeFirst()))[0]);
			steady.push((await timed(() => getIcbDashboard(db, icbId, config, period, NATIONAL_TODAY)))[0]);
		}
		const p95 = at([...steady].sort((a, b) => a - b), 0.95);
		console.log(`  bare baseline (the ICB's row)  ${spread(baseline)}`);
		console.log(`  steady state, random ICBs      ${spread(steady)}  (goal p95 ≤ ${GOAL_P95_MS} ms: ${p95 <= GOAL_P95_MS ? 'met' : 'NOT met'})`);

		const bySize = [...icbs].sort((a, b) => Number(a.practices) - Number(b.practices));
		for (const [label, icb] of [['smallest', bySize[0]!], ['largest', bySize.at(-1)!]] as const) {
			const times: number[] = [];
			for (let i = 0; i < runs; i++) times.push((await timed(() => getIcbDashboard(db, icb.id, config, period, NATIONAL_TODAY)))[0]);
			console.log(`  ${label} ICB (${icb.practices} practices)${' '.repeat(Math.max(1, 12 - String(icb.practices).length))}${spread(times)}`);
		}
	} finally {
		await db.destroy();
	}
}

console.log(`Node ${process.version}; ${availableParallelism()} cores; load average ${load()}; ${runs} timed reads each.`);
await onEachNationalEngine(bench);
console.log(`\nload average at the end ${load()}`);
