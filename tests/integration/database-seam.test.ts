/**
 * The database seam in db/ (issue 13, item 5; issue 15): how the engine says a unique value is
 * taken, and values that come back in the same JavaScript shapes from SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anotherHandle, databaseIdentity, engineOf, isUniqueViolation, lockFor, openDatabase, poolUse } from '../../src/lib/server/db';
import { createPracticeWithRound, createTestDatabase, TEST_ENGINE, type TestDatabase } from '../helpers/database';

describe('isUniqueViolation', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	const insertTwice = async () => {
		const row = { email: 'twin@example.nhs.uk', display_name: 'Twin', role: 'admin' as const, created_at: new Date().toISOString() };
		await t.db.insertInto('user_account').values(row).execute();
		try {
			await t.db.insertInto('user_account').values(row).execute();
		} catch (error) {
			return error;
		}
		throw new Error('the second insert went through');
	};

	it('recognises a second row with a taken value, for that column only', async () => {
		const error = await insertTwice();
		expect(isUniqueViolation(error, 'user_account', 'email')).toBe(true);
		expect(isUniqueViolation(error, 'user_account', 'display_name')).toBe(false);
		expect(isUniqueViolation(error, 'practice', 'ods_code')).toBe(false);
	});

	it('says no to anything else', async () => {
		expect(isUniqueViolation(new Error('UNIQUE constraint failed: user_account.email'), 'user_account', 'email')).toBe(false);
		expect(isUniqueViolation('UNIQUE constraint failed: user_account.email', 'user_account', 'email')).toBe(false);
		expect(isUniqueViolation(undefined, 'user_account', 'email')).toBe(false);
	});
});

describe(`values from ${TEST_ENGINE}`, () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('knows its engine', () => {
		expect(engineOf(t.db)).toBe(TEST_ENGINE);
	});

	it('gives ids, counts, sums and flags as numbers, dates as the same ISO text and nulls as null', async () => {
		const { round, practice } = await createPracticeWithRound(t.db, { staffHeadcount: 20 });
		const row = await t.db
			.selectFrom('round')
			.select(['id', 'practice_id', 'staff_headcount', 'requires_code', 'opens_on', 'created_at', 'closed_on'])
			.where('id', '=', round.id)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({
			id: round.id,
			practice_id: practice.id,
			staff_headcount: 20,
			requires_code: 0,
			opens_on: '2026-11-01',
			created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
			closed_on: null
		});
		const counted = await t.db
			.selectFrom('round')
			.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('staff_headcount').as('total'), eb.fn.max('id').as('last')])
			.executeTakeFirstOrThrow();
		expect(counted).toEqual({ n: 1, total: 20, last: round.id });
		expect(typeof counted.n).toBe('number');
		const big = await sql<{ ms: number }>`select ${sql.lit(1_764_748_800_123)} as ms`.execute(t.db);
		expect(big.rows[0]!.ms).toBe(1_764_748_800_123);
	});

	it('takes a lock only inside a transaction, and lets the next taker through once it ends', async () => {
		const order: string[] = [];
		await Promise.all(
			['first', 'second'].map((name) =>
				t.db.transaction().execute(async (tx) => {
					await lockFor(tx, 'b-key', 'a-key');
					order.push(`${name} in`);
					await new Promise((resolve) => setTimeout(resolve, 50));
					order.push(`${name} out`);
				})
			)
		);
		// Never both inside at once: on SQLite one transaction at a time, on PostgreSQL the lock.
		// Which of the two gets it first is up to the server, so either order is right.
		const [first, second] = order[0] === 'first in' ? ['first', 'second'] : ['second', 'first'];
		expect(order).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
	});
});

describe('the health check', () => {
	it('answers 503, not 500 and not never, when PostgreSQL cannot be reached', async () => {
		const { GET } = await import('../../src/routes/healthz/+server');
		const db = openDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/nothing', databasePoolSize: 1 });
		try {
			const response = await GET({ locals: { db } } as never);
			expect(response.status).toBe(503);
			expect(await response.json()).toEqual({ status: 'error', message: 'The database is not answering' });
		} finally {
			await db.destroy();
		}
	});
});

describe('anotherHandle', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it.runIf(TEST_ENGINE === 'postgres')('shares the first handle’s pool and data, and keeps nothing of its own in common', async () => {
		const handle = anotherHandle(t.db);
		await t.db.insertInto('app_meta').values({ key: 'shared', value: 'one pool' }).execute();
		expect(await handle.selectFrom('app_meta').select('value').where('key', '=', 'shared').executeTakeFirst()).toEqual({ value: 'one pool' });
		expect(databaseIdentity(handle)).not.toBe(databaseIdentity(t.db));
		expect(poolUse(handle)).toEqual(poolUse(t.db));
		expect(poolUse(handle).max).toBe(4);
	});

	it.runIf(TEST_ENGINE === 'sqlite')('is for PostgreSQL pools only', () => {
		expect(() => anotherHandle(t.db)).toThrow('Only a PostgreSQL database has a pool to share');
	});
});
