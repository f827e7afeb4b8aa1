/**
 * src/lib/npt is the pure domain (STYLE.md): no database, no Svelte, no I/O. This walks every
 * import reachable from it (type imports too, since a circle of types is still a circle to read)
 * and fails on an import circle, on a Node built-in (`node:fs`, `fs`, …), and on anything under
 * src/lib/server or outside src/lib. Issue 30: SCORE_KEYS lived in change.ts, which imported
 * round-results.ts, whose round-summary.ts needed SCORE_KEYS back (it now lives in constructs.ts);
 * and practice-rounds.ts took the type Period from pcn.ts, which imports practice-rounds.ts (Period
 * now lives in round-schedule.ts).
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'src/lib');
const NPT = join(LIB, 'npt');
/** Packages npt may use: pure computation only. */
const ALLOWED_PACKAGES = ['zod', 'csv-parse/sync', '@stdlib/stats-base-dists-f-quantile'];

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourcesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourcesUnder(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

export function specifiersOf(source: string): string[] {
	const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
	return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

type Edge = { from: string; to: string } | { from: string; problem: string };

function resolveSpecifier(from: string, specifier: string): Edge {
	const at = (path: string) => ({ from, to: path });
	if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return { from, problem: `imports the Node built-in ${specifier}` };
	let base: string;
	if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
	else if (specifier.startsWith('$lib/')) base = join(LIB, specifier.slice('$lib/'.length));
	else if (ALLOWED_PACKAGES.includes(specifier)) return at(`package:${specifier}`);
	else return { from, problem: `imports the package ${specifier}, which npt does not use` };
	const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
	const file = candidates.find((path) => existsSync(path) && statSync(path).isFile());
	if (!file) return { from, problem: `imports ${specifier}, which is not a file` };
	if (!file.startsWith(`${LIB}/`)) return { from, problem: `imports ${relative(ROOT, file)}, outside src/lib` };
	if (file.startsWith(join(LIB, 'server'))) return { from, problem: `imports ${relative(ROOT, file)}, which is server code` };
	return at(file);
}

/** Every module reachable from npt, with its imports (JSON and packages are leaves). */
function importGraph(): { graph: Map<string, string[]>; problems: string[] } {
	const graph = new Map<string, string[]>();
	const problems: string[] = [];
	const queue = sourcesUnder(NPT);
	while (queue.length > 0) {
		const file = queue.pop()!;
		if (graph.has(file)) continue;
		const targets: string[] = [];
		for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
			const edge = resolveSpecifier(file, specifier);
			if ('problem' in edge) problems.push(`${relative(ROOT, file)} ${edge.problem}`);
			else if (!edge.to.startsWith('package:') && edge.to.endsWith('.ts')) {
				targets.push(edge.to);
				queue.push(edge.to);
			}
		}
		graph.set(file, targets);
	}
	return { graph, problems };
}

/** Each import circle once, as the files around it. */
function circles(graph: Map<string, string[]>): string[][] {
	const found: string[][] = [];
	const state = new Map<string, 'open' | 'done'>();
	const path: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		path.push(file);
		for (const next of graph.get(file) ?? []) {
			if (state.get(next) === 'open') found.push(path.slice(path.indexOf(next)).map((f) => relative(ROOT, f)));
			else if (!state.has(next)) visit(next);
		}
		path.pop();
		state.set(file, 'done');
	};
	for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
	return found;
}

describe('src/lib/npt stays pure', () => {
	const { graph, problems } = importGraph();

	it('reads the imports of every npt module', () => {
		expect(sourcesUnder(NPT).every((file) => graph.has(file))).toBe(true);
		// The walk sees real imports: change.ts takes SCORE_KEYS from constructs.ts.
		const change = graph.get(join(NPT, 'change.ts'))!.map((f) => relative(NPT, f));
		expect(change).toContain('constructs.ts');
	});

	it('has no import circle', () => {
		expect(circles(graph)).toEqual([]);
	});

	it('imports no Node built-in, no server code and no package beyond pure computation', () => {
		expect(problems).toEqual([]);
	});

	it('would notice each kind of import it forbids', () => {
		expect(specifiersOf(`import { readFileSync } from 'node:fs';\nimport type { Db } from '$lib/server/db';\nexport { x } from './x';\nconst m = import('pg');`)).toEqual([
			'node:fs',
			'$lib/server/db',
			'./x',
			'pg'
		]);
		const from = join(NPT, 'scoring.ts');
		expect(resolveSpecifier(from, 'node:fs')).toMatchObject({ problem: 'imports the Node built-in node:fs' });
		expect(resolveSpecifier(from, 'fs')).toMatchObject({ problem: 'imports the Node built-in fs' });
		expect(resolveSpecifier(from, '$lib/server/db')).toMatchObject({ problem: 'imports src/lib/server/db/index.ts, which is server code' });
		expect(resolveSpecifier(from, '../server/access')).toMatchObject({ problem: 'imports src/lib/server/access.ts, which is server code' });
		expect(resolveSpecifier(from, 'pg')).toMatchObject({ problem: 'imports the package pg, which npt does not use' });
		expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toHaveLength(1);
	});
});
