/**
 * Starts the built server (`npm run build` first; `npm run test:e2e` does it) on a free port
 * with its own demo database, and shares its address with the end-to-end tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../helpers/server';
import { chromiumPath } from './browser';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		databasePath: string;
	}
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
	const server = await startServer({ DEMO: '1', DATABASE_PATH: databasePath, MIN_RESPONSES: '5' });
	const baseUrl = server.url;

	project.provide('baseUrl', baseUrl);
	project.provide('databasePath', databasePath);

	return async () => {
		await server.stop();
		rmSync(dir, { recursive: true, force: true });
	};
}
