/**
 * SQLite's write-ahead log emptied without the event loop waiting for the disk. A checkpoint
 * copies the log into the database file and waits for the disk (fsync), and better-sqlite3 runs
 * everything on the thread that calls it: left to SQLite, the commit that fills the log past its
 * limit would hold every request for that wait. So the app's connection never checkpoints in a
 * commit (`wal_autocheckpoint = 0`); one worker thread per process, with a connection of its own
 * to each file, copies the log into the file (PASSIVE: it takes no lock a writer needs, so the
 * app never waits for it), and once all is copied the app's connection empties the log file
 * (TRUNCATE), which then has nothing left to copy and so waits for no disk. Under a steady
 * stream of commits that moment may never come, so the worker also tells the app when the log
 * is half the promised time old (its age told by the salt in its header), and the app empties
 * it then, copying the last few commits itself (see emptyLog). So the log holds no commit for
 * longer than LOG_EMPTIED_WITHIN_MS, and a copy of the files taken later holds none (docs/scoring.md
 * §6, database files), however busy the server; nor can it grow without bound.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { log } from '../platform/logging';

/** How soon after a write the log is emptied: a copy of the files taken later holds no commit of it. */
export const LOG_EMPTIED_WITHIN_MS = 500;
/** How long closing a database waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 5_000;

/** Where the worker is with one of the app's connections' files, in the flag they share. */
const [WAITING, OPEN, CLOSED, OPENING] = [0, 1, 2, 3];

