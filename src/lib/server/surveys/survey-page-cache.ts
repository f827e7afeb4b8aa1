/**
 * The survey page at /s/[token], served at close to the cost of a file. The page is the same for
 * everyone answering a round but for its single-use key (submission-keys.ts), so it is rendered
 * through Kit once, with a marker where the key goes, and kept split at the marker; each GET then
 * reads the round's facts (one indexed query), finds the template kept for exactly those facts,
 * and writes a fresh key in. Gzip is kept the same way (gzip-splice.ts).
 *
 * A template is found by the facts themselves, not removed by a message: several instances share
 * one database, and an edit, a close, a new instrument version, the day the round closes or the
 * device's "already answered" cookie each change the facts, so the next GET on any instance
 * renders afresh. The facts are what the page load renders from (survey-page.ts), so nothing the
 * page shows can change without changing them. Old templates fall out of a bounded LRU.
 *
 * A browser that accepts brotli gets gzip here: a brotli stream carries its state (the last
 * distances, the literal context) from block to block, so it cannot be spliced, and compressing
 * each page afresh is the ~2 ms per GET this avoids. Gzip is about a sixth larger (5.3 KB against 4.5).
 *
 * Only a plain GET of the page by someone not signed in comes here (a session cookie may need
 * renewing, which only the full path does); a HEAD, a query string, a form post and every other
 * path are served as before, as is any page that fails to render or to look up.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { ukDate } from '../../dates';
import type { Db } from '../db';
import { acceptsEncoding, MIN_COMPRESSED_BYTES } from '../platform/compression';
import { gzipTemplate, gzipWith, type GzipTemplate } from '../platform/gzip-splice';
import { newSubmissionKey } from './submission-keys';
import { isPlainSurveyRequest, readSurveyPageFacts, type SurveyPageFacts } from './survey-page';

/** Two variants (answered or not) of the open rounds of a few hundred practices: each ~65 KB. */
export const MAX_TEMPLATES = 256;

/**
 * Written where the key goes: a key itself (22 URL-safe characters, so nothing escapes it, and a
 * page with it is as long as with a real one), fresh for each process, so no page text holds it.
 */
const KEY_MARKER = newSubmissionKey();

interface PageTemplate {
	status: number;
	/** Kit's headers but the two that depend on the body: its length and its ETag. */
	headers: [string, string][];
	/** The page's bytes between the keys. */
	parts: Uint8Array[];
	/** The text of every part but the last, for the ETag, and Kit's hash of the last. */
	hashedTexts: string[];
	lastPartHash: number;
	gzip: GzipTemplate | null;
}

interface Kept {
	/** Newest use last. */
	templates: Map<string, PageTemplate>;
	/** Renders under way, so the first respondents of a round do not each render the same page. */
	rendering: Map<string, Promise<PageTemplate | undefined>>;
}

/** What each app context (one database) keeps. */
const keptByDb = new WeakMap<Db, Kept>();

function keptFor(db: Db): Kept {
	let kept = keptByDb.get(db);
	if (!kept) keptByDb.set(db, (kept = { templates: new Map(), rendering: new Map() }));
	return kept;
}

/** Kit's ETag for a page is its djb2 hash, taken from the last character to the first (kit/src/utils/hash.js). */
function djb2From(state: number, text: string): number {
	let hash = state;
	let i = text.length;
	while (i) hash = (hash * 33) ^ text.charCodeAt(--i);
	return hash;
}

const DJB2_START = 5381;

function etagOf(template: PageTemplate, key: string): string {
	let hash = template.lastPartHash;
	for (let i = template.hashedTexts.length - 1; i >= 0; i--) hash = djb2From(djb2From(hash, key), template.hashedTexts[i]!);
	return `"${(hash >>> 0).toString(36)}"`;
}

