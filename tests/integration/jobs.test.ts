/**
 * The named jobs' runner on a real database, with two "instances" (two connections to the same
 * file, or two pools on the same PostgreSQL database): a job runs at most once at a time and once
 * per period across them, its runs are recorded with counts, a failure is recorded and released,
 * a dead instance's lease runs out, and stop() waits for the job that is running.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datedJobs } from '../../src/lib/server/app';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { HOUR_MS, LEASE_MS, MINUTE_MS, ensureJobRows, jobRunner, readJobStates, requestRun, runJobOnce, takeLease, type NamedJob } from '../../src/lib/server/jobs/job-runner';
import { loadConfig } from '../../src/lib/server/platform/config';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

const clock = (iso = new Date().toISOString()) => ({ now: new Date(iso) });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that counts its runs and takes `ms` to do so. */
function countingJob(name: string, ms = 0, everyMs = HOUR_MS): NamedJob & { ran: number } {
	const job = {
		name,
		does: 'Counts.',
		everyMs,
		ran: 0,
		run: async () => {
			job.ran++;
			await pause(ms);
			return { counted: job.ran };
		}
	};
	return job;
}

describe('named jobs', () => {
	let t: TestDatabase;
	let other: Db;

	beforeEach(async () => {
		t = await createTestDatabase();
		other = openDatabase(onPostgres ? { databaseUrl: t.path, databasePoolSize: 2 } : { databasePath: t.path });
	});

	afterEach(async () => {
		await other.destroy();
		await t.close();
	});

	it('runs a due job on one of two instances passing at once, and records the run with its counts', async () => {
		const job = countingJob('counting', 200);
		const one = jobRunner(t.db, [job], { clock });
		const two = jobRunner(other, [job], { clock });
		const [first, second] = await Promise.all([one.runDue(), two.runDue()]);
		expect(job.ran).toBe(1);
		expect(first.length + second.length).toBe(1);
		const state = (await readJobStates(t.db)).get('counting')!;
		expect(state).toMatchObject({ runs: 1, failures: 0, lastOutcome: 'ok', lastReport: { counted: 1 }, running: false });
		expect(state.lastDurationMs).toBeGreaterThanOrEqual(150);
		// Within its period it is not due again, on either instance.
		await Promise.all([one.runDue(), two.runDue()]);
		expect(job.ran).toBe(1);
	});

	it('runs only the jobs marked for start-up before the server takes requests, at every start; the rest at the first pass after', async () => {
		const startUp = Object.assign(countingJob('start-up'), { atStartUp: true });
		const daily = countingJob('daily');
		const runner = () => jobRunner(t.db, [startUp, daily], { clock });
		await runner().runDue({ startUp: true });
		await runner().runDue({ startUp: true });
		expect(startUp.ran).toBe(2);
		expect(daily.ran).toBe(0);
		await runner().runDue();
		expect(daily.ran).toBe(1);
		expect(startUp.ran).toBe(2);
	});

	it('runs again once its period has passed since the last run started', async () => {
		const job = countingJob('every-minute', 0, MINUTE_MS);
		await ensureJobRows(t.db, [job]);
		await runJobOnce(t.db, job, clock('2026-12-06T10:00:00Z'), 'a');
		expect(await runJobOnce(t.db, job, clock('2026-12-06T10:00:30Z'), 'a')).toBeUndefined();
		expect(await runJobOnce(t.db, job, clock('2026-12-06T10:01:00Z'), 'b')).toMatchObject({ outcome: 'ok' });
		expect(job.ran).toBe(2);
	});

	it('records a failure with its reason, frees the lease, and lets the next run go ahead', async () => {
		let fail = true;
		const job: NamedJob = {
			name: 'flaky',
			does: 'Fails once.',
			everyMs: MINUTE_MS,
			run: async () => {
				if (fail) throw new Error('the disk is full');
				return { done: 1 };
			}
		};
		await ensureJobRows(t.db, [job]);
		expect(await runJobOnce(t.db, job, clock('2026-12-06T10:00:00Z'), 'a')).toMatchObject({ outcome: 'failed', report: { error: 'the disk is full' } });
		let state = (await readJobStates(t.db, new Date('2026-12-06T10:00:01Z'))).get('flaky')!;
		expect(state).toMatchObject({ runs: 1, failures: 1, lastOutcome: 'failed', lastReport: { error: 'the disk is full' }, running: false, lastSucceededAt: null });
		fail = false;
		expect(await runJobOnce(t.db, job, clock('2026-12-06T10:01:00Z'), 'b')).toMatchObject({ outcome: 'ok' });
		state = (await readJobStates(t.db)).get('flaky')!;
		expect(state).toMatchObject({ runs: 2, failures: 1, lastOutcome: 'ok' });
		expect(state.lastSucceededAt).toBe(state.lastFinishedAt);
	});

	it('lets another instance take over a lease left by one that died, once it has run out', async () => {
		const job = countingJob('orphaned', 0, MINUTE_MS);
		await ensureJobRows(t.db, [job]);
		const at = new Date('2026-12-06T10:00:00Z');
		expect(await takeLease(t.db, job, 'died', at)).toBe(true);
		// Still held: nobody else runs it, even when forced.
		expect(await runJobOnce(other, job, clock(new Date(at.getTime() + LEASE_MS - 1_000).toISOString()), 'alive', true)).toBeUndefined();
		expect(await runJobOnce(other, job, clock(new Date(at.getTime() + LEASE_MS + 1_000).toISOString()), 'alive')).toMatchObject({ outcome: 'ok' });
		expect(job.ran).toBe(1);
	});

	it('stops only once the job that is running has finished', async () => {
		const job = countingJob('slow', 1_000);
		const runner = jobRunner(t.db, [job], { clock, tickMs: 10 });
		runner.start();
		// Stopped once the job has begun (taking its lease first can take a while on a busy machine).
		await expect.poll(() => job.ran, { interval: 5, timeout: 10_000 }).toBe(1);
		const stopping = runner.stop();
		let stopped = false;
		void stopping.then(() => (stopped = true));
		await pause(50);
		expect(job.ran).toBe(1);
		expect(stopped).toBe(false);
		await stopping;
		expect((await readJobStates(t.db)).get('slow')).toMatchObject({ runs: 1, lastOutcome: 'ok', running: false });
	});

	it('makes a job due at an administrator’s request, audited, and refuses a job that has never run here', async () => {
		const admin = await createSignedInUser(t.db, 'admin');
		const job = countingJob('asked');
		const runner = jobRunner(t.db, [job], { clock });
		await runner.runDue();
		await runner.runDue();
		expect(job.ran).toBe(1);
		expect(await requestRun(t.db, admin, 'asked')).toEqual({ ok: true });
		await runner.runDue();
		expect(job.ran).toBe(2);
		expect(await requestRun(t.db, admin, 'no-such-job')).toMatchObject({ ok: false, status: 404 });
		const audit = await t.db.selectFrom('audit_event').select(['action', 'summary', 'actor_label']).where('action', '=', 'job_run_requested').execute();
		expect(audit).toEqual([{ action: 'job_run_requested', summary: 'Asked for the job asked to run now', actor_label: admin.email }]);
	});

	it('lists every dated job once, each with a distinct name, in the order a pass needs', () => {
		const jobs = datedJobs(t.db, loadConfig({ DATABASE_PATH: ':memory:' }, 'command'));
		const names = jobs.map((job) => job.name);
		expect(new Set(names).size).toBe(names.length);
		expect(names.indexOf('close-due-rounds')).toBeLessThan(names.indexOf('plan-calendar-rounds'));
		expect(names.indexOf('plan-calendar-rounds')).toBeLessThan(names.indexOf('open-calendar-rounds'));
		expect(names.indexOf('open-calendar-rounds')).toBeLessThan(names.indexOf('round-reminders'));
		expect(names).toEqual(expect.arrayContaining(['retention-comments', 'retention-answers', 'retention-audit', 'purge-expired', 'round-summaries', 'seal-answered-rounds', 'apply-practice-moves']));
	});
});
