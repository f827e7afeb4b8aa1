import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { MIGRATIONS, migrateDown, migrateToLatest } from '../../src/lib/server/db/migrations';
import { tempDirectory } from '../helpers/database';

async function tableNames(db: Db): Promise<string[]> {
	const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db);
	return rows.rows.map((r) => r.name);
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

	it('goes up, all the way down and up again on a real SQLite file', async () => {
		db = openDatabase({ databasePath: join(temp.dir, 'migrate.db') });
		const up = await migrateToLatest(db);
		expect(up).toHaveLength(Object.keys(MIGRATIONS).length);
		const tables = await tableNames(db);
		expect(tables).toEqual(expect.arrayContaining(['round', 'response', 'answer', 'submission_day', 'round_code']));

		for (let i = 0; i < Object.keys(MIGRATIONS).length; i++) await migrateDown(db);
		expect(await tableNames(db)).toEqual([]);

		expect(await migrateToLatest(db)).toHaveLength(Object.keys(MIGRATIONS).length);
		expect(await tableNames(db)).toEqual(tables);
		expect(await migrateToLatest(db)).toEqual([]);
	});

	it('turns on foreign keys and WAL', async () => {
		db = openDatabase({ databasePath: join(temp.dir, 'pragmas.db') });
		const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
		const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
		expect(fk.rows[0]!.foreign_keys).toBe(1);
		expect(mode.rows[0]!.journal_mode).toBe('wal');
	});

	it('keeps no time, device or address column on anything a respondent writes (SCORING.md §6)', async () => {
		db = openDatabase({ databasePath: join(temp.dir, 'columns.db') });
		await migrateToLatest(db);
		const columns = async (table: string) =>
			(await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db!)).rows.map((r) => r.name);
		expect(await columns('response')).toEqual(['id', 'round_id', 'role_group']);
		expect(await columns('answer')).toEqual(['response_id', 'item_id', 'value', 'not_relevant']);
		expect(await columns('general_answer')).toEqual(['response_id', 'general_item_id', 'value']);
		expect(await columns('comment')).toEqual(['id', 'round_id', 'body']);
		expect(await columns('round_code')).toEqual(['round_id', 'code_hash', 'used']);
		expect(await columns('submission_day')).toEqual(['round_id', 'day', 'submissions']);
	});
});
