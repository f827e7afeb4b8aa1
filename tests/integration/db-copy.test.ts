/**
 * Issue 15, moving up: `npm run db:copy` copies a whole SQLite database into an empty PostgreSQL
 * database in one transaction, checks row counts per table, and refuses a non-empty target.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ukDate } from '../../src/lib/dates';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { CopyRefused, copySqliteToPostgres } from '../../src/lib/server/db/copy';
import { migrateDown, migrateToLatest, MIGRATIONS } from '../../src/lib/server/db/migrations';
import { describeCopy, readCopyArguments } from '../../src/lib/server/cli/db-copy';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { onPostgres, tempDirectory } from '../helpers/database';
import { databaseUrl } from '../helpers/postgres-setup';

const TABLES_TO_COMPARE = ['user_account', 'practice', 'round', 'response', 'answer', 'general_answer', 'comment', 'submission_day', 'flag', 'audit_event', 'app_meta'] as const;

async function rowsOf(db: Db, table: (typeof TABLES_TO_COMPARE)[number]): Promise<string[]> {
	return (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
}

describe('the arguments of db:copy', () => {
	it('needs an existing file and a PostgreSQL address, and says what is wrong', () => {
		expect(readCopyArguments([])).toEqual({ ok: false, problems: ['Give the SQLite file to copy with --from.', 'Give the PostgreSQL database to copy into with --to.'] });
		expect(readCopyArguments(['--from', '/no/such/file.db', '--to', 'mysql://x'])).toEqual({
			ok: false,
			problems: ['There is no file at /no/such/file.db.', '--to must be a PostgreSQL address, like postgres://belonging:secret@localhost:5432/belonging.']
		});
		expect(readCopyArguments(['--from', 'package.json', '--to', 'postgres://localhost/b'])).toEqual({ ok: true, from: 'package.json', to: 'postgres://localhost/b' });
		expect(readCopyArguments(['--into', 'x'])).toMatchObject({ ok: false, problems: [expect.stringContaining("'--into'")] });
	});

	it('lists rows per table and in all', () => {
		expect(describeCopy([{ table: 'icb', rows: 1 }, { table: 'response', rows: 12_345 }])).toEqual([
			'  icb                  1',
			'  response        12,345',
			'  in all          12,346'
		]);
	});
});

describe.runIf(onPostgres)('copying an SQLite database into PostgreSQL', () => {
	const temp = tempDirectory();
	let sourcePath: string;
	let targetUrl: string;
	let targetName: string;
	const admin = async (statement: string) => {
		const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
		await client.connect();
		try {
			await client.query(statement);
		} finally {
			await client.end();
		}
	};

	beforeEach(async () => {
		sourcePath = join(temp.dir, `source-${randomBytes(4).toString('hex')}.db`);
		const source = openDatabase({ databasePath: sourcePath });
		await migrateToLatest(source);
		await storeBuiltInInstruments(source);
		await seedDemoData(source, ukDate());
		await source.insertInto('app_meta').values({ key: 'contents', value: 'demo' }).execute();
		await source.destroy();
		targetName = `${inject('postgresTemplate')}_copy_${randomBytes(4).toString('hex')}`;
		await admin(`create database ${targetName}`);
		targetUrl = databaseUrl(process.env.TEST_DATABASE_URL!, targetName);
	});
	afterEach(async () => {
		await admin(`drop database if exists ${targetName} with (force)`);
	});
	afterAll(() => temp.remove());

	it('copies every row of every table, counts them, and leaves new ids free', async () => {
		const heard: string[] = [];
		const copied = await copySqliteToPostgres(sourcePath, targetUrl, ({ table }) => heard.push(table));
		expect(heard).toEqual(copied.map((c) => c.table));
		// Parents before children.
		expect(heard.indexOf('practice')).toBeLessThan(heard.indexOf('round'));
		expect(heard.indexOf('round')).toBeLessThan(heard.indexOf('response'));
		expect(heard.indexOf('response')).toBeLessThan(heard.indexOf('answer'));

		const source = openDatabase({ databasePath: sourcePath, readOnly: true });
		const target = openDatabase({ databaseUrl: targetUrl, databasePoolSize: 1 });
		try {
			for (const { table, rows } of copied) {
				const counted = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(source);
				expect(rows, table).toBe(Number(counted.rows[0]!.n));
			}
			expect(copied.find((c) => c.table === 'response')!.rows).toBeGreaterThan(100);
			for (const table of TABLES_TO_COMPARE) expect(await rowsOf(target, table), table).toEqual(await rowsOf(source, table));
			// The next practice gets an id after the copied ones.
			const maxId = (await target.selectFrom('practice').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id as number;
			expect((await createPractice(target, { odsCode: 'Z99999', name: 'New', pcnId: null })).id).toBe(maxId + 1);
		} finally {
			await source.destroy();
			await target.destroy();
		}
	});

	it('refuses a target that holds anything, and changes nothing there', async () => {
		await copySqliteToPostgres(sourcePath, targetUrl);
		await expect(copySqliteToPostgres(sourcePath, targetUrl)).rejects.toThrow(CopyRefused);
		await expect(copySqliteToPostgres(sourcePath, targetUrl)).rejects.toThrow(/The target is not empty: .*user_account/);
		const target = openDatabase({ databaseUrl: targetUrl, databasePoolSize: 1 });
		try {
			const source = openDatabase({ databasePath: sourcePath, readOnly: true });
			expect(await rowsOf(target, 'response')).toEqual(await rowsOf(source, 'response'));
			await source.destroy();
		} finally {
			await target.destroy();
		}
	});

	it('copies nothing at all when any table fails part of the way through', async () => {
		const target = openDatabase({ databaseUrl: targetUrl, databasePoolSize: 1 });
		try {
			await migrateToLatest(target);
			await sql`create function refuse_comments() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`.execute(target);
			await sql`create trigger refuse_comments before insert on comment for each row execute function refuse_comments()`.execute(target);
			await expect(copySqliteToPostgres(sourcePath, targetUrl)).rejects.toThrow(/^comment, the row with round_id \d+, id [\w-]+, cannot be copied: it was refused by PostgreSQL \(disk on fire\)/);
			for (const table of TABLES_TO_COMPARE) expect(await rowsOf(target, table), table).toEqual([]);
		} finally {
			await target.destroy();
		}
	});

	// Issue 24, item 7: a NUL stored in SQLite made the copy fail blind ("invalid byte sequence for encoding UTF8: 0x00").
	it('names the table, the row and the column it cannot copy, and copies nothing', async () => {
		const source = openDatabase({ databasePath: sourcePath });
		const round = await source.selectFrom('round').select('id').orderBy('id').limit(1).offset(1).executeTakeFirstOrThrow();
		await source.updateTable('round').set({ title: 'Spring\u0000 round' }).where('id', '=', round.id).execute();
		await source.destroy();
		const copying = copySqliteToPostgres(sourcePath, targetUrl);
		await expect(copying).rejects.toThrow(CopyRefused);
		await expect(copying).rejects.toThrow(
			new RegExp(`^round, the row with id ${round.id}, cannot be copied: its title holds a NUL character, which PostgreSQL cannot store`)
		);
		const target = openDatabase({ databaseUrl: targetUrl, databasePoolSize: 1 });
		try {
			for (const table of TABLES_TO_COMPARE) expect(await rowsOf(target, table), table).toEqual([]);
		} finally {
			await target.destroy();
		}
	});

	it('refuses a source that is not at this version’s latest migration', async () => {
		const source = openDatabase({ databasePath: sourcePath });
		await migrateDown(source);
		await source.destroy();
		const oneBack = Object.keys(MIGRATIONS).at(-2)!;
		await expect(copySqliteToPostgres(sourcePath, targetUrl)).rejects.toThrow(`The source is at migration ${oneBack}`);
	});
});
