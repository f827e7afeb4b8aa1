/**
 * Named jobs: the dated work Belonging does by itself (closing rounds on their date, the survey
 * calendar, practice moves, sealing, summaries, retention and purges), each run by a timer beside
 * the outbox worker and never inside a request. The list lives in the composition root (app.ts).
 *
 * A job runs at most once at a time across every instance on the database: an instance takes the
 * job's row in job_state with a lease (one conditional update, which only one instance can win),
 * renews it while the job runs, and records the run — when, how long, the outcome and a report of
 * counts — as it gives the lease back. A lease left by an instance that died runs out, and the
 * next instance takes the job over. A job is due when its last run started a period ago, so a
 * daily job runs once a day whichever instance starts it, and once at start-up if the last run
 * was more than a day ago.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db';
import type { JobOutcome } from '../db/schema';
import { isDatabaseUnreachable, unreachableReason } from '../db/unreachable';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';

/** What a run did, in counts only: never a name, an address or an answer. */
export type JobReport = Readonly<Record<string, number>>;

export interface JobClock {
	now: Date;
}

export interface NamedJob<C extends JobClock = JobClock> {
	/** Stable, for job_state and metrics: "close-due-rounds". */
	name: string;
	/** What it does, for the administrators' page. */
	does: string;
	/** How long after a run starts the next is due. */
	everyMs: number;
	/**
	 * Runs before the server takes requests, even if it ran within its period: quick work a first
	 * request may expect done (a round past its date closed). Every other job waits for the timer's
	 * first pass, just after, beside requests: a first retention run on years of data takes minutes.
	 */
	atStartUp?: boolean;
	run(clock: C): Promise<JobReport>;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How long a lease holds before it must be renewed; a job renews it a third of the way through. */
export const LEASE_MS = 5 * MINUTE_MS;

/** How often the runner looks for due jobs. */
export const TICK_MS = 30_000;

export interface JobRun {
	name: string;
	outcome: JobOutcome;
	durationMs: number;
	report: JobReport | { error: string };
}

/** A name for this process in job_state's lease, so a person can tell instances apart. */
export function instanceName(): string {
	return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Makes sure each job has its row, so taking the lease is a single update. */
export async function ensureJobRows(db: Db, jobs: readonly NamedJob<never>[]): Promise<void> {
	await db
		.insertInto('job_state')
		.values(jobs.map((job) => ({ name: job.name })))
		.onConflict((oc) => oc.column('name').doNothing())
		.execute();
}

/**
 * Takes the job's lease when the job is due and nobody holds it: one conditional update, so of
 * several instances trying at once exactly one wins.
 */
export async function takeLease(db: Db, job: Pick<NamedJob<never>, 'name' | 'everyMs'>, holder: string, now: Date, force = false): Promise<boolean> {
	const at = now.toISOString();
	const dueIfStartedBefore = new Date(now.getTime() - job.everyMs + 1_000).toISOString();
	const result = await db
		.updateTable('job_state')
		.set({ lease_holder: holder, lease_until: new Date(now.getTime() + LEASE_MS).toISOString(), last_started_at: at })
		.where('name', '=', job.name)
		.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
		.$if(!force, (q) => q.where((eb) => eb.or([eb('last_started_at', 'is', null), eb('last_started_at', '<', dueIfStartedBefore)])))
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

async function renewLease(db: Db, name: string, holder: string): Promise<void> {
	await db
		.updateTable('job_state')
		.set({ lease_until: new Date(Date.now() + LEASE_MS).toISOString() })
		.where('name', '=', name)
		.where('lease_holder', '=', holder)
		.execute();
}

async function recordRun(db: Db, run: JobRun, holder: string, finished: Date): Promise<void> {
	await db
		.updateTable('job_state')
		.set({
			runs: sql`runs + 1`,
			failures: run.outcome === 'failed' ? sql`failures + 1` : sql`failures`,
			last_finished_at: finished.toISOString(),
			last_duration_ms: Math.round(run.durationMs),
			last_outcome: run.outcome,
			last_report: JSON.stringify(run.report),
			...(run.outcome === 'ok' ? { last_succeeded_at: finished.toISOString() } : {}),
			lease_holder: null,
			lease_until: null
		})
		.where('name', '=', run.name)
		.where('lease_holder', '=', holder)
		.execute();
}

/** Why a job failed, in a line fit for the administrators' page (no stack, no data). */
function failureOf(error: unknown): string {
	if (isDatabaseUnreachable(error)) return `the database is unreachable (${unreachableReason(error)})`;
	return error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
}

/**
 * Runs one job if it is due and no other instance is running it; undefined when it was not run.
 * `force` runs it even if it ran within its period (an administrator's "run now").
 */
export async function runJobOnce<C extends JobClock>(db: Db, job: NamedJob<C>, clock: C, holder: string, force = false): Promise<JobRun | undefined> {
	if (!(await takeLease(db, job, holder, clock.now, force))) return undefined;
	const started = performance.now();
	const renewing = setInterval(() => {
		renewLease(db, job.name, holder).catch(() => {});
	}, LEASE_MS / 3);
	renewing.unref();
	let run: JobRun;
	try {
		const report = await job.run(clock);
		run = { name: job.name, outcome: 'ok', durationMs: performance.now() - started, report };
	} catch (error) {
		run = { name: job.name, outcome: 'failed', durationMs: performance.now() - started, report: { error: failureOf(error) } };
	} finally {
		clearInterval(renewing);
	}
	await recordRun(db, run, holder, new Date());
	return run;
}

export interface JobRunnerOptions<C extends JobClock> {
	/** The clock a run gets: today's date and the time, taken as the run starts. */
	clock: () => C;
	tickMs?: number;
}

export interface PassOptions<C extends JobClock> {
	/** The start-up pass: only the jobs marked atStartUp, even if they ran within their period. */
	startUp?: boolean;
	/** A fixed clock for every run of the pass (start-up in tests), instead of the runner's. */
	clock?: C;
}

export interface JobRunner<C extends JobClock = JobClock> {
	/** Runs every due job once, one after another; resolves when they are done. */
	runDue(options?: PassOptions<C>): Promise<JobRun[]>;
	/** Starts the timer: a pass at once, then every tick, never two at once. */
	start(): void;
	/** Tells `listener` of every run from now on (the log, the metrics, the outbox worker's nudge). */
	observe(listener: (run: JobRun) => void): void;
	/** Tells `listener` when a pass could not run at all (the database away). */
	onError(listener: (error: unknown) => void): void;
	/** Stops the timer and waits for the job that is running, if any, to finish. */
	stop(): Promise<void>;
}

export function jobRunner<C extends JobClock>(db: Db, jobs: readonly NamedJob<C>[], options: JobRunnerOptions<C>): JobRunner<C> {
	const holder = instanceName();
	const listeners: ((run: JobRun) => void)[] = [];
	const errorListeners: ((error: unknown) => void)[] = [];
	let pass: Promise<JobRun[]> | undefined;
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	let rowsMade = false;

	async function onePass({ startUp = false, clock }: PassOptions<C>): Promise<JobRun[]> {
		const runs: JobRun[] = [];
		if (!rowsMade) {
			await ensureJobRows(db, jobs as readonly NamedJob<never>[]);
			rowsMade = true;
		}
		for (const job of jobs) {
			if (stopped) break;
			if (startUp && !job.atStartUp) continue;
			const run = await runJobOnce(db, job, clock ?? options.clock(), holder, startUp);
			if (!run) continue;
			runs.push(run);
			for (const listener of listeners) listener(run);
		}
		return runs;
	}

	function runDue(passOptions: PassOptions<C> = {}): Promise<JobRun[]> {
		// One pass at a time: a pass still running when the timer fires is left to finish.
		pass ??= onePass(passOptions).finally(() => {
			pass = undefined;
		});
		return pass;
	}

	return {
		runDue,
		observe: (listener) => void listeners.push(listener),
		onError: (listener) => void errorListeners.push(listener),
		start() {
			if (timer || stopped) return;
			const tick = () => {
				if (pass) return;
				runDue().catch((error) => {
					for (const listener of errorListeners) listener(error);
				});
			};
			timer = setInterval(tick, options.tickMs ?? TICK_MS);
			timer.unref();
			tick();
		},
		async stop() {
			stopped = true;
			if (timer) clearInterval(timer);
			timer = undefined;
			await pass?.catch(() => []);
		}
	};
}

export interface JobState {
	name: string;
	runs: number;
	failures: number;
	lastStartedAt: string | null;
	lastFinishedAt: string | null;
	lastDurationMs: number | null;
	lastOutcome: JobOutcome | null;
	lastSucceededAt: string | null;
	lastReport: JobReport | { error: string } | null;
	/** True while an instance holds an unexpired lease on it. */
	running: boolean;
}

/** Every job's record, for the administrators' page and the metrics. */
export async function readJobStates(db: Db, now: Date = new Date()): Promise<Map<string, JobState>> {
	const rows = await db.selectFrom('job_state').selectAll().execute();
	return new Map(
		rows.map((row) => [
			row.name,
			{
				name: row.name,
				runs: Number(row.runs),
				failures: Number(row.failures),
				lastStartedAt: row.last_started_at,
				lastFinishedAt: row.last_finished_at,
				lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
				lastOutcome: row.last_outcome,
				lastSucceededAt: row.last_succeeded_at,
				lastReport: parseReport(row.last_report),
				running: row.lease_until !== null && row.lease_until > now.toISOString()
			}
		])
	);
}

function parseReport(text: string | null): JobState['lastReport'] {
	if (text === null) return null;
	try {
		const value: unknown = JSON.parse(text);
		return value !== null && typeof value === 'object' ? (value as JobState['lastReport']) : null;
	} catch {
		return null;
	}
}

/**
 * An administrator's "run it now": the job is made due, and the next pass of any instance's
 * runner (within TICK_MS) runs it under its lease, beside requests rather than inside this one.
 */
export async function requestRun(db: Db, actor: SignedInUser, name: string, now: Date = new Date()): Promise<Outcome> {
	return db.transaction().execute(async (tx) => {
		const made = await tx.updateTable('job_state').set({ last_started_at: null }).where('name', '=', name).executeTakeFirst();
		if (Number(made.numUpdatedRows) === 0) return refuse(404, 'That job has not run on this database yet: it runs when the server starts.', 'job');
		await recordAudit(tx, actor, { action: 'job_run_requested', summary: `Asked for the job ${name} to run now` }, now);
		return { ok: true };
	});
}
