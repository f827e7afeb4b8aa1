/**
 * The start-up commands' build (src/lib/server/cli/build-once.ts): built only when the sources
 * changed, into a folder of its own swapped in by one rename, so a running server keeps its files.
 * A stand-in build writes a few files, so each test takes milliseconds, not a real build's minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS_DIR, KEEP_BUILDS, STAMP_FILE, buildOnce, currentStamp, sourceStamp } from '../../src/lib/server/cli/build-once';

let root: string;
let builds: string[];

/** A stand-in for `vite build`: an index.js that says it is ready, then prints page.txt from its own folder when told to, and page.txt naming the sources. */
async function standInBuild(outDir: string): Promise<void> {
	builds.push(outDir);
	const out = join(root, outDir);
	mkdirSync(out, { recursive: true });
	writeFileSync(join(out, 'page.txt'), readFileSync(join(root, 'src', 'page.ts'), 'utf8'));
	writeFileSync(
		join(out, 'index.js'),
		"console.log('ready'); process.stdin.once('data', () => { console.log(require('node:fs').readFileSync(require('node:path').join(__dirname, 'page.txt'), 'utf8')); process.exit(0); });\n"
	);
}

const options = { build: standInBuild, pollMs: 5 };
const writeSource = (text: string) => writeFileSync(join(root, 'src', 'page.ts'), text);
const served = () => readFileSync(join(root, 'build', 'page.txt'), 'utf8');

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'belonging-build-once-'));
	builds = [];
	mkdirSync(join(root, 'src'));
	writeSource('first');
	writeFileSync(join(root, 'package.json'), '{}');
});

afterEach(() => {
	rmSync(root, { recursive: true, force: true });
});

describe('building only when the sources changed', () => {
	it('builds the first time, then starts without building while nothing changed', async () => {
		const first = await buildOnce(root, options);
		expect(first.built).toBe(true);
		expect(served()).toBe('first');
		expect(currentStamp(root)).toBe(first.stamp);
		expect(readFileSync(join(root, first.folder, STAMP_FILE), 'utf8')).toBe(`${first.stamp}\n`);

		const second = await buildOnce(root, options);
		expect(second).toEqual({ built: false, stamp: first.stamp, folder: first.folder });
		expect(builds).toHaveLength(1);
	});

	it('builds again when a source file changes, is added or is removed', async () => {
		await buildOnce(root, options);
		writeSource('second');
		expect((await buildOnce(root, options)).built).toBe(true);
		expect(served()).toBe('second');

		writeFileSync(join(root, 'src', 'added.ts'), '');
		expect((await buildOnce(root, options)).built).toBe(true);
		rmSync(join(root, 'src', 'added.ts'));
		// Back to the sources of the build before: that build is still kept, so it is reused, not rebuilt.
		const back = await buildOnce(root, options);
		expect(back.built).toBe(false);
		expect(builds).toHaveLength(3);
		expect(served()).toBe('second');
	});

	it('reads a change to package-lock.json as a change, and a file outside the inputs as none', async () => {
		const before = sourceStamp(root);
		writeFileSync(join(root, 'notes.txt'), 'not an input');
		expect(sourceStamp(root)).toBe(before);
		writeFileSync(join(root, 'package-lock.json'), '{}');
		expect(sourceStamp(root)).not.toBe(before);
	});

	it('keeps the current build when a build fails, and tries again next time', async () => {
		await buildOnce(root, options);
		writeSource('broken');
		await expect(buildOnce(root, { ...options, build: () => Promise.reject(new Error('vite said no')) })).rejects.toThrow('vite said no');
		expect(served()).toBe('first');
		expect((await buildOnce(root, options)).built).toBe(true);
		expect(served()).toBe('broken');
	});

	it('lets a second command wait for the first one’s build and use it', async () => {
		const [one, two] = await Promise.all([buildOnce(root, options), buildOnce(root, options)]);
		expect([one.built, two.built].sort()).toEqual([false, true]);
		expect(builds).toHaveLength(1);
	});
});

describe('swapping a new build in beside a running server', () => {
	it('leaves the running server’s own files in place while `build` moves on', async () => {
		const first = await buildOnce(root, options);
		const firstFiles = readdirSync(join(root, first.folder)).sort();
		const server = spawn(process.execPath, ['build'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
		let output = '';
		server.stdout.on('data', (chunk) => (output += chunk));
		const exited = new Promise((resolve) => server.once('exit', resolve));
		await expect.poll(() => output, { timeout: 20_000 }).toContain('ready');

		writeSource('second');
		const second = await buildOnce(root, options);
		expect(second.built).toBe(true);
		expect(realpathSync(join(root, 'build'))).toBe(realpathSync(join(root, second.folder)));
		expect(served()).toBe('second');
		expect(readdirSync(join(root, first.folder)).sort()).toEqual(firstFiles);

		// The server started before the swap reads its own folder's file, not the new build's.
		server.stdin.write('read\n');
		await exited;
		expect(output.trim().split('\n')).toEqual(['ready', 'first']);
	});

	it('moves a plain build folder (from npm run build) in among the builds instead of deleting it', async () => {
		mkdirSync(join(root, 'build'));
		writeFileSync(join(root, 'build', 'page.txt'), 'plain');
		await buildOnce(root, options);
		expect(lstatSync(join(root, 'build')).isSymbolicLink()).toBe(true);
		const plain = readdirSync(join(root, BUILDS_DIR)).filter((name) => name.startsWith('plain-'));
		expect(plain).toHaveLength(1);
		expect(readFileSync(join(root, BUILDS_DIR, plain[0]!, 'page.txt'), 'utf8')).toBe('plain');
	});

	it(`keeps ${KEEP_BUILDS} builds: the current one and the most recently used others`, async () => {
		const folders: string[] = [];
		for (const text of ['a', 'b', 'c', 'd']) {
			writeSource(text);
			folders.push((await buildOnce(root, options)).folder);
		}
		const kept = readdirSync(join(root, BUILDS_DIR)).map((name) => `${BUILDS_DIR}/${name}`);
		expect(kept.sort()).toEqual(folders.slice(1).sort());
		expect(existsSync(join(root, folders[0]!))).toBe(false);
	});
});
