/**
 * Global set-up of the PostgreSQL test projects: one migrated template database, with the
 * built-in instruments, from which every test's own database is copied (CREATE DATABASE …
 * TEMPLATE, much faster than migrating each). Needs TEST_DATABASE_URL: a PostgreSQL address
 * whose role may create databases (`.ci/run` starts a throwaway cluster and sets it).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';

declare module 'vitest' {
	export interface ProvidedContext {
		postgresTemplate: string;
	}
}

/** The address of another database on the same server. */
export function databaseUrl(base: string, name: string): string {
	const url = new URL(base);
	url.pathname = `/${name}`;
	return url.toString();
}

export default async function setup(project: TestProject) {
	const base = process.env.TEST_DATABASE_URL;
	if (!base) throw new Error('The PostgreSQL tests need TEST_DATABASE_URL (npm test skips them without it).');
	const template = `belonging_template_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database ${template}`);
	const db = openDatabase({ databaseUrl: databaseUrl(base, template) });
	try {
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
	} finally {
		await db.destroy();
	}
	project.provide('postgresTemplate', template);
	return async () => {
		// Test databases left by a crashed run are dropped with the template's run.
		const left = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${template}%`]);
		for (const { datname } of left.rows) await admin.query(`drop database if exists ${datname} with (force)`);
		await admin.end();
	};
}
