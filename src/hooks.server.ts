import { env } from '$env/dynamic/private';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { startApp, startServices, type AppContext, type RunningServices } from '$lib/server/app';
import { describeDatabase } from '$lib/server/platform/config';
import { compressResponses } from '$lib/server/platform/compression';
import { serveMetrics } from '$lib/server/platform/metrics';
import { flushLog, log, logRequests, requestFields, setLogLevel } from '$lib/server/platform/logging';
import { answerWhenDatabaseAway, databaseAwayError } from '$lib/server/platform/database-away';
import { refuseRequestsWithoutAddress } from '$lib/server/platform/client-address';
import { refuseCrossSiteForms, sendDemoToItsAddress } from '$lib/server/platform/own-address';
import { dataRequestStatus, refuseReservedActions, securityHeaders } from '$lib/server/platform/request-guards';
import { serveSurveyPages } from '$lib/server/surveys/survey-page-cache';
import { answerSurveyPosts } from '$lib/server/surveys/survey-posts';
import {
	SESSION_COOKIE,
	deleteSessionCookie,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/accounts/sessions';

let app: AppContext | undefined;
let services: RunningServices | undefined;

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
	// The outbox worker, the jobs' timer and the metrics: nothing dated runs inside a request.
	const running = (services = startServices(app));
	// adapter-node stops taking requests on SIGTERM or SIGINT and then waits for the process to
	// have nothing left to do: the job running now, the outbox worker, SMTP connections and the
	// database pool end here.
	process.once('sveltekit:shutdown', async () => {
		try {
			await running.stop();
			log.info('Belonging: stopped');
		} catch (error) {
			log.error({ err: error }, 'Belonging: stopping failed');
			process.exitCode = 1;
		}
		await flushLog();
	});
	log.info(`Belonging: database ${describeDatabase(config)}, MIN_RESPONSES=${config.minResponses}${config.demo ? ', demo data on' : ''}`);
	log.info(`Belonging: mail goes to ${running.mail.description}`);
	for (const line of app.notices) log.info(line);
};

const context: Handle = async ({ event, resolve }) => {
	if (!app || !services) throw new Error('Belonging has not started');
	event.locals.db = app.db;
	event.locals.config = app.config;
	event.locals.mail = services.mail;
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

const logged: Handle = logRequests((answered) => services?.metrics.observeRequest(answered));
/** First, so it times every handle after it: the request's id, its one log line and its metrics. */
const watchRequests: Handle = ({ event, resolve }) => {
	event.locals.metrics = services?.metrics;
	return logged({ event, resolve });
};

// The security headers go on every answer, the database-away ones too; those cover the hooks inside them.
// A form from anywhere but Belonging's own pages is refused before anything reads it (own-address.ts).
// The survey page is served from its template, and its plain posts stored, before the session, which neither needs.
// A scrape of /metrics is answered before the dated work and the session: it never writes.
export const handle: Handle = sequence(
	watchRequests,
	compressResponses,
	securityHeaders,
	serveMetrics(() => (app && services ? { metrics: services.metrics, token: app.config.metricsToken } : undefined)),
	answerWhenDatabaseAway,
	context,
	refuseCrossSiteForms,
	sendDemoToItsAddress,
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
