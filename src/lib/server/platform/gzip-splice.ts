/**
 * Gzip for a page that is the same for everyone but for one short value written into it at fixed
 * places (the survey page's single-use key). The constant parts are deflated once, each as a raw
 * deflate stream of its own ending on a byte boundary (Z_SYNC_FLUSH, the last with Z_FINISH); each
 * answer writes only the value, as a stored block, and wraps the lot in the gzip header and trailer.
 *
 * The result is one valid stream: a deflate decoder carries nothing from block to block but its
 * window, and no part refers back into another (RFC 1951 §3.2; the wrapper is RFC 1952). The
 * value is random, so a stored block is as small as compressing it, and costs no zlib call.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface GzipTemplate {
	/** The constant parts, with the value to go between each two. */
	readonly parts: readonly Uint8Array[];
	/** Each part deflated on its own; all but the last end byte-aligned, without the final bit. */
	readonly deflated: readonly Uint8Array[];
	/** The parts' total length. */
	readonly length: number;
}

/** ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown. */
const HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
const MAX_STORED = 0xffff;

/** Deflates each part once; the template then gives a gzip body for any value (gzipWith). */
export function gzipTemplate(parts: readonly Uint8Array[]): GzipTemplate {
	if (parts.length === 0) throw new Error('A gzip template needs at least one part');
	const deflated = parts.map((part, i) =>
		deflateRawSync(part, { level: 9, finishFlush: i === parts.length - 1 ? constants.Z_FINISH : constants.Z_SYNC_FLUSH })
	);
	return { parts, deflated, length: parts.reduce((sum, part) => sum + part.byteLength, 0) };
}

/** A non-final stored block holding `value`: it starts on the byte boundary the part before left. */
function storedBlock(value: Uint8Array): Uint8Array {
	const n = value.byteLength;
	const block = new Uint8Array(5 + n);
	block.set([0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]);
	block.set(value, 5);
	return block;
}

/**
 * The gzip body of the template's parts with `value` between each two, byte for byte what gunzip
 * expects, as the chunks to send in turn: the template's own bytes are shared, never copied.
 */
export function gzipWith(template: GzipTemplate, value: Uint8Array): Uint8Array[] {
	if (value.byteLength > MAX_STORED) throw new Error('A spliced value must be under 64 KiB');
	const stored = storedBlock(value);
	const chunks: Uint8Array[] = [HEADER];
	let crc = 0;
	template.parts.forEach((part, i) => {
		if (i > 0) {
			chunks.push(stored);
			crc = crc32(value, crc);
		}
		chunks.push(template.deflated[i]!);
		crc = crc32(part, crc);
	});
	const trailer = Buffer.alloc(8);
	trailer.writeUInt32LE(crc >>> 0, 0);
	trailer.writeUInt32LE((template.length + value.byteLength * (template.parts.length - 1)) >>> 0, 4);
	chunks.push(trailer);
	return chunks;
}
