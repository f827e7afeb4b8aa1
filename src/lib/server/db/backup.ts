/**
 * Backups of the SQLite database taken while the server runs, and their restore (the commands
 * are cli/backup.ts and cli/restore.ts; PostgreSQL has pg_dump and pg_restore, see docs/running.md).
 *
 * A backup is `VACUUM INTO` a new file rather than a copy by SQLite's backup API. Both read one
 * consistent snapshot while the server goes on writing (a reader in WAL mode holds up no writer),
 * and both give a single file with no write-ahead log. VACUUM INTO is chosen because:
 * - it writes the database afresh, every table and index in key order, with no free pages. The
 *   backup API copies the pages as they lie, so a backup would keep the live file's layout (pages
 *   allocated in the order commits needed them: a response's page and its comment's page split in
 *   the same commit lie side by side) and every free page, which holds deleted content wherever
 *   it was freed before `secure_delete` was on (docs/scoring.md §6, database files). Response keys are
 *   random, so key order says nothing about who answered when.
 * - its output is in rollback-journal mode (not WAL), so the backup is one file whatever opens it.
 * - it never starts over: the backup API, taken in steps from another process, restarts whenever
 *   the server writes between two steps, and on a busy national database might never finish.
 * Its costs: the file is rebuilt (slower than copying pages, see the figures in docs/running.md), and SQLite
 * does not flush it to disk, which is done here before it takes its name.
 *
 * While a backup runs, its snapshot keeps the server from emptying its write-ahead log past the
 * moment the backup began: submissions made meanwhile stay in the log until the backup ends, and
 * the log is emptied within half a second after (checkpoints.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { ukDate } from '../../dates';
import { surveyAvailability } from '../../npt/round-schedule';
import { SUMMARY_FORMAT, summaryFromJson } from '../../npt/round-summary';
import { MIGRATIONS } from './migrations';

/** Nothing was written where asked: the reason says why, in words for the person running the command. */
export class BackupRefused extends Error {
	name = 'BackupRefused';
}

/** What a database holds, counted in the backup or the restored copy. */
export interface Counts {
	rounds: number;
	responses: number;
	comments: number;
	summaries: number;
}

export interface BackupReport {
	file: string;
	bytes: number;
	sha256: string;
	ms: number;
	counts: Counts;
	/** The backup's journal mode: `delete`, never `wal`. */
	journalMode: string;
	/** Free pages in the backup: none, as VACUUM INTO writes only what is in use. */
	freePages: number;
}

const SIDE_FILES = ['-wal', '-shm', '-journal'];
const CHUNK = 8 * 1024 * 1024;

/** `file` with the side files SQLite may put beside it, removed; never throws. */
function removeWithSideFiles(file: string): void {
	for (const suffix of ['', ...SIDE_FILES]) rmSync(file + suffix, { force: true });
}

function existing(path: string): boolean {
	try {
		lstatSync(path);
		return true;
	} catch {
		return false;
	}
}

/** A name beside `target` for the file while it is written: it takes `target`'s name only once complete. */
function partialName(target: string, what: 'partial' | 'restoring'): string {
	return `${target}.${what}-${randomBytes(4).toString('hex')}`;
}

/** Refuses a target that exists, or that SQLite would read another database's log beside. */
function refuseExisting(target: string, what: string): void {
	if (existing(target)) throw new BackupRefused(`${target} already exists. ${what} never overwrites a file: give a new name, or move the old file away first.`);
	const beside = SIDE_FILES.map((suffix) => target + suffix).find(existing);
	if (beside) throw new BackupRefused(`${beside} lies where the new database would go: it is another database's log or journal, which SQLite would read into the new file. Move it away first.`);
	if (!existsSync(dirname(resolve(target)))) throw new BackupRefused(`There is no folder ${dirname(resolve(target))} to put ${basename(target)} in.`);
}

/** Flushes a folder's entries (a new name) to disk where the system allows it. */
function flushFolder(path: string): void {
	try {
		const folder = openSync(dirname(resolve(path)), 'r');
		try {
			fsyncSync(folder);
		} finally {
			closeSync(folder);
		}
	} catch {
		// Not every system lets a folder be opened (Windows); the file itself is flushed.
	}
}

