/**
 * The API's answers as they go on the wire: JSON that no cache keeps, and one error shape,
 * `{ "error": { "status": 404, "message": "…" } }`, whoever refuses (an endpoint, SvelteKit, or
 * the database-away handle before any endpoint runs).
 */
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/** A JSON response no browser or proxy keeps: the figures belong to the person who asked. */
export function apiJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(data), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function apiErrorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
	return apiJson({ error: { status, message } }, status, headers);
}
