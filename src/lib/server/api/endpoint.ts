/**
 * The read-only JSON API under /api/v1, for analysts pulling figures into Power BI or Excel.
 *
 * Every endpoint is written as `export const GET = apiEndpoint(async (event, caller) => data)`
 * with `export const fallback = apiReadOnly` beside it:
 * the wrapper authenticates the bearer token (session cookies never count here, so a page a
 * person has open cannot be turned into API calls), applies the rate limit, turns the returned
 * data into JSON that no cache keeps, and turns every refusal into the same JSON error shape,
 * `{ "error": { "status": 404, "message": "…" } }`, whether it came from `apiFail` or from
 * SvelteKit's `error()`.
 */
import { isHttpError, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { authenticateApiToken, type ApiCaller } from './tokens';
import { API_RATE_LIMIT, takeApiRequest } from './rate-limit';
import type { Role } from '../identity';
import { databaseAwayApiResponse } from '../platform/database-away';
import { log, requestFields } from '../platform/logging';
import { parseId } from '../platform/ids';
import { apiErrorResponse, apiJson } from './json';

export type { ApiCaller };

/** A refusal an endpoint throws; `apiEndpoint` sends it as a JSON error. */
export class ApiError extends Error {
	name = 'ApiError';
	constructor(
		readonly status: number,
		message: string,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

export function apiFail(status: number, message: string, headers: Record<string, string> = {}): never {
	throw new ApiError(status, message, headers);
}

/** RFC 6750: tell the client which scheme to use, and whether the token it sent was the problem. */
const challenge = (invalid: boolean) => ({
	'WWW-Authenticate': invalid ? 'Bearer realm="Belonging", error="invalid_token"' : 'Bearer realm="Belonging"'
});

/**
 * The caller of an API request: a valid personal token in `Authorization: Bearer …`, within its
 * rate limit. Throws an ApiError (401 or 429) otherwise.
 */
export async function guardApi(event: Pick<RequestEvent, 'request' | 'locals'>, now: Date = new Date()): Promise<ApiCaller> {
	const header = event.request.headers.get('authorization');
	if (!header) {
		apiFail(401, 'Send a personal API token in the Authorization header: “Authorization: Bearer blg_…”.', challenge(false));
	}
	const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
	const caller = token ? await authenticateApiToken(event.locals.db, token, now) : null;
	if (!caller) {
		apiFail(401, 'That API token is not valid. It may have been revoked, or its account switched off.', challenge(true));
	}
	const wait = await takeApiRequest(event.locals.db, caller.tokenId, now);
	if (wait !== undefined) {
		apiFail(429, `Too many requests with this token: the limit is ${API_RATE_LIMIT} a minute. Try again in ${wait} seconds.`, {
			'Retry-After': String(wait)
		});
	}
	return caller;
}

/** Refuses (403) a caller whose role the endpoint is not for. */
export function requireApiRole(caller: ApiCaller, roles: readonly Role[]): void {
	if (!roles.includes(caller.user.role)) apiFail(403, 'Your role does not give you access to this data.');
}

/** A practice id from the path that the caller may see; anything else is "not there" (404). */
export function practiceInScope(caller: ApiCaller, param: string | undefined): number {
	const id = parseId(param);
	if (id === undefined || !caller.user.practiceIds.includes(id)) apiFail(404, 'We could not find that practice.');
	return id;
}

/** A PCN id from the path that the caller leads or oversees (an ICB lead); anything else is "not there" (404). */
export function pcnInScope(caller: ApiCaller, param: string | undefined): number {
	const id = parseId(param);
	if (id === undefined || !caller.user.pcnIds.includes(id)) apiFail(404, 'We could not find that PCN.');
	return id;
}

/** An ICB id from the path that the caller oversees; anything else is "not there" (404). */
export function icbInScope(caller: ApiCaller, param: string | undefined): number {
	const id = parseId(param);
	if (id === undefined || !caller.user.icbIds.includes(id)) apiFail(404, 'We could not find that ICB.');
	return id;
}

/**
 * Every other method of an API route (`export const fallback = apiReadOnly`): the API only reads,
 * and says so in JSON like every other answer.
 */
export const apiReadOnly: RequestHandler = () =>
	apiErrorResponse(405, 'This API only reads data: use GET.', { Allow: 'GET, HEAD' });

export type ApiHandler = (event: RequestEvent, caller: ApiCaller) => Promise<unknown> | unknown;

/** Wraps an endpoint: authentication, rate limit, JSON out, JSON errors. See the top of this file. */
export function apiEndpoint(handler: ApiHandler): RequestHandler {
	return async (event) => {
		try {
			const caller = await guardApi(event);
			const data = await handler(event, caller);
			return data instanceof Response ? data : apiJson(data);
		} catch (thrown) {
			if (thrown instanceof ApiError) return apiErrorResponse(thrown.status, thrown.message, thrown.headers);
			if (isHttpError(thrown)) return apiErrorResponse(thrown.status, thrown.body.message);
			const away = databaseAwayApiResponse(event, thrown);
			if (away) return away;
			log.error({ ...requestFields(event), err: thrown }, 'Unexpected error in the API');
			return apiErrorResponse(500, 'Something went wrong on our side. Please try again.');
		}
	};
}