/** Reads `file` through once for its SHA-256, and flushes it to disk. */
function hashAndFlush(file: string): string {
	const hash = createHash('sha256');
	const fd = openSync(file, 'r+');
	try {
		const buffer = Buffer.allocUnsafe(CHUNK);
		for (let read; (read = readSync(fd, buffer, 0, CHUNK, null)) > 0; ) hash.update(buffer.subarray(0, read));
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	return hash.digest('hex');
}

/** Copies `from` to `to` (which must not exist), hashing what it reads, and flushes the copy to disk. */
function copyAndHash(from: string, to: string): string {
	const hash = createHash('sha256');
	const source = openSync(from, 'r');
	try {
		const target = openSync(to, 'wx');
		try {
			const buffer = Buffer.allocUnsafe(CHUNK);
			for (let read; (read = readSync(source, buffer, 0, CHUNK, null)) > 0; ) {
				hash.update(buffer.subarray(0, read));
				for (let written = 0; written < read; ) written += writeSync(target, buffer, written, read - written);
			}
			fsyncSync(target);
		} finally {
			closeSync(target);
		}
	} finally {
		closeSync(source);
	}
	return hash.digest('hex');
}

/**
 * Gives the complete file at `partial` the name `target`, unless something has taken that name
 * meanwhile (a hard link never replaces a file, where a rename would), and removes `partial`.
 */
function publish(partial: string, target: string, what: string): void {
	try {
		linkSync(partial, target);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST') throw new BackupRefused(`${target} appeared while ${what.toLowerCase()} ran; it was left as it is and nothing was written there.`);
		// A file system without hard links: the name was free a moment ago.
		if (existing(target)) throw new BackupRefused(`${target} already exists; nothing was written there.`);
		renameSync(partial, target);
		flushFolder(target);
		return;
	}
	unlinkSync(partial);
	flushFolder(target);
}

function hasTable(db: SQLite.Database, table: string): boolean {
	return db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table) !== undefined;
}

