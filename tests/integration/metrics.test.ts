/**
 * Issue 27: the metrics (platform/metrics.ts) on this run's engine. Requests and submissions are
 * counted as they happen; the outbox and the jobs are read from their tables at each scrape, with
 * reads only (a scrape passes on a database opened read-only); /metrics wants its token.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { openDatabase, poolUse, type Db } from '../../src/lib/server/db';
import { createMetrics, serveMetrics, bearsToken, type Metrics } from '../../src/lib/server/platform/metrics';
import { receiveSurveyPost } from '../../src/lib/server/surveys/survey-posts';
import { newSubmissionKey, SUBMISSION_KEY_FIELD } from '../../src/lib/server/surveys/submission-keys';
import { createPracticeWithRound, createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';
import { TEST_SURVEY_LIMIT_KEY } from '../helpers/events';
import { parseExposition } from '../helpers/prometheus';

async function scrape(metrics: Metrics): Promise<Map<string, number>> {
	return parseExposition(await metrics.scrape());
}

const iso = (date: Date) => date.toISOString();

describe('the metrics', () => {
	let t: TestDatabase;
	let metrics: Metrics;
	beforeEach(async () => {
		t = await createTestDatabase();
		metrics = createMetrics(t.db, { processMetrics: false });
	});
	afterEach(() => t.close());

	it('count requests by method, route id and status, and time them by method and route', async () => {
		metrics.observeRequest({ requestId: 'a', method: 'GET', route: '/s/[token]', status: 200, durationMs: 12 });
		metrics.observeRequest({ requestId: 'b', method: 'GET', route: '/s/[token]', status: 200, durationMs: 30 });
		metrics.observeRequest({ requestId: 'c', method: 'POST', route: '/s/[token]', status: 303, durationMs: 80 });
		metrics.observeRequest({ requestId: 'd', method: 'GET', route: null, status: 404, durationMs: 1 });
		metrics.observeRequest({ requestId: 'e', method: 'PROPFIND', route: null, status: 404, durationMs: 1 });
		const samples = await scrape(metrics);
		expect(samples.get('belonging_http_requests_total{method="GET",route="/s/[token]",status="200"}')).toBe(2);
		expect(samples.get('belonging_http_requests_total{method="POST",route="/s/[token]",status="303"}')).toBe(1);
		// Paths nobody routes, and methods nobody uses, share one series each.
		expect(samples.get('belonging_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
		expect(samples.get('belonging_http_requests_total{method="other",route="unmatched",status="404"}')).toBe(1);
		expect(samples.get('belonging_http_request_duration_seconds_count{method="GET",route="/s/[token]"}')).toBe(2);
		expect(samples.get('belonging_http_request_duration_seconds_sum{method="GET",route="/s/[token]"}')).toBeCloseTo(0.042);
		expect(samples.get('belonging_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/s/[token]"}')).toBe(1);
	});

	it('count a survey submission once it is stored, and not a page sent again or a refusal', async () => {
		const today = ukDate();
		const { round } = await createPracticeWithRound(t.db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10) });
		const key = newSubmissionKey();
		const post = (fields: Record<string, string>) =>
			receiveSurveyPost(
				new Request(`http://localhost/s/${round.public_token}`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams(fields).toString()
				}),
				{ db: t.db, token: round.public_token, cookies: { get: () => undefined } as never, clientAddress: '192.0.2.9', limitKey: TEST_SURVEY_LIMIT_KEY, metrics }
			);
		const counted = async () => (await scrape(metrics)).get('belonging_survey_submissions_total');
		expect(await counted()).toBe(0);
		expect((await post({ [SUBMISSION_KEY_FIELD]: key, 'item-CO1': '4', roleGroup: 'none' })).kind).toBe('stored');
		expect(await counted()).toBe(1);
		// The same page again (its answer lost on the way back): already in, not counted twice.
		expect((await post({ [SUBMISSION_KEY_FIELD]: key, 'item-CO1': '4', roleGroup: 'none' })).kind).toBe('stored');
		expect((await post({ [SUBMISSION_KEY_FIELD]: newSubmissionKey(), 'item-CO1': 'eleven' })).kind).toBe('refused');
		expect(await counted()).toBe(1);
	});

	it('read the outbox at each scrape: mail not yet sent, mail undelivered, and the age of the oldest waiting', async () => {
		const now = Date.now();
		const mail = (status: 'waiting' | 'sending' | 'sent' | 'failed', ageSeconds: number) => ({
			kind: 'invitation',
			recipient: 'someone@example.nhs.uk',
			subject: 'A mail',
			text_body: 'text',
			html_body: '<p>html</p>',
			status,
			next_attempt_at: iso(new Date(now)),
			created_at: iso(new Date(now - ageSeconds * 1000))
		});
		expect((await scrape(metrics)).get('belonging_mail_outbox_oldest_waiting_age_seconds')).toBe(0);
		await t.db
			.insertInto('mail_outbox')
			.values([mail('waiting', 120), mail('sending', 30), mail('failed', 4000), mail('failed', 5000), mail('sent', 9000)])
			.execute();
		const samples = await scrape(metrics);
		expect(samples.get('belonging_mail_outbox_waiting')).toBe(2);
		expect(samples.get('belonging_mail_outbox_failed')).toBe(2);
		expect(samples.get('belonging_mail_outbox_oldest_waiting_age_seconds')).toBeGreaterThanOrEqual(120);
		expect(samples.get('belonging_mail_outbox_oldest_waiting_age_seconds')).toBeLessThan(180);
		expect(samples.get('belonging_database_up')).toBe(1);
	});

	it('read the named jobs from job_state, with a job’s last success still shown when its next run fails', async () => {
		const finished = new Date('2026-12-07T03:00:00.000Z');
		await t.db
			.insertInto('job_state')
			.values([
				{ name: 'retention', runs: 12, failures: 1, last_duration_ms: 2500, last_outcome: 'ok', last_started_at: iso(new Date(finished.getTime() - 2500)), last_finished_at: iso(finished), last_succeeded_at: iso(finished) },
				{ name: 'close-due-rounds', runs: 3, failures: 3, last_duration_ms: 40, last_outcome: 'failed', last_finished_at: iso(finished) },
				{ name: 'never-run', runs: 0, failures: 0 }
			])
			.execute();
		let samples = await scrape(metrics);
		expect(samples.get('belonging_job_runs_total{job="retention"}')).toBe(12);
		expect(samples.get('belonging_job_failures_total{job="retention"}')).toBe(1);
		expect(samples.get('belonging_job_last_duration_seconds{job="retention"}')).toBe(2.5);
		expect(samples.get('belonging_job_last_success_timestamp_seconds{job="retention"}')).toBe(finished.getTime() / 1000);
		expect(samples.get('belonging_job_failures_total{job="close-due-rounds"}')).toBe(3);
		// Never succeeded: no time to show.
		expect(samples.has('belonging_job_last_success_timestamp_seconds{job="close-due-rounds"}')).toBe(false);
		expect(samples.get('belonging_job_runs_total{job="never-run"}')).toBe(0);
		expect(samples.has('belonging_job_last_duration_seconds{job="never-run"}')).toBe(false);

		await t.db
			.updateTable('job_state')
			.set({ runs: 13, failures: 2, last_outcome: 'failed', last_duration_ms: 100, last_finished_at: iso(new Date(finished.getTime() + 3_600_000)) })
			.where('name', '=', 'retention')
			.execute();
		samples = await scrape(metrics);
		expect(samples.get('belonging_job_runs_total{job="retention"}')).toBe(13);
		expect(samples.get('belonging_job_failures_total{job="retention"}')).toBe(2);
		expect(samples.get('belonging_job_last_duration_seconds{job="retention"}')).toBe(0.1);
		expect(samples.get('belonging_job_last_success_timestamp_seconds{job="retention"}')).toBe(finished.getTime() / 1000);
	});

	it('give the database’s size and connections', async () => {
		const samples = await scrape(metrics);
		expect(samples.get('belonging_database_size_bytes')).toBeGreaterThan(10_000);
		const pool = poolUse(t.db);
		expect(samples.get('belonging_database_connections_open')).toBe(pool.open);
		expect(samples.get('belonging_database_connections_waiting')).toBe(0);
		if (onPostgres) {
			expect(samples.get('belonging_database_connections_max')).toBe(4);
			expect(samples.get('belonging_database_connections_open')).toBeGreaterThanOrEqual(1);
		} else {
			expect([samples.get('belonging_database_connections_open'), samples.get('belonging_database_connections_max')]).toEqual([1, 1]);
		}
	});

	it('never write: a scrape of a database opened read-only reads everything', async () => {
		await t.db.insertInto('job_state').values({ name: 'retention', runs: 1, failures: 0, last_outcome: 'ok', last_finished_at: iso(new Date()), last_succeeded_at: iso(new Date()) }).execute();
		const readOnly: Db = onPostgres
			? openDatabase({ databaseUrl: `${t.path}?options=${encodeURIComponent('-c default_transaction_read_only=on')}`, databasePoolSize: 1 })
			: openDatabase({ databasePath: t.path, readOnly: true });
		try {
			// The read-only connection refuses a write, so a scrape that wrote would fail.
			await expect(readOnly.insertInto('job_state').values({ name: 'written' }).execute()).rejects.toThrow(/read.?only/i);
			const samples = await scrape(createMetrics(readOnly, { processMetrics: false }));
			expect(samples.get('belonging_database_up')).toBe(1);
			expect(samples.get('belonging_job_runs_total{job="retention"}')).toBe(1);
		} finally {
			await readOnly.destroy();
		}
	});

	it('keep answering when the database does not, saying so', async () => {
		const away = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
		const gone = {
			selectFrom: () => {
				throw away;
			}
		} as unknown as Db;
		const own = createMetrics(gone, { processMetrics: false });
		own.observeRequest({ requestId: 'a', method: 'GET', route: '/', status: 200, durationMs: 5 });
		const samples = await scrape(own);
		expect(samples.get('belonging_database_up')).toBe(0);
		expect(samples.get('belonging_http_requests_total{method="GET",route="/",status="200"}')).toBe(1);
	});

	it('include Node’s process figures unless told not to, each registry its own', async () => {
		const withProcess = createMetrics(t.db);
		const samples = await scrape(withProcess);
		// Present, not above zero: the counter counts the CPU used since the registry was made, and
		// on a busy machine a scrape right after can find none yet (seen once in CI).
		expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
		expect([...samples.keys()].some((name) => name.startsWith('nodejs_heap_size_used_bytes'))).toBe(true);
		expect([...(await scrape(metrics)).keys()].some((name) => name.startsWith('process_'))).toBe(false);
	});
});

describe('GET /metrics', () => {
	const token = 'a-metrics-token-of-thirty-two-characters-or-more';
	let t: TestDatabase;
	let metrics: Metrics;
	beforeEach(async () => {
		t = await createTestDatabase();
		metrics = createMetrics(t.db, { processMetrics: false });
	});
	afterEach(() => t.close());

	function request(method: string, routeId: string | null, headers: Record<string, string> = {}) {
		let resolved = 0;
		const event = { request: new Request('http://localhost/metrics', { method, headers }), route: { id: routeId }, locals: {} } as unknown as RequestEvent;
		const resolve = async () => {
			resolved++;
			return new Response('the route', { status: 404 });
		};
		return { event, resolve, resolved: () => resolved };
	}

	it('is not there without METRICS_TOKEN: the request goes on to the route, which answers 404', async () => {
		const handle = serveMetrics(() => ({ metrics, token: undefined }));
		const r = request('GET', '/metrics', { authorization: `Bearer ${token}` });
		expect((await handle({ event: r.event, resolve: r.resolve as never })).status).toBe(404);
		expect(r.resolved()).toBe(1);
	});

	it('answers 401 with WWW-Authenticate without the right token, compared whole', async () => {
		const handle = serveMetrics(() => ({ metrics, token }));
		for (const authorization of [undefined, '', `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Basic ${token}`, token, 'Bearer ']) {
			const r = request('GET', '/metrics', authorization === undefined ? {} : { authorization });
			const response = await handle({ event: r.event, resolve: r.resolve as never });
			expect([authorization, response.status]).toEqual([authorization, 401]);
			expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
			expect(await response.text()).not.toContain(token);
			expect(r.resolved()).toBe(0);
		}
	});

	it('answers the metrics with it, in the text format, never cached', async () => {
		const handle = serveMetrics(() => ({ metrics, token }));
		metrics.observeRequest({ requestId: 'a', method: 'GET', route: '/metrics', status: 401, durationMs: 1 });
		const r = request('GET', '/metrics', { authorization: `bearer ${token}` });
		const response = await handle({ event: r.event, resolve: r.resolve as never });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(parseExposition(await response.text()).get('belonging_http_requests_total{method="GET",route="/metrics",status="401"}')).toBe(1);
		const head = request('HEAD', '/metrics', { authorization: `Bearer ${token}` });
		expect((await handle({ event: head.event, resolve: head.resolve as never })).status).toBe(200);
		// Other routes, and other methods, are none of its business.
		const other = request('GET', '/healthz', { authorization: `Bearer ${token}` });
		await handle({ event: other.event, resolve: other.resolve as never });
		expect(other.resolved()).toBe(1);
		const post = request('POST', '/metrics', { authorization: `Bearer ${token}` });
		await handle({ event: post.event, resolve: post.resolve as never });
		expect(post.resolved()).toBe(1);
	});

	it('compares tokens whatever their lengths', () => {
		expect(bearsToken(`Bearer ${token}`, token)).toBe(true);
		expect(bearsToken(`Bearer  ${token} `, token)).toBe(true);
		expect(bearsToken(null, token)).toBe(false);
		expect(bearsToken('Bearer', token)).toBe(false);
		expect(bearsToken(`Bearer ${'x'.repeat(1000)}`, token)).toBe(false);
	});
});
