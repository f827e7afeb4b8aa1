/**
 * The request-level guards in hooks: reserved action names, the status of a refused page's
 * data, and the security headers (issue 12, items 7 and 13).
 */
import type { Handle } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { dataRequestStatus, refuseReservedActions, securityHeaders } from '../../src/lib/server/platform/request-guards';

function run(
	handle: Handle,
	options: { url: string; method?: string; isDataRequest?: boolean; secure?: boolean; routeId?: string; signedIn?: boolean },
	answer: () => Response
) {
	let resolved = false;
	const event = {
		url: new URL(options.url),
		route: { id: options.routeId ?? null },
		request: new Request(options.url, { method: options.method ?? 'GET' }),
		isDataRequest: options.isDataRequest ?? false,
		locals: { config: { secureCookies: options.secure ?? false }, user: options.signedIn ? { id: 1 } : null }
	};
	return Promise.resolve(
		handle({
			event: event as never,
			resolve: async () => {
				resolved = true;
				return answer();
			}
		})
	).then((response) => ({ response, resolved }));
}

const page = () => new Response('<p>page</p>', { headers: { 'content-type': 'text/html' } });

describe('reserved action names', () => {
	it.each(['default', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
		'answers a post to ?/%s with 404, before any route runs',
		async (name) => {
			const { response, resolved } = await run(refuseReservedActions, { url: `http://localhost/sign-in?/${name}`, method: 'POST' }, page);
			expect(response.status).toBe(404);
			expect(resolved).toBe(false);
		}
	);

	it('lets real action names, the default action and plain reads through', async () => {
		for (const [url, method] of [
			['http://localhost/rounds/1?/close', 'POST'],
			['http://localhost/sign-in', 'POST'],
			['http://localhost/sign-in?next=/x', 'POST'],
			['http://localhost/sign-in?/default', 'GET']
		] as const) {
			const { resolved } = await run(refuseReservedActions, { url, method }, page);
			expect(resolved, url).toBe(true);
		}
	});
});

describe('the status of page data', () => {
	const data = (nodes: unknown[]) => () =>
		new Response(JSON.stringify({ type: 'data', nodes }), { headers: { 'content-type': 'application/json' } });

	it('answers 404 when a load refused with 404, with the error as the body Kit’s client reads', async () => {
		const { response } = await run(
			dataRequestStatus,
			{ url: 'http://localhost/practices/9/__data.json', isDataRequest: true },
			data([{ type: 'data', data: {} }, { type: 'error', error: { message: 'We could not find that practice.' }, status: 404 }])
		);
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ message: 'We could not find that practice.' });
	});

	it('answers 403 for a page the role never uses, and 500 for an error without a status', async () => {
		const forbidden = await run(dataRequestStatus, { url: 'http://localhost/admin/__data.json', isDataRequest: true }, data([{ type: 'error', error: { message: 'No' }, status: 403 }]));
		expect(forbidden.response.status).toBe(403);
		const broken = await run(dataRequestStatus, { url: 'http://localhost/x/__data.json', isDataRequest: true }, data([{ type: 'error', error: { message: 'Oops' } }]));
		expect(broken.response.status).toBe(500);
	});

	it('leaves good data, redirects and ordinary pages as they were', async () => {
		const good = await run(dataRequestStatus, { url: 'http://localhost/__data.json', isDataRequest: true }, data([{ type: 'data', data: { a: 1 } }, null]));
		expect(good.response.status).toBe(200);
		expect(await good.response.json()).toEqual({ type: 'data', nodes: [{ type: 'data', data: { a: 1 } }, null] });
		const redirect = await run(dataRequestStatus, { url: 'http://localhost/__data.json', isDataRequest: true }, () =>
			new Response(JSON.stringify({ type: 'redirect', location: '/sign-in' }), { headers: { 'content-type': 'application/json' } })
		);
		expect(redirect.response.status).toBe(200);
		const html = await run(dataRequestStatus, { url: 'http://localhost/practices/9' }, page);
		expect(await html.response.text()).toBe('<p>page</p>');
	});
});

describe('security headers', () => {
	it('sends HSTS with includeSubDomains when the site is served over https, and none over http', async () => {
		const secure = await run(securityHeaders, { url: 'https://belonging.example.nhs.uk/', secure: true }, page);
		expect(secure.response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
		const plain = await run(securityHeaders, { url: 'http://localhost/' }, page);
		expect(plain.response.headers.get('strict-transport-security')).toBeNull();
		expect(plain.response.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it("cuts every page off from the window that opened it but a respondent's survey and its thanks", async () => {
		const opener = async (routeId: string, signedIn = false) =>
			(await run(securityHeaders, { url: 'http://localhost/x', routeId, signedIn }, page)).response.headers.get('cross-origin-opener-policy');
		expect(await opener('/s/[token]')).toBeNull();
		expect(await opener('/s/[token]/thanks')).toBeNull();
		expect(await opener('/s/[token]', true)).toBe('same-origin');
		expect(await opener('/(app)/practices/[practiceId]')).toBe('same-origin');
		expect(await opener('/sign-in')).toBe('same-origin');
	});
});
