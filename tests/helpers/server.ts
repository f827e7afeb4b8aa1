/** Starts the built server (`node build`) on a free port, for end-to-end tests and benchmarks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningServer {
	url: string;
	process: ChildProcess;
	/** Milliseconds from spawning `node build` to the first healthy answer from /healthz. */
	startupMs: number;
	stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/**
 * Waits for /healthz; throws with the server's output if it exits or takes over 55 s. A port
 * chosen beforehand (`freePort`) lets a test tell another service the address first.
 */
export async function startServer(env: Record<string, string>, options: { port?: number } = {}): Promise<RunningServer> {
	const port = options.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	let log = '';
	const started = performance.now();
	// Seeding the demo on PostgreSQL took 36 s on the shared two-core machine under load: 55 s stays
	// inside the end-to-end hooks' 60 s, so a server that never comes up still fails with its own output.
	const deadline = Date.now() + 55_000;
	const child = spawn(process.execPath, ['build'], {
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ORIGIN: url, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (c) => (log += c));
	child.stderr?.on('data', (c) => (log += c));
	for (;;) {
		if (child.exitCode !== null) throw new Error(`The server exited early:\n${log}`);
		if (Date.now() > deadline) {
			child.kill('SIGTERM');
			throw new Error(`The server did not become healthy within 55 s:\n${log}`);
		}
		try {
			if ((await fetch(`${url}/healthz`)).ok) break;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 5));
	}
	const startupMs = performance.now() - started;
	return {
		url,
		process: child,
		startupMs,
		stop: async () => {
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
		}
	};
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
