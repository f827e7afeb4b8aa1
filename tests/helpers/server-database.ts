/**
 * A database of its own for a server the tests start, on this run's engine: an SQLite file in a
 * temporary directory, or (in the PostgreSQL projects) a new database on TEST_DATABASE_URL's
 * server. `env` is what the server needs to use it; `config` opens it from the test.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type DatabaseConfig, type Db } from '../../src/lib/server/db';
import { onTestServer, TEST_ENGINE, tempDirectory } from './database';
import { databaseUrl } from './postgres-setup';

/** The secret every test server on PostgreSQL shares, as instances of one service would. */
export const TEST_SURVEY_LIMIT_SECRET = 'a test secret that every instance of the service shares';

export interface ServerDatabase {
	env: Record<string, string>;
	config: DatabaseConfig;
	/** Opens the database from the test (close it with destroy()). */
	open: (options?: { readOnly?: boolean }) => Db;
	remove: () => Promise<void>;
}

/**
 * `engine`: for a global set-up, which runs outside the project's environment. `copyOf`: a
 * database to start from (closed: nothing may be connected to it), instead of an empty one.
 */
export async function createServerDatabase(
	name: string,
	engine: 'sqlite' | 'postgres' = TEST_ENGINE,
	options: { copyOf?: DatabaseConfig } = {}
): Promise<ServerDatabase> {
	if (engine === 'postgres') {
		const base = process.env.TEST_DATABASE_URL;
		if (!base) throw new Error('The PostgreSQL tests need TEST_DATABASE_URL (npm test skips them without it).');
		const database = `belonging_e2e_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
		const template = options.copyOf?.databaseUrl && new URL(options.copyOf.databaseUrl).pathname.slice(1);
		if (template) await copyClosedDatabase(template, database);
		else await onTestServer(`create database ${database}`);
		const url = databaseUrl(base, database);
		const config: DatabaseConfig = { databaseUrl: url, databasePoolSize: 2 };
		return {
			env: { DATABASE_URL: url, SURVEY_LIMIT_SECRET: TEST_SURVEY_LIMIT_SECRET },
			config,
			open: () => openDatabase(config),
			remove: () => onTestServer(`drop database if exists ${database} with (force)`)
		};
	}
	const temp = tempDirectory();
	const path = join(temp.dir, `${name}.db`);
	if (options.copyOf?.databasePath) copyFileSync(options.copyOf.databasePath, path);
	return {
		env: { DATABASE_PATH: path },
		config: { databasePath: path },
		open: ({ readOnly = false } = {}) => openDatabase({ databasePath: path, readOnly }),
		remove: async () => temp.remove()
	};
}

/**
 * `create database … template`, which PostgreSQL refuses while anyone is connected to the
 * template: a pool that was just closed can leave its server processes a moment behind it.
 */
async function copyClosedDatabase(template: string, database: string): Promise<void> {
	for (let tries = 1; ; tries++) {
		try {
			return await onTestServer(`create database ${database} template ${template}`);
		} catch (error) {
			const inUse = (error as { code?: string }).code === '55006';
			if (!inUse || tries === 50) throw error;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}
}
