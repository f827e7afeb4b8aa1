/**
 * Global set-up of the SQLite integration project: one migrated database file, with the built-in
 * instruments, that every test's own database is copied from. Migrating took a few hundred
 * milliseconds a test on a busy two-core machine, and most integration tests start from a fresh
 * database; copying the file takes a few. PostgreSQL's projects do the same with a template
 * database (postgres-setup.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { tempDirectory } from './database';

declare module 'vitest' {
	export interface ProvidedContext {
		sqliteTemplate: string;
	}
}

export default async function setup(project: TestProject) {
	const temp = tempDirectory();
	const path = join(temp.dir, 'template.db');
	const db = openDatabase({ databasePath: path });
	try {
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
	} finally {
		// Closing the last connection folds the write-ahead log into the file, so the file alone is the copy.
		await db.destroy();
	}
	if (existsSync(`${path}-wal`)) throw new Error(`The SQLite template kept a write-ahead log at ${path}-wal; it would be copied without it.`);
	project.provide('sqliteTemplate', path);
	return () => temp.remove();
}
