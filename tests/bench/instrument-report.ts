/**
 * What the instrument report (issue 29) costs at national scale, on the database of
 * `bench:pcn-dashboard -- --large` (42 ICBs, 1,250 PCNs, 6,300 practices, 50,400 closed rounds of
 * the built-in staff survey), on SQLite and, with BENCH_DATABASE_URL or TEST_DATABASE_URL set and
 * its copy loaded, on PostgreSQL.
 *
 * In process, getInstrumentReport (the page's one server call) for a PCN, an ICB and the whole
 * service: first each one's first read in a fresh process (a scope's first read pools only its
 * own practices' rounds; the service's reads every round once), then `runs` timed reads of each
 * after warm-up, p50/p95/p99, beside a bare `select 1` timed the same way in the same run, and the
 * load average before and after; the heap the kept pools hold after each first read. Then the cost of a read just after a round closed somewhere:
 * the score-write count moves, and only that practice's rounds are read again.
 *
 * The national database must be built first: `npx tsx tests/bench/pcn-dashboard.ts --large --generate-only`.
 * Usage: npm run bench:report [-- --runs=50]
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { openDatabase, type DatabaseConfig } from '../../src/lib/server/db';
import { getInstrumentReport } from '../../src/lib/server/results/instrument-report';
import { countScoreWrite } from '../../src/lib/server/surveys/round-summaries';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import type { ReportScope } from '../../src/lib/views/instrument-report';
import { NATIONAL_TODAY, onEachNationalEngine } from './national';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
	gc();
	// The pools are typed arrays: their bytes are counted outside the heap, as arrayBuffers.
	const { heapUsed, arrayBuffers } = process.memoryUsage();
	return (heapUsed + arrayBuffers) / 1024 / 1024;
};

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 50);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
const WARM_UP = 3;
const config = { minResponses: 5 };
/** Issue 29's goal for the report at national scale. */
const GOAL_P95_MS = 200;

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
	const started = performance.now();
	const result = await work();
	return [performance.now() - started, result];
}

function summary(times: number[]): { p50: number; p95: number; p99: number } {
	const sorted = [...times].sort((a, b) => a - b);
	return { p50: at(sorted, 0.5), p95: at(sorted, 0.95), p99: at(sorted, 0.99) };
}

async function bench(engine: string, databaseConfig: DatabaseConfig): Promise<void> {
	const db = openDatabase(databaseConfig);
	try {
		const versionId = await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT);
		if (versionId === undefined) throw new Error('The national database has no built-in staff survey');
		// The ICB and the PCN with the most practices: the largest of each the report pools.
		const icb = await db
			.selectFrom('pcn')
			.innerJoin('practice', 'practice.pcn_id', 'pcn.id')
			.select((eb) => ['pcn.icb_id as id', eb.fn.countAll<number>().as('n')])
			.groupBy('pcn.icb_id')
			.orderBy('n', 'desc')
			.orderBy('pcn.icb_id')
			.executeTakeFirstOrThrow();
		const pcn = await db
			.selectFrom('practice')
			.select((eb) => ['pcn_id as id', eb.fn.countAll<number>().as('n')])
			.where('pcn_id', 'is not', null)
			.groupBy('pcn_id')
			.orderBy('n', 'desc')
			.orderBy('pcn_id')
			.executeTakeFirstOrThrow();
		const scopes: [string, ReportScope][] = [
			[`PCN (${pcn.n} practices)`, { kind: 'pcn', id: pcn.id! }],
			[`ICB (${icb.n} practices)`, { kind: 'icb', id: icb.id }],
			['service (every practice)', { kind: 'service' }]
		];
		const report = (scope: ReportScope) => getInstrumentReport(db, versionId, scope, config, NATIONAL_TODAY);

		console.log(`\n${engine}: getInstrumentReport on the national database; load average ${load()}`);
		console.log('  first read of each scope in this process (pools read from the stored summaries), and the memory kept after it (heap and array buffers):');
		for (const [label, scope] of scopes) {
			const before = heapMb();
			const [time, result] = await timed(() => report(scope));
			const kept = heapMb() - before;
			console.log(
				`    ${label.padEnd(28)} ${ms(time).padStart(10)}   ${result!.rounds.closed} closed rounds, ${result!.rounds.shown} shown, ${result!.rounds.respondents} respondents; +${kept.toFixed(1)} MB kept`
			);
		}

		console.log(`  warm reads, ${runs} runs each after ${WARM_UP} warm-up, interleaved with a bare select 1:`);
		const times = new Map<string, number[]>([['select 1', []], ...scopes.map(([label]) => [label, []] as [string, number[]])]);
		for (let i = 0; i < WARM_UP; i++) for (const [, scope] of scopes) await report(scope);
		for (let i = 0; i < runs; i++) {
			times.get('select 1')!.push((await timed(() => sql`select 1`.execute(db)))[0]);
			for (const [label, scope] of scopes) times.get(label)!.push((await timed(() => report(scope)))[0]);
		}
		for (const [label, list] of times) {
			const { p50, p95, p99 } = summary(list);
			const goal = label === 'select 1' ? '' : p95 <= GOAL_P95_MS ? `  (goal p95 ≤ ${GOAL_P95_MS} ms: met)` : `  (goal p95 ≤ ${GOAL_P95_MS} ms: NOT met)`;
			console.log(`    ${label.padEnd(28)} p50 ${ms(p50).padStart(9)}  p95 ${ms(p95).padStart(9)}  p99 ${ms(p99).padStart(9)}${goal}`);
		}

		// A round closing somewhere moves the score-write count: the next read asks which practices' rounds were written since.
		const refresh: number[] = [];
		for (let i = 0; i < Math.min(runs, 10); i++) {
			await countScoreWrite(db);
			refresh.push((await timed(() => report({ kind: 'service' })))[0]);
		}
		const r = summary(refresh);
		console.log(`  service read just after the score-write count moved (no practice to re-read), ${refresh.length} runs: p50 ${ms(r.p50)}, p95 ${ms(r.p95)}`);
		console.log(`  load average after: ${load()}`);
	} finally {
		await db.destroy();
	}
}

await onEachNationalEngine(bench);
