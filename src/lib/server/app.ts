/**
 * The composition root. Start-up: check the configuration, open and migrate the database, store
 * the built-in instruments, guard real data from demo data, seed the demo; then the named jobs
 * (the one list of dated work below) run once, and hooks.server.ts starts their timer.
 */
import { ukDate } from '../dates';
import { describeDatabase, loadConfig, mailOrigin, type Config } from './platform/config';
import { openPlannedRounds, planDueRounds, queueRoundNotices } from './calendar/calendar-pass';
import { emptyWriteAheadLog, exclusively, openDatabase, type Db } from './db';
import { DAY_MS, HOUR_MS, MINUTE_MS, jobRunner, type JobClock, type JobRunner, type NamedJob } from './jobs/job-runner';
import { deleteDueComments, deleteOldAuditEntries, reduceDueRounds } from './retention/retention';
import { purgeExpired } from './retention/purges';
import { sealAnsweredRounds } from './surveys/round-sealing';
import { ensureRoundScores } from './surveys/round-summaries';
import { consoleMailer, smtpMailer } from './mail/mailer';
import { startMailWorker, type MailService } from './mail/mail-worker';
import { afterResponsesSettled } from './platform/after-response';
import { log } from './platform/logging';
import { createMetrics, type Metrics } from './platform/metrics';
import { isDatabaseUnreachable, unreachableReason } from './db/unreachable';
import { migrateToLatest } from './db/migrations';
import { seedDemoData } from './demo/seed';
import { storeBuiltInInstruments } from './surveys/instruments';
import { applyDueMoves } from './organisations/practice-moves';
import { hasOrganisations } from './organisations/organisations';
import { closeDueRounds } from './surveys/rounds';
import { countUsers } from './accounts/users';

export interface AppContext {
	config: Config;
	db: Db;
	/** The named jobs, run once at start-up; hooks.server.ts starts their timer and stops it on shutdown. */
	jobs: JobRunner<DatedClock>;
	/** Lines to print once the server is up, such as how to create the first admin. */
	notices: string[];
}

/** What a dated job is given: the time its run starts, and the UK date then. */
export interface DatedClock extends JobClock {
	today: string;
}

/** The earliest date any round could have closed on, for "every closed round". */
const ALL_TIME = '0001-01-01';

/**
 * Every piece of dated work, in the order a pass runs it: rounds close before the calendar plans
 * the next, drafts are planned before they open, and reminders go for rounds as they now stand.
 */
export function datedJobs(db: Db, config: Config, env: Record<string, string | undefined> = process.env): NamedJob<DatedClock>[] {
	const origin = mailOrigin(config, env);
	const { minResponses, retention } = config;
	return [
		{
			name: 'close-due-rounds',
			does: 'Closes rounds whose closing date has passed, sums up their answers and seals them.',
			everyMs: MINUTE_MS,
			atStartUp: true,
			run: async ({ today }) => ({ rounds: await closeDueRounds(db, today) })
		},
		{
			name: 'apply-practice-moves',
			does: 'Moves practices to their new PCN on the date a move was recorded for.',
			everyMs: MINUTE_MS,
			atStartUp: true,
			run: async ({ today }) => ({ moves: await applyDueMoves(db, today) })
		},
		{
			name: 'plan-calendar-rounds',
			does: 'Makes the draft of each survey calendar’s next round when its time comes.',
			everyMs: MINUTE_MS,
			atStartUp: true,
			run: async (clock) => ({ planned: await planDueRounds(db, clock) })
		},
		{
			name: 'open-calendar-rounds',
			does: 'Opens calendar drafts on their opening date.',
			everyMs: MINUTE_MS,
			atStartUp: true,
			run: async (clock) => ({ opened: await openPlannedRounds(db, clock) })
		},
		{
			name: 'round-reminders',
			does: 'Puts the reminder mails rounds are due (opening, halfway, closing soon, results) in the outbox.',
			everyMs: MINUTE_MS,
			atStartUp: true,
			run: async (clock) => ({ mails: await queueRoundNotices(db, { ...clock, origin, minResponses }) })
		},
		{
			name: 'seal-answered-rounds',
			does: 'Stores the answers of open rounds answered on earlier days out of arrival order (PostgreSQL).',
			everyMs: 10 * MINUTE_MS,
			run: async ({ today }) => ({ rounds: await sealAnsweredRounds(db, today) })
		},
		{
			name: 'round-summaries',
			does: 'Sums up closed rounds that have no summary or scores yet, so no page has to.',
			everyMs: 10 * MINUTE_MS,
			run: async ({ today }) => ({ rounds: await ensureRoundScores(db, { from: ALL_TIME, to: today }, today) })
		},
		{
			name: 'retention-comments',
			does: `Deletes the comments of rounds that closed ${retention.commentsMonths} months ago or more.`,
			everyMs: HOUR_MS,
			run: async ({ today, now }) => deleteDueComments(db, retention, today, now)
		},
		{
			name: 'retention-answers',
			does: `Reduces rounds that closed ${retention.answersMonths} months ago or more to their summaries.`,
			everyMs: HOUR_MS,
			run: async ({ today, now }) => reduceDueRounds(db, retention, today, now)
		},
		{
			name: 'retention-audit',
			does: `Deletes audit entries older than ${retention.auditMonths} months.`,
			everyMs: DAY_MS,
			run: async ({ today, now }) => deleteOldAuditEntries(db, retention, today, now)
		},
		{
			name: 'purge-expired',
			does: 'Deletes expired sessions, links, sign-in challenges, single sign-on attempts, survey keys, revoked tokens and sent mail older than a month.',
			everyMs: DAY_MS,
			run: async ({ today, now }) => purgeExpired(db, today, now)
		}
	];
}

