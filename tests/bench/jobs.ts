/**
 * What the named jobs cost at national scale (the database of `bench:pcn-dashboard -- --large`:
 * 42 ICBs, 1,250 PCNs, 6,300 practices, about 51,600 rounds from five years), on a copy of it, so
 * retention's deletions leave the shared bench database as it was:
 *
 * - the first pass of every job, as a server's first start on that database would run it, with
 *   what each did: the retention jobs delete five years' worth of due comments and reduce every
 *   round closed over 36 months ago;
 * - the steady state: `--runs` further passes of every job with nothing left to do, which is what
 *   the timer costs every minute (p50, p95 per job), beside a bare baseline measured in the same run
 *   (one indexed read of app_meta).
 *
 * On SQLite, then on PostgreSQL (a copy made from the national database as a template) when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set. Usage: npm run bench:jobs [-- --runs=20]
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { datedJobs } from '../../src/lib/server/app';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { ensureJobRows, runJobOnce } from '../../src/lib/server/jobs/job-runner';
import { loadConfig } from '../../src/lib/server/platform/config';
import { NATIONAL_TODAY, nationalPostgresName, nationalSqlitePath } from './national';
import { benchPostgresUrl, createBenchDatabase, databaseExists, NO_POSTGRES } from './postgres';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const spread = (times: number[]) => {
	const sorted = [...times].sort((a, b) => a - b);
	return `p50 ${ms(at(sorted, 0.5))}  p95 ${ms(at(sorted, 0.95))}`;
};
const counts = (report: object) =>
	Object.entries(report)
		.filter(([, n]) => typeof n !== 'number' || n > 0)
		.map(([what, n]) => `${what} ${typeof n === 'number' ? n.toLocaleString('en-GB') : n}`)
		.join(', ') || 'nothing to do';

async function bench(engine: string, db: Db): Promise<void> {
	await migrateToLatest(db);
	const config = loadConfig({ DATABASE_PATH: ':memory:' }, 'command');
	const jobs = datedJobs(db, config, {});
	await ensureJobRows(db, jobs);
	const clock = { now: new Date(`${NATIONAL_TODAY}T12:00:00Z`), today: NATIONAL_TODAY };
	console.log(`\nnational, ${engine}: load average ${load()}`);
	console.log('  first pass (a first start on this database):');
	let total = 0;
	for (const job of jobs) {
		const run = (await runJobOnce(db, job, clock, 'bench', true))!;
		total += run.durationMs;
		console.log(`    ${job.name.padEnd(22)} ${ms(run.durationMs).padStart(11)}  ${run.outcome === 'ok' ? counts(run.report) : `FAILED: ${JSON.stringify(run.report)}`}`);
	}
	console.log(`    ${'every job'.padEnd(22)} ${ms(total).padStart(11)}`);

	const baseline: number[] = [];
	const byJob = new Map<string, number[]>(jobs.map((job) => [job.name, []]));
	const passes: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		await db.selectFrom('app_meta').select('value').where('key', '=', 'contents').executeTakeFirst();
		baseline.push(performance.now() - started);
		let pass = 0;
		for (const job of jobs) {
			const run = (await runJobOnce(db, job, clock, 'bench', true))!;
			if (run.outcome !== 'ok') throw new Error(`${job.name} failed: ${JSON.stringify(run.report)}`);
			byJob.get(job.name)!.push(run.durationMs);
			pass += run.durationMs;
		}
		passes.push(pass);
	}
	console.log(`  steady state, ${runs} passes with nothing left to do (load average ${load()}):`);
	console.log(`    ${'bare baseline'.padEnd(22)} ${spread(baseline)}  (one indexed read of app_meta)`);
	for (const [name, times] of byJob) console.log(`    ${name.padEnd(22)} ${spread(times)}`);
	console.log(`    ${'a whole pass'.padEnd(22)} ${spread(passes)}  (every job, lease and record included)`);
}

const source = nationalSqlitePath();
if (!source) {
	console.log('No national database yet: build it with `npm run bench:pcn-dashboard -- --large --generate-only`.');
} else {
	const copy = join(tmpdir(), 'belonging-bench', 'jobs-copy.db');
	rmSync(copy, { force: true });
	copyFileSync(source, copy);
	const db = openDatabase({ databasePath: copy });
	try {
		await bench('SQLite', db);
	} finally {
		await db.destroy();
		rmSync(copy, { force: true });
		rmSync(`${copy}-wal`, { force: true });
		rmSync(`${copy}-shm`, { force: true });
	}
	const base = benchPostgresUrl();
	if (!base) console.log(NO_POSTGRES);
	else if (!(await databaseExists(base, nationalPostgresName(source)))) console.log(`\nPostgreSQL: no database ${nationalPostgresName(source)}; load it with bench:pcn-dashboard -- --large --generate-only`);
	else {
		const made = await createBenchDatabase(base, 'belonging_bench_jobs_copy', nationalPostgresName(source));
		const pg = openDatabase({ databaseUrl: made.url });
		try {
			await bench('PostgreSQL', pg);
		} finally {
			await pg.destroy();
			await made.drop();
		}
	}
}
