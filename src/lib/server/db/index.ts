import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;
/** Query functions take either the database or a transaction as their first argument. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

/** Where the database is and how to open it: the one thing the rest of the app knows of the engine. */
export interface DatabaseConfig {
	/** The SQLite file (created with its folder when missing), or `:memory:`. */
	databasePath: string;
	/** Open an existing database only to read it, e.g. to look into a running server's data from a test. */
	readOnly?: boolean;
}

/**
 * Opens (creating if needed) the SQLite file, with WAL, foreign keys and a busy timeout.
 * `secure_delete` overwrites deleted content with zeros, so a copy of the file keeps no trace of
 * what was removed (SCORING.md §6, database files).
 */
export function openDatabase(config: DatabaseConfig): Db {
	const path = config.databasePath;
	if (config.readOnly) {
		const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
		sqlite.pragma('busy_timeout = 5000');
		return new Kysely<Database>({ dialect: new SqliteDialect({ database: withPreparedStatements(sqlite) }) });
	}
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const sqlite = new SQLite(path);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('secure_delete = ON');
	sqlite.pragma('foreign_keys = ON');
	// Wait up to 5 s for a lock held by another process (e.g. `npm run migrate` beside the server).
	sqlite.pragma('busy_timeout = 5000');
	sqlite.pragma('synchronous = NORMAL');
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: withPreparedStatements(sqlite) }) });
}

/** Distinct statements kept prepared; past it, the oldest is dropped (lists of ids vary in length). */
const PREPARED_STATEMENTS = 500;

/**
 * The connection as Kysely sees it, with each statement prepared once and then reused: Kysely
 * asks for a fresh statement for every query, and preparing costs more than running a small one.
 * Safe because Kysely runs each statement to the end before the next (it never holds a cursor).
 */
function withPreparedStatements(sqlite: SQLite.Database): SqliteDatabase {
	const prepared = new Map<string, SQLite.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sql) {
			let statement = prepared.get(sql);
			if (!statement) {
				statement = sqlite.prepare(sql);
				if (prepared.size >= PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value!);
				prepared.set(sql, statement);
			}
			return statement;
		}
	};
}

/**
 * Whether an error is the database refusing a second row with the same value in a unique column
 * (`table.column`): the one place that knows how the engine says so.
 */
export function isUniqueViolation(error: unknown, table: string, column: string): boolean {
	if (!(error instanceof Error)) return false;
	const code = (error as { code?: unknown }).code;
	return (
		(code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
		error.message.includes(`${table}.${column}`)
	);
}

/**
 * What stays the same for a database and every transaction on it: the key for caches of what
 * never changes once stored (instrument versions, their item ids), so a transaction finds them too.
 */
export function databaseIdentity(db: DbOrTx): object {
	return db.getExecutor().adapter;
}

/** Runs `work` in a transaction, or inside the caller's when there already is one. */
export function atomically<T>(db: DbOrTx, work: (tx: DbOrTx) => Promise<T>): Promise<T> {
	return db.isTransaction ? work(db) : (db as Db).transaction().execute(work);
}

/** Answers only when the database does: used by the health check. */
export async function pingDatabase(db: Db): Promise<boolean> {
	const row = await db
		.selectFrom('app_meta')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * Moves everything in the write-ahead log into the database file and empties the log. The log
 * keeps each commit's pages together, so a copy of it could tie a response to its comment and
 * day; the database file itself keeps no such grouping. Answers true when the log was emptied
 * (false while another connection is still reading it).
 */
export async function emptyWriteAheadLog(db: Db): Promise<boolean> {
	const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
	return rows[0]?.busy === 0;
}

/** How soon after a survey write the log is emptied: a copy of the files taken later holds no commit of it. */
export const LOG_EMPTIED_WITHIN_MS = 500;
const emptying = new WeakSet<Db>();

/**
 * Empties the write-ahead log shortly after a survey write, at most once per LOG_EMPTIED_WITHIN_MS
 * however many answers arrive, so a busy round costs one checkpoint a half-second.
 */
export function emptyWriteAheadLogSoon(db: Db): void {
	if (emptying.has(db)) return;
	emptying.add(db);
	setTimeout(() => {
		emptyWriteAheadLog(db)
			.catch((error) => {
				// A database closed in the meantime (a test, a shutdown) has nothing left to empty.
				if (!/destroyed/i.test(String(error))) console.error(`Could not empty the write-ahead log: ${(error as Error).message}`);
				return undefined;
			})
			.then((emptied) => {
				emptying.delete(db);
				// A reader held the log: try again shortly.
				if (emptied === false) emptyWriteAheadLogSoon(db);
			});
	}, LOG_EMPTIED_WITHIN_MS).unref();
}
