/**
 * Belonging answers at one address, its ORIGIN (adapter-node gives every request that origin,
 * whatever address was typed). Forms are accepted only from its own pages there, which is what
 * stops another site posting a form in a signed-in person's name.
 *
 * Kit's own check answers a refused form with a bare "Cross-site POST form submissions are
 * forbidden" (or JSON a page cannot show), before any hook runs: someone who opened the site at
 * another of its addresses (http://127.0.0.1:3000 for http://localhost:3000) saw sign-in do
 * nothing. So the check is made here instead (svelte.config.js trusts every origin in Kit's), the
 * same check, answered in words with the address to use. In the demo, a page opened at another
 * address is sent to the configured one before any form is shown.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { originHost } from './origin';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The content types a plain HTML form (or another site's) can send without asking first: Kit's list. */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Kit's rule: a form-type post, put, patch or delete whose Origin header is not this site's origin. */
export function isCrossSiteForm(request: Request, url: URL): boolean {
	if (!UNSAFE_METHODS.has(request.method)) return false;
	const type = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
	return FORM_TYPES.includes(type) && request.headers.get('origin') !== url.origin;
}

/** The address the browser was at (its Host header), as an origin with this site's scheme; null without one. */
function openedAs(event: Pick<RequestEvent, 'request' | 'url'>): string | null {
	const host = event.request.headers.get('host')?.trim().toLowerCase();
	return host ? `${event.url.protocol}//${host}` : null;
}

/** What the person is told: the form was sent from another address of this site, or from another site. */
export function refusalMessage(event: Pick<RequestEvent, 'request' | 'url'>): string {
	const there = `${event.url.origin}${event.url.pathname}`;
	const opened = openedAs(event);
	const sentFrom = event.request.headers.get('origin');
	if (opened !== null && sentFrom === opened && opened !== event.url.origin) {
		return `This page was opened at ${opened}, but Belonging is set up at ${event.url.origin} and takes forms only from its pages there, so nothing was sent. Open ${there} and try again.`;
	}
	return `Belonging takes forms only from its own pages at ${event.url.origin}. This one came from somewhere else, so it was refused and nothing was changed. To use Belonging, open ${there}.`;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 403 in the form the request can show: an action result for an enhanced form (Kit's error page shows it), JSON, or a page. */
function refusal(event: RequestEvent): Response {
	const message = refusalMessage(event);
	const headers = { 'cache-control': 'no-store' };
	const json = (body: unknown) => new Response(JSON.stringify(body), { status: 403, headers: { ...headers, 'content-type': 'application/json' } });
	if (event.request.headers.get('x-sveltekit-action') === 'true') return json({ type: 'error', error: { message } });
	if (/^application\/json/.test(event.request.headers.get('accept') ?? '')) return json({ message });
	const there = `${event.url.origin}${event.url.pathname}`;
	const page = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Form refused – Belonging</title></head>
<body><main><h1>Form refused</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(there)}">Open ${escapeHtml(there)}</a></p></main></body>
</html>`;
	return new Response(page, {
		status: 403,
		headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" }
	});
}

export const refuseCrossSiteForms: Handle = async ({ event, resolve }) => {
	if (isCrossSiteForm(event.request, event.url)) return refusal(event);
	return resolve(event);
};

/**
 * In the demo, a page opened at another address than ORIGIN (127.0.0.1 for localhost) is sent
 * to the same page at ORIGIN, where its forms work. Outside the demo a proxy may pass on its own
 * Host, so pages are served as they are and only a form from elsewhere is refused.
 */
export const sendDemoToItsAddress: Handle = async ({ event, resolve }) => {
	const { method } = event.request;
	if (!event.locals.config.demo || (method !== 'GET' && method !== 'HEAD')) return resolve(event);
	const host = event.request.headers.get('host')?.trim().toLowerCase();
	if (!host || host === originHost(event.url.origin)) return resolve(event);
	// The request's own address is ORIGIN's with the path as asked (event.url drops a data request's suffix).
	return new Response(null, { status: 307, headers: { location: event.request.url, 'cache-control': 'no-store' } });
};
