/**
 * The API's rate limit: a fixed window per token, kept in the database so that every app
 * instance counts against the same allowance. One statement counts a request and checks the
 * limit together (an upsert that only writes while under the limit, or when the window has
 * ended), so concurrent requests on any instances cannot pass the limit between them.
 */
import type { DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';

/** Requests each token may make per window: ample for a report refresh, small enough to protect the server. */
export const API_RATE_LIMIT = 60;
export const API_RATE_WINDOW_MS = 60_000;

export interface RateLimit {
	limit: number;
	windowMs: number;
}

const API_LIMIT: RateLimit = { limit: API_RATE_LIMIT, windowMs: API_RATE_WINDOW_MS };

/** A fresh window when the last one has ended, else one more request while under the limit. */
const countRequest = preparedQuery<'tokenId' | 'now' | 'endedBefore' | 'limit', { requests: number }>((db, slot) =>
	db
		.insertInto('api_rate_window')
		.values({ token_id: slot('tokenId'), started_ms: slot('now'), requests: 1 })
		.onConflict((oc) =>
			oc
				.column('token_id')
				.doUpdateSet((eb) => ({
					started_ms: eb.case().when('api_rate_window.started_ms', '<=', slot('endedBefore')).then(eb.ref('excluded.started_ms')).else(eb.ref('api_rate_window.started_ms')).end(),
					requests: eb.case().when('api_rate_window.started_ms', '<=', slot('endedBefore')).then(1).else(eb('api_rate_window.requests', '+', 1)).end()
				}))
				.where((eb) => eb.or([eb('api_rate_window.started_ms', '<=', slot('endedBefore')), eb('api_rate_window.requests', '<', slot('limit'))]))
		)
		.returning('requests')
);

/**
 * Counts one request with the token; the seconds to wait when its window is used up, else
 * undefined. A window lasts `windowMs` from its first request.
 */
export async function takeApiRequest(db: DbOrTx, tokenId: number, now: Date = new Date(), { limit, windowMs }: RateLimit = API_LIMIT): Promise<number | undefined> {
	const at = now.getTime();
	const counted = await countRequest.execute(db, { tokenId, now: at, endedBefore: at - windowMs, limit });
	if (counted.rows.length > 0) return undefined;
	const window = await db.selectFrom('api_rate_window').select('started_ms').where('token_id', '=', tokenId).executeTakeFirst();
	// The window ended between the two statements: the next request starts a new one.
	return Math.max(1, Math.ceil(((window?.started_ms ?? at) + windowMs - at) / 1000));
}
