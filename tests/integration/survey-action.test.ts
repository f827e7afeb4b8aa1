import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actions, load } from '../../src/routes/s/[token]/+page.server';
import { ukDate, addDays } from '../../src/lib/dates';
import { issueCodes } from '../../src/lib/server/surveys/codes';
import { countRows, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_SURVEY_LIMIT_KEY } from '../helpers/events';

type CookieJar = Map<string, { value: string; options: Record<string, unknown> }>;

function fakeEvent(t: TestDatabase, token: string, body: BodyInit | null, jar: CookieJar = new Map(), headers: Record<string, string> = {}) {
	const request = new Request(`http://localhost/s/${token}`, {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		duplex: 'half'
	} as RequestInit);
	return {
		request,
		params: { token },
		locals: { db: t.db, config: { minResponses: 5, demo: false, databasePath: t.path, surveyLimitKey: TEST_SURVEY_LIMIT_KEY } },
		cookies: {
			get: (name: string) => jar.get(name)?.value,
			set: (name: string, value: string, options: Record<string, unknown>) => void jar.set(name, { value, options })
		},
		url: new URL(`http://localhost/s/${token}`),
		getClientAddress: () => '192.0.2.7',
		setHeaders: () => {}
	} as never;
}

async function submit(t: TestDatabase, token: string, form: Record<string, string> | string, jar?: CookieJar) {
	const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
	try {
		return { result: await actions.default(fakeEvent(t, token, body, jar)) };
	} catch (thrown) {
		return { thrown };
	}
}

const today = ukDate();
const openWindow = { opensOn: addDays(today, -3), closesOn: addDays(today, 10) };

describe('the survey form action', () => {
	let t: TestDatabase;
	let token: string;
	beforeEach(async () => {
		t = await createTestDatabase();
		token = (await createPracticeWithRound(t.db, openWindow)).round.public_token;
	});
	afterEach(() => t.close());

	it('stores a valid submission, sets the one-per-device cookie and redirects to the thank-you page', async () => {
		const jar: CookieJar = new Map();
		const { thrown } = await submit(t, token, { 'item-CO1': '5', 'item-CA7': 'not_relevant_stage', 'general-G2': '3', roleGroup: 'none' }, jar);
		expect(isRedirect(thrown) && thrown.status === 303 && thrown.location).toBe(`/s/${token}/thanks`);
		expect(await countRows(t.db, 'response')).toBe(1);
		const [name, cookie] = [...jar.entries()][0]!;
		expect(name).toMatch(/^answered_r\d+$/);
		expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: `/s/${token}` });

		const again = await submit(t, token, { 'item-CO1': '4' }, jar);
		expect(again.result).toMatchObject({ status: 409, data: { problems: [{ field: 'form', message: expect.stringContaining('already answered') }] } });
		expect(await countRows(t.db, 'response')).toBe(1);
	});

	it.each([
		['an unknown item', { 'item-CO1': '4', 'item-XX1': '3' }, 'form'],
		['an out-of-range value', { 'item-CO1': '9' }, 'item-CO1'],
		['a wrong type', { 'general-G1': 'seven' }, 'general-G1'],
		['an unknown role group', { 'item-CO1': '4', roleGroup: 'doctor' }, 'roleGroup'],
		['nothing answered', { roleGroup: 'clinical' }, 'item-CO1'],
		['a code on a round without codes', { 'item-CO1': '4', code: 'ABCD2345' }, 'form']
	])('rejects %s with a 400 naming the field, storing nothing', async (_label, form, field) => {
		const { result } = await submit(t, token, form);
		expect(result).toMatchObject({ status: 400, data: { problems: [expect.objectContaining({ field })] } });
		expect(await countRows(t.db, 'response')).toBe(0);
		expect(await countRows(t.db, 'submission_day')).toBe(0);
	});

	it('echoes the chosen answers back on error so nothing is lost', async () => {
		const { result } = await submit(t, token, { 'item-CO1': '4', 'item-CO2': '8' });
		expect(result).toMatchObject({ status: 400, data: { values: { 'item-CO1': '4', 'item-CO2': '8' } } });
	});

	it('refuses an oversized body with 413, whatever Content-Length claims', async () => {
		const huge = `item-CO1=4&comment=${'x'.repeat(70 * 1024)}`;
		expect((await submit(t, token, huge)).result).toMatchObject({ status: 413 });
		const lying = await actions.default(fakeEvent(t, token, huge, new Map(), { 'content-length': '10' })).catch((e) => e);
		expect(lying).toMatchObject({ status: 413 });
		expect(await countRows(t.db, 'response')).toBe(0);
	});

	it('answers an unknown token with 404', async () => {
		const { thrown } = await submit(t, 'no-such-token', { 'item-CO1': '4' });
		expect(isHttpError(thrown) && thrown.status).toBe(404);
	});

	it('refuses a closed round with 409 and stores nothing', async () => {
		await t.db.updateTable('round').set({ status: 'closed' }).execute();
		const { result } = await submit(t, token, { 'item-CO1': '4' });
		expect(result).toMatchObject({ status: 409 });
		expect(await countRows(t.db, 'response')).toBe(0);
	});

	it('checks single-use codes and never echoes a code back', async () => {
		await t.db.updateTable('round').set({ requires_code: 1 }).execute();
		const roundId = (await t.db.selectFrom('round').select('id').executeTakeFirstOrThrow()).id;
		const [code] = await issueCodes(t.db, roundId, 1);

		const missing = await submit(t, token, { 'item-CO1': '4' });
		expect(missing.result).toMatchObject({ status: 400, data: { problems: [{ field: 'code' }] } });
		const wrong = await submit(t, token, { 'item-CO1': '4', code: 'ZZZZ-9999' });
		expect(wrong.result).toMatchObject({ status: 400, data: { problems: [{ field: 'code' }] } });
		expect(JSON.stringify(wrong.result)).not.toContain('ZZZZ');

		const ok = await submit(t, token, { 'item-CO1': '4', code: code!.toLowerCase() });
		expect(isRedirect(ok.thrown)).toBe(true);
		const reused = await submit(t, token, { 'item-CO1': '4', code: code! });
		expect(reused.result).toMatchObject({ status: 400, data: { problems: [{ field: 'code', message: expect.stringContaining('already been used') }] } });
		expect(await countRows(t.db, 'response')).toBe(1);
	});

	it('loads the survey only for an open round, with honest states otherwise', async () => {
		const event = () => ({ params: { token }, locals: { db: t.db, config: { minResponses: 5 } }, cookies: { get: () => undefined } }) as never;
		const open = (await load(event())) as { availability: string; survey: { instrument: { items: unknown[] } } | null };
		expect(open.availability).toBe('open');
		expect(open.survey?.instrument.items).toHaveLength(22);
		await t.db.updateTable('round').set({ status: 'draft' }).execute();
		const draft = (await load(event())) as { availability: string; survey: unknown };
		expect(draft).toMatchObject({ availability: 'draft', survey: null });
	});
});
