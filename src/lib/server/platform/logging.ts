/**
 * The server's log: JSON lines on standard output (pino), for a log collector to read, and one
 * line for each request the app answers (`logRequests`).
 *
 * What a line may say, and what it never says. A request's line names its method, its route as
 * the router knows it (`/s/[token]`, never the path that was asked for: a survey link's token is
 * in the path, a reset link's in the query), its status, how long it took and its request id; it
 * never holds the path or query, a header (cookies, keys, the client's address), or anything from
 * a body (answers, codes, passwords). Other lines carry a sentence and, for a failure, the error's
 * type, message, code and stack only: never the extra fields a driver adds (PostgreSQL's `detail`
 * quotes the values of the row it refused). One exception, by design: without SMTP_URL the
 * console mailer prints each mail whole, links and address included, since that is where mail goes.
 */
import { randomUUID } from 'node:crypto';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import pino, { type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where lines go: standard output, whose writes Node makes synchronous for files and pipes on Linux, so nothing waits in memory at exit. */
let destination: { write(line: string): unknown } = process.stdout;

/** The error fields a line may carry: enough to find the fault, nothing a driver copied from the data. */
export function describeError(error: unknown, depth = 0): Record<string, unknown> | string {
	if (!(error instanceof Error)) return typeof error === 'string' ? error : Object.prototype.toString.call(error);
	const code = (error as { code?: unknown }).code;
	const cause = (error as { cause?: unknown }).cause;
	return {
		type: error.name,
		message: error.message,
		...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
		...(error.stack ? { stack: error.stack } : {}),
		...(cause !== undefined && depth < 3 ? { cause: describeError(cause, depth + 1) } : {})
	};
}

/** Starts at LOG_LEVEL from the environment, if it names a level, until the server's configuration sets it (`setLogLevel`). */
function initialLevel(): LogLevel {
	const named = process.env.LOG_LEVEL?.trim().toLowerCase();
	return (LOG_LEVELS as readonly string[]).includes(named ?? '') ? (named as LogLevel) : 'info';
}

export const log: Logger = pino(
	{
		level: initialLevel(),
		timestamp: pino.stdTimeFunctions.isoTime,
		// "level":"info" rather than pino's 30: readable without a lookup table.
		formatters: { level: (label) => ({ level: label }) },
		serializers: { err: (error: unknown) => describeError(error) }
	},
	{ write: (line: string) => destination.write(line) }
);

export function setLogLevel(level: LogLevel): void {
	log.level = level;
}

/**
 * Sends the log elsewhere (and at `level`) until the returned function puts it back: for tests,
 * which read the lines a piece of code writes.
 */
export function logTo(stream: { write(line: string): unknown }, level: LogLevel = 'trace'): () => void {
	const before = { destination, level: log.level };
	destination = stream;
	log.level = level;
	return () => {
		destination = before.destination;
		log.level = before.level;
	};
}

/** Writes out anything pino still holds, then resolves: before the process exits. */
export function flushLog(): Promise<void> {
	return new Promise((resolve) => log.flush(() => resolve()));
}

export const REQUEST_ID_HEADER = 'x-request-id';
/** An id a proxy in front already gave the request is kept if it looks like one; anything else could forge lines. */
const INCOMING_REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/** The request's id: the one a proxy sent, when it is plainly an id, else a new one. */
export function requestIdOf(request: Request): string {
	const incoming = request.headers.get(REQUEST_ID_HEADER);
	return incoming !== null && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** What one request came to, as its log line and the request metrics (metrics.ts) have it. */
export interface AnsweredRequest {
	requestId: string;
	method: string;
	/** The route's id (`/s/[token]`), or null when no route matched. */
	route: string | null;
	status: number;
	/** From the first handle to the answer's head being ready (a streamed body may go on after). */
	durationMs: number;
}

/** The request's id and what is known of it, for a line logged on its behalf (an error, a refusal). */
export function requestFields(event: Pick<RequestEvent, 'request' | 'route' | 'locals'>): { requestId?: string; method: string; route: string | null } {
	return { requestId: event.locals.requestId, method: event.request.method, route: event.route.id };
}

function withRequestId(response: Response, id: string): Response {
	try {
		response.headers.set(REQUEST_ID_HEADER, id);
		return response;
	} catch {
		// A response with immutable headers (one made by fetch or Response.redirect): copy it.
		const copy = new Response(response.body, response);
		copy.headers.set(REQUEST_ID_HEADER, id);
		return copy;
	}
}

/**
 * The first handle: gives the request its id (`locals.requestId`, and the X-Request-Id header of
 * the answer), times everything after it, and logs one line when the answer is ready; `answered`
 * hears of it too (the request metrics). A handle that throws is answered 500 by Kit after this,
 * so that is the status logged.
 */
export function logRequests(answered?: (request: AnsweredRequest) => void): Handle {
	return async ({ event, resolve }) => {
		const started = performance.now();
		const requestId = requestIdOf(event.request);
		event.locals.requestId = requestId;
		let status = 500;
		try {
			const response = await resolve(event);
			status = response.status;
			return withRequestId(response, requestId);
		} finally {
			const line: AnsweredRequest = {
				requestId,
				method: event.request.method,
				route: event.route.id,
				status,
				durationMs: Math.round((performance.now() - started) * 100) / 100
			};
			if (status >= 500) log.error(line, 'request');
			else log.info(line, 'request');
			try {
				answered?.(line);
			} catch (error) {
				log.error({ requestId, err: error }, 'Counting a request failed');
			}
		}
	};
}
