import { env } from '$env/dynamic/private';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { startApp, type AppContext } from '$lib/server/app';
import { describeDatabase } from '$lib/server/platform/config';
import { consoleMailer, smtpMailer } from '$lib/server/mail/mailer';
import { startMailWorker, type MailService } from '$lib/server/mail/mail-worker';
import { compressResponses } from '$lib/server/platform/compression';
import { answerWhenDatabaseAway, databaseAwayError } from '$lib/server/platform/database-away';
import { refuseRequestsWithoutAddress } from '$lib/server/platform/client-address';
import { isDatabaseUnreachable, unreachableReason } from '$lib/server/db/unreachable';
import type { JobRun } from '$lib/server/jobs/job-runner';
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
let mail: MailService | undefined;

export const init: ServerInit = async () => {
	try {
		app = await startApp(env);
	} catch (error) {
		// A clear sentence, not a stack trace: these are configuration problems a person can fix.
		console.error((error as Error).message);
		process.exit(1);
	}
	const { config } = app;
	const mailer = config.smtp ? smtpMailer(config.smtp) : consoleMailer;
	const worker = startMailWorker(app.db, mailer);
	mail = { bySmtp: config.smtp !== undefined, description: mailer.description, nudge: worker.nudge };
	// Dated work runs on the jobs' timer beside the outbox worker, never inside a request.
	const { db, jobs } = app;
	jobs.observe((run) => {
		if (run.name === 'round-reminders' && 'mails' in run.report && run.report.mails > 0) worker.nudge();
		if (run.outcome === 'failed') console.error(`Job ${run.name} failed: ${describeFailure(run)}`);
	});
	jobs.onError((error) =>
		console.error('The jobs could not run:', isDatabaseUnreachable(error) ? `the database is unreachable (${unreachableReason(error)})` : error)
	);
	jobs.start();
	// adapter-node stops taking requests on SIGTERM or SIGINT and then waits for the process to
	// have nothing left to do: the job running now, the outbox worker, SMTP connections and the
	// database pool end here.
	process.once('sveltekit:shutdown', async () => {
		await jobs.stop();
		await worker.stop();
		mailer.close?.();
		await db.destroy();
	});
	console.log(
		`Belonging: database ${describeDatabase(config)}, MIN_RESPONSES=${config.minResponses}${config.demo ? ', demo data on' : ''}`
	);
	console.log(`Belonging: mail goes to ${mailer.description}`);
	for (const line of app.notices) console.log(line);
};

function describeFailure(run: JobRun): string {
	return 'error' in run.report ? String(run.report.error) : 'no reason given';
}

const context: Handle = async ({ event, resolve }) => {
	if (!app || !mail) throw new Error('Belonging has not started');
	event.locals.db = app.db;
	event.locals.config = app.config;
	event.locals.mail = mail;
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

// The security headers go on every answer, the database-away ones too; those cover the hooks inside them.
// The survey page is served from its template, and its plain posts stored, before the session, which neither needs.
export const handle: Handle = sequence(
	compressResponses,
	securityHeaders,
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
	if (status >= 500) console.error(error);
	return { message: status === 404 ? 'We could not find that page.' : 'Something went wrong on our side. Please try again.' };
};
