/**
 * The national database of `bench:pcn-dashboard -- --large` (42 ICBs, 1,250 PCNs, 6,300
 * practices), for benches that time one view at national scale: where its SQLite file is cached,
 * and the name of its PostgreSQL copy.
 */
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../src/lib/server/db';
import { databaseUrl } from '../helpers/postgres-setup';
import { benchPostgresUrl, databaseExists, NO_POSTGRES } from './postgres';

/** The day the national database was generated for (bench:pcn-dashboard's TODAY). */
export const NATIONAL_TODAY = '2026-11-28';

/** The newest cached national SQLite file, if bench:pcn-dashboard has built one. */
export function nationalSqlitePath(): string | undefined {
	const dir = join(tmpdir(), 'belonging-bench');
	try {
		const found = readdirSync(dir)
			.filter((f) => /^pcn-dashboard-large-[0-9a-f]{12}\.db$/.test(f))
			.map((f) => join(dir, f))
			.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
		return found[0];
	} catch {
		return undefined;
	}
}

/** The PostgreSQL database bench:pcn-dashboard loaded the same national data into. */
export function nationalPostgresName(sqlitePath: string): string {
	return `belonging_bench_large_${/-([0-9a-f]{12})\.db$/.exec(sqlitePath)![1]}`;
}

/**
 * Runs a bench on the national database on SQLite, then on its PostgreSQL copy when a server is
 * given (BENCH_DATABASE_URL or TEST_DATABASE_URL), saying what is missing otherwise.
 */
export async function onEachNationalEngine(bench: (engine: string, config: DatabaseConfig) => Promise<void>): Promise<void> {
	const path = nationalSqlitePath();
	if (!path) {
		console.log('No national database yet: build it with `npm run bench:pcn-dashboard -- --large --generate-only`.');
		return;
	}
	await bench('SQLite', { databasePath: path });
	const postgresBase = benchPostgresUrl();
	if (!postgresBase) console.log(NO_POSTGRES);
	else if (await databaseExists(postgresBase, nationalPostgresName(path))) {
		await bench('PostgreSQL', { databaseUrl: databaseUrl(postgresBase, nationalPostgresName(path)) });
	} else console.log(`\nPostgreSQL: no database ${nationalPostgresName(path)}; load it with \`npm run bench:pcn-dashboard -- --large --generate-only\``);
}
