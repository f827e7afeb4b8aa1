import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptedEncoding, compressResponses } from '../../src/lib/server/platform/compression';

const page = '<!doctype html><p>' + 'Belonging staff survey '.repeat(200) + '</p>';

async function respond(body: string | null, init: ResponseInit, request: RequestInit & { url?: string; carriesSecret?: boolean } = {}) {
	const event = { request: new Request(request.url ?? 'http://localhost/s/demo', request), locals: {} as App.Locals };
	// As a page's load or action does, while the answer is made.
	const resolve = async () => {
		if (request.carriesSecret) event.locals.carriesSecret = true;
		return new Response(body, init);
	};
	return (await compressResponses({ event, resolve } as never)) as Response;
}

describe('compressing what the server renders', () => {
	it('chooses brotli, then gzip, and honours q=0', () => {
		expect(acceptedEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(acceptedEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
		expect(acceptedEncoding('identity')).toBeNull();
		expect(acceptedEncoding(null)).toBeNull();
		expect(acceptedEncoding('*')).toBe('br');
		expect(acceptedEncoding('*, br;q=0, gzip;q=0')).toBeNull();
	});

	it('sends a page brotli-compressed, byte for byte the same once decompressed, varying by Accept-Encoding', async () => {
		const response = await respond(page, { headers: { 'content-type': 'text/html; charset=utf-8' } }, { headers: { 'accept-encoding': 'gzip, br' } });
		expect(response.headers.get('content-encoding')).toBe('br');
		expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
		const bytes = Buffer.from(await response.arrayBuffer());
		expect(bytes.length).toBeLessThan(page.length / 10);
		expect(brotliDecompressSync(bytes).toString()).toBe(page);
	});

	it('falls back to gzip, and keeps the status and every cookie', async () => {
		const headers = new Headers({ 'content-type': 'text/html' });
		headers.append('set-cookie', 'a=1; Path=/');
		headers.append('set-cookie', 'b=2; Path=/');
		const response = await respond(page, { status: 400, headers }, { headers: { 'accept-encoding': 'gzip' } });
		expect(response.status).toBe(400);
		expect(response.headers.get('content-encoding')).toBe('gzip');
		expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
		expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(page);
	});

	it('leaves alone what is small, already compressed, not text, a HEAD, or asked for without compression', async () => {
		const html = { 'content-type': 'text/html' };
		const br = { headers: { 'accept-encoding': 'br' } };
		expect((await respond('<p>short</p>', { headers: html }, br)).headers.get('content-encoding')).toBeNull();
		expect((await respond(page, { headers: { 'content-type': 'image/png' } }, br)).headers.get('content-encoding')).toBeNull();
		expect((await respond(page, { headers: { ...html, 'content-encoding': 'gzip' } }, br)).headers.get('content-encoding')).toBe('gzip');
		expect((await respond(page, { headers: html }, { method: 'HEAD', ...br })).headers.get('content-encoding')).toBeNull();
		expect((await respond(page, { headers: html })).headers.get('content-encoding')).toBeNull();
		expect((await respond(null, { status: 204 }, br)).status).toBe(204);
	});

	it('never compresses an answer marked as carrying a secret, whatever the browser accepts (issue 24, item 11)', async () => {
		const html = { 'content-type': 'text/html; charset=utf-8' };
		for (const accepted of ['br', 'gzip', 'gzip, deflate, br, zstd', '*']) {
			const response = await respond(page, { headers: html }, { headers: { 'accept-encoding': accepted }, carriesSecret: true });
			expect(response.headers.get('content-encoding'), accepted).toBeNull();
			expect(await response.text()).toBe(page);
		}
		// An enhanced form's JSON answer (recovery codes, a new API token) likewise.
		const json = await respond(JSON.stringify({ type: 'success', data: page }), { headers: { 'content-type': 'application/json' } }, { headers: { 'accept-encoding': 'br' }, carriesSecret: true });
		expect(json.headers.get('content-encoding')).toBeNull();
		// The same page unmarked is compressed.
		expect((await respond(page, { headers: html }, { headers: { 'accept-encoding': 'br' } })).headers.get('content-encoding')).toBe('br');
	});
});
