/**
 * PostgreSQL for the benchmarks: BENCH_DATABASE_URL (or TEST_DATABASE_URL), a server whose role
 * may create databases. When neither is set, a benchmark measures SQLite only and says so.
 */
import pg from 'pg';
import { databaseUrl } from '../helpers/postgres-setup';

export function benchPostgresUrl(): string | undefined {
	return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
}

export const NO_POSTGRES = 'PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a server whose role may create databases)';

async function onServer<T>(base: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: base });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

export async function databaseExists(base: string, name: string): Promise<boolean> {
	return onServer(base, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** A new, empty database (dropping one of the same name), and how to drop it again. */
export async function createBenchDatabase(base: string, name: string, template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
	await onServer(base, async (client) => {
		await client.query(`drop database if exists ${name} with (force)`);
		await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
	});
	return { url: databaseUrl(base, name), drop: () => dropDatabase(base, name) };
}

export async function dropDatabase(base: string, name: string): Promise<void> {
	await onServer(base, async (client) => void (await client.query(`drop database if exists ${name} with (force)`)));
}

export async function renameDatabase(base: string, from: string, to: string): Promise<void> {
	await onServer(base, async (client) => void (await client.query(`alter database ${from} rename to ${to}`)));
}
