/**
 * Issue 27: `npm run backup`, `npm run restore` and `npm run restore:drill` on real SQLite files.
 * A backup taken while survey answers keep arriving restores with every answer acknowledged
 * before it began; nothing is ever overwritten; a damaged backup is refused with nothing left
 * behind; on PostgreSQL the command points to pg_dump.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { runBackup } from '../../src/lib/server/cli/backup';
import { runRestore } from '../../src/lib/server/cli/restore';
import { backupSqlite, restoreSqlite } from '../../src/lib/server/db/backup';
import { MIGRATIONS, migrateDown } from '../../src/lib/server/db/migrations';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { closeDueRounds } from '../../src/lib/server/surveys/rounds';
import { addRound, createPracticeWithRound, createTestDatabase, onPostgres, tempDirectory, type PracticeFixture, type TestDatabase } from '../helpers/database';

const today = ukDate();
const LATEST = Object.keys(MIGRATIONS).sort().at(-1)!;

const answers = (comment: string): SurveySubmission => ({ roleGroup: 'clinical', agreement: { CO1: 4, CO2: 3, CP1: 5 }, general: {}, comment, code: null });

/** Runs `npm run backup`'s script as its own process, as an operator would beside the server. */
function backupInAnotherProcess(databasePath: string, to: string): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/lib/server/cli/backup.ts'), '--to', to], {
		env: { ...process.env, DATABASE_PATH: databasePath, DATABASE_URL: '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

function readOnly<T>(path: string, read: (db: SQLite.Database) => T): T {
	const db = new SQLite(path, { readonly: true, fileMustExist: true });
	try {
		return read(db);
	} finally {
		db.close();
	}
}

describe.skipIf(onPostgres)('backup and restore of the SQLite file', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	let dir: string;
	let removeDir: () => void;
	let openRoundId: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		({ dir, remove: removeDir } = tempDirectory());
		// A round that has closed, summed up with its scores, and one open now.
		fixture = await createPracticeWithRound(t.db, { opensOn: addDays(today, -40), closesOn: addDays(today, -20) });
		for (let i = 0; i < 6; i++) await submitResponse(t.db, fixture.round.id, answers(`closed round ${i}`), addDays(today, -30));
		expect(await closeDueRounds(t.db, today)).toBe(1);
		openRoundId = (await addRound(t.db, fixture, { title: 'Now', opensOn: addDays(today, -2), closesOn: addDays(today, 5), status: 'open', staffHeadcount: 20 })).id;
	});
	afterEach(async () => {
		await t.close();
		removeDir();
	});

	it('backs up while answers keep arriving, and the restored copy holds every answer acknowledged before the backup began', async () => {
		let acknowledged = 0;
		let stopping = false;
		const stream = (async () => {
			while (!stopping) {
				const outcome = await submitResponse(t.db, openRoundId, answers(`stream ${acknowledged}`), today);
				expect(outcome).toEqual({ ok: true, storedEarlier: false });
				acknowledged++;
				// As a server does between posts: lets timers and the backup's process be heard.
				await new Promise((resolve) => setImmediate(resolve));
			}
		})();
		while (acknowledged < 200) await new Promise((resolve) => setTimeout(resolve, 5));

		const backup = join(dir, 'during.db');
		const before = acknowledged;
		const result = await backupInAnotherProcess(t.path, backup);
		const after = acknowledged;
		stopping = true;
		await stream;
		expect(result.output).toContain(`to ${backup}`);
		expect(result.code).toBe(0);
		// Answers went on being stored while the backup ran.
		expect(after).toBeGreaterThan(before);

		// One file, no log beside it, not in WAL mode, no free pages.
		expect(readdirSync(dir)).toEqual(['during.db']);
		expect(readFileSync(backup).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
		expect(readOnly(backup, (db) => [db.pragma('journal_mode', { simple: true }), db.pragma('freelist_count', { simple: true })])).toEqual(['delete', 0]);

		const restored = join(dir, 'restored.db');
		const restore = runRestore(['--from', backup, '--to', restored]);
		expect(restore.err).toEqual([]);
		expect(restore.code).toBe(0);
		expect(restore.out[1]).toMatch(/^  Copied in \d+\.\d s; integrity check: ok \(\d+\.\d s\); foreign key check: ok \(\d+\.\d s\); summaries checked in \d+\.\d s\.$/);
		expect(restore.out.join('\n')).toContain(`Migrations: up to ${LATEST}, the latest this version knows.`);

		const stored = readOnly(restored, (db) => ({
			comments: (db.prepare(`select body from comment where body like 'stream %'`).all() as { body: string }[]).map((row) => Number(row.body.split(' ')[1])),
			responses: (db.prepare('select count(*) as n from response where round_id = ?').get(openRoundId) as { n: number }).n
		}));
		const found = new Set(stored.comments);
		// Every submission acknowledged before the backup began is there...
		for (let i = 0; i < before; i++) expect(found.has(i), `submission ${i}`).toBe(true);
		// ...and the copy is one moment's: the first k submissions, whole, for some k.
		expect(found.size).toBe(stored.comments.length);
		expect(Math.max(...found)).toBe(found.size - 1);
		expect(stored.responses).toBe(found.size);
		expect(found.size).toBeLessThanOrEqual(after + 1);
	});

	it('restores the closed round’s summary and scores, and checks them against the answers', async () => {
		const backup = join(dir, 'b.db');
		const report = backupSqlite(t.path, backup);
		expect(report.counts).toEqual({ rounds: 2, responses: 6, comments: 6, summaries: 1 });
		const restored = restoreSqlite(backup, join(dir, 'r.db'));
		expect(restored.check).toMatchObject({ closedRounds: 1, summariesChecked: 1, notYetSummarised: 0, withoutScores: 0, olderSummaries: 0, contents: undefined });
		expect(restored.sha256).toBe(report.sha256);
	});

	it('refuses a restored copy whose summary disagrees with its scores, leaving nothing at --to', async () => {
		await t.db.updateTable('round_score').set({ respondents: 99 }).where('round_id', '=', fixture.round.id).execute();
		const backup = join(dir, 'b.db');
		backupSqlite(t.path, backup);
		const to = join(dir, 'r.db');
		const result = runRestore(['--from', backup, '--to', to]);
		expect(result.code).toBe(1);
		expect(result.err.join('\n')).toBe(
			`Nothing was restored to ${to}. The round summaries do not check: round ${fixture.round.id}'s scores count 99 people, its summary 6. npm run summaries:rebuild recreates them from the answers.`
		);
		expect(readdirSync(dir)).toEqual(['b.db']);
	});

	it('never overwrites: neither a backup nor a restore writes over a file that exists', async () => {
		const taken = join(dir, 'taken.db');
		writeFileSync(taken, 'keep me');
		const backup = runBackup(['--to', taken], { DATABASE_PATH: t.path });
		expect(backup.code).toBe(1);
		expect(backup.err.join('\n')).toBe(`No backup was made: ${taken} already exists. A backup never overwrites a file: give a new name, or move the old file away first.`);

		const good = join(dir, 'good.db');
		expect(runBackup(['--to', good], { DATABASE_PATH: t.path }).code).toBe(0);
		const restore = runRestore(['--from', good, '--to', taken]);
		expect(restore.code).toBe(1);
		expect(restore.err.join('\n')).toContain(`${taken} already exists. A restore never overwrites a file`);
		expect(readFileSync(taken, 'utf8')).toBe('keep me');

		// Nor from a live database, whose log holds what its file does not yet.
		const live = runRestore(['--from', t.path, '--to', join(dir, 'live.db')]);
		expect(live.code).toBe(1);
		expect(live.err.join('\n')).toContain(`${t.path} has ${t.path}-wal beside it: it is a live database`);
		// Nor beside another database's log, which SQLite would read into the restored file.
		const fresh = join(dir, 'fresh.db');
		writeFileSync(`${fresh}-wal`, 'a log');
		expect(runRestore(['--from', good, '--to', fresh]).err.join('\n')).toContain(`${fresh}-wal lies where the new database would go`);
		expect(existsSync(fresh)).toBe(false);
		expect(readdirSync(dir).sort()).toEqual(['fresh.db-wal', 'good.db', 'taken.db']);
	});

	it('names a backup by the time when --to is a folder', async () => {
		const result = runBackup(['--to', dir], { DATABASE_PATH: t.path }, new Date('2026-12-06T14:32:10.123Z'));
		expect(result.code).toBe(0);
		expect(readdirSync(dir)).toEqual(['belonging-2026-12-06T14-32-10Z.db']);
		expect(result.out[0]).toMatch(new RegExp(`^Backed up ${t.path} to ${join(dir, 'belonging-2026-12-06T14-32-10Z.db')} in \\d+\\.\\d s: [\\d.]+ KB, sha256 [0-9a-f]{64}\\.$`));
		expect(result.out[1]).toBe('  2 rounds, 6 responses, 6 comments, 1 round summaries.');
	});

	it('refuses a backup that fails the integrity check, saying why, leaving nothing at --to', async () => {
		const backup = join(dir, 'b.db');
		backupSqlite(t.path, backup);
		// The practice's code as its unique index holds it, changed: the index no longer finds the row.
		const { rootpage, pageSize } = readOnly(backup, (db) => ({
			rootpage: (db.prepare(`select rootpage from sqlite_master where name = 'sqlite_autoindex_practice_1'`).get() as { rootpage: number }).rootpage,
			pageSize: db.pragma('page_size', { simple: true }) as number
		}));
		const file = openSync(backup, 'r+');
		const page = Buffer.alloc(pageSize);
		readSync(file, page, 0, pageSize, (rootpage - 1) * pageSize);
		const at = page.indexOf(fixture.practice.ods_code);
		expect(at).toBeGreaterThan(0);
		page.write('Z', at);
		writeSync(file, page, 0, pageSize, (rootpage - 1) * pageSize);
		closeSync(file);

		const to = join(dir, 'r.db');
		const result = runRestore(['--from', backup, '--to', to]);
		expect(result.code).toBe(1);
		expect(result.err).toHaveLength(1);
		expect(result.err[0]).toMatch(new RegExp(`^Nothing was restored to ${to}\\. The integrity check failed: row 1 missing from index sqlite_autoindex_practice_1`));
		expect(readdirSync(dir)).toEqual(['b.db']);
	});

	it('refuses a damaged or foreign file, leaving nothing at --to', async () => {
		const backup = join(dir, 'b.db');
		backupSqlite(t.path, backup);
		// Scribble over a page in the middle of the file (not the first, which says what the file is).
		const pageSize = readOnly(backup, (db) => db.pragma('page_size', { simple: true }) as number);
		const pages = statSync(backup).size / pageSize;
		const file = openSync(backup, 'r+');
		writeSync(file, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
		closeSync(file);
		const to = join(dir, 'r.db');
		const result = runRestore(['--from', backup, '--to', to]);
		expect(result.code).toBe(1);
		expect(result.err.join('\n')).toMatch(new RegExp(`^Nothing was restored to ${to}\\. (The integrity check failed: |The database is damaged: )`));
		expect(readdirSync(dir)).toEqual(['b.db']);

		const junk = join(dir, 'junk.db');
		writeFileSync(junk, 'not a database at all, just some words '.repeat(200));
		const refused = runRestore(['--from', junk, '--to', to]);
		expect(refused.code).toBe(1);
		expect(refused.err).toEqual([`Nothing was restored to ${to}. ${junk} is not an SQLite database (or its first page is damaged).`]);
		expect(readdirSync(dir).sort()).toEqual(['b.db', 'junk.db']);
	});

	it('says when a backup is older than this version, and how to bring it up to date', async () => {
		await migrateDown(t.db);
		const backup = join(dir, 'old.db');
		backupSqlite(t.path, backup);
		const to = join(dir, 'r.db');
		const result = runRestore(['--from', backup, '--to', to]);
		expect(result.code).toBe(0);
		const previous = Object.keys(MIGRATIONS).sort().at(-2);
		expect(result.out).toContain(`  Migrations: up to ${previous}, older than this version of Belonging (${LATEST}); 1 to apply.`);
		expect(result.out).toContain(`  DATABASE_PATH=${to} npm run migrate brings it up to date (starting the server on it does too).`);
	});

	it('drills a restore: one dated line to keep, and no copy left behind', async () => {
		const backup = join(dir, 'b.db');
		const report = backupSqlite(t.path, backup);
		const drills = tempDirectory();
		try {
			const now = new Date('2026-12-06T14:32:10.456Z');
			const passed = runRestore(['--drill', '--from', backup], { tmp: drills.dir, now: () => now });
			expect(passed.code).toBe(0);
			expect(passed.out).toHaveLength(1);
			expect(passed.out[0]).toMatch(
				new RegExp(
					`^2026-12-06T14:32:10Z restore drill passed: ${backup} \\(sha256 ${report.sha256}, [\\d.]+ KB\\) restored in \\d+\\.\\d s; integrity ok; 2 rounds, 1 summaries checked, 6 responses; migrations up to ${LATEST}$`
				)
			);
			expect(readdirSync(drills.dir)).toEqual([]);

			writeFileSync(backup, 'damaged');
			const failed = runRestore(['--drill', '--from', backup], { tmp: drills.dir, now: () => now });
			expect(failed.code).toBe(1);
			expect(failed.out).toEqual([]);
			expect(failed.err).toEqual([`2026-12-06T14:32:10Z restore drill FAILED: ${backup}: ${backup} is not an SQLite database (or its first page is damaged).`]);
			expect(readdirSync(drills.dir)).toEqual([]);
		} finally {
			drills.remove();
		}
	});
});

describe('backup on PostgreSQL', () => {
	it('refuses, pointing to pg_dump', () => {
		const result = runBackup(['--to', '/tmp/never-written.db'], { DATABASE_URL: 'postgres://belonging:secret@localhost:5432/belonging' });
		expect(result.code).toBe(1);
		expect(result.err[0]).toBe('Belonging is set to PostgreSQL (DATABASE_URL): npm run backup is for the SQLite file only.');
		expect(result.err.join('\n')).toContain('pg_dump --format=custom --no-owner --no-privileges');
		expect(existsSync('/tmp/never-written.db')).toBe(false);
	});
});