function count(db: SQLite.Database, table: string): number {
	return hasTable(db, table) ? (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n : 0;
}

function countsOf(db: SQLite.Database): Counts {
	return { rounds: count(db, 'round'), responses: count(db, 'response'), comments: count(db, 'comment'), summaries: count(db, 'round_summary') };
}

/** Refuses a source that is missing or is not a Belonging database (read through `db`). */
function checkIsBelonging(db: SQLite.Database, path: string): void {
	try {
		if (!hasTable(db, 'kysely_migration')) throw new BackupRefused(`${path} is not a Belonging database: it has no migrations table.`);
	} catch (error) {
		if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new BackupRefused(`${path} is not an SQLite database (or its first page is damaged).`);
		throw error;
	}
}

/**
 * Writes a consistent copy of the SQLite database at `source` to the new file `target` while
 * the server may be writing to it, as described above. Refuses a `target` that exists; the copy
 * is written under another name beside it and takes `target`'s name only once complete and on
 * disk, so `target` never names half a backup.
 */
export function backupSqlite(source: string, target: string): BackupReport {
	if (!existsSync(source)) throw new BackupRefused(`There is no database at ${source}.`);
	refuseExisting(target, 'A backup');
	const started = performance.now();
	const partial = partialName(target, 'partial');
	try {
		// Read-write, to write nothing: a read-only connection to a database in WAL mode would
		// leave an empty log and index beside a file no server has open.
		const db = new SQLite(source, { fileMustExist: true, timeout: 5_000 });
		try {
			checkIsBelonging(db, source);
			db.prepare('VACUUM INTO ?').run(partial);
		} finally {
			db.close();
		}
		const copy = new SQLite(partial, { readonly: true, fileMustExist: true });
		let counts: Counts, journalMode: string, freePages: number;
		try {
			counts = countsOf(copy);
			journalMode = copy.pragma('journal_mode', { simple: true }) as string;
			freePages = copy.pragma('freelist_count', { simple: true }) as number;
		} finally {
			copy.close();
		}
		if (journalMode === 'wal') throw new Error('The backup came out in WAL mode, which it never should.');
		const sha256 = hashAndFlush(partial);
		const bytes = statSync(partial).size;
		publish(partial, target, 'The backup');
		return { file: target, bytes, sha256, ms: performance.now() - started, counts, journalMode, freePages };
	} finally {
		removeWithSideFiles(partial);
	}
}

/** Where the restored database stands against this version of Belonging's migrations. */
export interface MigrationState {
	latestApplied: string | undefined;
	latestKnown: string;
	/** Known to this version and not yet applied: `npm run migrate` (or starting the server) applies them. */
	pending: string[];
	/** Applied, but unknown to this version: the backup was made by a newer Belonging. */
	unknown: string[];
}

export interface DatabaseCheck {
	counts: Counts;
	closedRounds: number;
	/** Closed rounds whose summary was read, and agrees with their scores and answers. */
	summariesChecked: number;
	/** Closed rounds with no summary yet: the app builds it when first reading the round. */
	notYetSummarised: number;
	/** Closed rounds summed up but with no row of scores yet: the app writes it when a period's figures first need it. */
	withoutScores: number;
	/** Summaries of an older layout: rebuilt from the answers when first read. */
	olderSummaries: number;
	migrations: MigrationState;
	/** How long each check took, in milliseconds. */
	took: { integrity: number; foreignKeys: number; summaries: number };
	/** The app's mark: `real` or `demo` (unset until the app has started on it). */
	contents: string | undefined;
}

export interface RestoreReport {
	from: string;
	to: string;
	bytes: number;
	sha256: string;
	ms: number;
	/** Of `ms`, the copy's (with its hash). */
	copyMs: number;
	check: DatabaseCheck;
}

/** The first few problems a check found, as lines, and how many more there were. */
function problemLines(problems: string[], shown = 5): string {
	const more = problems.length - shown;
	return problems.slice(0, shown).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function migrationState(db: SQLite.Database): MigrationState {
	const applied = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name);
	const known = Object.keys(MIGRATIONS).sort();
	return {
		latestApplied: applied.at(-1),
		latestKnown: known.at(-1)!,
		pending: known.filter((name) => !applied.includes(name)),
		unknown: applied.filter((name) => !known.includes(name))
	};
}

function columnsOf(db: SQLite.Database, table: string): Set<string> {
	return new Set((db.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name));
}

interface RoundRow {
	id: number;
	status: 'draft' | 'open' | 'closed';
	opens_on: string;
	closes_on: string;
	reduced: number;
	format: number | null;
	summary: string | null;
	score_respondents: number | null;
	responses: number;
}

/**
 * Checks every closed round's summary: that it reads as this layout (round-summary.ts), that its
 * row of scores counts the same people, and that it counts as many people as the round has
 * responses (a round whose answers retention has reduced has only its summary, which must then
 * be there). A closed round not yet summed up is no fault (the app sums it up when first read).
 */
function checkSummaries(db: SQLite.Database, today: string, problems: string[]) {
	const result = { closedRounds: 0, summariesChecked: 0, notYetSummarised: 0, withoutScores: 0, olderSummaries: 0 };
	if (!hasTable(db, 'round')) return result;
	const summaries = hasTable(db, 'round_summary');
	const scores = hasTable(db, 'round_score');
	const reduced = columnsOf(db, 'round').has('answers_reduced_on');
	const rows = db
		.prepare(
			`select r.id, r.status, r.opens_on, r.closes_on,
				${reduced ? 'r.answers_reduced_on is not null' : '0'} as reduced,
				${summaries ? 's.format, s.summary' : 'null as format, null as summary'},
				${scores ? 'sc.respondents' : 'null'} as score_respondents,
				coalesce(n.responses, 0) as responses
			from round r
			${summaries ? 'left join round_summary s on s.round_id = r.id' : ''}
			${scores ? 'left join round_score sc on sc.round_id = r.id' : ''}
			left join (select round_id, count(*) as responses from response group by round_id) n on n.round_id = r.id
			order by r.id`
		)
		.iterate() as IterableIterator<RoundRow>;
	for (const round of rows) {
		if (surveyAvailability(round, today) !== 'closed') continue;
		result.closedRounds++;
		if (round.summary === null) {
			if (round.reduced) problems.push(`round ${round.id}'s answers were reduced to its summary, but it has no summary: its figures are lost`);
			else result.notYetSummarised++;
			continue;
		}
		if (round.format !== SUMMARY_FORMAT) {
			if (round.reduced) problems.push(`round ${round.id}'s answers were reduced to its summary, but the summary is of an older layout (${round.format})`);
			else result.olderSummaries++;
			continue;
		}
		const summary = summaryFromJson(round.summary);
		if (!summary) {
			problems.push(`round ${round.id}'s summary does not read`);
			continue;
		}
		const respondents = summary.everyone.respondents;
		if (round.score_respondents === null) result.withoutScores++;
		else if (round.score_respondents !== respondents) problems.push(`round ${round.id}'s scores count ${round.score_respondents} people, its summary ${respondents}`);
		if (!round.reduced && round.responses !== respondents) problems.push(`round ${round.id}'s summary counts ${respondents} people, its answers ${round.responses}`);
		result.summariesChecked++;
	}
	return result;
}

/**
 * Checks the database at `path` as a restore must: SQLite's integrity check, its foreign key
 * check, that it is a Belonging database and where it stands against this version's migrations,
 * and every closed round's summary. Throws BackupRefused with the problems found (naming the
 * file `name`); reads only.
 */
export function checkDatabase(path: string, today: string = ukDate(), name: string = path): DatabaseCheck {
	let db: SQLite.Database;
	try {
		db = new SQLite(path, { fileMustExist: true });
	} catch (error) {
		throw new BackupRefused(`${name} cannot be opened: ${(error as Error).message}`);
	}
	try {
		checkIsBelonging(db, name);
		let since = performance.now();
		const lap = () => -since + (since = performance.now());
		const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
		if (integrity.join() !== 'ok') throw new BackupRefused(`The integrity check failed: ${problemLines(integrity)}.`);
		const integrityMs = lap();
		const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
		const foreignKeysMs = lap();
		if (orphans.length > 0) {
			throw new BackupRefused(`The foreign key check failed: ${problemLines(orphans.map((o) => `a row of ${o.table} (rowid ${o.rowid}) refers to a missing ${o.parent}`))}.`);
		}
		const migrations = migrationState(db);
		const problems: string[] = [];
		const summaries = checkSummaries(db, today, problems);
		const took = { integrity: integrityMs, foreignKeys: foreignKeysMs, summaries: lap() };
		if (problems.length > 0) throw new BackupRefused(`The round summaries do not check: ${problemLines(problems)}. npm run summaries:rebuild recreates them from the answers.`);
		const contents = hasTable(db, 'app_meta') ? (db.prepare(`select value from app_meta where key = 'contents'`).get() as { value: string } | undefined)?.value : undefined;
		return { counts: countsOf(db), ...summaries, migrations, took, contents };
	} catch (error) {
		if (error instanceof BackupRefused) throw error;
		const code = (error as { code?: string }).code ?? '';
		if (code === 'SQLITE_NOTADB') throw new BackupRefused(`${name} is not an SQLite database (or its first page is damaged).`);
		if (code.startsWith('SQLITE_CORRUPT')) throw new BackupRefused(`The database is damaged: ${(error as Error).message}.`);
		throw error;
	} finally {
		db.close();
	}
}

/**
 * Restores the backup at `from` into the new file `to`: copies it under another name beside
 * `to`, checks the copy (checkDatabase) and only then gives it `to`'s name. Refuses a `to` that
 * exists; on any failure nothing is left at `to`, nor any partial copy beside it.
 */
export function restoreSqlite(from: string, to: string, today: string = ukDate()): RestoreReport {
	if (!existsSync(from)) throw new BackupRefused(`There is no backup at ${from}.`);
	if (!statSync(from).isFile()) throw new BackupRefused(`${from} is not a file.`);
	const log = ['-wal', '-shm'].map((suffix) => from + suffix).find(existing);
	if (log) {
		throw new BackupRefused(
			`${from} has ${log} beside it: it is a live database (or one whose server stopped without closing it), not a backup, and a copy of the file alone could miss or tear what is being written. Back it up with npm run backup and restore that.`
		);
	}
	refuseExisting(to, 'A restore');
	const started = performance.now();
	const restoring = partialName(to, 'restoring');
	try {
		const sha256 = copyAndHash(from, restoring);
		const copyMs = performance.now() - started;
		const check = checkDatabase(restoring, today, from);
		const bytes = statSync(restoring).size;
		// Closing the check's connection removed any log it made (a backup in WAL mode, say).
		for (const suffix of SIDE_FILES) if (existing(restoring + suffix)) throw new Error(`${restoring + suffix} was left by the check.`);
		publish(restoring, to, 'The restore');
		return { from, to, bytes, sha256, ms: performance.now() - started, copyMs, check };
	} finally {
		removeWithSideFiles(restoring);
	}
}
