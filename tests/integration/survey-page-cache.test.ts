/**
 * The survey page's template cache (issue 25, section 2): the hook in front of the page load,
 * with Kit's rendering stood in for by a small page drawn from what the real load returns. Two
 * app contexts on one database stand for two instances: what one changes, the other shows at once.
 */
import { gunzipSync } from 'node:zlib';
import { isHttpError } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error Kit ships this file untyped: its own ETag hash, to check ours against.
import { hash } from '../../node_modules/@sveltejs/kit/src/utils/hash.js';
import { addDays, ukDate } from '../../src/lib/dates';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { SESSION_COOKIE } from '../../src/lib/server/accounts/sessions';
import { MAX_TEMPLATES, serveSurveyPages } from '../../src/lib/server/surveys/survey-page-cache';
import { load } from '../../src/routes/s/[token]/+page.server';
import { createPracticeWithRound, createTestDatabase, onPostgres, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { TEST_SURVEY_LIMIT_KEY } from '../helpers/events';

const today = ukDate();
const KEY = /name="submission" value="([A-Za-z0-9_-]{22})"/;

interface Request {
	method?: string;
	search?: string;
	cookies?: Record<string, string>;
	acceptEncoding?: string;
}

/** What Kit would render for the page: the load's data, drawn plainly, with Kit's own headers and ETag. */
async function render(event: Parameters<typeof load>[0]): Promise<Response> {
	let data;
	try {
		data = (await load(event)) as Exclude<Awaited<ReturnType<typeof load>>, void>;
	} catch (thrown) {
		if (isHttpError(thrown)) return new Response(`<p>${thrown.body.message}</p>`, { status: thrown.status, headers: { 'content-type': 'text/html' } });
		throw thrown;
	}
	const survey = data.survey;
	const html =
		`<!doctype html><title>${data.practiceName} staff survey – Belonging</title><h1>${data.practiceName}</h1><p>${data.roundTitle}</p>` +
		`<p>${data.availability}: ${data.opensOn} to ${data.closesOn}, at least ${data.minResponses}</p>` +
		(survey
			? survey.alreadyAnswered
				? '<p>You have already answered.</p>'
				: `<form method="POST"><input type="hidden" name="submission" value="${survey.submissionKey}"/>` +
					`<p>${survey.instrument.id} v${survey.instrument.version}${survey.requiresCode ? ', code' : ''}</p>` +
					survey.instrument.items.map((item) => `<fieldset><legend>${item.text}</legend></fieldset>`).join('') +
					'</form>'
			: '');
	return new Response(html, {
		status: 200,
		headers: { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'", etag: `"${hash(html)}"`, 'x-sveltekit-page': 'true' }
	});
}

describe('the survey page served from its template', () => {
	let t: TestDatabase;
	let other: Db;
	let fixture: PracticeFixture;
	let token: string;
	let renders: number;

	/** A GET through the hook on one app context (`db`), as Kit would call it. */
	async function get(db: Db, request: Request = {}, pageToken = token) {
		const cookies = request.cookies ?? {};
		const url = new URL(`http://localhost/s/${pageToken}${request.search ?? ''}`);
		const event = {
			request: new Request(url, { method: request.method ?? 'GET', headers: request.acceptEncoding ? { 'accept-encoding': request.acceptEncoding } : {} }),
			url,
			route: { id: '/s/[token]' },
			params: { token: pageToken },
			isDataRequest: false,
			cookies: { get: (name: string) => cookies[name] },
			locals: { db, config: { minResponses: 5, demo: false, surveyLimitKey: TEST_SURVEY_LIMIT_KEY } }
		} as never;
		let passedOn = false;
		const response = await serveSurveyPages({
			event,
			resolve: async (e) => {
				renders++;
				passedOn = (e.locals as App.Locals).surveyPage === undefined;
				return render(e as never);
			}
		});
		const raw = Buffer.from(await response.arrayBuffer());
		const body = (response.headers.get('content-encoding') === 'gzip' ? gunzipSync(raw) : raw).toString();
		return { response, raw, body, key: KEY.exec(body)?.[1], passedOn };
	}

	beforeEach(async () => {
		t = await createTestDatabase();
		other = openDatabase(onPostgres ? { databaseUrl: t.path } : { databasePath: t.path });
		fixture = await createPracticeWithRound(t.db, { opensOn: addDays(today, -3), closesOn: addDays(today, 10) });
		token = fixture.round.public_token;
		renders = 0;
	});
	afterEach(async () => {
		vi.useRealTimers();
		await other.destroy();
		await t.close();
	});

	it('renders once, then gives every GET the same page with a fresh key, and Kit’s headers with the ETag of what it sends', async () => {
		const first = await get(t.db);
		const second = await get(t.db);
		const third = await get(t.db);
		expect(renders).toBe(1);
		const keys = [first.key, second.key, third.key];
		for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(new Set(keys).size).toBe(3);
		expect(second.body.replace(second.key!, '')).toBe(first.body.replace(first.key!, ''));
		expect(second.body).toContain('Test Surgery');
		for (const page of [first, second, third]) {
			expect(page.response.status).toBe(200);
			expect(page.response.headers.get('etag')).toBe(`"${hash(page.body)}"`);
			expect(page.response.headers.get('content-length')).toBe(String(Buffer.byteLength(page.body)));
			expect(page.response.headers.get('content-security-policy')).toBe("default-src 'self'");
			expect(page.response.headers.get('x-sveltekit-page')).toBe('true');
			expect(page.response.headers.get('content-encoding')).toBeNull();
		}
		// The page rendered for this very request, with its key, is what was sent.
		const fresh = await render({ params: { token }, locals: { db: t.db, config: { minResponses: 5 } }, cookies: { get: () => undefined } } as never);
		const freshBody = await fresh.text();
		expect(second.body).toBe(freshBody.replace(KEY.exec(freshBody)![1]!, second.key!));
	});

	it('renders once for the first respondents arriving together, each still with a key of their own', async () => {
		const pages = await Promise.all(Array.from({ length: 6 }, (_, i) => get(i % 2 ? other : t.db)));
		// One render per app context: each keeps its own templates.
		expect(renders).toBe(2);
		expect(new Set(pages.map((page) => page.key)).size).toBe(6);
		for (const page of pages) expect(page.body.replace(page.key!, '')).toBe(pages[0]!.body.replace(pages[0]!.key!, ''));
	});

	it('sends gzip to a browser that takes it (brotli too), which gunzips to the page with its own key', async () => {
		const plain = await get(t.db);
		for (const acceptEncoding of ['gzip', 'gzip, deflate, br, zstd']) {
			const zipped = await get(t.db, { acceptEncoding });
			expect(zipped.response.headers.get('content-encoding')).toBe('gzip');
			expect(zipped.response.headers.get('vary')).toBe('Accept-Encoding');
			expect(zipped.response.headers.get('content-length')).toBe(String(zipped.raw.byteLength));
			expect(zipped.response.headers.get('etag')).toBe(`"${hash(zipped.body)}"`);
			expect(zipped.key).not.toBe(plain.key);
			expect(zipped.body.replace(zipped.key!, '')).toBe(plain.body.replace(plain.key!, ''));
		}
		// Brotli alone is left to the compression hook, as are the pages it is not worth compressing.
		expect((await get(t.db, { acceptEncoding: 'br' })).response.headers.get('content-encoding')).toBeNull();
		expect(renders).toBe(1);
	});

	it('shows an edit, a close, a new instrument version and the closing date at once, whichever instance made the change', async () => {
		const before = await get(t.db);
		expect(before.body).toContain('<p>Test round</p>');
		await get(other);
		expect(renders).toBe(2);

		await other.updateTable('round').set({ title: 'Spring survey' }).where('id', '=', fixture.round.id).execute();
		const edited = await get(t.db);
		expect(edited.body).toContain('<p>Spring survey</p>');
		expect(edited.key).toMatch(/^[A-Za-z0-9_-]{22}$/);

		await other.updateTable('practice').set({ name: 'Renamed Surgery' }).where('id', '=', fixture.practice.id).execute();
		expect((await get(t.db)).body).toContain('<h1>Renamed Surgery</h1>');

		const otherVersion = await t.db
			.selectFrom('instrument_version')
			.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
			.select(['instrument_version.id', 'instrument.key', 'instrument_version.version'])
			.where('instrument_version.id', '!=', fixture.versionId)
			.executeTakeFirstOrThrow();
		await t.db.updateTable('round').set({ instrument_version_id: otherVersion.id }).where('id', '=', fixture.round.id).execute();
		const reversioned = await get(other);
		expect(reversioned.body).toContain(`${otherVersion.key} v${otherVersion.version}`);

		await other.updateTable('round').set({ status: 'closed', closed_on: today }).where('id', '=', fixture.round.id).execute();
		const closed = await get(t.db);
		expect(closed.body).toContain('closed:');
		expect(closed.key).toBeUndefined();

		await t.db.updateTable('round').set({ status: 'open', closed_on: null, closes_on: today }).where('id', '=', fixture.round.id).execute();
		expect((await get(other)).body).toContain('open:');
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(new Date(`${addDays(today, 1)}T12:00:00Z`));
		const pastClosing = await get(other);
		expect(pastClosing.body).toContain('closed:');
		expect(pastClosing.key).toBeUndefined();
	});

	it('keeps the "already answered" page apart from the form, and a not-yet-open round’s page too', async () => {
		const answered = await get(t.db, { cookies: { [`answered_r${fixture.round.id}`]: '1' } });
		expect(answered.body).toContain('already answered');
		expect(answered.key).toBeUndefined();
		const form = await get(t.db);
		expect(form.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect((await get(t.db, { cookies: { [`answered_r${fixture.round.id}`]: '1' } })).body).toBe(answered.body);
		expect(renders).toBe(2);

		await t.db.updateTable('round').set({ opens_on: addDays(today, 2) }).where('id', '=', fixture.round.id).execute();
		const early = await get(t.db, { cookies: { [`answered_r${fixture.round.id}`]: '1' } });
		expect(early.body).toContain('not_yet_open:');
		expect(early.response.status).toBe(200);
	});

	it('leaves a HEAD, a query string, a signed-in visitor and an unknown link to the page as before', async () => {
		for (const request of [{ method: 'HEAD' }, { search: '?utm=mail' }, { cookies: { [SESSION_COOKIE]: 'some-session' } }] as Request[]) {
			const page = await get(t.db, request);
			expect(page.passedOn).toBe(true);
			expect(page.response.status).toBe(200);
			if (request.method !== 'HEAD') expect(page.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		}
		expect(renders).toBe(3);
		const unknown = await get(t.db, {}, 'no-such-survey');
		expect(unknown.passedOn).toBe(true);
		expect(unknown.response.status).toBe(404);
	});

	it('answers as the page always has when the round cannot be looked up', async () => {
		// Every query fails, as with the database away: the page load then fails the same way, and says so (a 503).
		const away = new Proxy(t.db, {
			get: () => {
				throw new Error('connect ECONNREFUSED');
			}
		});
		await expect(get(away)).rejects.toThrow('ECONNREFUSED');
		expect(renders).toBe(1);
	});

	it('keeps at most MAX_TEMPLATES templates, dropping the least recently used', async () => {
		const first = await get(t.db);
		for (let i = 0; i < MAX_TEMPLATES; i++) await get(t.db, { cookies: { [`answered_r${fixture.round.id}`]: '1' } }, token);
		expect(renders).toBe(2);
		// The same round with MAX_TEMPLATES titles: each a template of its own, and the first falls out.
		for (let i = 0; i < MAX_TEMPLATES; i++) {
			await t.db.updateTable('round').set({ title: `Round ${i}` }).where('id', '=', fixture.round.id).execute();
			await get(t.db);
		}
		expect(renders).toBe(2 + MAX_TEMPLATES);
		await t.db.updateTable('round').set({ title: 'Test round' }).where('id', '=', fixture.round.id).execute();
		const again = await get(t.db);
		expect(renders).toBe(3 + MAX_TEMPLATES);
		expect(again.body.replace(again.key!, '')).toBe(first.body.replace(first.key!, ''));
	});
});
