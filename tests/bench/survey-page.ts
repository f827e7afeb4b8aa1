/**
 * How fast the built server sends the survey page (GET /s/demo, a fresh single-use key in each),
 * against a static file of the same bytes sent by the same server (adapter-node's sirv, with the
 * .gz and .br beside it, as the build precompresses its own files). Loaded in turn, A B A B, with
 * autocannon from this process, once with no compression asked for, once gzip, once brotli (a
 * browser's "gzip, deflate, br, zstd": the page comes gzip-spliced, the file as its .br). For
 * reference, the page as it was rendered before the template cache: the same GET with a query
 * string, which the cache leaves to Kit.
 * Goal (issue 25): the page at ≥ 0.3× the file's rate, uncompressed. On a shared machine the rates
 * follow the scheduler more than the server; the server's own CPU time per answer (Linux) does not.
 * Usage: npm run bench:survey-page [-- seconds connections]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { startServer } from '../helpers/server';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 10);
const PHASES = 2;
const GOAL = 0.3;

const ENCODINGS = [
	{ name: 'identity', accept: undefined },
	{ name: 'gzip', accept: 'gzip' },
	{ name: 'br', accept: 'gzip, deflate, br, zstd' }
] as const;

interface Run {
	rate: number;
	/** The server's own CPU time for each answer (Linux): what the rate comes to when nothing else runs. */
	cpuMs: number;
	p50: number;
	p95: number;
	p99: number;
	bytes: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;

/** The server process's CPU time so far, in ms (user and system, from /proc: Linux only, else NaN). */
function cpuMsOf(pid: number): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return NaN;
	}
}

async function load(url: string, accept: string | undefined, duration: number): Promise<Run> {
	const cpuBefore = cpuMsOf(server!.process.pid!);
	const times: number[] = [];
	let bytes = 0;
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const instance = autocannon({ url, connections, duration, headers: accept ? { 'accept-encoding': accept } : {} }, (error, done) =>
			error ? reject(error) : resolve(done)
		);
		instance.on('response', (_client, _status, resBytes, responseTime) => {
			times.push(responseTime);
			bytes = resBytes;
		});
	});
	const codes = result.statusCodeStats ?? {};
	const other = Object.entries(codes).filter(([code]) => code !== '200');
	if (other.length > 0 || result.errors > 0 || result.timeouts > 0) {
		throw new Error(`Not every GET of ${url} was answered 200: ${JSON.stringify(other)}, ${result.errors} errors, ${result.timeouts} timeouts`);
	}
	times.sort((a, b) => a - b);
	const answered = codes['200']?.count ?? 0;
	return { rate: answered / result.duration, cpuMs: (cpuMsOf(server!.process.pid!) - cpuBefore) / answered, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), bytes };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const line = (name: string, runs: Run[]) =>
	`  ${name.padEnd(40)} ${mean(runs.map((r) => r.rate)).toFixed(0).padStart(6)}/s  p50 ${mean(runs.map((r) => r.p50)).toFixed(1)} ms  p95 ${mean(runs.map((r) => r.p95)).toFixed(1)} ms  p99 ${mean(runs.map((r) => r.p99)).toFixed(1)} ms  CPU ${mean(runs.map((r) => r.cpuMs)).toFixed(2)} ms each  ${String(runs[0]!.bytes).padStart(6)} B on the wire each  (phases: ${runs.map((r) => r.rate.toFixed(0)).join(', ')})`;

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
// sirv lists the static files when the server starts: the file goes in first, and out at the end.
const fileName = `bench-survey-page-${process.pid}.html`;
const filePath = join('build', 'client', fileName);
let server: Awaited<ReturnType<typeof startServer>> | undefined;
try {
	// The page as a phone gets it, for the file's bytes: one server to read it, then the server under test.
	const reader = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
	const html = Buffer.from(await (await fetch(`${reader.url}/s/demo`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
	await reader.stop();
	writeFileSync(filePath, html);
	writeFileSync(`${filePath}.gz`, gzipSync(html, { level: 9 }));
	writeFileSync(`${filePath}.br`, brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
	server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
	const page = `${server.url}/s/demo`;
	const file = `${server.url}/${fileName}`;
	const gzipped = await fetch(page, { headers: { 'accept-encoding': 'gzip' } });
	if (gzipped.headers.get('content-encoding') !== 'gzip') throw new Error('The page did not come gzip-compressed');

	console.log(`Node ${process.version}; survey page ${html.byteLength} B; ${connections} connections, ${PHASES} × ${seconds} s each, A B A B`);
	for (const { name, accept } of ENCODINGS) {
		await load(page, accept, 1);
		await load(file, accept, 1);
		const runs = { page: [] as Run[], file: [] as Run[] };
		for (let phase = 0; phase < PHASES; phase++) {
			runs.page.push(await load(page, accept, seconds));
			runs.file.push(await load(file, accept, seconds));
		}
		const ratio = mean(runs.page.map((r) => r.rate)) / mean(runs.file.map((r) => r.rate));
		console.log(`\n${name} (Accept-Encoding: ${accept ?? 'none'}); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
		console.log(line('GET /s/demo (the page, a fresh key each)', runs.page));
		console.log(line('GET the same bytes as a static file', runs.file));
		const cpuRatio = mean(runs.file.map((r) => r.cpuMs)) / mean(runs.page.map((r) => r.cpuMs));
		console.log(`  ratio ${ratio.toFixed(2)} ×${name === 'identity' ? `  (goal ≥ ${GOAL} ×: ${ratio >= GOAL ? 'met' : 'NOT met'})` : '  (reported)'}; by the server's CPU per answer ${cpuRatio.toFixed(2)} ×`);
	}
	const rendered = [] as Run[];
	for (let phase = 0; phase < PHASES; phase++) rendered.push(await load(`${page}?rendered`, undefined, seconds));
	console.log(`\nFor reference, the page rendered by Kit on every GET (a query string bypasses the cache); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	console.log(line('GET /s/demo?rendered, identity', rendered));
	// A last check that what was measured is the page: gzip gives the same HTML but for the key (fetch gunzips it).
	const plain = await gzipped.text();
	const withoutKey = (text: string) => text.replace(/name="submission" value="[^"]+"/, '');
	if (withoutKey(plain) !== withoutKey(html.toString())) throw new Error('The gzip page is not the plain page');
} finally {
	await server?.stop();
	for (const suffix of ['', '.gz', '.br']) rmSync(`${filePath}${suffix}`, { force: true });
	rmSync(dir, { recursive: true, force: true });
}