// CommonJS, run by the worker as given (the server is bundled, so the worker cannot be a file of it).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const SQLite = require(workerData.sqlite);
const files = new Map();
let timer;
/** The salts in the log's header (bytes 16-23), new each time the log begins afresh; null while it is empty. */
function logSalt(path) {
	const header = Buffer.alloc(8);
	try {
		const file = openSync(path + '-wal', 'r');
		try {
			return readSync(file, header, 0, 8, 16) === 8 ? header.toString('hex') : null;
		} finally {
			closeSync(file);
		}
	} catch {
		return null;
	}
}
function pass() {
	timer = undefined;
	let written = false;
	for (const [path, known] of files) {
		try {
			const now = Date.now();
			let [copied] = known.db.pragma('wal_checkpoint(PASSIVE)');
			if (copied.log <= 0) {
				known.passed = now;
				continue;
			}
			written = true;
			// Again for what arrived while the first waited for the disk, so the app has next to nothing left.
			if (!copied.busy && copied.checkpointed === copied.log) [copied] = known.db.pragma('wal_checkpoint(PASSIVE)');
			// The log's first commit is as old as the log itself, told apart by its salt: one first
			// seen now began after the last pass that saw the log, so it is taken to be that old
			// (never younger).
			const salt = logSalt(path);
			if (salt !== known.salt) Object.assign(known, { salt, since: known.passed });
			known.passed = now;
			// All copied: the app empties it at no cost. Under a steady stream of commits that moment
			// may not come, so once the log is half the promised time old it is emptied anyway.
			const copiedAll = !copied.busy && copied.checkpointed === copied.log;
			const due = Date.now() - known.since >= workerData.dueAfterMs;
			if (copiedAll || due) parentPort.postMessage({ copied: path, frames: copied.checkpointed, due });
		} catch (error) {
			if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') parentPort.postMessage({ failed: path, message: error.message });
		}
	}
	// While commits keep coming, soon again: each pass then has less to copy, and the app, emptying
	// the log after one, only the commits of a moment.
	if (files.size > 0) timer = setTimeout(pass, written ? workerData.writingIntervalMs : workerData.intervalMs);
}
// Each of the app's connections shares a flag with the worker: CLOSED (2) once either side has
// given up the file, so the other need not wait for it; OPENING (3) while the worker opens it.
function open(path, state) {
	// Closed before the worker came to it: nothing to copy.
	if (Atomics.compareExchange(state, 0, WAITING, OPENING) !== WAITING) return;
	// One connection to a file however many of the app's connections write to it.
	const known = files.get(path);
	let db;
	try {
		if (known) known.users++;
		else {
			// Never waiting for a lock: the passes come again soon.
			db = new SQLite(path, { fileMustExist: true, timeout: 0 });
			// Reads the schema, so it may find the file busy: a connection left open then would keep
			// the app's, closing last, from removing the log.
			db.pragma('synchronous = NORMAL');
			files.set(path, { db, users: 1, salt: null, since: 0, passed: Date.now() });
		}
		Atomics.store(state, 0, OPEN);
	} catch (error) {
		db?.close();
		// The app's connection is just then reading the file's log afresh (SQLITE_BUSY_RECOVERY) or
		// holds a lock: try again soon, or the log of this file would never be emptied. Otherwise the
		// file went before the worker came to it (closed and removed at once): nothing to copy.
		const busy = /^SQLITE_(BUSY|LOCKED)/.test(String(error.code));
		Atomics.store(state, 0, busy ? WAITING : CLOSED);
		if (busy) setTimeout(open, RETRY_OPEN_MS, path, state);
	}
	Atomics.notify(state, 0);
	if (!timer && files.size > 0) timer = setTimeout(pass, workerData.intervalMs);
}
function close(path, state) {
	const known = files.get(path);
	if (known && Atomics.load(state, 0) === OPEN && --known.users === 0) {
		files.delete(path);
		try {
			known.db.close();
		} catch {
			// The folder went first (the app's side closed without waiting for this one): nothing is left to keep.
		}
	}
	if (files.size === 0 && timer) timer = clearTimeout(timer);
	Atomics.store(state, 0, CLOSED);
	Atomics.notify(state, 0);
}
const [WAITING, OPEN, CLOSED, OPENING] = [${WAITING}, ${OPEN}, ${CLOSED}, ${OPENING}];
const RETRY_OPEN_MS = 10;
parentPort.on('message', (message) => {
	if (message.open !== undefined) open(message.open, message.state);
	if (message.close !== undefined) close(message.close, message.state);
});
`;

let worker: Worker | undefined;

function logBytes(file: string): number {
	try {
		return statSync(`${file}-wal`).size;
	} catch {
		return 0;
	}
}
/** The app's connections to each file the worker copies. */
const connections = new Map<string, Set<SQLite.Database>>();

/** A log file's header, and each frame's header before its page. */
const LOG_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** The page size of each of the app's connections, read once: it holds for the file's life. */
const pageSizes = new WeakMap<SQLite.Database, number>();

/**
 * Empties the log the worker reports on. When the worker has copied all `frames` of it and
 * nothing has been added since (the file holds just those frames: the app's connection has
 * `journal_size_limit = 0`, so a log started afresh is cut to its first commit), emptying it
 * waits for no disk. Under a steady stream of commits that moment may not come, so once the log
 * is half the promised time old (`due`) it is emptied anyway, copying the few commits the worker
 * has not. Only outside a transaction, and without waiting for a lock: should anything hold one,
 * the worker's next pass comes soon.
 */
function emptyLog(sqlite: SQLite.Database, file: string, frames: number, due: boolean): void {
	if (!sqlite.open || sqlite.inTransaction) return;
	if (!due && logBytes(file) !== LOG_HEADER_BYTES + frames * (pageSizes.get(sqlite)! + FRAME_HEADER_BYTES)) return;
	const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
	sqlite.pragma('busy_timeout = 0');
	try {
		sqlite.pragma('wal_checkpoint(TRUNCATE)');
	} catch (error) {
		if (!/^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code))) log.error(`Could not empty the write-ahead log: ${(error as Error).message}`);
	} finally {
		sqlite.pragma(`busy_timeout = ${timeout}`);
	}
}

function checkpointWorker(): Worker {
	if (worker) return worker;
	const started = new Worker(WORKER_SOURCE, {
		eval: true,
		// Two passes within the promised time, so one that found the file busy is made up in time.
		workerData: {
			sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
			intervalMs: LOG_EMPTIED_WITHIN_MS / 2,
			writingIntervalMs: 20,
			dueAfterMs: LOG_EMPTIED_WITHIN_MS / 2
		}
	});
	started.on('message', ({ copied, frames, due, failed, message }: { copied?: string; frames?: number; due?: boolean; failed?: string; message?: string }) => {
		// Not emptied (something held a lock): the worker reports again after its next pass.
		for (const sqlite of connections.get(copied ?? '') ?? []) emptyLog(sqlite, copied!, frames!, due!);
		if (failed) log.error(`Could not copy the write-ahead log of ${failed}: ${message}`);
	});
	started.on('error', (error) => log.error(`The write-ahead log worker stopped: ${error.message}`));
	started.on('exit', () => {
		if (worker !== started) return;
		worker = undefined;
		// Without the worker, each connection checkpoints in its commits again, as SQLite does by default.
		for (const sqlite of [...connections.values()].flatMap((open) => [...open])) if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
		connections.clear();
	});
	// The worker never keeps a finished process (a test, a command) alive.
	started.unref();
	worker = started;
	return started;
}

/**
 * Stops `sqlite` (the app's connection to the file at `path`) checkpointing in its commits and
 * has its log emptied as above. Returns the function that stops this, to call before that
 * connection closes: it waits until the worker has let go of the file, so the app's
 * connection, closing last, removes the log.
 */
export function emptyLogInBackground(sqlite: SQLite.Database, path: string): () => void {
	const file = resolve(path);
	sqlite.pragma('wal_autocheckpoint = 0');
	sqlite.pragma('journal_size_limit = 0');
	pageSizes.set(sqlite, sqlite.pragma('page_size', { simple: true }) as number);
	const running = checkpointWorker();
	const state = new Int32Array(new SharedArrayBuffer(4)); // WAITING
	running.postMessage({ open: file, state });
	connections.set(file, (connections.get(file) ?? new Set()).add(sqlite));
	return () => {
		connections.get(file)?.delete(sqlite);
		if (connections.get(file)?.size === 0) connections.delete(file);
		if (worker !== running) return;
		running.postMessage({ close: file, state });
		// A worker that has not come to the file yet is told not to: one still starting up may need
		// this thread to get going, so waiting on it would only run out the time. One opening the
		// file or holding it open is waited for, so this connection, closing last, removes the log.
		const until = Date.now() + CLOSE_WAIT_MS;
		for (let now = Atomics.compareExchange(state, 0, WAITING, CLOSED); now !== WAITING && now !== CLOSED && Date.now() < until; ) {
			Atomics.wait(state, 0, now, until - Date.now());
			now = Atomics.compareExchange(state, 0, WAITING, CLOSED);
		}
	};
}
