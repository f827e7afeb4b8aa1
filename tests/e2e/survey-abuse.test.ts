/**
 * Issue 12, items 5 and 10, against the built server: one address cannot stuff a round (it once
 * stored 7,194 answers in a minute), a retried post is stored once, and a round with more answers
 * than staff says so and offers invitation codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { type Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { SESSION_COOKIE, createSession } from '../../src/lib/server/accounts/sessions';
import { createPracticeWithRound } from '../helpers/database';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';
import { createSignedInUser } from '../helpers/events';
import { startServer, type RunningServer } from '../helpers/server';

const today = ukDate();

describe('survey abuse, over HTTP', () => {
	let server: RunningServer;
	let database: ServerDatabase;
	let token: string;
	let roundId: number;
	let cookie: string;

	beforeAll(async () => {
		// The limit counts per clock hour: start clear of the turn of one, so every post here shares it.
		const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
		if (toNextHour < 30_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1000));
		database = await createServerDatabase('abuse');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10), staffHeadcount: 20 });
		token = fixture.round.public_token;
		roundId = fixture.round.id;
		const manager = await createSignedInUser(db, 'practice_manager', { practiceIds: [fixture.practice.id] }, 'manager@abuse.example');
		cookie = `${SESSION_COOKIE}=${(await createSession(db, manager.id)).token}`;
		await db.destroy();
		server = await startServer({ ...database.env, DEMO: '0', MIN_RESPONSES: '5' });
	});
	afterAll(async () => {
		await server?.stop();
		await database?.remove();
	});

	const responses = async () => {
		const db: Db = database.open();
		try {
			return (await db.selectFrom('response').select('id').execute()).length;
		} finally {
			await db.destroy();
		}
	};
	const post = (body: string) =>
		fetch(`${server.url}/s/${token}`, {
			method: 'POST',
			body,
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' }
		});

	it('stores one retried page once', async () => {
		const body = 'item-CO1=4&submission=AAAAAAAAAAAAAAAAAAAAAA';
		const [first, second] = [await post(body), await post(body)];
		expect([first.status, second.status]).toEqual([303, 303]);
		expect(second.headers.get('location')).toBe(`/s/${token}/thanks`);
		expect(await responses()).toBe(1);
	});

	it('answers a stored post with the redirect, the device’s cookie and the security headers of every answer', async () => {
		const response = await post('item-CO1=3&submission=BBBBBBBBBBBBBBBBBBBBBB');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(`/s/${token}/thanks`);
		const cookie = response.headers.get('set-cookie') ?? '';
		expect(cookie).toMatch(new RegExp(`^answered_r${roundId}=1;`));
		expect(cookie).toContain(`Path=/s/${token}`);
		expect(cookie).toContain('Max-Age=34560000');
		expect(cookie).toContain('HttpOnly');
		expect(cookie).toContain('SameSite=Lax');
		expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(await responses()).toBe(2);
	});

	it('takes a whole practice’s answers from one address in an hour, then refuses a script with 429 and stores nothing more', async () => {
		// Headcount 20: 30 an hour from one address. Two were stored above; a script now sends 200 without cookies.
		const statuses: number[] = [];
		for (let i = 0; i < 200; i++) {
			const response = await post(`item-CO1=${1 + (i % 5)}&general-G1=3`);
			statuses.push(response.status);
			if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
			await response.arrayBuffer();
		}
		expect(statuses.filter((s) => s === 303)).toHaveLength(28);
		expect(statuses.filter((s) => s === 429)).toHaveLength(172);
		expect(await responses()).toBe(30);
	});

	it('warns the practice manager that the round has more answers than staff, and offers invitation codes', async () => {
		const html = await (await fetch(`${server.url}/rounds/${roundId}`, { headers: { cookie } })).text();
		expect(html).toContain('More answers than staff');
		expect(html).toContain('This round has 30 answers, but the practice has 20 staff.');
		expect(html).toMatch(/href="\/practices\/\d+\/rounds\/new"[^>]*>Start the next round with invitation codes/);
		expect(html).toContain(`href="/rounds/${roundId}/edit"`);
	});
});
