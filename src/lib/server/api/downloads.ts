/**
 * Downloads (the CSV exports, and any other format the same routes serve) for a personal API
 * token as well as for a signed-in browser, so a scheduled refresh of a Power BI or Excel report
 * can fetch them with the token it uses for the API (issue 30).
 *
 * Every download route is written `export const GET = downloadRoute(async (event) => …)`. Without
 * an `Authorization` header the route runs exactly as before, on the session cookie. With one,
 * the token is checked exactly as the API checks it (guardApi: the same token rules, the same
 * per-token rate limit counted in the same window as API calls, 401 with WWW-Authenticate, 429
 * with Retry-After), and the cookie is then never used, even when valid: the request acts as the
 * token's owner, so the route's own guard (guard, guardRound, …) applies the very role and scope
 * checks it applies to that person signed in. Refusals are then sent in the API's JSON shape.
 *
 * Only routes wrapped here read the header: a token is not a session, and every other page still
 * answers a request without one by sending it to sign in. The wrapper exists (rather than a guard
 * the route calls) because a refusal by token must carry headers that SvelteKit's error() cannot.
 */
import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import type { SignedInUser } from '../identity';
import { databaseAwayApiResponse } from '../platform/database-away';
import { recordAudit, type AuditEntry } from '../platform/audit';
import { ApiError, guardApi } from './endpoint';
import { apiErrorResponse } from './json';

export function downloadRoute<E extends RequestEvent>(handler: (event: E) => Promise<Response>): (event: E) => Promise<Response> {
	return async (event) => {
		if (!event.request.headers.has('authorization')) return handler(event);
		try {
			const caller = await guardApi(event);
			// For this request only: the route's guards read the person from here.
			event.locals.user = caller.user;
			event.locals.sessionId = null;
			event.locals.apiToken = { id: caller.tokenId, name: caller.tokenName };
			return await handler(event);
		} catch (thrown) {
			if (thrown instanceof ApiError) return apiErrorResponse(thrown.status, thrown.message, thrown.headers);
			if (isHttpError(thrown)) return apiErrorResponse(thrown.status, thrown.body.message);
			const away = databaseAwayApiResponse(event, thrown);
			if (away) return away;
			throw thrown;
		}
	};
}

/** The audit entry of a download, naming the token when one was used (as API reads do). */
export async function recordDownload(event: Pick<RequestEvent, 'locals'>, user: SignedInUser, entry: AuditEntry): Promise<void> {
	const token = event.locals.apiToken;
	const summary = token ? `${entry.summary} with the API token “${token.name}”` : entry.summary;
	await recordAudit(event.locals.db, user, { ...entry, summary });
}
