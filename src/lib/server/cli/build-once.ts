/**
 * The build the start-up commands (`npm start`, `npm run demo`, `npm run demo:sso`) run from:
 * built only when the sources changed since the last good build, and never under a running server.
 *
 * Each build goes into a folder of its own, .builds/<stamp>, and `build` is a link to the current
 * one, swapped in one rename. Node runs a server from the folder the link pointed to when it
 * started (it resolves the link), so a demo that is running keeps its files while another command
 * builds and swaps in a new one. The stamp is a hash of everything that goes into a build (the
 * sources, the configuration, the locked dependencies), written into the build as .source-stamp.
 */
import { createHash } from 'node:crypto';
import {
	existsSync,
	lstatSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	utimesSync,
	writeFileSync
} from 'node:fs';
import { join } from 'node:path';

/** What goes into a build: a change to any of these files (or a file added or removed) builds anew. */
export const BUILD_INPUTS = ['src', 'static', 'migrations', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json'];
/** Where the builds live, beside the `build` link; .gitignore leaves it out. */
export const BUILDS_DIR = '.builds';
export const STAMP_FILE = '.source-stamp';
/** Builds kept: the current one and the two before it, for servers started from them that still run. */
export const KEEP_BUILDS = 3;
const LOCK_FILE = 'building.lock';

export interface BuildOnceOptions {
	/** Builds the app into `outDir` (a fresh, empty folder path under the root). */
	build: (outDir: string) => Promise<void>;
	/** A line for the person waiting (what is happening, and why). */
	say?: (line: string) => void;
	inputs?: string[];
	/** How long to wait between looks while another command builds. */
	pollMs?: number;
}

export interface BuildOnceResult {
	built: boolean;
	stamp: string;
	/** The build folder `build` now points to, relative to the root. */
	folder: string;
}

/** A hash of every input file's path and contents, in a fixed order. Missing inputs count as absent. */
export function sourceStamp(root: string, inputs: string[] = BUILD_INPUTS): string {
	const hash = createHash('sha256');
	for (const file of inputFiles(root, inputs)) {
		hash.update(`${file}\u0000`);
		hash.update(readFileSync(join(root, file)));
		hash.update('\u0000');
	}
	return hash.digest('hex');
}

function inputFiles(root: string, inputs: string[]): string[] {
	const files: string[] = [];
	const visit = (relative: string) => {
		const full = join(root, relative);
		if (!existsSync(full)) return;
		if (statSync(full).isDirectory()) {
			for (const name of readdirSync(full).sort()) visit(`${relative}/${name}`);
		} else {
			files.push(relative);
		}
	};
	for (const input of [...inputs].sort()) visit(input);
	return files;
}

/** The stamp of the build `build` points to now, or null when there is none (or it was built without one). */
export function currentStamp(root: string): string | null {
	try {
		return readFileSync(join(root, 'build', STAMP_FILE), 'utf8').trim();
	} catch {
		return null;
	}
}

export async function buildOnce(root: string, options: BuildOnceOptions): Promise<BuildOnceResult> {
	const say = options.say ?? (() => {});
	const inputs = options.inputs ?? BUILD_INPUTS;
	let waited = false;
	for (;;) {
		const stamp = sourceStamp(root, inputs);
		const folder = `${BUILDS_DIR}/${stamp.slice(0, 16)}`;
		if (currentStamp(root) === stamp) {
			if (!waited) say('The build is up to date with the sources: starting without building.');
			return { built: false, stamp, folder };
		}
		const holder = takeLock(root);
		if (holder !== null) {
			if (!waited) say(`Another command (process ${holder}) is building: waiting for it to finish.`);
			waited = true;
			await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
			continue;
		}
		try {
			let built = false;
			if (readStamp(join(root, folder)) !== stamp) {
				say(currentStamp(root) === null ? 'Building the app (no earlier build to reuse)…' : 'The sources changed since the last build: building the app…');
				const scratch = `${BUILDS_DIR}/building-${process.pid}`;
				rmSync(join(root, scratch), { recursive: true, force: true });
				await options.build(scratch);
				writeFileSync(join(root, scratch, STAMP_FILE), `${stamp}\n`);
				rmSync(join(root, folder), { recursive: true, force: true });
				renameSync(join(root, scratch), join(root, folder));
				built = true;
			}
			pointBuildAt(root, folder);
			pruneBuilds(root, folder);
			return { built, stamp, folder };
		} finally {
			rmSync(join(root, BUILDS_DIR, LOCK_FILE), { force: true });
		}
	}
}

function readStamp(folder: string): string | null {
	try {
		return readFileSync(join(folder, STAMP_FILE), 'utf8').trim();
	} catch {
		return null;
	}
}

/** Takes the build lock; returns null when taken, or the process id of the live command holding it. */
function takeLock(root: string): number | null {
	mkdirSync(join(root, BUILDS_DIR), { recursive: true });
	const lock = join(root, BUILDS_DIR, LOCK_FILE);
	for (;;) {
		try {
			writeFileSync(lock, String(process.pid), { flag: 'wx' });
			return null;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = Number(readFileSync(lock, 'utf8').trim());
		if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return holder;
		// Left behind by a command that was stopped mid-build.
		rmSync(lock, { force: true });
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Points `build` at the folder in one rename of a new link over the old one. A plain `build`
 * folder (from `npm run build`) is moved in among the builds first, so it is kept, not deleted.
 */
function pointBuildAt(root: string, folder: string): void {
	const link = join(root, 'build');
	const next = join(root, `.build-link-${process.pid}`);
	rmSync(next, { force: true });
	symlinkSync(folder, next, 'dir');
	const existing = lstatOrNull(link);
	if (existing && !existing.isSymbolicLink()) renameSync(link, join(root, BUILDS_DIR, `plain-${Date.now()}`));
	renameSync(next, link);
	const now = new Date();
	utimesSync(join(root, folder), now, now);
}

function lstatOrNull(path: string) {
	try {
		return lstatSync(path);
	} catch {
		return null;
	}
}

/** Keeps the current build and the most recently used others, KEEP_BUILDS in all. */
function pruneBuilds(root: string, current: string): void {
	const dir = join(root, BUILDS_DIR);
	// A half-made build of a command that was stopped mid-build.
	for (const name of readdirSync(dir)) {
		const builder = /^building-(\d+)$/.exec(name);
		if (builder && !isAlive(Number(builder[1]))) rmSync(join(dir, name), { recursive: true, force: true });
	}
	const others = readdirSync(dir)
		.filter((name) => name !== LOCK_FILE && `${BUILDS_DIR}/${name}` !== current && !name.startsWith('building-'))
		.map((name) => ({ name, used: statSync(join(dir, name)).mtimeMs }))
		.sort((a, b) => b.used - a.used);
	for (const old of others.slice(KEEP_BUILDS - 1)) rmSync(join(dir, old.name), { recursive: true, force: true });
}
