/**
 * What Prometheus scrapes from `/metrics` (prom-client): requests and their durations by route,
 * stored survey submissions, the mail outbox, the named jobs, the database's size and connections,
 * and Node's own process figures. Each instance counts its own requests and submissions from its
 * start; the outbox, the jobs and the database are read from the database at each scrape, with
 * reads only, so they are the same on every instance.
 *
 * Labels never carry anything a request sent: a route is the router's id (`/s/[token]`), a method
 * one of the usual few, a status a number. Each `createMetrics` has a registry of its own, so
 * tests can make several.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Handle } from '@sveltejs/kit';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { engineOf, poolUse, type Db } from '../db';
import { log, type AnsweredRequest } from './logging';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** A route label for requests no route matched: one series for every path that does not exist. */
export const UNMATCHED_ROUTE = 'unmatched';
/** From a survey page served from its template (a few ms) to a large CSV export (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
	readonly registry: Registry;
	/** Counts an answered request (logging.ts's `logRequests` calls it). */
	observeRequest(request: AnsweredRequest): void;
	/** Counts a survey submission once its transaction has committed (survey-posts.ts). */
	submissionStored(): void;
	/** Reads the database's figures, then every metric in Prometheus's text format. */
	scrape(): Promise<string>;
}

/** What one scrape reads from the database. */
interface DatabaseFigures {
	outbox: { waiting: number; failed: number; oldestWaitingSeconds: number };
	jobs: { name: string; runs: number; failures: number; lastDurationMs: number | null; lastSucceededAt: string | null }[];
	sizeBytes: number;
}

async function readDatabaseFigures(db: Db, now: Date): Promise<DatabaseFigures> {
	const outboxRows = await db
		.selectFrom('mail_outbox')
		.select((eb) => ['status', eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
		.where('status', 'in', ['waiting', 'sending', 'failed'])
		.groupBy('status')
		.execute();
	let waiting = 0;
	let failed = 0;
	let oldest: number | undefined;
	for (const row of outboxRows) {
		const n = Number(row.n);
		if (row.status === 'failed') {
			failed += n;
			continue;
		}
		waiting += n;
		const created = Date.parse(String(row.oldest));
		if (Number.isFinite(created)) oldest = Math.min(oldest ?? created, created);
	}
	const jobs = await db
		.selectFrom('job_state')
		.select(['name', 'runs', 'failures', 'last_duration_ms', 'last_succeeded_at'])
		.orderBy('name')
		.execute();
	return {
		outbox: { waiting, failed, oldestWaitingSeconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest) / 1000) },
		jobs: jobs.map((job) => ({
			name: job.name,
			runs: Number(job.runs),
			failures: Number(job.failures),
			lastDurationMs: job.last_duration_ms === null ? null : Number(job.last_duration_ms),
			lastSucceededAt: job.last_succeeded_at
		})),
		sizeBytes: await databaseSizeBytes(db)
	};
}

/** SQLite: the main file's pages and the write-ahead log beside it; PostgreSQL: the database as the server counts it. */
async function databaseSizeBytes(db: Db): Promise<number> {
	if (engineOf(db) === 'postgres') {
		const { rows } = await sql<{ bytes: number }>`select pg_database_size(current_database()) as bytes`.execute(db);
		return Number(rows[0]?.bytes ?? 0);
	}
	const { rows } = await sql<{ bytes: number; file: string | null }>`
		select p.page_count * s.page_size as bytes, (select file from pragma_database_list where name = 'main') as file
		from pragma_page_count() as p, pragma_page_size() as s`.execute(db);
	const file = rows[0]?.file;
	let logBytes = 0;
	if (file) {
		try {
			logBytes = statSync(`${file}-wal`).size;
		} catch {
			// No log just now (emptied, or never written).
		}
	}
	return Number(rows[0]?.bytes ?? 0) + logBytes;
}

