/**
 * How long the server takes from `node build` to a healthy /healthz on an empty database
 * (migrations and built-in instruments included), and on an empty demo database (plus seeding).
 * Usage: npm run bench:startup [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, startServer } from '../helpers/server';

const runs = Number(process.argv[2] ?? 7);

async function measure(label: string, env: (dir: string) => Record<string, string>) {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
		const server = await startServer(env(dir));
		times.push(server.startupMs);
		await server.stop();
		rmSync(dir, { recursive: true, force: true });
	}
	const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
	console.log(
		`${label.padEnd(40)} median ${fmt(median(times))}  min ${fmt(Math.min(...times))}  max ${fmt(Math.max(...times))}  (${runs} runs)`
	);
}

console.log(`Node ${process.version}, ${runs} cold starts each, fresh database file every run`);
await measure('empty database (real mode)', (dir) => ({ DATABASE_PATH: join(dir, 'real.db') }));
await measure('empty demo database (seeds demo data)', (dir) => ({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' }));
