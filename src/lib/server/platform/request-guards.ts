/**
 * Request-level guards that no single route can give: the security headers, answers Kit would
 * otherwise turn into a 500, and statuses it would otherwise leave at 200.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';

/**
 * The action a form post names (`?/close`), or undefined for the default action. Kit takes the
 * first query key that starts with a slash.
 */
function actionName(url: URL): string | undefined {
	for (const key of url.searchParams.keys()) if (key.startsWith('/')) return key.slice(1);
	return undefined;
}

/**
 * `?/default` is reserved, and Kit throws a plain Error for it (a 500 with a stack trace);
 * `?/constructor`, `?/toString` and friends would reach Object.prototype's functions instead of
 * an action. No page has an action with such a name, so each is answered as an unknown action.
 */
function isForbiddenActionName(name: string): boolean {
	return name === 'default' || name === '__proto__' || name in Object.prototype;
}

export const refuseReservedActions: Handle = async ({ event, resolve }) => {
	const name = event.request.method === 'POST' ? actionName(event.url) : undefined;
	if (name !== undefined && isForbiddenActionName(name)) {
		return new Response(JSON.stringify({ type: 'error', error: { message: 'This page has no such form.' } }), {
			status: 404,
			headers: { 'content-type': 'application/json' }
		});
	}
	return resolve(event);
};

interface DataNode {
	type?: string;
	status?: number;
	error?: unknown;
}

/**
 * A page's data (`…/__data.json`) whose load refused with 403 or 404 still comes back as 200
 * with an error node inside; the page itself answers with the error's status. Give the data
 * request the same status, with the error as its body, which is the form Kit's client reads
 * from a failed data request.
 */
export const dataRequestStatus: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.isDataRequest || response.status !== 200) return response;
	if (!response.headers.get('content-type')?.startsWith('application/json')) return response;
	const body = await response.text();
	let parsed: { type?: string; nodes?: (DataNode | null)[] };
	try {
		parsed = JSON.parse(body);
	} catch {
		return new Response(body, response);
	}
	const failed = parsed.type === 'data' ? parsed.nodes?.find((node) => node?.type === 'error') : undefined;
	if (!failed) return new Response(body, response);
	const headers = new Headers(response.headers);
	headers.delete('content-length');
	return new Response(JSON.stringify(failed.error ?? { message: 'Error' }), { status: failed.status ?? 500, headers });
};

/** The survey a respondent answers, and the thanks after it, when no one is signed in: public, and no one's data. */
const isRespondentPage = (event: RequestEvent) =>
	(event.route.id === '/s/[token]' || event.route.id === '/s/[token]/thanks') && !event.locals.user;

/** Headers the CSP in svelte.config.js does not cover. */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	// Survey, invitation and reset links carry their token in the path: never pass it to
	// another site. Not 'no-referrer': with that, Chromium sends `Origin: null` on form posts and
	// Kit's CSRF check then refuses every form submitted without JavaScript.
	headers.set('Referrer-Policy', 'same-origin');
	headers.set('X-Frame-Options', 'DENY');
	// Cutting a page off from the window that opened it makes the browser give it a process of its
	// own. A respondent's survey has nothing for such a window to reach: it shows no one's data,
	// and its single-use key is what anyone with the link gets. There the fresh process is only
	// cost, the longest task of the whole visit on a phone, so survey pages go without it.
	if (!isRespondentPage(event)) headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
	// Kit's CSP covers pages; endpoints (health check, CSV downloads) get the strictest policy.
	if (!headers.has('Content-Security-Policy') && !headers.get('Content-Type')?.startsWith('text/html')) {
		headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
	}
	if (event.locals.config?.secureCookies) headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	// Signed-in pages are personal: no shared cache may keep them.
	if (event.locals.user && !headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
	return response;
};
