/**
 * Starts the built server (`npm run build` first; `npm run test:e2e` does it) on a free port
 * with its own demo database, and shares its address with the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { chromiumPath } from './browser';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		databasePath: string;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (server.exitCode !== null) throw new Error(`The server exited early:\n${output()}`);
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`The server did not become healthy within 30 s:\n${output()}`);
}

export default async function setup(project: TestProject) {
	const browser = chromiumPath();
	if (!existsSync(browser)) {
		throw new Error(
			`End-to-end tests need Chromium at ${browser}, and it is not there.\n` +
				'Install it with:  sudo apt-get install -y chromium\n' +
				'or point CHROMIUM_PATH at another Chromium binary.'
		);
	}
	if (!existsSync('build/index.js')) {
		throw new Error('No server build found. Run `npm run build` first (`npm run test:e2e` does this for you).');
	}
	const dir = mkdtempSync(join(tmpdir(), 'belonging-e2e-'));
	const databasePath = join(dir, 'e2e.db');
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	let log = '';
	const server = spawn(process.execPath, ['build'], {
		env: {
			...process.env,
			DEMO: '1',
			DATABASE_PATH: databasePath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseUrl,
			MIN_RESPONSES: '5'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	server.stdout?.on('data', (chunk) => (log += chunk));
	server.stderr?.on('data', (chunk) => (log += chunk));
	await waitForHealth(baseUrl, server, () => log);

	project.provide('baseUrl', baseUrl);
	project.provide('databasePath', databasePath);

	return async () => {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
		rmSync(dir, { recursive: true, force: true });
	};
}
