/**
 * `npm run restore -- --from <backup> --to <new database file>`
 * `npm run restore:drill -- --from <backup> [--in <folder>]`
 *
 * A restore copies a backup (npm run backup) to a new file, checks the copy (SQLite's integrity
 * and foreign key checks, the migrations, every closed round's summary: db/backup.ts) and only
 * then gives it its name; it never overwrites a file and never leaves half a database behind.
 * The drill restores into a temporary folder, checks, deletes the copy and prints one dated line
 * to keep as evidence that the backup restores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BackupRefused, restoreSqlite, type MigrationState, type RestoreReport } from '../db/backup';
import { formatBytes, formatCount, formatSeconds, type CommandResult } from './backup';

export const USAGE = [
	'Usage: npm run restore -- --from <backup file> --to <new database file>',
	'       npm run restore:drill -- --from <backup file> [--in <folder for the temporary copy>]',
	'A restore never overwrites a file: --to must not exist. It checks the copy before giving it the name.',
	'The drill restores into a temporary folder, checks, deletes the copy and prints a dated line to keep.'
];

/** An instant to the second, in UTC: 2026-12-06T14:32:10Z. */
export const stamp = (now: Date) => now.toISOString().replace(/\.\d+Z$/, 'Z');

function describeMigrations(state: MigrationState, file: string): string[] {
	if (state.unknown.length > 0) {
		return [
			`  Migrations: it has ${state.unknown.length} this version of Belonging does not know (${state.unknown.join(', ')}): it was made by a newer version; run that version on it.`
		];
	}
	if (state.pending.length > 0) {
		return [
			`  Migrations: up to ${state.latestApplied ?? '(none)'}, older than this version of Belonging (${state.latestKnown}); ${state.pending.length} to apply.`,
			`  DATABASE_PATH=${file} npm run migrate brings it up to date (starting the server on it does too).`
		];
	}
	return [`  Migrations: up to ${state.latestApplied}, the latest this version knows.`];
}

export function describeRestore(report: RestoreReport): string[] {
	const { check } = report;
	const lines = [
		`Restored ${report.from} to ${report.to} in ${formatSeconds(report.ms)} (${formatBytes(report.bytes)}, sha256 ${report.sha256}).`,
		`  Copied in ${formatSeconds(report.copyMs)}; integrity check: ok (${formatSeconds(check.took.integrity)}); foreign key check: ok (${formatSeconds(check.took.foreignKeys)}); summaries checked in ${formatSeconds(check.took.summaries)}.`,
		`  ${formatCount(check.counts.rounds)} rounds (${formatCount(check.closedRounds)} closed), ${formatCount(check.counts.responses)} responses, ${formatCount(check.counts.comments)} comments.`,
		`  Summaries: ${formatCount(check.summariesChecked)} of closed rounds read, each agreeing with its scores and answers.`
	];
	if (check.notYetSummarised > 0 || check.olderSummaries > 0) {
		lines.push(
			`  ${formatCount(check.notYetSummarised + check.olderSummaries)} closed rounds are not yet summed up in this version's layout: the app does it when it first reads each (npm run summaries:rebuild does all at once).`
		);
	}
	if (check.withoutScores > 0) {
		lines.push(
			`  ${formatCount(check.withoutScores)} closed rounds are summed up but have no row of scores yet: the app writes it when a period's figures first need it (npm run summaries:rebuild does all at once).`
		);
	}
	lines.push(...describeMigrations(check.migrations, report.to));
	if (check.contents) lines.push(`  It holds ${check.contents === 'demo' ? 'demo' : 'real'} data.`);
	lines.push(`To use it, stop the server and start it with DATABASE_PATH=${report.to}.`);
	return lines;
}

/** The drill's one line, to keep as evidence that the backup restores. */
export function drillLine(report: RestoreReport, file: string, now: Date): string {
	const { check } = report;
	const migrations = check.migrations.latestApplied ?? '(none)';
	const behind = check.migrations.pending.length > 0 ? ` (${check.migrations.pending.length} behind this version)` : check.migrations.unknown.length > 0 ? ' (newer than this version)' : '';
	return (
		`${stamp(now)} restore drill passed: ${file} (sha256 ${report.sha256}, ${formatBytes(report.bytes)}) restored in ${formatSeconds(report.ms)}; ` +
		`integrity ok; ${formatCount(check.counts.rounds)} rounds, ${formatCount(check.summariesChecked)} summaries checked, ${formatCount(check.counts.responses)} responses; migrations up to ${migrations}${behind}`
	);
}

export interface RestoreOptions {
	now?: () => Date;
	/** The folder the drill's temporary copy goes in. */
	tmp?: string;
}

export function runRestore(argv: string[], options: RestoreOptions = {}): CommandResult {
	const now = options.now ?? (() => new Date());
	let values: { from?: string; to?: string; drill?: boolean; in?: string };
	try {
		values = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, drill: { type: 'boolean' }, in: { type: 'string' } }, strict: true }).values;
	} catch (error) {
		return { code: 2, out: [], err: [(error as Error).message, '', ...USAGE] };
	}
	const problems: string[] = [];
	if (!values.from) problems.push('Give the backup to restore with --from.');
	if (values.drill && values.to) problems.push('The drill restores into a temporary folder of its own: leave out --to (--in chooses where).');
	if (!values.drill && !values.to) problems.push('Give the new database file to restore into with --to.');
	if (!values.drill && values.in) problems.push('--in is for the drill (npm run restore:drill).');
	if (problems.length > 0) return { code: 2, out: [], err: [...problems, '', ...USAGE] };
	const from = values.from!;
	if (values.drill) return drill(from, values.in ?? options.tmp ?? tmpdir(), now);
	try {
		return { code: 0, out: describeRestore(restoreSqlite(from, values.to!)), err: [] };
	} catch (error) {
		const reason = error instanceof BackupRefused ? error.message : `The restore failed: ${(error as Error).message}`;
		return { code: 1, out: [], err: [`Nothing was restored to ${values.to}. ${reason}`] };
	}
}

function drill(from: string, folder: string, now: () => Date): CommandResult {
	let dir: string | undefined;
	try {
		dir = mkdtempSync(join(folder, 'belonging-restore-drill-'));
		const report = restoreSqlite(from, join(dir, basename(from)));
		return { code: 0, out: [drillLine(report, from, now())], err: [] };
	} catch (error) {
		const reason = error instanceof BackupRefused ? error.message : (error as Error).message;
		return { code: 1, out: [], err: [`${stamp(now())} restore drill FAILED: ${from}: ${reason}`] };
	} finally {
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const result = runRestore(process.argv.slice(2));
	for (const line of result.out) console.log(line);
	for (const line of result.err) console.error(line);
	process.exitCode = result.code;
}
