import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/lib/server/app';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_PASSWORD_COST } from '../../src/lib/server/demo/accounts';
import { COAST_ICB, DEMO_PRACTICES, NEIGHBOUR_PCNS } from '../../src/lib/server/demo/practices';

/** The demo's five practices, their twenty neighbours in the same ICB and the eighteen of the second ICB. */
const NEIGHBOURS = [...NEIGHBOUR_PCNS, ...COAST_ICB.pcns];
const DEMO_PRACTICE_COUNT = DEMO_PRACTICES.length + NEIGHBOURS.reduce((n, pcn) => n + pcn.practices.length, 0);
import { verifyPassword } from '../../src/lib/server/accounts/passwords';
import { findUserByEmail, toSignedInUser } from '../../src/lib/server/accounts/users';
import { getRoundByToken } from '../../src/lib/server/surveys/rounds';
import { getNetworkOverview } from '../../src/lib/server/results/overview';
import { createEmptyTestDatabase, onPostgres, tempDirectory } from '../helpers/database';

const temp = tempDirectory();
afterAll(() => temp.remove());
const NOW = new Date('2026-11-22T10:00:00Z');

async function snapshotOf(path: string) {
	const { db } = await startApp({ DATABASE_PATH: path, DEMO: '1' }, NOW);
	try {
		const answers = await db
			.selectFrom('answer')
			.innerJoin('response', 'response.id', 'answer.response_id')
			.select(['response.round_id', 'answer.item_id', 'answer.value', 'answer.not_relevant'])
			.orderBy(['response.round_id', 'answer.item_id', 'answer.value', 'answer.not_relevant'])
			.execute();
		const rounds = await db.selectFrom('round').select(['id', 'title', 'opens_on', 'closes_on', 'status']).orderBy('id').execute();
		const flags = await db.selectFrom('flag').selectAll().orderBy('id').execute();
		const flagEvents = await db.selectFrom('flag_event').selectAll().orderBy('id').execute();
		const assessments = await db.selectFrom('link_worker_assessment_answer').selectAll().orderBy('assessment_id').orderBy('item_id').execute();
		return { answers, rounds, flags, flagEvents, assessments };
	} finally {
		await db.destroy();
	}
}

