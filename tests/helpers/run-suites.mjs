/**
 * `npm test`: every check (unit; integration on SQLite with the type check beside it; integration
 * on PostgreSQL; build; then end-to-end on SQLite and on PostgreSQL side by side), each one's wall
 * time and what its numbers count, and a summary table at the end.
 *
 * It runs every suite even after one fails, and fails at the end: a whole run takes many minutes,
 * and a developer who is told of one failure at a time pays for a run per failure. Only what cannot
 * run is skipped: the end-to-end suites when the build failed, and the PostgreSQL suites when
 * TEST_DATABASE_URL is not set (`bash .ci/run` starts a throwaway server and sets it).
 *
 * `node tests/helpers/run-suites.mjs unit integration` runs only the suites it names; after `--`,
 * file filters passed to each vitest suite (`… integration e2e -- form-fuzz access-matrix`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const reports = mkdtempSync(join(tmpdir(), 'belonging-suites-'));
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

const dashes = process.argv.indexOf('--');
const filters = dashes < 0 ? [] : process.argv.slice(dashes + 1);

/** The files whose tests are probes of one sweep each, not flows: counted apart in the summary. */
const ACCESS_MATRIX = 'access-matrix.test.ts';
const FORM_FUZZ = 'form-fuzz.test.ts';

