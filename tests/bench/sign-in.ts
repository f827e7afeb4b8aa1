/**
 * What one sign-in costs: the scrypt password check alone (N = 2^17, r = 8, p = 1, the
 * parameters every real account uses), and a whole sign-in form post to the built server,
 * from request to the redirect with a session cookie.
 * Usage: npm run bench:sign-in [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../src/lib/server/demo';
import { RECOMMENDED_COST, hashPassword, verifyPassword } from '../../src/lib/server/passwords';
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
} finally {
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
