/**
 * Whether an error says the database cannot be reached or used just now (it is down, restarting,
 * refusing connections, or locked for longer than the busy timeout), rather than that a query
 * was wrong: the one place that knows how each engine and its driver say so. Such a failure is
 * nobody's mistake and passes by itself, so the app answers it with 503 and a calm page
 * (platform/database-away.ts) instead of a 500 and a stack trace.
 */

/** Node's socket errors on the way to PostgreSQL. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * PostgreSQL's SQLSTATEs for a server that is going away or will not take this connection:
 * admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, and a database that
 * is gone (renamed or dropped under the app). Class 08, connection exceptions, is matched whole.
 */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);

/** What pg and pg-pool say, without a code, when a connection ends or cannot be had in time. */
const POSTGRES_MESSAGES = [
	/^Connection terminated/,
	/^timeout exceeded when trying to connect/,
	/^Client has encountered a connection error and is not queryable/,
	/^Client was closed and is not queryable/,
	/is not currently accepting connections/
];

/** SQLite's busy (after the 5 s busy timeout), locked, cannot-open and I/O errors, with their extended codes. */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR)(_|$)/;

function saysUnreachable(error: { code?: unknown; message?: unknown }): boolean {
	const code = typeof error.code === 'string' ? error.code : '';
	const message = typeof error.message === 'string' ? error.message : '';
	return (
		NETWORK_CODES.has(code) ||
		POSTGRES_CODES.has(code) ||
		/^08[0-9A-Z]{3}$/.test(code) ||
		SQLITE_CODES.test(code) ||
		POSTGRES_MESSAGES.some((pattern) => pattern.test(message))
	);
}

export function isDatabaseUnreachable(error: unknown): boolean {
	// Node wraps a refused connection to a name with several addresses in an AggregateError, and
	// some layers pass the driver's error on as a cause.
	const seen = new Set<unknown>();
	const pending = [error];
	while (pending.length > 0) {
		const next = pending.pop();
		if (typeof next !== 'object' || next === null || seen.has(next)) continue;
		seen.add(next);
		if (saysUnreachable(next as { code?: unknown; message?: unknown })) return true;
		const { cause, errors } = next as { cause?: unknown; errors?: unknown };
		pending.push(cause);
		if (Array.isArray(errors)) pending.push(...errors);
	}
	return false;
}

/** A short name for the failure, for the one log line: the code, else the driver's message. */
export function unreachableReason(error: unknown): string {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	const text = typeof message === 'string' && message !== '' ? message.split('\n')[0]! : 'no message';
	return typeof code === 'string' && code !== '' ? `${code}: ${text}` : text;
}
