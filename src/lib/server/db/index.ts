import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter as SqliteAdapterClass, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import { log } from '../platform/logging';
import { emptyLogInBackground } from './checkpoints';
export { LOG_EMPTIED_WITHIN_MS } from './checkpoints';
import type { Database } from './schema';

export type Db = Kysely<Database>;
/** Query functions take either the database or a transaction as their first argument. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

/**
 * Where the database is and how to open it: the one thing the rest of the app knows of the
 * engine. With `databaseUrl`, PostgreSQL; otherwise the SQLite file at `databasePath`.
 */
export interface DatabaseConfig {
	/** The SQLite file (created with its folder when missing), or `:memory:`. */
	databasePath?: string;
	/** Open an existing database only to read it, e.g. to look into a running server's data from a test. */
	readOnly?: boolean;
	/** `postgres://user:password@host:port/database`, with any TLS options `pg` reads from it (`sslmode=require`). */
	databaseUrl?: string;
	/** PostgreSQL connections kept open at most. */
	databasePoolSize?: number;
	/** SQLite: whether each commit waits for the disk (`full`) or not (`normal`); see openSqlite. */
	sqliteSynchronous?: SqliteSynchronous;
}

export type SqliteSynchronous = 'full' | 'normal';
/** SQLITE_SYNCHRONOUS unless set: see openSqlite for what each setting costs and risks. */
export const DEFAULT_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'normal';

export type Engine = 'sqlite' | 'postgres';

/** PostgreSQL connections per instance unless DATABASE_POOL_SIZE says otherwise: enough for a 2-core server. */
export const DEFAULT_POOL_SIZE = 5;

/** Which engine a database runs on, for the few things only the engine can do (db/ only). */
export function engineOf(db: DbOrTx): Engine {
	return db.getExecutor().adapter instanceof SqliteAdapterClass ? 'sqlite' : 'postgres';
}

/** Opens the database the configuration names: PostgreSQL with a URL, else the SQLite file. */
export function openDatabase(config: DatabaseConfig): Db {
	if (config.databaseUrl) return openPostgres(config.databaseUrl, config.databasePoolSize ?? DEFAULT_POOL_SIZE);
	return openSqlite(config.databasePath ?? ':memory:', config.readOnly ?? false, config.sqliteSynchronous ?? DEFAULT_SQLITE_SYNCHRONOUS);
}

/*
 * Counts (bigint) and sums (numeric) come back from PostgreSQL as text, to lose no digits; every
 * such value here is far below 2^53, so they become numbers, the same JavaScript shapes SQLite
 * gives: nothing above db/ knows which engine it has.
 */
const postgresTypes = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
		return pg.types.getTypeParser(oid, format);
	}
} as pg.CustomTypesConfig;

/**
 * The SQL of prepared queries (prepared.ts) run on PostgreSQL. Each connection prepares these on
 * the server the first time it runs one, under a name made from the text, and then only binds new
 * values: the survey's submit path runs a dozen of them per post, and parsing and planning each
 * anew cost as much as running it. Other queries (built per call, some with a varying number of
 * values) stay unnamed, so a connection never gathers an unbounded number of prepared statements.
 */
export const PREPARED_ON_SERVER = new Set<string>();

