import type { RequestHandler } from './$types';
import { apiErrorResponse } from '$lib/server/api/json';
import { apiReadOnly } from '$lib/server/api/endpoint';
import { openApiText } from '$lib/server/api/openapi';
import { log, requestFields } from '$lib/server/platform/logging';

/**
 * The OpenAPI 3.1 document of /api/v1, without a token: it describes the API and holds none of
 * its data. It is built once per process from code and the configured ORIGIN (never from the
 * request) and touches no database, so it is served from memory with an ETag rather than
 * counted against a rate limit (whose count lives in the database and is kept per token).
 * A client that has it answers 304 from the ETag; a cache may keep it for ten minutes.
 */
export const GET: RequestHandler = (event) => {
	const { request, locals } = event;
	try {
		const { text, etag } = openApiText(locals.config.origin);
		const headers = { ETag: etag, 'Cache-Control': 'public, max-age=600' };
		if (request.headers.get('if-none-match')?.split(/\s*,\s*/).includes(etag)) return new Response(null, { status: 304, headers });
		return new Response(text, { headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' } });
	} catch (thrown) {
		log.error({ ...requestFields(event), err: thrown }, 'The OpenAPI document could not be built');
		return apiErrorResponse(500, 'Something went wrong on our side. Please try again.');
	}
};

export const fallback = apiReadOnly;