export function createMetrics(db: Db, { processMetrics = true }: { processMetrics?: boolean } = {}): Metrics {
	const registry = new Registry();
	const registers = [registry];
	if (processMetrics) collectDefaultMetrics({ register: registry });

	const requests = new Counter({
		name: 'belonging_http_requests_total',
		help: 'Requests answered by the app, by method, route id and status (static files are not counted).',
		labelNames: ['method', 'route', 'status'] as const,
		registers
	});
	const durations = new Histogram({
		name: 'belonging_http_request_duration_seconds',
		help: 'Time from a request reaching the app to its answer being ready, by method and route id.',
		labelNames: ['method', 'route'] as const,
		buckets: DURATION_BUCKETS,
		registers
	});
	const submissions = new Counter({
		name: 'belonging_survey_submissions_total',
		help: 'Survey submissions stored by this instance since it started (a page sent again is counted once).',
		registers
	});
	const databaseUp = new Gauge({
		name: 'belonging_database_up',
		help: '1 when this scrape could read the database, else 0 (the outbox, job and size figures are then those last read).',
		registers
	});
	const outboxWaiting = new Gauge({ name: 'belonging_mail_outbox_waiting', help: 'Mails in the outbox not yet sent (waiting or being sent).', registers });
	const outboxFailed = new Gauge({ name: 'belonging_mail_outbox_failed', help: 'Mails kept as undelivered, waiting for an administrator to send them again.', registers });
	const outboxAge = new Gauge({
		name: 'belonging_mail_outbox_oldest_waiting_age_seconds',
		help: 'Age of the oldest mail not yet sent, in seconds; 0 when none waits.',
		registers
	});
	const jobRuns = new Counter({ name: 'belonging_job_runs_total', help: 'Runs of each named job, on any instance (from job_state).', labelNames: ['job'] as const, registers });
	const jobFailures = new Counter({
		name: 'belonging_job_failures_total',
		help: 'Failed runs of each named job, on any instance (from job_state).',
		labelNames: ['job'] as const,
		registers
	});
	const jobDuration = new Gauge({ name: 'belonging_job_last_duration_seconds', help: 'How long the last run of each job took.', labelNames: ['job'] as const, registers });
	const jobSuccess = new Gauge({
		name: 'belonging_job_last_success_timestamp_seconds',
		help: 'When the last successful run of each job finished (Unix time), on any instance; absent until one has.',
		labelNames: ['job'] as const,
		registers
	});
	const databaseSize = new Gauge({ name: 'belonging_database_size_bytes', help: 'The database on disk: SQLite file and write-ahead log, or the PostgreSQL database.', registers });
	const connectionsOpen = new Gauge({ name: 'belonging_database_connections_open', help: 'Database connections this instance has open.', registers });
	const connectionsIdle = new Gauge({ name: 'belonging_database_connections_idle', help: 'Of the open connections, those waiting for work.', registers });
	const connectionsWaiting = new Gauge({ name: 'belonging_database_connections_waiting', help: 'Queries waiting for a free connection (PostgreSQL).', registers });
	const connectionsMax = new Gauge({ name: 'belonging_database_connections_max', help: 'The most connections this instance opens (DATABASE_POOL_SIZE; 1 on SQLite).', registers });

	function setDatabaseFigures(figures: DatabaseFigures): void {
		outboxWaiting.set(figures.outbox.waiting);
		outboxFailed.set(figures.outbox.failed);
		outboxAge.set(figures.outbox.oldestWaitingSeconds);
		databaseSize.set(figures.sizeBytes);
		// Set together, with no wait in between, so a scrape beside this one reads one reading or the other.
		jobRuns.reset();
		jobFailures.reset();
		jobDuration.reset();
		jobSuccess.reset();
		for (const job of figures.jobs) {
			jobRuns.inc({ job: job.name }, job.runs);
			jobFailures.inc({ job: job.name }, job.failures);
			if (job.lastDurationMs !== null) jobDuration.set({ job: job.name }, job.lastDurationMs / 1000);
			const succeeded = job.lastSucceededAt === null ? NaN : Date.parse(job.lastSucceededAt);
			if (Number.isFinite(succeeded)) jobSuccess.set({ job: job.name }, succeeded / 1000);
		}
	}

	return {
		registry,
		observeRequest({ method, route, status, durationMs }) {
			const labels = { method: METHODS.has(method) ? method : 'other', route: route ?? UNMATCHED_ROUTE };
			requests.inc({ ...labels, status: String(status) });
			durations.observe(labels, durationMs / 1000);
		},
		submissionStored() {
			submissions.inc();
		},
		async scrape() {
			try {
				setDatabaseFigures(await readDatabaseFigures(db, new Date()));
				databaseUp.set(1);
			} catch (error) {
				databaseUp.set(0);
				log.warn(`Metrics could not read the database: ${(error as Error).message}`);
			}
			const pool = poolUse(db);
			connectionsOpen.set(pool.open);
			connectionsIdle.set(pool.idle);
			connectionsWaiting.set(pool.waiting);
			connectionsMax.set(pool.max);
			return registry.metrics();
		}
	};
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the Authorization header bears `token`, compared in constant time (the hashes are of equal length whatever was sent). */
export function bearsToken(authorization: string | null, token: string): boolean {
	const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
	return timingSafeEqual(digest(sent), digest(token)) && sent.length > 0;
}

/**
 * Answers GET /metrics when METRICS_TOKEN is set: 401 without the token, the metrics with it. It
 * answers before the session and the dated work (hooks.server.ts), so a scrape reads a cookie of
 * nobody's and never writes to the database. Unset, the request goes on to the route, which
 * answers 404 as for any page that does not exist.
 */
export function serveMetrics(current: () => { metrics: Metrics; token: string | undefined } | undefined): Handle {
	return async ({ event, resolve }) => {
		const serving = event.route.id === '/metrics' && (event.request.method === 'GET' || event.request.method === 'HEAD') ? current() : undefined;
		if (!serving?.token) return resolve(event);
		const headers = { 'cache-control': 'no-store' };
		if (!bearsToken(event.request.headers.get('authorization'), serving.token)) {
			return new Response('A scrape needs the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n', {
				status: 401,
				headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }
			});
		}
		const body = await serving.metrics.scrape();
		return new Response(event.request.method === 'HEAD' ? null : body, {
			headers: { ...headers, 'content-type': serving.metrics.registry.contentType }
		});
	};
}
