import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;
/** Query functions take either the database or a transaction as their first argument. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

/** Opens (creating if needed) the SQLite file, with WAL, foreign keys and a busy timeout. */
export function openDatabase(path: string): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const sqlite = new SQLite(path);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	// Wait up to 5 s for a lock held by another process (e.g. `npm run migrate` beside the server).
	sqlite.pragma('busy_timeout = 5000');
	sqlite.pragma('synchronous = NORMAL');
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Answers only when the database does: used by the health check. */
export async function pingDatabase(db: Db): Promise<boolean> {
	const row = await db
		.selectFrom('app_meta')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirst();
	return row !== undefined;
}
