/**
 * Issue 24, items 10 and 11, against a built server set up as behind a proxy
 * (ADDRESS_HEADER=x-forwarded-for): the survey limit counts an IPv6 /64 as one network, a
 * request without the header is refused with 400 and changes nothing, and a page that shows a
 * secret (the authenticator key of /sign-in/set-up) is sent uncompressed while others are not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { type Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { setRolesRequiringSecondStep } from '../../src/lib/server/accounts/second-factor';
import { createPracticeWithRound } from '../helpers/database';
import { TEST_PASSWORD, createSignedInUser } from '../helpers/events';
import { startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';

const today = ukDate();

describe('behind a proxy', () => {
	let server: RunningServer;
	let database: ServerDatabase;
	let token: string;
	let leadEmail: string;

	beforeAll(async () => {
		// The limit counts per clock hour: start clear of the turn of one, so every post here shares it.
		const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
		if (toNextHour < 30_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1000));
		database = await createServerDatabase('proxy');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		// Headcount 4: ten posts an hour from one network.
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10), staffHeadcount: 4 });
		token = fixture.round.public_token;
		const admin = await createSignedInUser(db, 'admin', {}, 'admin@proxy.example');
		const lead = await createSignedInUser(db, 'pcn_lead', { pcnIds: [fixture.pcn.id] }, 'lead@proxy.example');
		leadEmail = lead.email;
		const required = await setRolesRequiringSecondStep(db, admin, ['pcn_lead']);
		if (!required.ok) throw new Error('could not require two-step sign-in');
		await db.destroy();
		server = await startServer({ ...database.env, DEMO: '0', MIN_RESPONSES: '5', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	});
	afterAll(async () => {
		await server?.stop();
		await database?.remove();
	});

	const count = async (table: 'response' | 'survey_throttle') => {
		const db: Db = database.open();
		try {
			return (await db.selectFrom(table).selectAll().execute()).length;
		} finally {
			await db.destroy();
		}
	};
	const post = (path: string, body: string, headers: Record<string, string> = {}) =>
		fetch(`${server.url}${path}`, {
			method: 'POST',
			body,
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html', ...headers }
		});

	it('refuses a request without the address header with 400 and a clear message, storing nothing (item 10)', async () => {
		const response = await post(`/s/${token}`, 'item-CO1=4');
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('could not tell where this request came from');
		expect(html).not.toMatch(/ADDRESS_HEADER=|\bat \S+ \(/);
		expect(await count('response')).toBe(0);
		expect(await count('survey_throttle')).toBe(0);
		// A request that never needs the address is answered as before.
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});

	it('gives all the addresses of one IPv6 /64 one allowance, and the next /64 its own (item 10)', async () => {
		const statuses: number[] = [];
		for (let i = 1; i <= 11; i++) {
			const response = await post(`/s/${token}`, 'item-CO1=4', { 'x-forwarded-for': `2001:db8:24:10:${i.toString(16)}::${i}` });
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		expect(statuses).toEqual([...Array(10).fill(303), 429]);
		expect((await post(`/s/${token}`, 'item-CO1=4', { 'x-forwarded-for': '2001:db8:24:11::1' })).status).toBe(303);
		expect(await count('response')).toBe(11);
	});

	it('sends /sign-in/set-up, which shows the authenticator key, uncompressed, while another page is compressed (item 11)', async () => {
		const signIn = await post('/sign-in', `email=${encodeURIComponent(leadEmail)}&password=${encodeURIComponent(TEST_PASSWORD)}`, { 'x-forwarded-for': '198.51.100.24' });
		expect(signIn.status).toBe(303);
		expect(signIn.headers.get('location')).toMatch(/^\/sign-in\/set-up/);
		const challenge = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
		const setUp = await fetch(`${server.url}${signIn.headers.get('location')}`, {
			headers: { cookie: challenge, 'accept-encoding': 'br, gzip', 'x-forwarded-for': '198.51.100.24' }
		});
		expect(setUp.status).toBe(200);
		expect(setUp.headers.get('content-encoding')).toBeNull();
		const html = await setUp.text();
		expect(html).toContain('Set up two-step sign-in');
		expect(html).toMatch(/<code class="secret[ "]/);
		// The same server compresses a page without a secret.
		const other = await fetch(`${server.url}/sign-in`, { headers: { 'accept-encoding': 'br, gzip', 'x-forwarded-for': '198.51.100.24' } });
		expect(other.status).toBe(200);
		expect(other.headers.get('content-encoding')).toBe('br');
	});
});
