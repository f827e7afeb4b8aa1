/**
 * Compresses what the server itself renders (pages, page data, JSON, CSV, SVG) for a browser
 * that accepts it: brotli, else gzip, so `npm start` sends small pages without a proxy in front.
 * Static files are compressed once at build time (adapter-node's precompress) and sent as they are.
 *
 * An answer that shows a secret is never compressed: a page or action that shows one sets
 * `locals.carriesSecret`. Compressed, such a page would leak its secret to anyone who can make
 * the browser send it many times while choosing part of the page (a query parameter echoed back)
 * and watch its length (BREACH). Those pages are small; sending them whole costs nothing.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Handle } from '@sveltejs/kit';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;
/** Below this, the headers cost more than compression saves. */
export const MIN_COMPRESSED_BYTES = 1024;

/** Whether the request accepts an encoding (`q=0` refuses one, `*` stands for any not named). */
export function acceptsEncoding(header: string | null, encoding: 'br' | 'gzip'): boolean {
	const accepted = new Map<string, number>();
	for (const part of (header ?? '').toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
		if (name) accepted.set(name.trim(), q === undefined ? 1 : Number(q));
	}
	return (accepted.get(encoding) ?? accepted.get('*') ?? 0) > 0;
}

/** The best encoding the request accepts, or null for none. */
export function acceptedEncoding(header: string | null): 'br' | 'gzip' | null {
	if (acceptsEncoding(header, 'br')) return 'br';
	if (acceptsEncoding(header, 'gzip')) return 'gzip';
	return null;
}

export async function compress(bytes: Uint8Array, encoding: 'br' | 'gzip'): Promise<Buffer> {
	// Quality 5 is within a few per cent of the best for pages like ours, at a fraction of the time.
	return encoding === 'br'
		? brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } })
		: gzipped(bytes, { level: 6 });
}

export const compressResponses: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const encoding = acceptedEncoding(event.request.headers.get('accept-encoding'));
	const type = response.headers.get('content-type') ?? '';
	if (
		!encoding ||
		!response.body ||
		event.locals.carriesSecret ||
		event.request.method === 'HEAD' ||
		response.headers.has('content-encoding') ||
		/no-transform/.test(response.headers.get('cache-control') ?? '') ||
		!COMPRESSIBLE.test(type)
	) {
		return response;
	}
	const body = new Uint8Array(await response.arrayBuffer());
	const headers = new Headers(response.headers);
	headers.append('vary', 'Accept-Encoding');
	if (body.byteLength < MIN_COMPRESSED_BYTES) return new Response(body, { status: response.status, statusText: response.statusText, headers });
	headers.set('content-encoding', encoding);
	headers.delete('content-length');
	return new Response(new Uint8Array(await compress(body, encoding)), { status: response.status, statusText: response.statusText, headers });
};
