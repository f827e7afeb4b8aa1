/**
 * `npm run backup -- --to <file or folder>`
 *
 * A consistent copy of the SQLite database at DATABASE_PATH, taken while the server runs
 * (db/backup.ts says how and why VACUUM INTO). Refuses a file that exists; given a folder, names
 * the backup by the time, belonging-2026-12-06T14-32-10Z.db. On PostgreSQL it refuses and points
 * to pg_dump.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BackupRefused, backupSqlite, type BackupReport } from '../db/backup';
import { ConfigError, describeDatabase, loadConfig } from '../platform/config';

export const USAGE = [
	'Usage: npm run backup -- --to <new file, or a folder>',
	'  for example: npm run backup -- --to /backups/belonging-$(date +%F).db',
	'Backs up the SQLite database at DATABASE_PATH while the server runs. It never overwrites a file;',
	'given a folder, it names the backup by the time. Check a backup with npm run restore:drill -- --from <file>.'
];

export const ON_POSTGRES = [
	'Belonging is set to PostgreSQL (DATABASE_URL): npm run backup is for the SQLite file only.',
	'Back up PostgreSQL with pg_dump, for example:',
	'  pg_dump --format=custom --no-owner --no-privileges --file=/backups/belonging-$(date +%F).dump "$DATABASE_URL"',
	'or use your provider’s backups (point-in-time restore). "Durability and backups" in docs/running.md says how to restore.'
];

/** What a command run gives: its exit code and the lines for standard output and standard error. */
export interface CommandResult {
	code: number;
	out: string[];
	err: string[];
}

/** Bytes as people read them: 812 KB, 12.3 MB, 2.13 GB. */
export function formatBytes(bytes: number): string {
	const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) return `${bytes} bytes`;
	return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

export const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const formatCount = (n: number) => n.toLocaleString('en-GB');

/** The backup's file: `to` itself, or a name by the time inside `to` when it is a folder. */
export function backupFile(to: string, now: Date = new Date()): string {
	const folder = to.endsWith('/') || (existsSync(to) && statSync(to).isDirectory());
	if (!folder) return to;
	return join(to, `belonging-${now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-')}.db`);
}

export function describeBackup(source: string, report: BackupReport): string[] {
	const { counts } = report;
	return [
		`Backed up ${source} to ${report.file} in ${formatSeconds(report.ms)}: ${formatBytes(report.bytes)}, sha256 ${report.sha256}.`,
		`  ${formatCount(counts.rounds)} rounds, ${formatCount(counts.responses)} responses, ${formatCount(counts.comments)} comments, ${formatCount(counts.summaries)} round summaries.`,
		`  One file (journal mode ${report.journalMode}, no write-ahead log), written afresh: ${report.freePages === 0 ? 'no free pages, so no deleted content' : `${report.freePages} free pages`}.`,
		`Check that it restores with: npm run restore:drill -- --from ${report.file}`
	];
}

export function runBackup(argv: string[], env: Record<string, string | undefined>, now: Date = new Date()): CommandResult {
	let to: string | undefined;
	try {
		to = parseArgs({ args: argv, options: { to: { type: 'string' } }, strict: true }).values.to;
	} catch (error) {
		return { code: 2, out: [], err: [(error as Error).message, '', ...USAGE] };
	}
	if (!to) return { code: 2, out: [], err: ['Give the file (or folder) to write the backup to with --to.', '', ...USAGE] };
	let config;
	try {
		config = loadConfig(env, 'command');
	} catch (error) {
		if (error instanceof ConfigError) return { code: 2, out: [], err: [error.message] };
		throw error;
	}
	if (config.databaseUrl) return { code: 1, out: [], err: ON_POSTGRES };
	if (config.databasePath === ':memory:') return { code: 1, out: [], err: ['DATABASE_PATH is :memory:, which has nothing to back up.'] };
	const source = describeDatabase(config);
	try {
		const report = backupSqlite(config.databasePath, backupFile(to, now));
		return { code: 0, out: describeBackup(source, report), err: [] };
	} catch (error) {
		if (error instanceof BackupRefused) return { code: 1, out: [], err: [`No backup was made: ${error.message}`] };
		return { code: 1, out: [], err: [`The backup failed and nothing was written at ${to}: ${(error as Error).message}`] };
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const result = runBackup(process.argv.slice(2), process.env);
	for (const line of result.out) console.log(line);
	for (const line of result.err) console.error(line);
	process.exitCode = result.code;
}
