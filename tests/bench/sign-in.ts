/**
 * What one sign-in costs: the scrypt password check alone (N = 2^17, r = 8, p = 1, the
 * parameters every real account uses), and a whole sign-in form post to the built server,
 * from request to the redirect with a session cookie; then what a burst of guesses does to
 * someone else's sign-in, and whether the forgotten-password form answers a known address as
 * fast as an unknown one.
 * Usage: npm run bench:sign-in [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../src/lib/server/demo/accounts';
import { RECOMMENDED_COST, hashPassword, verifyPassword } from '../../src/lib/server/accounts/passwords';
import { median, startServer } from '../helpers/server';

const runs = Number(process.argv[2] ?? 9);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const report = (label: string, times: number[]) =>
	console.log(`${label.padEnd(44)} median ${fmt(median(times))}  min ${fmt(Math.min(...times))}  max ${fmt(Math.max(...times))}  (${runs} runs)`);

console.log(`Node ${process.version}; scrypt logN=${RECOMMENDED_COST.logN} r=${RECOMMENDED_COST.r} p=${RECOMMENDED_COST.p}`);
const hash = await hashPassword(DEMO_PASSWORD);
const checks: number[] = [];
for (let i = 0; i < runs; i++) {
	const started = performance.now();
	await verifyPassword(hash, DEMO_PASSWORD);
	checks.push(performance.now() - started);
}
report('password check (scrypt) alone', checks);

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
try {
	const posts: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const response = await fetch(`${server.url}/sign-in`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
			body: new URLSearchParams({ email: 'pcn.lead@demo.belonging.example', password: DEMO_PASSWORD }).toString()
		});
		posts.push(performance.now() - started);
		if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
	}
	report('whole sign-in post to the built server', posts);

	const signIn = (email: string, password: string) =>
		fetch(`${server.url}/sign-in`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
			body: new URLSearchParams({ email, password }).toString()
		});
	// 100 simultaneous wrong guesses at one account; 50 ms in, someone else signs in.
	const burst = Array.from({ length: 100 }, (_, i) => signIn('practice.manager@demo.belonging.example', `wrong guess number ${i}`));
	await new Promise((resolve) => setTimeout(resolve, 50));
	const otherStarted = performance.now();
	const other = await signIn('link.worker@demo.belonging.example', DEMO_PASSWORD);
	const otherMs = performance.now() - otherStarted;
	const statuses = (await Promise.all(burst)).map((r) => r.status);
	const count = (status: number) => statuses.filter((s) => s === status).length;
	console.log(
		`burst of 100 guesses at one account: ${count(401)} checked (401), ${count(429)} refused before any check (429), ${count(503)} busy (503)`
	);
	console.log(`someone else's sign-in during the burst: ${other.status} in ${fmt(otherMs)}`);

	// The forgotten-password form, known address against unknown, interleaved.
	const forgot = (email: string) =>
		fetch(`${server.url}/forgot-password`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
			body: new URLSearchParams({ email }).toString()
		});
	const known: number[] = [];
	const unknown: number[] = [];
	for (let i = 0; i < 200; i++) {
		for (const [email, into] of [['pcn.lead@demo.belonging.example', known], [`nobody${i}@demo.belonging.example`, unknown]] as const) {
			const started = performance.now();
			await (await forgot(email)).arrayBuffer();
			into.push(performance.now() - started);
		}
	}
	const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.ceil(times.length * 0.95) - 1]!;
	const ms2 = (ms: number) => `${ms.toFixed(2)} ms`;
	console.log(`forgotten-password, known address:   median ${ms2(median(known))}  p95 ${ms2(p95(known))}  (200 posts)`);
	console.log(`forgotten-password, unknown address: median ${ms2(median(unknown))}  p95 ${ms2(p95(unknown))}  (200 posts)`);
	console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