/** @typedef {{ name: string, command: string[], vitest?: string, postgres?: boolean, needsBuild?: boolean }} Suite */
/** @type {Suite[]} */
const SUITES = [
	{ name: 'unit', vitest: 'unit' },
	{ name: 'integration', vitest: 'integration' },
	// svelte-check on a copy of the sources, so that it can run beside a vitest suite (check-in-copy.mjs).
	{ name: 'check', command: [process.execPath, join(import.meta.dirname, 'check-in-copy.mjs')] },
	{ name: 'integration-postgres', vitest: 'integration-postgres', postgres: true },
	{ name: 'build', command: ['npm', 'run', '--silent', 'build'] },
	{ name: 'e2e', vitest: 'e2e', needsBuild: true },
	{ name: 'e2e-postgres', vitest: 'e2e-postgres', postgres: true, needsBuild: true }
].map((suite) => ({
	...suite,
	command: suite.command ?? [
		process.execPath,
		vitest,
		'run',
		'--project',
		suite.vitest,
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${join(reports, `${suite.vitest}.json`)}`,
		...filters
	]
}));

const asked = process.argv.slice(2, dashes < 0 ? undefined : dashes);
const unknown = asked.filter((name) => !SUITES.some((s) => s.name === name));
if (unknown.length) {
	console.error(`No such suite: ${unknown.join(', ')}. The suites: ${SUITES.map((s) => s.name).join(', ')}.`);
	process.exit(2);
}
const chosen = asked.length ? SUITES.filter((s) => asked.includes(s.name)) : SUITES;

/**
 * Runs a command with its output kept (without colours) to read counts from, and passed through
 * as it comes when `live` (otherwise printed whole once it ends, beside a live one).
 */
function run(command, live = true) {
	return new Promise((resolve) => {
		const env = { ...process.env, ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}) };
		const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
		let output = '';
		child.stdout.on('data', (chunk) => {
			if (live) process.stdout.write(chunk);
			output += chunk;
		});
		child.stderr.on('data', (chunk) => {
			if (live) process.stderr.write(chunk);
			output += chunk;
		});
		child.on('close', (code, signal) => resolve({ ok: code === 0, code: code ?? signal, output: output.replace(/\x1b\[[0-9;]*m/g, '') }));
	});
}

const number = (n) => n.toLocaleString('en-GB');
const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;

/**
 * What a vitest suite's numbers are, from its JSON report: flows (ordinary tests), the access
 * matrix's probes and the form fuzz's actions and posts, each named, with failures and skips.
 */
function vitestCounts(suite, output) {
	let report;
	try {
		report = JSON.parse(readFileSync(join(reports, `${suite.vitest}.json`), 'utf8'));
	} catch {
		return 'no report (vitest did not finish)';
	}
	const files = report.testResults ?? [];
	const testsOf = (file) => file.assertionResults ?? [];
	const isOne = (file, name) => basename(file.name) === name;
	const flows = files.filter((f) => !isOne(f, ACCESS_MATRIX) && !isOne(f, FORM_FUZZ)).flatMap(testsOf);
	const flowFiles = files.filter((f) => !isOne(f, ACCESS_MATRIX) && !isOne(f, FORM_FUZZ) && testsOf(f).length > 0).length;
	const parts = [];
	// Only the access matrix or the fuzz run (a file filter): no "0 tests in 0 files" before them.
	if (flows.length || files.length === flowFiles) {
		parts.push(`${plural(flows.length, suite.vitest.startsWith('e2e') ? 'flow' : 'test')} in ${plural(flowFiles, 'file')}`);
	}

	const matrix = files.filter((f) => isOne(f, ACCESS_MATRIX)).flatMap(testsOf);
	if (matrix.length) {
		// A probe: one route, one role, one status (or its page data). The rest sweep every route at once.
		const probes = matrix.filter((t) => (t.ancestorTitles ?? []).length > 1).length;
		const sweeps = matrix.length - probes;
		parts.push(`one access matrix of ${plural(probes, 'probe')} (route × role) and ${plural(sweeps, 'whole-app check')}`);
	}
	const fuzz = files.filter((f) => isOne(f, FORM_FUZZ)).flatMap(testsOf);
	if (fuzz.length) {
		// The fuzz prints what it posted once it has run: `Form fuzz on sqlite: 54 actions, 3,100 posts, …`.
		const posted = /Form fuzz on \w+: (\d+) actions, (\d+) posts/.exec(output);
		// One test per action, and one that every action has a probe.
		const actions = posted ? Number(posted[1]) : fuzz.filter((t) => (t.ancestorTitles ?? []).length > 1).length;
		const posts = posted ? ` (${number(Number(posted[2]))} hostile posts)` : '';
		const checks = fuzz.length - actions;
		parts.push(`form fuzz of ${plural(actions, 'action')}${posts}${checks > 0 ? ` and ${plural(checks, 'whole-app check')}` : ''}`);
	}
	const notes = [];
	const failed = report.numFailedTests ?? 0;
	const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	if (failed) notes.push(`${number(failed)} FAILED`);
	// The end-to-end suites try a failed flow once more (vite.config.ts): one that passed only then is named here.
	const retried = output.split('\n').filter((line) => /✓.*\(retry x\d+\)/.test(line)).length;
	if (retried) notes.push(`${number(retried)} passed only when tried again`);
	if (skipped) notes.push(`${number(skipped)} skipped`);
	// A file that failed with none of its tests failing: an import, a hook or its set-up broke.
	const brokenFiles = files.filter((f) => f.status === 'failed' && !testsOf(f).some((t) => t.status === 'failed')).length;
	if (brokenFiles) notes.push(`${plural(brokenFiles, 'file')} failed outside its tests`);
	return [parts.join(' + '), ...notes].filter(Boolean).join(', ');
}

function otherCounts(suite, output) {
	if (suite.name === 'check') {
		const found = /svelte-check found (\d+) errors? and (\d+) warnings?(?: in (\d+) files?)?/.exec(output);
		return found ? `${plural(Number(found[1]), 'error')}, ${plural(Number(found[2]), 'warning')}` : 'svelte-check gave no count';
	}
	return '';
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The suites in the order they run; suites in one step run side by side. Each end-to-end suite
 * drives one page at a time, so the test process, Chromium, the server and the database take
 * turns and together keep about one and a half of this machine's two cores busy: the two engines'
 * suites side by side fill the rest (they share nothing: each has its own server, database and
 * Chromium, and each writes its pictures to a folder of its own). svelte-check keeps one and a
 * half cores busy and the integration suite on SQLite one and three quarters: side by side, 106 s
 * of them took about 75 s. The other suites keep both cores busy on their own.
 */
const STEPS = [['unit'], ['integration', 'check'], ['integration-postgres'], ['build'], ['e2e', 'e2e-postgres']];

/** Why a suite cannot run now, or undefined. */
function skipReason(suite, results) {
	if (suite.postgres && !onPostgres) return 'no PostgreSQL (TEST_DATABASE_URL not set)';
	const build = results.find((r) => r.suite.name === 'build');
	if (suite.needsBuild && build && build.status !== 'passed') return 'the build failed';
	return undefined;
}

function banner(suite) {
	const text = `━━ ${suite.name} `;
	return `\n${text}${'━'.repeat(Math.max(0, 72 - text.length))}`;
}

async function runSuite(suite, live) {
	const started = performance.now();
	const { ok, code, output } = await run(suite.command, live);
	const ms = performance.now() - started;
	const counts = suite.vitest ? vitestCounts(suite, output) : otherCounts(suite, output);
	return { suite, status: ok ? 'passed' : `FAILED (exit ${code})`, ms, counts, output };
}

const results = [];
const startedAll = performance.now();
/** The suites that ran side by side, by step, as "check + integration". */
const sideBySide = [];
for (const step of STEPS) {
	const suites = chosen.filter((suite) => step.includes(suite.name));
	const runnable = [];
	for (const suite of suites) {
		const reason = skipReason(suite, results);
		if (!reason) {
			runnable.push(suite);
			continue;
		}
		console.log(banner(suite));
		if (reason.startsWith('no PostgreSQL')) {
			console.log(`SKIPPED on PostgreSQL: TEST_DATABASE_URL is not set, so these tests ran on SQLite only.`);
			console.log('Set it to a PostgreSQL address whose role may create databases (see the README, "Testing on PostgreSQL"), or run bash .ci/run.');
		} else {
			console.log('SKIPPED: the build failed, and the end-to-end tests run the built server.');
		}
		results.push({ suite, status: 'skipped', ms: 0, counts: reason });
	}
	if (!runnable.length) continue;
	// The first suite of a step shows its output as it comes; the others' output follows it, whole.
	console.log(banner(runnable[0]));
	if (runnable.length > 1) console.log(`(${runnable.slice(1).map((s) => s.name).join(', ')} running beside it: its output follows)`);
	if (runnable.length > 1) sideBySide.push(runnable.map((s) => s.name).join(' + '));
	const finished = await Promise.all(runnable.map((suite, i) => runSuite(suite, i === 0)));
	for (const [i, result] of finished.entries()) {
		if (i > 0) {
			console.log(banner(result.suite));
			process.stdout.write(result.output);
		}
		console.log(`\n${result.suite.name}: ${result.status === 'passed' ? 'passed' : 'FAILED'} in ${seconds(result.ms)}${result.counts ? `: ${result.counts}` : ''}`);
		results.push(result);
	}
}
rmSync(reports, { recursive: true, force: true });

const total = performance.now() - startedAll;
const rows = results.map((r) => [r.suite.name, r.status, r.ms ? seconds(r.ms) : '–', r.counts]);
rows.push(['total', '', seconds(total), sideBySide.length ? `wall time (side by side: ${sideBySide.join('; ')})` : '']);
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), ['suite', 'result', 'time'][i].length));
const line = (row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2].padStart(widths[2])}  ${row[3]}`.trimEnd();
console.log(`\n${'━'.repeat(72)}\nSummary\n`);
console.log(line(['suite', 'result', 'time', 'what was run']));
for (const row of rows) console.log(line(row));
const failed = results.filter((r) => r.status.startsWith('FAILED'));
if (failed.length) {
	console.log(`\nFAILED: ${failed.map((r) => r.suite.name).join(', ')}. Each suite's own output above names the failing tests.`);
	process.exit(1);
}
