/**
 * Issue 15: two built app processes on one PostgreSQL database, as behind a load balancer. What
 * one instance counts or claims, the other must see: sign-in throttling, the API's rate limit,
 * the survey's limit per network, "one open round per practice" and single-use survey codes.
 * PostgreSQL only: SQLite is one file for one server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { SESSION_COOKIE, createSession } from '../../src/lib/server/accounts/sessions';
import { MAX_FAILURES_PER_ACCOUNT } from '../../src/lib/server/accounts/sign-in-throttle';
import { API_RATE_LIMIT } from '../../src/lib/server/api/rate-limit';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { formatCode, issueCodes } from '../../src/lib/server/surveys/codes';
import { addRound, createPracticeWithRound, onPostgres } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';
import { startServer, type RunningServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';

const today = ukDate();

describe.runIf(onPostgres)('two instances on one PostgreSQL database', () => {
	let database: ServerDatabase;
	let instances: RunningServer[];
	let managerEmail: string;
	let cookie: string;
	let apiToken: string;
	let coded: { token: string; codes: string[] };
	let limited: { token: string };
	let drafts: number[];

	beforeAll(async () => {
		// The survey limit counts per clock hour: start clear of the turn of one.
		const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
		if (toNextHour < 30_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1000));
		database = await createServerDatabase('instances');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		// The fixture's practice has one round open for codes; another practice has drafts to open.
		const fixture = await createPracticeWithRound(db, { opensOn: addDays(today, -1), closesOn: addDays(today, 10), requiresCode: true, staffHeadcount: 4 });
		const manager = await createSignedInUser(db, 'practice_manager', { practiceIds: [fixture.practice.id] }, 'manager@instances.example');
		managerEmail = manager.email;
		cookie = `${SESSION_COOKIE}=${(await createSession(db, manager.id)).token}`;
		const token = await createApiToken(db, manager, 'Power BI');
		if (!token.ok) throw new Error('no token');
		apiToken = token.token.token;
		coded = { token: fixture.round.public_token, codes: (await issueCodes(db, fixture.round.id, 3)).map(formatCode) };
		// Drafts of the same practice, each ready to open today; the coded round is closed first.
		drafts = [];
		for (const title of ['Draft A', 'Draft B', 'Draft C', 'Draft D']) {
			drafts.push((await addRound(db, fixture, { title, opensOn: today, closesOn: addDays(today, 14), staffHeadcount: 4, status: 'draft' })).id);
		}
		await db.destroy();
		const env = { ...database.env, DEMO: '0', MIN_RESPONSES: '5' };
		instances = await Promise.all([startServer(env), startServer(env)]);
		limited = { token: coded.token };
	});

	afterAll(async () => {
		await Promise.all((instances ?? []).map((server) => server.stop()));
		await database?.remove();
	});

	/** The i-th request goes to instance i mod 2, as a round-robin balancer would send it. */
	const at = (i: number) => instances[i % 2]!.url;
	const form = (i: number, path: string, body: string, headers: Record<string, string> = {}) =>
		fetch(`${at(i)}${path}`, {
			method: 'POST',
			body,
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: at(i), accept: 'text/html', ...headers }
		});

	it('accepts a single-use survey code once when it is sent to both instances at the same moment', async () => {
		for (const code of coded.codes) {
			const answers = await Promise.all([0, 1].map((i) => form(i, `/s/${coded.token}`, `item-CO1=4&code=${encodeURIComponent(code)}`)));
			const statuses = answers.map((a) => a.status).sort();
			// One thanked (303), one told the code was used (400).
			expect(statuses, code).toEqual([303, 400]);
		}
		const db = database.open();
		try {
			expect(await db.selectFrom('response').select('id').execute()).toHaveLength(coded.codes.length);
			expect(await db.selectFrom('round_code').select('used').where('used', '=', 1).execute()).toHaveLength(coded.codes.length);
		} finally {
			await db.destroy();
		}
	});

	it('counts survey posts from one network against one limit, whichever instance takes them', async () => {
		// Headcount 4: ten posts an hour from one address. The three coded posts above counted, and
		// so did the three refused twins; wrong codes go on counting until the hour's ten are used.
		const statuses: number[] = [];
		for (let i = 0; i < 8; i++) statuses.push((await form(i, `/s/${limited.token}`, `item-CO1=4&code=ZZZZ-222${'ABCDEFGH'[i]}`)).status);
		// Six counted already (three on each instance): with a count per instance, all eight would pass.
		expect(statuses).toEqual([400, 400, 400, 400, 429, 429, 429, 429]);
	});

	it(`throttles failed sign-ins spread over both instances at the same count as on one (${MAX_FAILURES_PER_ACCOUNT})`, async () => {
		const statuses: number[] = [];
		for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 2; i++) {
			const response = await form(i, '/sign-in', `email=${encodeURIComponent(managerEmail)}&password=wrong-${i}`);
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		expect(statuses).toEqual([...Array(MAX_FAILURES_PER_ACCOUNT).fill(401), 429, 429]);
	});

	it(`holds an API token to ${API_RATE_LIMIT} requests a minute across both instances`, async () => {
		const statuses: number[] = [];
		for (let i = 0; i < API_RATE_LIMIT + 4; i++) {
			const response = await fetch(`${at(i)}/api/v1/me`, { headers: { authorization: `Bearer ${apiToken}` } });
			statuses.push(response.status);
			await response.arrayBuffer();
		}
		expect(statuses.filter((s) => s === 200)).toHaveLength(API_RATE_LIMIT);
		expect(statuses.slice(API_RATE_LIMIT)).toEqual([429, 429, 429, 429]);
	});

	it('leaves exactly one open round when two instances are asked to open one of the practice’s rounds at once', async () => {
		const db = database.open();
		try {
			await db.updateTable('round').set({ status: 'closed', closed_on: today }).where('status', '=', 'open').execute();
		} finally {
			await db.destroy();
		}
		for (const pair of [drafts.slice(0, 2), drafts.slice(2, 4)]) {
			const answers = await Promise.all(pair.map((roundId, i) => form(i, `/rounds/${roundId}?/open`, '', { cookie })));
			const statuses = answers.map((a) => a.status).sort();
			// One opened (303 to the round), one refused (409) because the other is open.
			expect(statuses).toEqual([303, 409]);
			const db = database.open();
			try {
				expect(await db.selectFrom('round').select('id').where('status', '=', 'open').execute()).toHaveLength(1);
				await db.updateTable('round').set({ status: 'closed', closed_on: today }).where('status', '=', 'open').execute();
			} finally {
				await db.destroy();
			}
		}
	});
});
