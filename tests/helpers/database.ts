import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, addMonths } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { anotherHandle, openDatabase, type Db } from '../../src/lib/server/db';
import type { Database } from '../../src/lib/server/db/schema';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl } from './postgres-setup';

export interface TestDatabase {
	db: Db;
	/** The SQLite file, or the PostgreSQL address. */
	path: string;
	close: () => Promise<void>;
}

/** Which engine the tests of this run use: the PostgreSQL projects of vite.config.ts set it. */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.BELONGING_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_ENGINE === 'postgres';

/**
 * A fresh, migrated database with the built-in instruments: a real SQLite file in a temporary
 * directory, or, in the PostgreSQL projects, a database of its own on the test server. Both are
 * copies of one database migrated by the project's global set-up (sqlite-setup.ts,
 * postgres-setup.ts); without that set-up (a project that has none), it is migrated here.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
	if (onPostgres) return createPostgresTestDatabase(inject('postgresTemplate'));
	const template = inject('sqliteTemplate');
	if (template) return openSqliteTestDatabase((path) => copyFileSync(template, path));
	const t = await createEmptyTestDatabase();
	await migrateToLatest(t.db);
	await storeBuiltInInstruments(t.db);
	return t;
}

/** A database with nothing in it, not even migrations, on this run's engine. */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
	if (onPostgres) return createPostgresTestDatabase('template0');
	return openSqliteTestDatabase(() => {});
}

/** An SQLite file in a temporary directory of its own, which `prepare` may fill before it is opened. */
function openSqliteTestDatabase(prepare: (path: string) => void): TestDatabase {
	const temp = tempDirectory();
	const path = join(temp.dir, 'test.db');
	prepare(path);
	const db = openDatabase({ databasePath: path });
	return {
		db,
		path,
		close: async () => {
			await db.destroy();
			temp.remove();
		}
	};
}

/** Runs one statement on the test server (TEST_DATABASE_URL) as its administrator. */
export async function onTestServer(statement: string): Promise<void> {
	const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
	await admin.connect();
	try {
		await admin.query(statement);
	} finally {
		await admin.end();
	}
}

/** A new database copied from `template`, by name. */
async function copyOf(template: string): Promise<string> {
	const name = `${inject('postgresTemplate')}_${randomBytes(6).toString('hex')}`;
	await onTestServer(`create database ${name} template ${template}`);
	return name;
}

/**
 * The application name of the pools this worker keeps for its tests' databases. Emptying a
 * database ends every other connection to it (pools a test opened itself, servers it started)
 * and leaves these.
 */
const KEPT_POOL = 'belonging-kept-test-pool';

/** A test database this worker emptied for its next test, with the pool it keeps open to it. */
interface KeptDatabase {
	name: string;
	/** The pool's first handle; each test gets a new one (`anotherHandle`), so nothing a test's code kept in memory reaches the next. */
	pool: Db;
}

/**
 * Databases of this worker's earlier tests, each emptied back to the template's state (or
 * `undefined` where that could not be done, and it was dropped instead), with their pools.
 * Copying a database and dropping it forces the server to write a checkpoint each time (about
 * 300 ms of the server's work a test); and each new connection costs the server about 25 ms of
 * CPU to start and as much again to load the catalogue for the first queries on each table,
 * which with a new pool for every test was over half of its CPU in the integration suite.
 * Emptying one takes a few milliseconds, on a connection already open.
 */
const emptied: Promise<KeptDatabase | undefined>[] = [];

/** What a test could change of a database's shape, as one string: a database whose shape changed is dropped, not reused. */
const SHAPE = sql<{ shape: string }>`
	select concat_ws(' ',
		(select count(*) from pg_class where relnamespace = 'public'::regnamespace),
		(select count(*) from pg_attribute a join pg_class c on c.oid = a.attrelid
			where c.relnamespace = 'public'::regnamespace and a.attnum > 0 and not a.attisdropped),
		(select count(*) from pg_constraint where connamespace = 'public'::regnamespace),
		(select count(*) from pg_trigger where not tgisinternal),
		(select count(*) from pg_proc where pronamespace = 'public'::regnamespace),
		(select count(*) from pg_namespace),
		(select count(*) from pg_extension),
		(select count(*) from pg_db_role_setting where setdatabase = (select oid from pg_database where datname = current_database()))
	) as shape`;
let templateShape: Promise<string> | undefined;

async function shapeOf(db: Db): Promise<string> {
	return (await SHAPE.execute(db)).rows[0]!.shape;
}

/**
 * Empties a test's database back to what the template holds, on one connection of the pool the
 * test used: every other connection to it is ended, every table emptied, every sequence
 * restarted, and the built-in instruments stored again, as the global set-up stored them in the
 * template. Resolves to the database and its pool once they can be used again, or drops both and
 * resolves to undefined.
 */