describe('start-up', () => {
	it('creates the database directory, migrates and stores instruments on an empty real database', async () => {
		const path = join(temp.dir, 'nested', 'real.db');
		const { db, config } = await startApp({ DATABASE_PATH: path }, NOW);
		expect(config.demo).toBe(false);
		expect(await db.selectFrom('practice').selectAll().execute()).toEqual([]);
		expect(await db.selectFrom('instrument_version').select('id').execute()).toHaveLength(2);
		await db.destroy();
	});

	it('has no accounts on a real database, demo ones never, and says how to create the first admin', async () => {
		const { db, notices } = await startApp({ DATABASE_PATH: join(temp.dir, 'accounts-real.db') }, NOW);
		expect(await db.selectFrom('user_account').select('email').execute()).toEqual([]);
		expect(notices.join('\n')).toMatch(/npm run user:create -- --email .* --role admin/);
		await db.destroy();
	});

	it('creates one demo account per role, with its scope, only in a demo database', async () => {
		const { db, notices } = await startApp({ DATABASE_PATH: join(temp.dir, 'accounts-demo.db'), DEMO: '1' }, NOW);
		const accounts = await db.selectFrom('user_account').select(['id', 'email', 'role', 'password_hash']).orderBy('id').execute();
		// The accounts to sign in with, then one link worker per neighbouring PCN, invited and never signed in.
		expect(accounts.slice(0, DEMO_ACCOUNTS.length).map((a) => [a.email, a.role])).toEqual(DEMO_ACCOUNTS.map((a) => [a.email, a.role]));
		expect(accounts.slice(DEMO_ACCOUNTS.length).map((a) => [a.email, a.role, a.password_hash])).toEqual(
			NEIGHBOURS.map((pcn) => [`link.worker.${pcn.odsCode.toLowerCase()}@demo.belonging.example`, 'link_worker', null])
		);
		const scopeOf = async (email: string) => {
			const user = (await findUserByEmail(db, email))!;
			return (await toSignedInUser(db, user)).practiceIds.length;
		};
		expect(await scopeOf('admin@demo.belonging.example')).toBe(0);
		expect(await scopeOf('pcn.lead@demo.belonging.example')).toBe(5);
		expect(await scopeOf('practice.manager@demo.belonging.example')).toBe(1);
		expect(await scopeOf('link.worker@demo.belonging.example')).toBe(2);
		// The ICB lead oversees the demo ICB: its five PCNs, and no practice's own pages.
		const icbLead = await toSignedInUser(db, (await findUserByEmail(db, 'icb.lead@demo.belonging.example'))!);
		expect(icbLead).toMatchObject({ role: 'icb_lead', icbIds: [expect.any(Number)], practiceIds: [] });
		expect(icbLead.pcnIds).toHaveLength(5);
		const icb = await db.selectFrom('icb').select('ods_code').where('id', '=', icbLead.icbIds[0]!).executeTakeFirstOrThrow();
		expect(icb.ods_code).toBe('QZZ');
		const hash = (await findUserByEmail(db, 'admin@demo.belonging.example'))!.password_hash!;
		expect(await verifyPassword(hash, DEMO_PASSWORD)).toBe(true);
		// The published password is stored cheaply (DEMO_PASSWORD_COST), not at the recommended cost.
		expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', String(DEMO_PASSWORD_COST.logN), String(DEMO_PASSWORD_COST.r), String(DEMO_PASSWORD_COST.p)]);
		expect(notices).toEqual([]);
		await db.destroy();
	});

	it('seeds the demo into an empty demo database: the demo ICB with the demo PCN of five practices and four neighbouring PCNs, a second ICB of six, and /s/demo', async () => {
		const path = join(temp.dir, 'demo.db');
		const { db } = await startApp({ DATABASE_PATH: path, DEMO: '1' }, NOW);
		expect(await db.selectFrom('icb').select('name').orderBy('id').execute()).toEqual([
			{ name: 'NHS Example Integrated Care Board (demo)' },
			{ name: COAST_ICB.name }
		]);
		expect(await db.selectFrom('pcn').select('id').execute()).toHaveLength(1 + NEIGHBOURS.length);
		expect(await db.selectFrom('practice').innerJoin('pcn', 'pcn.id', 'practice.pcn_id').select('practice.id').where('pcn.ods_code', '=', 'U99001').execute()).toHaveLength(5);
		expect(await db.selectFrom('practice').select('id').execute()).toHaveLength(DEMO_PRACTICE_COUNT);
		const open = await getRoundByToken(db, 'demo');
		expect(open?.status).toBe('open');
		expect(open!.opens_on <= '2026-11-22' && open!.closes_on >= '2026-11-22').toBe(true);

		const closed = await db.selectFrom('round').select(['practice_id', 'closes_on']).where('status', '=', 'closed').execute();
		expect(closed).toHaveLength(DEMO_PRACTICES.reduce((n, p) => n + p.rounds.length, 0) + 2 * (DEMO_PRACTICE_COUNT - DEMO_PRACTICES.length));
		await db.destroy();
	});

	it('gives demo practices different, moving placements, including a round with too few responses', async () => {
		const { db, config } = await startApp({ DATABASE_PATH: join(temp.dir, 'demo.db'), DEMO: '1' }, NOW);
		const lead = await toSignedInUser(db, (await findUserByEmail(db, 'pcn.lead@demo.belonging.example'))!);
		const [pcn] = (await getNetworkOverview(db, config, '2026-11-22', lead)).pcns;
		expect(pcn!.practices).toHaveLength(5);
		const byName = new Map(pcn!.practices.map((p) => [p.name, p]));
		// Rounds are listed newest first.
		const bands = (name: string) =>
			byName.get(name)!.rounds.filter((r) => r.availability === 'closed').map((r) => (r.summary.kind === 'placed' ? r.summary.band : r.summary.kind));
		const riverside = bands('Riverside Surgery');
		expect(riverside[riverside.length - 1]).toBe('bolted_on');
		expect(riverside[0]).toBe('belonging');
		expect(new Set(bands('Hillview Medical Centre'))).toEqual(new Set(['fitting_in']));
		expect(bands('Canal Street Practice')).toContain('withheld');
		await db.destroy();
	});

	it('gives the demo link worker a view of both practices and flags in every state, dated in the past', async () => {
		const { db } = await startApp({ DATABASE_PATH: join(temp.dir, 'demo.db'), DEMO: '1' }, NOW);
		const sam = (await findUserByEmail(db, 'link.worker@demo.belonging.example'))!;
		const assessed = await db
			.selectFrom('link_worker_assessment')
			.innerJoin('round', 'round.id', 'link_worker_assessment.round_id')
			.innerJoin('practice', 'practice.id', 'round.practice_id')
			.select(['practice.name', 'link_worker_assessment.user_id'])
			.orderBy('practice.name')
			.execute();
		expect(assessed).toEqual([
			{ name: 'Hillview Medical Centre', user_id: sam.id },
			{ name: 'Riverside Surgery', user_id: sam.id }
		]);
		const flags = await db.selectFrom('flag').select(['id', 'state', 'visibility', 'raised_by']).where('raised_by', '=', sam.id).execute();
		expect(new Set(flags.map((f) => f.state))).toEqual(new Set(['open', 'acknowledged', 'in_progress', 'resolved', 'wont_fix']));
		expect(flags.filter((f) => f.visibility === 'pcn_only').length).toBeGreaterThanOrEqual(1);
		// Every other flag is a neighbouring practice's, raised by its own PCN's link worker and still open.
		const others = await db.selectFrom('flag').innerJoin('user_account', 'user_account.id', 'flag.raised_by').select(['flag.state', 'user_account.email']).where('raised_by', '<>', sam.id).execute();
		expect(others.length).toBeGreaterThan(10);
		expect(others.every((f) => f.state === 'open' && f.email.startsWith('link.worker.u9'))).toBe(true);
		const events = await db
			.selectFrom('flag_event')
			.select(['flag_id', 'at', 'to_state', 'from_state', 'comment', 'actor_user_id'])
			.where('flag_id', 'in', flags.map((f) => f.id))
			.execute();
		expect(events.every((e) => e.at < NOW.toISOString())).toBe(true);
		// Won't fix always carries its reason, and both sides have commented.
		expect(events.filter((e) => e.to_state === 'wont_fix').every((e) => e.comment)).toBe(true);
		const commenters = new Set(events.filter((e) => e.from_state === e.to_state).map((e) => e.actor_user_id));
		expect(commenters.has(sam.id)).toBe(true);
		const responders = new Set(events.filter((e) => e.actor_user_id !== sam.id).map((e) => e.actor_user_id));
		expect(responders.size).toBe(2);
		await db.destroy();
	});

	it('generates the same demo data every time for the same date', async () => {
		const first = await snapshotOf(join(temp.dir, 'same-1.db'));
		const second = await snapshotOf(join(temp.dir, 'same-2.db'));
		expect(second).toEqual(first);
		expect(first.answers.length).toBeGreaterThan(1000);
		expect(first.flags.length).toBeGreaterThan(0);
	});

	it('never runs the demo on a real database, nor the real app on demo data', async () => {
		const real = join(temp.dir, 'kept-real.db');
		await (await startApp({ DATABASE_PATH: real }, NOW)).db.destroy();
		await expect(startApp({ DATABASE_PATH: real, DEMO: '1' }, NOW)).rejects.toThrow(/DEMO is on, but .* is a real database/);

		const demo = join(temp.dir, 'kept-demo.db');
		await (await startApp({ DATABASE_PATH: demo, DEMO: 'true' }, NOW)).db.destroy();
		await expect(startApp({ DATABASE_PATH: demo }, NOW)).rejects.toThrow(/holds demo data/);
	});

	it('refuses to start with MIN_RESPONSES below 3', async () => {
		await expect(startApp({ DATABASE_PATH: join(temp.dir, 'x.db'), MIN_RESPONSES: '2' }, NOW)).rejects.toThrow(
			/MIN_RESPONSES="2" must be at least 3/
		);
	});
});

describe.runIf(onPostgres)('start-up of several instances at once on PostgreSQL', () => {
	it('migrates, stores the instruments and seeds the demo once, however many start together', async () => {
		const t = await createEmptyTestDatabase();
		try {
			const env = { DATABASE_URL: t.path, SURVEY_LIMIT_SECRET: 'x'.repeat(32), DEMO: '1' };
			const apps = await Promise.all([startApp(env, NOW), startApp(env, NOW), startApp(env, NOW)]);
			try {
				const count = async (table: 'practice' | 'instrument' | 'user_account' | 'app_meta') =>
					Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
				expect(await count('practice')).toBe(DEMO_PRACTICE_COUNT);
				expect(await count('instrument')).toBe(2);
				// The accounts to sign in with, and a link worker for each neighbouring PCN.
			expect(await count('user_account')).toBe(DEMO_ACCOUNTS.length + NEIGHBOURS.length);
				expect(await t.db.selectFrom('app_meta').select(['key', 'value']).where('key', '=', 'contents').execute()).toEqual([{ key: 'contents', value: 'demo' }]);
			} finally {
				await Promise.all(apps.map((app) => app.db.destroy()));
			}
		} finally {
			await t.close();
		}
	});
});
