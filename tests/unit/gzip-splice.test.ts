import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipTemplate, gzipWith as gzipChunks, type GzipTemplate } from '../../src/lib/server/platform/gzip-splice';

const gzipWith = (template: GzipTemplate, value: Uint8Array) => Buffer.concat(gzipChunks(template, value));

const encode = (text: string) => Buffer.from(text);

/** A page-like text: repetitive enough to compress, long enough to need several deflate blocks. */
function page(seed: string, rows: number): string {
	let html = `<!doctype html><html lang="en-GB"><head><title>${seed} – “quotes”</title></head><body><form>`;
	for (let i = 0; i < rows; i++) html += `<label class="option svelte-1fehrf6"><input type="radio" name="item-${i}" value="${i % 5}"/> <span>Agree ${i}</span></label>`;
	return html;
}

describe('gzip spliced around a value', () => {
	it('gunzips to the parts with the value between each two, for several values', () => {
		const parts = [page('head', 40), '"/><fieldset>' + page('middle', 700), '</form></body></html>'].map(encode);
		const template = gzipTemplate(parts);
		for (const value of ['HVq4MwBxU3E8eSYwQOaAIw', 'a', '', randomBytes(16).toString('base64url'), 'x'.repeat(300)]) {
			const plain = Buffer.concat([parts[0]!, encode(value), parts[1]!, encode(value), parts[2]!]);
			expect(gunzipSync(gzipWith(template, encode(value))).equals(plain)).toBe(true);
		}
	});

	it('gives a stream whose trailer (CRC-32 and length) gunzip checks, and not much larger than gzip of the whole', () => {
		const parts = [page('before', 30), page('after', 500)].map(encode);
		const value = encode('0123456789abcdefghijkl');
		const spliced = gzipWith(gzipTemplate(parts), value);
		const whole = Buffer.concat([parts[0]!, value, parts[1]!]);
		const trailer = gzipSync(whole).subarray(-8);
		expect(spliced.subarray(-8).equals(trailer)).toBe(true);
		// Starting afresh after the value costs the back-references into what came before, no more.
		expect(spliced.byteLength).toBeLessThan(gzipSync(whole, { level: 6 }).byteLength * 1.1 + 40);
		// A corrupted byte in the middle is caught: the trailer is the real CRC of the whole.
		const broken = Buffer.from(spliced);
		broken[spliced.byteLength - 9] = broken[spliced.byteLength - 9]! ^ 0xff;
		expect(() => gunzipSync(broken)).toThrow();
	});

	it('serves one part alone, and an empty part, as plain gzip', () => {
		expect(gunzipSync(gzipWith(gzipTemplate([encode(page('only', 10))]), encode('unused'))).toString()).toBe(page('only', 10));
		const template = gzipTemplate([encode(''), encode('tail')]);
		expect(gunzipSync(gzipWith(template, encode('key'))).toString()).toBe('keytail');
	});
});