export class DatabaseKindError extends Error {
	name = 'DatabaseKindError';
}

export const CONTENTS_KEY = 'contents';

/**
 * A database is marked "demo" or "real" the first time the app starts on it, and the mark is
 * checked on every start, so demo data never lands in a real database and the demo never
 * runs on real data.
 */
async function checkDatabaseKind(db: Db, config: Config): Promise<void> {
	const row = await db.selectFrom('app_meta').select('value').where('key', '=', CONTENTS_KEY).executeTakeFirst();
	let kind = row?.value;
	if (!kind) {
		kind = config.demo && !(await hasOrganisations(db)) ? 'demo' : 'real';
		await db.insertInto('app_meta').values({ key: CONTENTS_KEY, value: kind }).execute();
	}
	if (kind === 'demo' && !config.demo) {
		throw new DatabaseKindError(
			`The database at ${describeDatabase(config)} holds demo data. Point DATABASE_PATH (or DATABASE_URL) at another database for real use, or set DEMO=1 to run the demo.`
		);
	}
	if (kind === 'real' && config.demo) {
		throw new DatabaseKindError(
			`DEMO is on, but ${describeDatabase(config)} is a real database. Demo data only goes into a database of its own (npm run demo uses ./data/demo.db).`
		);
	}
}

/**
 * Brings a database to what the app serves from: migrated, the built-in instruments stored, marked
 * demo or real (and refused when it is the other kind), and, for the demo, seeded as of `today`.
 * Several instances may start at once on one PostgreSQL database: one at a time here.
 */
export async function prepareDatabase(db: Db, config: Config, today: string): Promise<void> {
	await exclusively(db, 'start-up', async (first) => {
		await migrateToLatest(first);
		await storeBuiltInInstruments(first);
		await checkDatabaseKind(first, config);
		if (config.demo && !(await hasOrganisations(first))) await seedDemoData(first, today);
	});
}

export async function startApp(env: Record<string, string | undefined>, now: Date = new Date()): Promise<AppContext> {
	const config = loadConfig(env);
	const db = openDatabase(config);
	try {
		await prepareDatabase(db, config, ukDate(now));
		// Each job takes its lease, so instances starting together run each once.
		const jobs = jobRunner(db, datedJobs(db, config, env), { clock: () => ({ now: new Date(), today: ukDate() }) });
		await jobs.runDue({ startUp: true, clock: { now, today: ukDate(now) } });
		// A log left by a server that stopped before emptying it.
		await emptyWriteAheadLog(db);
		const notices =
			(await countUsers(db)) === 0
				? [
						'No accounts yet. Create the first administrator with:',
						'  npm run user:create -- --email you@example.nhs.uk --name "Your Name" --role admin',
						'It prints a single-use link where that person chooses their password.'
					]
				: [];
		return { config, db, jobs, notices };
	} catch (error) {
		await db.destroy();
		throw error;
	}
}

export interface RunningServices {
	mail: MailService;
	metrics: Metrics;
	/** Stops the jobs' timer and the outbox worker, waits for the job and mails in hand and for work queued by answered requests, then closes the database. */
	stop(): Promise<void>;
}

/**
 * What runs beside the requests once the app has started: the outbox worker sending mail, the
 * named jobs' timer, and the metrics. hooks.server.ts calls this once and stops it on shutdown.
 */
export function startServices(app: AppContext): RunningServices {
	const { config, db, jobs } = app;
	const metrics = createMetrics(db);
	const mailer = config.smtp ? smtpMailer(config.smtp) : consoleMailer;
	const worker = startMailWorker(db, mailer);
	jobs.observe((run) => {
		if (run.name === 'round-reminders' && 'mails' in run.report && run.report.mails > 0) worker.nudge();
		if (run.outcome === 'failed') log.error({ job: run.name, durationMs: Math.round(run.durationMs), report: run.report }, `Job ${run.name} failed`);
	});
	jobs.onError((error) =>
		isDatabaseUnreachable(error)
			? log.error(`The jobs could not run: the database is unreachable (${unreachableReason(error)})`)
			: log.error({ err: error }, 'The jobs could not run')
	);
	jobs.start();
	return {
		mail: { bySmtp: config.smtp !== undefined, description: mailer.description, nudge: worker.nudge },
		metrics,
		async stop() {
			await jobs.stop();
			await worker.stop();
			// Work queued by answered requests (platform/after-response.ts) still needs the database.
			await afterResponsesSettled();
			mailer.close?.();
			await db.destroy();
		}
	};
}
