import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { MIGRATIONS, migrateDown, migrateToLatest } from '../../src/lib/server/db/migrations';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { storeAsFirstSchema } from '../helpers/stored-before';
import { createEmptyTestDatabase, onPostgres, tempDirectory, TEST_ENGINE, type TestDatabase } from '../helpers/database';

type NameQuery = RawBuilder<{ name: string }>;

/** The names a schema query gives, asked in the words of the engine under test. */
async function names(db: Db, query: { postgres: NameQuery; sqlite: NameQuery }): Promise<string[]> {
	return (await (onPostgres ? query.postgres : query.sqlite).execute(db)).rows.map((r) => r.name);
}

const tableNames = (db: Db) =>
	names(db, {
		postgres: sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`,
		sqlite: sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`
	});

const indexNames = (db: Db) =>
	names(db, {
		postgres: sql`select indexname as name from pg_indexes where schemaname = 'public' and tablename not like 'kysely_%' order by indexname`,
		sqlite: sql`select name from sqlite_master where type = 'index' and name not like 'sqlite_%' order by name`
	});

/** A table's primary key columns in key order, and the names of its other indexes. */
async function keyAndIndexes(db: Db, table: string): Promise<{ key: string[]; indexes: string[] }> {
	return {
		key: await names(db, {
			postgres: sql`select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
				where i.indrelid = ${table}::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
			sqlite: sql`select name from pragma_table_info(${table}) where pk > 0 order by pk`
		}),
		indexes: await names(db, {
			postgres: sql`select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
				where i.indrelid = ${table}::regclass and not i.indisprimary order by c.relname`,
			sqlite: sql`select name from pragma_index_list(${table}) where origin <> 'pk' order by name`
		})
	};
}

const columnNames = (db: Db, table: string) =>
	names(db, {
		postgres: sql`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`,
		sqlite: sql`select name from pragma_table_info(${table})`
	});

/** Reverts this migration and every one after it, however many later ones there are by now. */
async function revertFrom(db: Db, name: string): Promise<void> {
	const later = Object.keys(MIGRATIONS).slice(Object.keys(MIGRATIONS).indexOf(name));
	for (let i = 0; i < later.length; i++) await migrateDown(db);
}

describe('migrations', () => {
	const temp = tempDirectory();
	let db: Db | undefined;
	afterEach(async () => {
		await db?.destroy();
		db = undefined;
	});
	afterAll(() => temp.remove());

	it('registers every date-prefixed file in migrations/', () => {
		const files = readdirSync(join(import.meta.dirname, '../../migrations'))
			.filter((f) => f.endsWith('.ts'))
			.map((f) => f.replace(/\.ts$/, ''));
		expect(files.length).toBeGreaterThan(0);
		for (const file of files) expect(file).toMatch(/^\d{8}_\d{2}_[a-z0-9_]+$/);
		expect(Object.keys(MIGRATIONS).sort()).toEqual(files.sort());
	});

	describe(`on ${TEST_ENGINE === 'postgres' ? 'PostgreSQL' : 'a real SQLite file'}`, () => {
		let t: TestDatabase | undefined;
		afterEach(async () => {
			await t?.close();
			t = undefined;
		});

		it('goes up, down one at a time to nothing, and up again to the same tables and indexes', async () => {
			t = await createEmptyTestDatabase();
			const count = Object.keys(MIGRATIONS).length;
			expect(await migrateToLatest(t.db)).toHaveLength(count);
			const tables = await tableNames(t.db);
			const indexes = await indexNames(t.db);
			expect(tables).toEqual(expect.arrayContaining(['round', 'response', 'answer', 'submission_day', 'round_code', 'api_rate_window']));
			expect(indexes).toContain('round_one_open_per_practice');

			const down: string[] = [];
			for (let i = 0; i < count; i++) down.push(...(await migrateDown(t.db)));
			expect(down).toEqual(Object.keys(MIGRATIONS).reverse().map((name) => `reverted ${name}`));
			expect(await tableNames(t.db)).toEqual([]);

			expect(await migrateToLatest(t.db)).toHaveLength(count);
			expect(await tableNames(t.db)).toEqual(tables);
			expect(await indexNames(t.db)).toEqual(indexes);
			expect(await migrateToLatest(t.db)).toEqual([]);
		});

		it('keeps no time, device or address column on anything a respondent writes (docs/scoring.md §6)', async () => {
			t = await createEmptyTestDatabase();
			await migrateToLatest(t.db);
			expect(await columnNames(t.db, 'response')).toEqual(['id', 'round_id', 'role_group']);
			expect(await columnNames(t.db, 'answer')).toEqual(['response_id', 'item_id', 'value', 'not_relevant']);
			expect(await columnNames(t.db, 'general_answer')).toEqual(['response_id', 'general_item_id', 'value']);
			expect(await columnNames(t.db, 'comment')).toEqual(['id', 'round_id', 'body']);
			expect(await columnNames(t.db, 'round_code')).toEqual(['round_id', 'code_hash', 'used']);
			expect(await columnNames(t.db, 'submission_day')).toEqual(['round_id', 'day', 'submissions']);
		});

		it('closes a round left open past its date beside a newer open round, before allowing one open round per practice', async () => {
			t = await createEmptyTestDatabase();
			await migrateToLatest(t.db);
			// Back to just before the shared limits, whatever came after them.
			const later = Object.keys(MIGRATIONS).slice(Object.keys(MIGRATIONS).indexOf('20261203_02_shared_limits'));
			const reverted: string[] = [];
			for (let i = 0; i < later.length; i++) reverted.push(...(await migrateDown(t.db)));
			expect(reverted).toEqual([...later].reverse().map((name) => `reverted ${name}`));
			const versionId = await storeAsFirstSchema(t.db, DEFAULT_STAFF_INSTRUMENT, 'built_in');
			const icb = await t.db.insertInto('icb').values({ ods_code: 'QAA', name: 'ICB' }).returning('id').executeTakeFirstOrThrow();
			const pcn = await t.db.insertInto('pcn').values({ ods_code: 'U1', name: 'PCN', icb_id: icb.id }).returning('id').executeTakeFirstOrThrow();
			const practices = await t.db.insertInto('practice').values([{ ods_code: 'A1', name: 'One' }, { ods_code: 'A2', name: 'Two' }].map((p) => ({ ...p, pcn_id: pcn.id }))).returning('id').execute();
			const round = (practiceId: number, title: string, opensOn: string, closesOn: string) => ({
				practice_id: practiceId, instrument_version_id: versionId, title, opens_on: opensOn, closes_on: closesOn, status: 'open' as const,
				public_token: `token-${title}`, created_at: '2026-01-01T00:00:00Z'
			});
			await t.db.insertInto('round').values([
				round(practices[0]!.id, 'left open', '2026-01-05', '2026-01-30'),
				round(practices[0]!.id, 'current', '2026-03-02', '2026-03-27'),
				round(practices[1]!.id, 'only one', '2026-03-02', '2026-03-27')
			]).execute();
			expect(await migrateToLatest(t.db)).toEqual(later.map((name) => `applied ${name}`));
			const rounds = await t.db.selectFrom('round').select(['title', 'status', 'closed_on']).orderBy('title').execute();
			expect(rounds).toEqual([
				{ title: 'current', status: 'open', closed_on: null },
				{ title: 'left open', status: 'closed', closed_on: '2026-01-30' },
				{ title: 'only one', status: 'open', closed_on: null }
			]);
			await expect(t.db.insertInto('round').values(round(practices[1]!.id, 'second', '2026-04-01', '2026-04-20')).execute()).rejects.toThrow();
		});

		it("keys the single-use keys and comments by round first, keeping every row, and keeps one throttle row per network and day without a day index (issue 25)", async () => {
			t = await createEmptyTestDatabase();
			await migrateToLatest(t.db);
			const later = Object.keys(MIGRATIONS).slice(Object.keys(MIGRATIONS).indexOf('20261206_01_fewer_submission_trees'));
			for (let i = 0; i < later.length; i++) await migrateDown(t.db);
			expect((await keyAndIndexes(t.db, 'comment')).indexes).toEqual(['comment_round_idx']);
			const versionId = await storeAsFirstSchema(t.db, DEFAULT_STAFF_INSTRUMENT, 'built_in');
			const icb = await t.db.insertInto('icb').values({ ods_code: 'QAA', name: 'ICB' }).returning('id').executeTakeFirstOrThrow();
			const pcn = await t.db.insertInto('pcn').values({ ods_code: 'U1', name: 'PCN', icb_id: icb.id }).returning('id').executeTakeFirstOrThrow();
			const practice = await t.db.insertInto('practice').values({ ods_code: 'A1', name: 'One', pcn_id: pcn.id }).returning('id').executeTakeFirstOrThrow();
			const rounds = await t.db.insertInto('round').values(['first', 'second'].map((title) => ({
				practice_id: practice.id, instrument_version_id: versionId, title, opens_on: '2026-03-02', closes_on: '2026-03-27', status: 'closed' as const,
				public_token: `token-${title}`, created_at: '2026-01-01T00:00:00Z'
			}))).returning('id').execute();
			const [first, second] = rounds.map((r) => r.id) as [number, number];
			const keys = [{ key_hash: 'key-a', round_id: first }, { key_hash: 'key-b', round_id: first }, { key_hash: 'key-c', round_id: second }];
			const comments = [{ id: 'c-1', round_id: first, body: 'More time' }, { id: 'c-2', round_id: second, body: 'Thank you' }, { id: 'c-3', round_id: second, body: 'Less paperwork' }];
			await t.db.insertInto('survey_submission_key').values(keys).execute();
			await t.db.insertInto('comment').values(comments).execute();
			await sql`insert into survey_throttle (key_hash, day, submissions) values ('day-hash', '2026-03-02', 3)`.execute(t.db);

			expect(await migrateToLatest(t.db)).toEqual(later.map((name) => `applied ${name}`));
			const sorted = <T extends Record<string, unknown>>(rows: T[], by: keyof T) => [...rows].sort((a, b) => String(a[by]).localeCompare(String(b[by])));
			expect(sorted(await t.db.selectFrom('survey_submission_key').selectAll().execute(), 'key_hash')).toEqual(keys);
			expect(sorted(await t.db.selectFrom('comment').selectAll().execute(), 'id')).toEqual(comments);
			// The throttle's transient counts are dropped; its rows now carry the hour's hash and count.
			expect(await t.db.selectFrom('survey_throttle').selectAll().execute()).toEqual([]);
			expect(await columnNames(t.db, 'survey_throttle')).toEqual(['key_hash', 'day', 'submissions', 'hour_hash', 'hour_submissions']);
			const pkName = (name: string) => (onPostgres ? [name] : []);
			expect(await keyAndIndexes(t.db, 'survey_throttle')).toEqual({ key: ['key_hash'], indexes: [] });
			expect(await keyAndIndexes(t.db, 'survey_submission_key')).toEqual({ key: ['round_id', 'key_hash'], indexes: [] });
			expect(await keyAndIndexes(t.db, 'comment')).toEqual({ key: ['round_id', 'id'], indexes: [] });
			const names = await indexNames(t.db);
			for (const old of ['survey_throttle_day_idx', 'survey_submission_key_round_idx', 'comment_round_idx']) expect(names).not.toContain(old);
			expect(names).toEqual(expect.arrayContaining([...pkName('comment_pk'), ...pkName('survey_submission_key_pk')]));
			if (!onPostgres) {
				// Still WITHOUT ROWID on SQLite: stored in the order of the key, not of arrival (docs/scoring.md §6).
				const shapes = await sql<{ sql: string }>`select sql from sqlite_master where name in ('comment', 'survey_submission_key', 'survey_throttle')`.execute(t.db);
				for (const { sql: text } of shapes.rows) expect(text.toLowerCase()).toMatch(/without rowid$/);
			}
			// A key used in one round may be used in another; within a round, once.
			await t.db.insertInto('survey_submission_key').values({ key_hash: 'key-c', round_id: first }).execute();
			await expect(t.db.insertInto('survey_submission_key').values({ key_hash: 'key-c', round_id: first }).execute()).rejects.toThrow();
			// Deleting a round still takes its keys and comments with it.
			await t.db.deleteFrom('round').where('id', '=', first).execute();
			expect(await t.db.selectFrom('survey_submission_key').select('key_hash').orderBy('key_hash').execute()).toEqual([{ key_hash: 'key-c' }]);
			expect((await t.db.selectFrom('comment').select('id').orderBy('id').execute()).map((c) => c.id)).toEqual(['c-2', 'c-3']);

			// And back: the rows that are left are kept, under the old keys and indexes.
			for (let i = 0; i < later.length; i++) await migrateDown(t.db);
			expect(await keyAndIndexes(t.db, 'comment')).toEqual({ key: ['id'], indexes: ['comment_round_idx'] });
			expect(await keyAndIndexes(t.db, 'survey_submission_key')).toEqual({ key: ['key_hash'], indexes: ['survey_submission_key_round_idx'] });
			expect(await keyAndIndexes(t.db, 'survey_throttle')).toEqual({ key: ['key_hash'], indexes: ['survey_throttle_day_idx'] });
			expect((await t.db.selectFrom('comment').select('id').orderBy('id').execute()).map((c) => c.id)).toEqual(['c-2', 'c-3']);
			expect(await t.db.selectFrom('survey_submission_key').selectAll().execute()).toEqual([{ key_hash: 'key-c', round_id: second }]);
		});

		it("keeps each closed round's scores in a table of their own, gone with the round, and takes it away again (issue 26)", async () => {
			t = await createEmptyTestDatabase();
			await migrateToLatest(t.db);
			expect(await columnNames(t.db, 'round_score')).toEqual([
				'round_id',
				'closed_on',
				'respondents',
				...['overall', 'coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'].flatMap((score) =>
					['mean', 'lower', 'upper', 'n'].map((part) => `${score}_${part}`)
				),
				'version'
			]);
			expect(await keyAndIndexes(t.db, 'round_score')).toEqual({ key: ['round_id'], indexes: ['round_score_closed_on_idx', 'round_score_version_idx'] });
			const { storeBuiltInInstruments, versionIdOf } = await import('../../src/lib/server/surveys/instruments');
			const { DEFAULT_STAFF_INSTRUMENT } = await import('../../src/lib/npt/builtin');
			await storeBuiltInInstruments(t.db);
			const icb = await t.db.insertInto('icb').values({ ods_code: 'QAA', name: 'ICB' }).returning('id').executeTakeFirstOrThrow();
			const pcn = await t.db.insertInto('pcn').values({ ods_code: 'U1', name: 'PCN', icb_id: icb.id }).returning('id').executeTakeFirstOrThrow();
			const practice = await t.db.insertInto('practice').values({ ods_code: 'A1', name: 'One', pcn_id: pcn.id }).returning('id').executeTakeFirstOrThrow();
			const round = await t.db.insertInto('round').values({
				practice_id: practice.id, instrument_version_id: (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!, title: 'Spring', opens_on: '2026-03-02',
				closes_on: '2026-03-27', status: 'closed', public_token: 'token-spring', created_at: '2026-01-01T00:00:00Z'
			}).returning('id').executeTakeFirstOrThrow();
			const scores = Object.fromEntries(['overall', 'coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'].flatMap((score) => [
				[`${score}_mean`, 6.25], [`${score}_lower`, 5.5], [`${score}_upper`, 7], [`${score}_n`, 6]
			]));
			await t.db.insertInto('round_score').values({ round_id: round.id, closed_on: '2026-03-27', respondents: 6, version: 1, ...scores } as never).execute();
			expect(await t.db.selectFrom('round_score').select(['respondents', 'overall_mean', 'reflexive_monitoring_n']).execute()).toEqual([
				{ respondents: 6, overall_mean: 6.25, reflexive_monitoring_n: 6 }
			]);
			await t.db.deleteFrom('round').where('id', '=', round.id).execute();
			expect(await t.db.selectFrom('round_score').select('round_id').execute()).toEqual([]);
			await revertFrom(t.db, '20261206_02_round_scores');
			expect(await columnNames(t.db, 'round_score')).toEqual([]);
		});

		it('lets an account be an ICB lead without losing any session, scope or link of the accounts already there, and takes it back (issue 26)', async () => {
			t = await createEmptyTestDatabase();
			await migrateToLatest(t.db);
			await revertFrom(t.db, '20261206_03_icb_leads');
			const icb = await t.db.insertInto('icb').values({ ods_code: 'QAA', name: 'ICB' }).returning('id').executeTakeFirstOrThrow();
			const pcn = await t.db.insertInto('pcn').values({ ods_code: 'U1', name: 'PCN', icb_id: icb.id }).returning('id').executeTakeFirstOrThrow();
			const lead = await t.db
				.insertInto('user_account')
				.values({ email: 'lead@example.nhs.uk', display_name: 'Lead', role: 'pcn_lead', created_at: '2026-12-01T00:00:00Z' })
				.returning('id')
				.executeTakeFirstOrThrow();
			await t.db.insertInto('user_pcn').values({ user_id: lead.id, pcn_id: pcn.id }).execute();
			await t.db.insertInto('session').values({ id: 'session-hash', user_id: lead.id, created_at: '2026-12-01T00:00:00Z', expires_at: '2026-12-02T00:00:00Z' }).execute();
			const icbLead = () =>
				t!.db.insertInto('user_account').values({ email: 'icb@example.nhs.uk', display_name: 'ICB', role: 'icb_lead' as never, created_at: '2026-12-01T00:00:00Z' }).execute();
			await expect(icbLead()).rejects.toThrow();

			await migrateToLatest(t.db);
			expect(await keyAndIndexes(t.db, 'user_icb')).toEqual({ key: ['user_id', 'icb_id'], indexes: ['user_icb_icb_idx'] });
			expect(await t.db.selectFrom('session').select(['id', 'user_id']).execute()).toEqual([{ id: 'session-hash', user_id: lead.id }]);
			expect(await t.db.selectFrom('user_pcn').selectAll().execute()).toEqual([{ user_id: lead.id, pcn_id: pcn.id }]);
			await icbLead();
			const made = await t.db.selectFrom('user_account').select('id').where('role', '=', 'icb_lead').executeTakeFirstOrThrow();
			await t.db.insertInto('user_icb').values({ user_id: made.id, icb_id: icb.id }).execute();
			// The rebuilt table still carries its references: an account's rows go with it.
			await t.db.deleteFrom('user_account').where('id', '=', lead.id).execute();
			expect(await t.db.selectFrom('session').select('id').execute()).toEqual([]);
			if (!onPostgres) expect((await sql`pragma foreign_keys`.execute(t.db)).rows).toEqual([{ foreign_keys: 1 }]);

			await revertFrom(t.db, '20261206_03_icb_leads');
			expect(await t.db.selectFrom('user_account').select('role').execute()).toEqual([]);
			expect(await columnNames(t.db, 'user_icb')).toEqual([]);
		});
	});

	it.skipIf(onPostgres)('turns on foreign keys and WAL on SQLite', async () => {
		db = openDatabase({ databasePath: join(temp.dir, 'pragmas.db') });
		const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
		const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
		expect(fk.rows[0]!.foreign_keys).toBe(1);
		expect(mode.rows[0]!.journal_mode).toBe('wal');
	});
});
