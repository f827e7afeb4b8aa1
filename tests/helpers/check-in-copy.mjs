/**
 * `npm run check` (svelte-kit sync, then svelte-check) on a copy of the project's sources, so that
 * `npm test` can run it beside the vitest suites (run-suites.mjs). In place it cannot: a vitest
 * process writes `.svelte-kit` again as it starts and as it first loads a server module (SvelteKit's
 * sync, which truncates each file and writes it anew), and svelte-check reading one of those files
 * at that moment would report errors that are not there. The copy has its own `.svelte-kit` and
 * shares only `node_modules`, through a link. Paths in the output name the real files.
 *
 * Usage: node tests/helpers/check-in-copy.mjs (exit code: svelte-check's).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
/** Not sources: installed packages, the build, generated files, databases, history. */
const LEFT_OUT = new Set(['node_modules', '.git', 'build', '.svelte-kit', 'data']);

const copy = mkdtempSync(join(tmpdir(), 'belonging-check-'));
const clean = () => rmSync(copy, { recursive: true, force: true });
let status = 1;
try {
	cpSync(root, copy, { recursive: true, filter: (from) => from === root || !LEFT_OUT.has(basename(from)) || resolve(from, '..') !== root });
	symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
	status = await new Promise((done) => {
		const child = spawn('npm', ['run', '--silent', 'check'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
		const realPaths = (chunk) => chunk.toString().replaceAll(copy, root);
		child.stdout.on('data', (chunk) => process.stdout.write(realPaths(chunk)));
		child.stderr.on('data', (chunk) => process.stderr.write(realPaths(chunk)));
		child.on('close', (code) => done(code ?? 1));
	});
} finally {
	clean();
}
process.exit(status);
