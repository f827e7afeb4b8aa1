/**
 * SQLite's write-ahead log emptied off the event loop. A checkpoint copies the log into the
 * database file and waits for the disk (fsync), and better-sqlite3 runs everything it does on
 * the thread that calls it: left to SQLite, the commit that fills the log past its limit would
 * hold every request for that wait. So the app's connection never checkpoints
 * (`wal_autocheckpoint = 0`), and one worker thread per process, with a connection of its own to
 * each file, empties every log within LOG_EMPTIED_WITHIN_MS of a write: a copy of the files taken
 * later holds no commit of it (SCORING.md §6, database files), and the log cannot grow without
 * bound.
 *
 * Each pass first checkpoints PASSIVE, which copies and waits for the disk without stopping the
 * app's writes, then TRUNCATE, which takes the write lock only to copy what arrived in between
 * and empty the file. Neither waits for a lock: while the app is writing or reading, the pass is
 * tried again shortly, so the worker never holds the write lock while it waits for a reader.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How soon after a write the log is emptied: a copy of the files taken later holds no commit of it. */
export const LOG_EMPTIED_WITHIN_MS = 500;
/** How soon a pass that found the database busy is tried again. */
const RETRY_MS = 20;
/** How long closing a database waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 5_000;

// CommonJS, run by the worker as given (the server is bundled, so the worker cannot be a file of it).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqlite);
const files = new Map();
let timer;
function pass() {
	timer = undefined;
	let busy = false;
	for (const [path, db] of files) {
		try {
			let [copied] = db.pragma('wal_checkpoint(PASSIVE)');
			if (copied.log === 0) continue;
			// Again for what arrived while the first waited for the disk, so TRUNCATE has next to nothing left.
			if (!copied.busy && copied.checkpointed === copied.log) [copied] = db.pragma('wal_checkpoint(PASSIVE)');
			if (copied.busy || copied.checkpointed < copied.log || db.pragma('wal_checkpoint(TRUNCATE)')[0].busy) busy = true;
		} catch (error) {
			if (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED') busy = true;
			else parentPort.postMessage({ failed: path, message: error.message });
		}
	}
	if (files.size > 0) timer = setTimeout(pass, busy ? workerData.retryMs : workerData.intervalMs);
}
parentPort.on('message', ({ open, close, closed }) => {
	if (open !== undefined) {
		const db = new SQLite(open, { fileMustExist: true });
		db.pragma('busy_timeout = 0');
		db.pragma('synchronous = NORMAL');
		files.set(open, db);
		if (!timer) timer = setTimeout(pass, workerData.intervalMs);
	}
	if (close !== undefined) {
		files.get(close)?.close();
		files.delete(close);
		if (files.size === 0 && timer) timer = clearTimeout(timer);
		Atomics.store(closed, 0, 1);
		Atomics.notify(closed, 0);
	}
});
`;

let worker: Worker | undefined;
/** What each open file does if the worker stops: checkpoint on its own connection again, as SQLite does by default. */
const fallbacks = new Map<string, () => void>();

function checkpointWorker(): Worker {
	if (worker) return worker;
	const started = new Worker(WORKER_SOURCE, {
		eval: true,
		workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: LOG_EMPTIED_WITHIN_MS, retryMs: RETRY_MS }
	});
	started.on('message', ({ failed, message }: { failed: string; message: string }) =>
		console.error(`Could not empty the write-ahead log of ${failed}: ${message}`)
	);
	started.on('error', (error) => console.error(`The write-ahead log worker stopped: ${error.message}`));
	started.on('exit', () => {
		if (worker !== started) return;
		worker = undefined;
		for (const fallBack of fallbacks.values()) fallBack();
		fallbacks.clear();
	});
	// The worker never keeps a finished process (a test, a command) alive.
	started.unref();
	worker = started;
	return started;
}

/**
 * Starts emptying the log of the SQLite file at `path` in the background, for a connection that
 * no longer checkpoints itself; `fallBack` gives it back its checkpoints should the worker stop.
 * Returns the function that stops it, to call before that connection closes: it waits until the
 * worker has let go of the file, so the app's connection, closing last, removes the log.
 */
export function emptyLogInBackground(path: string, fallBack: () => void): () => void {
	const file = resolve(path);
	const running = checkpointWorker();
	running.postMessage({ open: file });
	fallbacks.set(file, fallBack);
	return () => {
		fallbacks.delete(file);
		if (worker !== running) return;
		const closed = new Int32Array(new SharedArrayBuffer(4));
		running.postMessage({ close: file, closed });
		Atomics.wait(closed, 0, 0, CLOSE_WAIT_MS);
	};
}
