/**
 * When the database cannot be reached (db/unreachable.ts), every request that needs it answers
 * 503 with Retry-After and a calm sentence saying what did and did not happen, the server logs
 * one line per failed request rather than a stack trace, and the next request after the database
 * is back simply works: the pool connects afresh, nothing here keeps a state.
 *
 * A failure in a page load or a form action reaches Kit's handleError, which renders
 * src/routes/+error.svelte (status 500 by Kit's rule): `databaseAwayError` gives it the sentence
 * and marks the request, and `answerWhenDatabaseAway` then sends it as 503. A failure in the
 * hooks themselves (the session, the dated checks) never reaches a page, so the handle answers
 * it directly, in the form the request asked for. /healthz answers for itself, as before.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { apiErrorResponse } from '../api/json';
import { isDatabaseUnreachable, unreachableReason } from '../db/unreachable';
import { log, requestFields } from './logging';

/** The database usually returns within seconds (a restart, a fail-over); a minute is what the page asks. */
export const DATABASE_AWAY_RETRY_SECONDS = 60;

const AWAY = 'Belonging cannot reach its database just now';

/** What the person is told, by what they were doing: reading a page, answering the survey, or sending another form. */
export function databaseAwayMessage(event: Pick<RequestEvent, 'request' | 'route'>): string {
	if (event.request.method === 'GET' || event.request.method === 'HEAD') {
		return `${AWAY}, so it cannot show this page. Please try again in a minute.`;
	}
	if (event.route.id === '/s/[token]') {
		return `${AWAY}, so your answers were not saved. Please go back and send them again in a minute.`;
	}
	return `${AWAY}, so what you sent was not saved. Please go back and try again in a minute.`;
}

/** Requests whose failure was the database being away, for the handle to send as 503. */
const awayRequests = new WeakSet<App.Locals>();

/** One line, no stack: a stopped database would otherwise fill the log with identical traces. */
function logDatabaseAway(event: Pick<RequestEvent, 'request' | 'route' | 'locals'>, error: unknown): void {
	log.error(requestFields(event), `Database unreachable (${unreachableReason(error)}): ${event.request.method} ${event.route.id ?? 'no route'} answered 503`);
}

/**
 * For handleError: the error page's content for a request that failed because the database is
 * away, or undefined for any other error.
 */
export function databaseAwayError(event: RequestEvent, error: unknown): App.Error | undefined {
	if (!isDatabaseUnreachable(error)) return undefined;
	logDatabaseAway(event, error);
	awayRequests.add(event.locals);
	return { message: databaseAwayMessage(event), unavailable: true };
}

/**
 * For the API's own error handling (api/endpoint.ts): its JSON answer when the database is away,
 * or undefined for any other error.
 */
export function databaseAwayApiResponse(event: RequestEvent, error: unknown): Response | undefined {
	if (!isDatabaseUnreachable(error)) return undefined;
	logDatabaseAway(event, error);
	return apiAnswer();
}

/** The API's own error shape, with the wait. */
function apiAnswer(): Response {
	return apiErrorResponse(503, `${AWAY}. Please try again in a minute.`, { 'Retry-After': String(DATABASE_AWAY_RETRY_SECONDS) });
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The answer to a request that failed in the hooks, before any page: JSON where the request expects it, else a plain page. */
function directAnswer(event: RequestEvent): Response {
	const message = databaseAwayMessage(event);
	if (event.url.pathname.startsWith('/api/')) return apiAnswer();
	const retry = { 'retry-after': String(DATABASE_AWAY_RETRY_SECONDS), 'cache-control': 'no-store' };
	const json = (body: unknown) =>
		new Response(JSON.stringify(body), { status: 503, headers: { ...retry, 'content-type': 'application/json' } });
	// The shapes Kit's own client reads: an enhanced form's result, and a page's data.
	if (event.request.headers.get('x-sveltekit-action') === 'true') return json({ type: 'error', error: { message, unavailable: true } });
	if (event.isDataRequest || /^application\/json/.test(event.request.headers.get('accept') ?? '')) return json({ message, unavailable: true });
	const page = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Please try again in a minute – Belonging</title></head>
<body><main><h1>Please try again in a minute</h1><p>${escapeHtml(message)}</p><p><a href="/">Go to the Belonging home page</a></p></main></body>
</html>`;
	return new Response(page, {
		status: 503,
		headers: { ...retry, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" }
	});
}

export const answerWhenDatabaseAway: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (error) {
		if (!isDatabaseUnreachable(error)) throw error;
		logDatabaseAway(event, error);
		return directAnswer(event);
	}
	if (response.status !== 500 || !awayRequests.has(event.locals)) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', String(DATABASE_AWAY_RETRY_SECONDS));
	headers.set('cache-control', 'no-store');
	return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
};