const statementName = (text: string) => `belonging_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;

function prepareKnownStatements(client: pg.PoolClient): void {
	const query = client.query.bind(client) as (...args: unknown[]) => unknown;
	client.query = ((config: unknown, ...rest: unknown[]) =>
		typeof config === 'string' && PREPARED_ON_SERVER.has(config) && Array.isArray(rest[0])
			? query({ name: statementName(config), text: config, values: rest[0] }, ...rest.slice(1))
			: query(config, ...rest)) as typeof client.query;
}

/** Each PostgreSQL database's pool, for `poolUse`. */
const pools = new WeakMap<Db, pg.Pool>();

/** How busy the database's connections are, for the metrics: a PostgreSQL pool's counts, or SQLite's one connection. */
export interface PoolUse {
	/** Connections open now. */
	open: number;
	/** Of those, the ones waiting for work. */
	idle: number;
	/** Queries waiting for a connection. */
	waiting: number;
	/** The most connections this instance opens. */
	max: number;
}

export function poolUse(db: Db): PoolUse {
	const pool = pools.get(db);
	// SQLite: one connection, open while the server runs; a query waits for it inside Kysely, out of sight.
	if (!pool) return { open: 1, idle: 1, waiting: 0, max: 1 };
	return { open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? DEFAULT_POOL_SIZE };
}

function openPostgres(url: string, poolSize: number): Db {
	// A server that cannot be reached fails a request (and /healthz) within seconds rather than hanging it.
	const pool = new pg.Pool({ connectionString: url, max: poolSize, types: postgresTypes, connectionTimeoutMillis: 10_000 });
	// An idle connection the server dropped is replaced on next use; the error must not end the process.
	pool.on('error', (error) => log.error(`PostgreSQL connection lost: ${error.message}`));
	pool.on('connect', (client) => {
		// A connection that ends while a query holds it (the server stopped or restarted) fails that
		// query, and pg also emits the error on the client, which with no listener would end the process.
		client.on('error', () => {});
		prepareKnownStatements(client);
	});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	pools.set(db, pool);
	return db;
}

/**
 * A new handle on a PostgreSQL database's pool, remembering nothing of the first: what is kept
 * in memory per database (instruments, benchmarks, survey pages) is kept per handle. The tests
 * give each test a handle on a pool kept open across tests, whose database is emptied between
 * them. Destroying either handle ends the pool.
 */
export function anotherHandle(db: Db): Db {
	const pool = pools.get(db);
	if (!pool) throw new Error('Only a PostgreSQL database has a pool to share');
	const handle = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	pools.set(handle, pool);
	return handle;
}

/**
 * Opens (creating if needed) the SQLite file, with WAL, foreign keys and a busy timeout.
 * `secure_delete` overwrites deleted content with zeros, so a copy of the file keeps no trace of
 * what was removed (docs/scoring.md §6, database files).
 */
function openSqlite(path: string, readOnly: boolean, synchronous: SqliteSynchronous): Db {
	if (readOnly) {
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
	// NORMAL (the default): a commit goes into the log without waiting for the disk. A crash of the
	// app loses nothing; a power cut or a crash of the system can lose what is not yet on disk. The
	// checkpoint worker flushes the log with each pass, so that is about the last second of
	// acknowledged submissions (measured: on disk 1-200 ms after each commit when idle, flushes at
	// most 0.9 s apart under a steady stream on a loaded 2-core machine), and while a backup's
	// snapshot holds the log (db/backup.ts), what came since it began. FULL waits for the disk in
	// every commit, on the thread that serves every request: with `npm run bench:submit` its rate,
	// as a share of a bare NORMAL server's measured in turn, was 14-42% lower in each of 8
	// alternated pairs (median 30%; 810 against 467 stored/s in the quietest pair, at load 3-4),
	// and one commit held the thread 1.5-4 ms instead of 0.2 ms on a shared disk. So NORMAL, with
	// the window stated in docs/running.md ("Durability and backups"); SQLITE_SYNCHRONOUS=full for
	// those who would rather pay that.
	// PostgreSQL needs no such choice: synchronous_commit is on, so a commit answered is on disk.
	sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
	if (path === ':memory:') return new Kysely<Database>({ dialect: new SqliteDialect({ database: withPreparedStatements(sqlite) }) });
	// A checkpoint waits for the disk: a worker thread does it (checkpoints.ts), never a commit here.
	const stopEmptying = emptyLogInBackground(sqlite, path);
	const database = withPreparedStatements(sqlite);
	const close = () => {
		stopEmptying();
		database.close();
	};
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: { ...database, close } }) });
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
			// A transaction takes the write lock as it begins (Kysely's is deferred): one that read
			// first could not write once another connection (a command beside the server) had written
			// meanwhile (SQLITE_BUSY_SNAPSHOT, refused without waiting); this way the other waits.
			if (sql === 'begin' && !sqlite.readonly) sql = 'begin immediate';
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
	const { code, table: pgTable, detail } = error as { code?: unknown; table?: unknown; detail?: unknown };
	// PostgreSQL: unique_violation, naming the table, and the column in its detail ("Key (ods_code)=…").
	if (code === '23505') return pgTable === table && typeof detail === 'string' && detail.startsWith(`Key (${column})=`);
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

/**
 * Serialises the transactions that read something and then write by what they read (a limit,
 * "one open round per practice") on one key, until commit or rollback: on PostgreSQL a
 * transaction-level advisory lock, so instances cannot interleave under READ COMMITTED; SQLite
 * runs one writing transaction at a time already. Call inside a transaction; take several keys
 * in the same order everywhere (sorted), so two transactions never wait for each other.
 */
export async function lockFor(tx: DbOrTx, ...keys: string[]): Promise<void> {
	if (engineOf(tx) !== 'postgres') return;
	for (const key of [...keys].sort()) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

/**
 * Runs `work` while no other instance runs the same `key` (start-up on PostgreSQL: migrations,
 * instruments, the demo seed), on one connection that it hands to `work` (so a pool of one
 * cannot wait on itself). On SQLite, one server per file, it just runs `work`.
 */
export async function exclusively<T>(db: Db, key: string, work: (db: Db) => Promise<T>): Promise<T> {
	if (engineOf(db) !== 'postgres') return work(db);
	return db.connection().execute(async (connection) => {
		await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(connection);
		try {
			return await work(connection);
		} finally {
			await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection);
		}
	});
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
	// PostgreSQL keeps its own write-ahead log, out of the app's reach (see docs/scoring.md §6, "One limit we know of").
	if (engineOf(db) !== 'sqlite') return true;
	// The checkpoint worker (checkpoints.ts) may be copying the log just now: wait for it, briefly.
	for (let tries = 0; ; tries++) {
		const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
		if (rows[0]?.busy === 0 || tries === 50) return rows[0]?.busy === 0;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