async function emptyForReuse(name: string, pool: Db): Promise<KeptDatabase | undefined> {
	const emptiedOut = await anotherHandle(pool)
		.connection()
		.execute(async (connection) => {
			await sql`select pg_terminate_backend(pid) from pg_stat_activity
				where datname = current_database() and application_name <> ${KEPT_POOL}`.execute(connection);
			templateShape ??= shapeOfTemplate();
			if ((await shapeOf(connection)) !== (await templateShape)) return false;
			const tables = await sql<{ name: string }>`
				select tablename as name from pg_tables
				where schemaname = 'public' and tablename not in ('kysely_migration', 'kysely_migration_lock')`.execute(connection);
			const sequences = await sql<{ name: string }>`
				select relname as name from pg_class where relkind = 'S' and relnamespace = 'public'::regnamespace`.execute(connection);
			// Replica mode leaves foreign keys unchecked, so the tables can be emptied in any order.
			await sql
				.raw(
					[
						'set session_replication_role = replica',
						...tables.rows.map((t) => `delete from "${t.name}"`),
						...sequences.rows.map((s) => `select setval('"${s.name}"', 1, false)`),
						'set session_replication_role = default',
						// A session lock a test took and never released would hold the next test's.
						'select pg_advisory_unlock_all()'
					].join(';\n')
				)
				.execute(connection);
			await storeBuiltInInstruments(connection);
			return true;
		})
		.catch(() => false);
	if (emptiedOut) return { name, pool };
	await pool.destroy().catch(() => undefined);
	await onTestServer(`drop database if exists ${name} with (force)`).catch(() => undefined);
	return undefined;
}

async function shapeOfTemplate(): Promise<string> {
	const db = openDatabase({ databaseUrl: databaseUrl(process.env.TEST_DATABASE_URL!, inject('postgresTemplate')), databasePoolSize: 1 });
	try {
		return await shapeOf(db);
	} finally {
		await db.destroy();
	}
}

/** An emptied database of an earlier test with its pool, or a new copy of the template with a new pool. */
async function templateCopy(): Promise<KeptDatabase> {
	while (emptied.length) {
		const kept = await emptied.shift()!;
		if (kept) return kept;
	}
	const name = await copyOf(inject('postgresTemplate'));
	const url = new URL(databaseUrl(process.env.TEST_DATABASE_URL!, name));
	url.searchParams.set('application_name', KEPT_POOL);
	return { name, pool: openDatabase({ databaseUrl: url.toString(), databasePoolSize: 4 }) };
}

async function createPostgresTestDatabase(template: string): Promise<TestDatabase> {
	// Only copies of the run's template are emptied and reused, with their pools; an empty
	// database (template0) is made for each test that asks for one, and dropped after it.
	if (template === inject('postgresTemplate')) {
		const { name, pool } = await templateCopy();
		return {
			db: anotherHandle(pool),
			path: databaseUrl(process.env.TEST_DATABASE_URL!, name),
			// Emptied (or dropped) while the next test runs. One left when the worker ends is dropped
			// with the run's template (postgres-setup.ts).
			close: async () => void emptied.push(emptyForReuse(name, pool))
		};
	}
	const name = await copyOf(template);
	const url = databaseUrl(process.env.TEST_DATABASE_URL!, name);
	const db = openDatabase({ databaseUrl: url, databasePoolSize: 4 });
	return {
		db,
		path: url,
		close: async () => {
			await db.destroy();
			onTestServer(`drop database if exists ${name} with (force)`).catch(() => undefined);
		}
	};
}

export function tempDirectory(): { dir: string; remove: () => void } {
	const dir = mkdtempSync(join(tmpdir(), 'belonging-test-'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One ICB, one PCN and one practice, with a round of the built-in staff survey. */
export async function createPracticeWithRound(
	db: Db,
	round: Partial<Parameters<typeof createRound>[1]> = {}
) {
	const icb = await createIcb(db, { odsCode: 'QAA', name: 'Test ICB' });
	const pcn = await createPcn(db, { odsCode: 'U10001', name: 'Test PCN', icbId: icb.id });
	const practice = await createPractice(db, { odsCode: 'A10001', name: 'Test Surgery', pcnId: pcn.id });
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const created = await createRound(db, {
		practiceId: practice.id,
		instrumentVersionId: versionId,
		title: 'Test round',
		opensOn: '2026-11-01',
		closesOn: '2026-11-30',
		staffHeadcount: 20,
		status: 'open',
		...round
	});
	return { icb, pcn, practice, round: created, versionId };
}

export type PracticeFixture = Awaited<ReturnType<typeof createPracticeWithRound>>;

/** Another round at the fixture's practice, of the same instrument. */
export function addRound(
	db: Db,
	fixture: Pick<PracticeFixture, 'practice' | 'versionId'>,
	round: Omit<Parameters<typeof createRound>[1], 'practiceId' | 'instrumentVersionId'>
) {
	return createRound(db, { practiceId: fixture.practice.id, instrumentVersionId: fixture.versionId, ...round });
}

/**
 * Marks a round closed as of a day, as a test's setting-up (no summary, no audit): a practice
 * has one open round at a time, so a test that needs another closes the first.
 */
export async function closeAsOf(db: Db, roundId: number, closedOn: string): Promise<void> {
	await db.updateTable('round').set({ status: 'closed', closed_on: closedOn }).where('id', '=', roundId).execute();
}

/** A round that opened a year before `today` and has closed: outside the four-month fatigue window. */
export function lastYearsRound(today: string) {
	return {
		title: 'Last year',
		opensOn: addMonths(today, -12),
		closesOn: addDays(addMonths(today, -12), 21),
		status: 'closed',
		staffHeadcount: 23
	} as const;
}

export async function countRows(db: Db, table: keyof Database): Promise<number> {
	const row = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
