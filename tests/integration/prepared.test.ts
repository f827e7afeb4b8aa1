import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { sql } from 'kysely';
import { preparedPerCount, preparedQuery } from '../../src/lib/server/db/prepared';
import { openDatabase } from '../../src/lib/server/db';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';

describe('prepared queries', () => {
	let t: TestDatabase;
	let other: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
		other = await createTestDatabase();
	});
	afterEach(async () => {
		await t.close();
		await other.close();
	});

	const setting = preparedQuery<'key', { value: string }>((db, slot) => db.selectFrom('app_meta').select('value').where('key', '=', slot('key')));
	const store = preparedQuery<'key' | 'value', unknown>((db, slot) =>
		db
			.insertInto('app_meta')
			.values({ key: slot('key'), value: slot('value') })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`app_meta.value || ${'+'}` }))
	);

	it('runs with new values each time, keeping values written into the query itself', async () => {
		await store.execute(t.db, { key: 'a', value: 'one' });
		await store.execute(t.db, { key: 'b', value: 'two' });
		await store.execute(t.db, { key: 'a', value: 'ignored' });
		expect((await setting.execute(t.db, { key: 'a' })).rows).toEqual([{ value: 'one+' }]);
		expect((await setting.execute(t.db, { key: 'b' })).rows).toEqual([{ value: 'two' }]);
		expect((await setting.execute(t.db, { key: 'missing' })).rows).toEqual([]);
	});

	it('runs on each database, and inside a transaction, on the data it is given', async () => {
		await store.execute(t.db, { key: 'k', value: 'first database' });
		await store.execute(other.db, { key: 'k', value: 'second database' });
		expect((await setting.execute(t.db, { key: 'k' })).rows).toEqual([{ value: 'first database' }]);
		expect((await setting.execute(other.db, { key: 'k' })).rows).toEqual([{ value: 'second database' }]);
		await t.db
			.transaction()
			.execute(async (tx) => {
				await store.execute(tx, { key: 'rolled back', value: 'x' });
				expect((await setting.execute(tx, { key: 'rolled back' })).rows).toEqual([{ value: 'x' }]);
				throw new Error('undo');
			})
			.catch(() => undefined);
		expect((await setting.execute(t.db, { key: 'rolled back' })).rows).toEqual([]);
	});

	it.runIf(onPostgres)('is prepared on the PostgreSQL server once per connection, and a built query is not', async () => {
		// A connection of its own: the test's pool is kept from test to test, with what they prepared.
		const fresh = openDatabase({ databaseUrl: t.path, databasePoolSize: 1 });
		onTestFinished(() => fresh.destroy());
		await fresh.transaction().execute(async (tx) => {
			await setting.execute(tx, { key: 'a' });
			await setting.execute(tx, { key: 'b' });
			await tx.selectFrom('app_meta').select('key').where('key', '=', 'c').execute();
			const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx);
			expect(prepared.rows.map((r) => r.statement)).toEqual(['select "value" from "app_meta" where "key" = $1']);
		});
	});

	it('compiles a multi-row insert once per number of rows', async () => {
		const insertRows = preparedPerCount<string, unknown>((db, slot, rows) =>
			db.insertInto('app_meta').values(Array.from({ length: rows }, (_, i) => ({ key: slot(`key${i}`), value: slot(`value${i}`) })))
		);
		expect(insertRows(2)).toBe(insertRows(2));
		await insertRows(2).execute(t.db, { key0: 'x', value0: '1', key1: 'y', value1: '2' });
		await insertRows(1).execute(t.db, { key0: 'z', value0: '3' });
		const rows = await t.db.selectFrom('app_meta').select(['key', 'value']).where('key', 'in', ['x', 'y', 'z']).orderBy('key').execute();
		expect(rows).toEqual([
			{ key: 'x', value: '1' },
			{ key: 'y', value: '2' },
			{ key: 'z', value: '3' }
		]);
	});
});