/** The page as Kit answered it, split at the marker; undefined for an answer that is not a page. */
async function templateOf(response: Response): Promise<PageTemplate | undefined> {
	const type = response.headers.get('content-type') ?? '';
	if (!type.startsWith('text/html') || response.headers.has('content-encoding')) return undefined;
	const texts = (await response.text()).split(KEY_MARKER);
	const parts = texts.map((text) => Buffer.from(text));
	const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
	const compressible = length >= MIN_COMPRESSED_BYTES && !/no-transform/.test(response.headers.get('cache-control') ?? '');
	return {
		status: response.status,
		headers: [...response.headers].filter(([name]) => name !== 'content-length' && name !== 'etag'),
		parts,
		hashedTexts: texts.slice(0, -1),
		lastPartHash: djb2From(DJB2_START, texts.at(-1)!),
		gzip: compressible ? gzipTemplate(parts) : null
	};
}

/** Whether every respondent may be sent this template: a plain page, with no cookie or secret of one request in it. */
function isShareable(template: PageTemplate, event: RequestEvent): boolean {
	return template.status === 200 && !event.locals.carriesSecret && !template.headers.some(([name]) => name === 'set-cookie');
}

/**
 * The template with a fresh key: gzip for a browser that takes it, else the page as it is for the
 * compression hook. The chunks go out as one buffer, so the page leaves in one write to the socket:
 * copying its ~45 KB takes microseconds, while each chunk written on its own is a system call and,
 * with Nagle's algorithm off, a packet of its own.
 */
function answer(template: PageTemplate, event: RequestEvent): Response {
	const key = newSubmissionKey();
	const keyBytes = Buffer.from(key);
	const headers = new Headers(template.headers);
	headers.set('etag', etagOf(template, key));
	let chunks: Uint8Array[];
	if (template.gzip && acceptsEncoding(event.request.headers.get('accept-encoding'), 'gzip')) {
		chunks = gzipWith(template.gzip, keyBytes);
		headers.set('content-encoding', 'gzip');
		headers.append('vary', 'Accept-Encoding');
	} else {
		chunks = template.parts.flatMap((part, i) => (i === 0 ? [part] : [keyBytes, part]));
	}
	const body = Buffer.concat(chunks);
	headers.set('content-length', String(body.byteLength));
	return new Response(body, { status: template.status, headers });
}

let todayOf = { second: NaN, date: '' };

/** Today in the UK, worked out once a second: every instant of a second has the same UK date. */
function ukToday(): string {
	const now = Date.now();
	const second = Math.floor(now / 1000);
	if (second !== todayOf.second) todayOf = { second, date: ukDate(new Date(now)) };
	return todayOf.date;
}

export const serveSurveyPages: Handle = async ({ event, resolve }) => {
	if (!isPlainSurveyRequest(event, 'GET')) return resolve(event);
	const { db, config } = event.locals;
	let facts: SurveyPageFacts | undefined;
	try {
		facts = await readSurveyPageFacts(db, event.params.token!, { today: ukToday(), minResponses: config.minResponses, cookies: event.cookies });
	} catch {
		// The page itself says what went wrong (the database away: 503), as it always has.
		return resolve(event);
	}
	if (!facts) return resolve(event);
	// The layout shows the demo banner: the one thing outside the facts that a page shows.
	const key = JSON.stringify([event.params.token, config.demo, facts]);
	const { templates, rendering } = keptFor(db);
	const found = templates.get(key);
	if (found) {
		templates.delete(key);
		templates.set(key, found);
		return answer(found, event);
	}

	const other = rendering.get(key);
	if (other) {
		const template = await other;
		if (template) return answer(template, event);
	}
	let settle: ((template: PageTemplate | undefined) => void) | undefined;
	if (!other) rendering.set(key, new Promise((resolved) => (settle = resolved)));
	try {
		event.locals.surveyPage = { facts, submissionKey: KEY_MARKER };
		const response = await resolve(event);
		const template = await templateOf(response);
		// Not a page (a redirect, say): the marker cannot be in it, and it goes as it came.
		if (!template) return response;
		if (isShareable(template, event)) {
			templates.set(key, template);
			if (templates.size > MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
			settle?.(template);
		}
		return answer(template, event);
	} finally {
		if (settle) {
			settle(undefined);
			rendering.delete(key);
		}
	}
};
