/**
 * Issue 30, items 8 and 11: the one ORIGIN fallback, Kit's cross-site form rule as the hooks now
 * apply it, the words a refused form gets, and the demo's redirect to its configured address.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { originHost, originOrLocal } from '../../src/lib/server/platform/origin';
import { isCrossSiteForm, refusalMessage, refuseCrossSiteForms, sendDemoToItsAddress } from '../../src/lib/server/platform/own-address';

const ORIGIN = 'http://localhost:3000';
const FORM = 'application/x-www-form-urlencoded';

function request(method: string, headers: Record<string, string>, path = '/sign-in'): Request {
	return new Request(`${ORIGIN}${path}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: 'a=1' }) });
}

/** A request as adapter-node makes it with ORIGIN set: the URL at ORIGIN, the headers as the browser sent them. */
function event(req: Request, demo = false): RequestEvent {
	return { request: req, url: new URL(req.url), locals: { config: { demo } } } as unknown as RequestEvent;
}

const passed = new Response('page');
const resolve = async () => passed;

describe('the ORIGIN fallback', () => {
	it.each([
		[{}, 'http://localhost:3000'],
		[{ PORT: '3917' }, 'http://localhost:3917'],
		[{ PORT: ' 3917 ', ORIGIN: '' }, 'http://localhost:3917'],
		[{ PORT: '3917', ORIGIN: 'https://belonging.example.org' }, 'https://belonging.example.org']
	])('%j gives %s', (env, expected) => {
		expect(originOrLocal(env)).toBe(expected);
	});

	it('compares hosts as a browser sends them', () => {
		expect(originHost('http://LocalHost:80')).toBe('localhost');
		expect(originHost('http://127.0.0.1:3000')).toBe('127.0.0.1:3000');
	});
});

describe('a form from another origin (Kit’s rule)', () => {
	it.each([
		['POST', FORM, 'http://127.0.0.1:3000', true],
		['POST', 'multipart/form-data; boundary=x', 'https://evil.example', true],
		['DELETE', 'TEXT/PLAIN;charset=utf-8', 'https://evil.example', true],
		['POST', FORM, null, true],
		['POST', FORM, ORIGIN, false],
		['POST', 'application/json', 'https://evil.example', false],
		['GET', FORM, 'https://evil.example', false]
	])('%s %s from %s is refused: %s', (method, type, origin, refused) => {
		const headers: Record<string, string> = { 'content-type': type };
		if (origin) headers.origin = origin;
		const req = request(method, headers);
		expect(isCrossSiteForm(req, new URL(req.url))).toBe(refused);
	});

	it('tells someone who opened another address of this site which address to use', () => {
		const req = request('POST', { 'content-type': FORM, origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' });
		expect(refusalMessage(event(req))).toBe(
			'This page was opened at http://127.0.0.1:3000, but Belonging is set up at http://localhost:3000 and takes forms only from its pages there, so nothing was sent. Open http://localhost:3000/sign-in and try again.'
		);
	});

	it('tells another site’s form only that it was refused, without repeating where it came from', () => {
		const req = request('POST', { 'content-type': FORM, origin: 'https://evil.example', host: 'localhost:3000' });
		expect(refusalMessage(event(req))).toBe(
			'Belonging takes forms only from its own pages at http://localhost:3000. This one came from somewhere else, so it was refused and nothing was changed. To use Belonging, open http://localhost:3000/sign-in.'
		);
	});

	it('answers an enhanced form with an error result the page shows, and a plain form with a page', async () => {
		const headers = { 'content-type': FORM, origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' };
		const enhanced = await refuseCrossSiteForms({ event: event(request('POST', { ...headers, 'x-sveltekit-action': 'true', accept: 'application/json' })), resolve });
		expect(enhanced.status).toBe(403);
		expect(await enhanced.json()).toEqual({ type: 'error', error: { message: expect.stringContaining('Open http://localhost:3000/sign-in') } });

		const plain = await refuseCrossSiteForms({ event: event(request('POST', { ...headers, accept: 'text/html' })), resolve });
		expect(plain.status).toBe(403);
		expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(await plain.text()).toContain('<a href="http://localhost:3000/sign-in">Open http://localhost:3000/sign-in</a>');

		const same = await refuseCrossSiteForms({ event: event(request('POST', { 'content-type': FORM, origin: ORIGIN })), resolve });
		expect(same).toBe(passed);
	});
});

describe('the demo opened at another address', () => {
	it('is sent to the same page and query at ORIGIN', async () => {
		const answer = await sendDemoToItsAddress({ event: event(request('GET', { host: '127.0.0.1:3000' }, '/rounds?page=2'), true), resolve });
		expect(answer.status).toBe(307);
		expect(answer.headers.get('location')).toBe('http://localhost:3000/rounds?page=2');
	});

	it('is served as it is at ORIGIN, outside the demo, and for anything but a page', async () => {
		expect(await sendDemoToItsAddress({ event: event(request('GET', { host: 'localhost:3000' }), true), resolve })).toBe(passed);
		expect(await sendDemoToItsAddress({ event: event(request('GET', { host: '127.0.0.1:3000' }), false), resolve })).toBe(passed);
		expect(await sendDemoToItsAddress({ event: event(request('POST', { host: '127.0.0.1:3000' }), true), resolve })).toBe(passed);
	});
});
