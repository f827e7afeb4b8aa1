import { env } from '$env/dynamic/private';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { ukDate } from '$lib/dates';
import { startApp, type AppContext } from '$lib/server/app';
import { describeDatabase } from '$lib/server/platform/config';
import { consoleMailer, smtpMailer } from '$lib/server/mail/mailer';
import { startMailWorker, type MailService } from '$lib/server/mail/mail-worker';
import { forgetOldSentMail } from '$lib/server/mail/outbox';
import { runSurveyCalendar } from '$lib/server/calendar/calendar-pass';
import { mailOrigin } from '$lib/server/platform/config';
import { compressResponses } from '$lib/server/platform/compression';
import { flushLog, log, logRequests, requestFields, setLogLevel } from '$lib/server/platform/logging';
import { createMetrics, serveMetrics, type Metrics } from '$lib/server/platform/metrics';
import { afterResponsesSettled } from '$lib/server/platform/after-response';
import { answerWhenDatabaseAway, databaseAwayError } from '$lib/server/platform/database-away';
import { refuseRequestsWithoutAddress } from '$lib/server/platform/client-address';
import { isDatabaseUnreachable, unreachableReason } from '$lib/server/db/unreachable';
import { dataRequestStatus, refuseReservedActions, securityHeaders } from '$lib/server/platform/request-guards';
import { applyDueMoves } from '$lib/server/organisations/practice-moves';
import { closeDueRounds } from '$lib/server/surveys/rounds';
import { forgetKeysOfClosedRounds } from '$lib/server/surveys/submission-keys';
import { sealAnsweredRounds } from '$lib/server/surveys/round-sealing';
import { serveSurveyPages } from '$lib/server/surveys/survey-page-cache';
import { answerSurveyPosts } from '$lib/server/surveys/survey-posts';
import {
	SESSION_COOKIE,
	deleteExpiredSessions,
	deleteSessionCookie,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/accounts/sessions';

let app: AppContext | undefined;
let mail: MailService | undefined;
let metrics: Metrics | undefined;

export const init: ServerInit = async () => {
	try {
		app = await startApp(env);
	} catch (error) {
		// A clear sentence, not a stack trace: these are configuration problems a person can fix.
		log.fatal((error as Error).message);
		await flushLog();
		process.exit(1);
	}
	const { config } = app;
	setLogLevel(config.logLevel);
	metrics = createMetrics(app.db);
	const mailer = config.smtp ? smtpMailer(config.smtp) : consoleMailer;
	const worker = startMailWorker(app.db, mailer);
	mail = { bySmtp: config.smtp !== undefined, description: mailer.description, nudge: worker.nudge };
	// adapter-node stops taking requests on SIGTERM or SIGINT and then waits for the process to
	// have nothing left to do: the outbox worker, SMTP connections and the database pool end here.
	const { db } = app;
	process.once('sveltekit:shutdown', async () => {
		try {
			await worker.stop();
			// Work queued by answered requests (platform/after-response.ts) still needs the database.
			await afterResponsesSettled();
			mailer.close?.();
			await db.destroy();
			log.info('Belonging: stopped');
		} catch (error) {
			log.error({ err: error }, 'Belonging: stopping failed');
			process.exitCode = 1;
		}
		await flushLog();
	});
	log.info(`Belonging: database ${describeDatabase(config)}, MIN_RESPONSES=${config.minResponses}${config.demo ? ', demo data on' : ''}`);
	log.info(`Belonging: mail goes to ${mailer.description}`);
	for (const line of app.notices) log.info(line);
};

const DUE_CHECK_INTERVAL_MS = 60_000;
let lastDueCheck = Date.now();

const context: Handle = async ({ event, resolve }) => {
	if (!app || !mail) throw new Error('Belonging has not started');
	event.locals.db = app.db;
	event.locals.config = app.config;
	event.locals.mail = mail;
	// Dated changes happen without a scheduler: checked at start-up and then at most once a minute.
	if (Date.now() - lastDueCheck > DUE_CHECK_INTERVAL_MS) {
		lastDueCheck = Date.now();
		const today = ukDate();
		await closeDueRounds(app.db, today);
		const calendar = await runSurveyCalendar(app.db, { today, now: new Date(), origin: mailOrigin(app.config), minResponses: app.config.minResponses });
		if (calendar.mails > 0) mail.nudge();
		await forgetKeysOfClosedRounds(app.db, today);
		await applyDueMoves(app.db, today);
		await deleteExpiredSessions(app.db);
		await forgetOldSentMail(app.db);
		// Rewrites whole rounds on PostgreSQL, so it runs beside requests rather than before one.
		sealAnsweredRounds(app.db, today).catch((error) =>
			isDatabaseUnreachable(error)
				? log.error(`Sealing answered rounds failed: the database is unreachable (${unreachableReason(error)})`)
				: log.error({ err: error }, 'Sealing answered rounds failed')
		);
	}
	return resolve(event);
};

const session: Handle = async ({ event, resolve }) => {
	const { db, config } = event.locals;
	event.locals.user = null;
	event.locals.sessionId = null;
	event.locals.adminResetNotice = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const valid = await validateSessionToken(db, token);
		if (valid) {
			event.locals.user = valid.user;
			event.locals.sessionId = valid.id;
			event.locals.adminResetNotice = valid.adminResetNotice;
			if (valid.renewed) setSessionCookie(event.cookies, token, valid.expiresAt, config.secureCookies);
		} else {
			deleteSessionCookie(event.cookies, config.secureCookies);
		}
	}
	return resolve(event);
};

const logged: Handle = logRequests((answered) => metrics?.observeRequest(answered));
/** First, so it times every handle after it: the request's id, its one log line and its metrics. */
const watchRequests: Handle = ({ event, resolve }) => {
	event.locals.metrics = metrics;
	return logged({ event, resolve });
};

// The security headers go on every answer, the database-away ones too; those cover the hooks inside them.
// The survey page is served from its template, and its plain posts stored, before the session, which neither needs.
// A scrape of /metrics is answered before the dated work and the session: it never writes.
export const handle: Handle = sequence(
	watchRequests,
	compressResponses,
	securityHeaders,
	serveMetrics(() => (app && metrics ? { metrics, token: app.config.metricsToken } : undefined)),
	answerWhenDatabaseAway,
	context,
	refuseReservedActions,
	refuseRequestsWithoutAddress,
	serveSurveyPages,
	answerSurveyPosts,
	session,
	dataRequestStatus
);

export const handleError: HandleServerError = ({ error, event, status }) => {
	const away = databaseAwayError(event, error);
	if (away) return away;
	if (status >= 500) log.error({ ...requestFields(event), err: error }, 'Unexpected error');
	return { message: status === 404 ? 'We could not find that page.' : 'Something went wrong on our side. Please try again.' };
};
