/**
 * Starts the built server (`npm run build` first; `npm run test:e2e` does it) on a free port
 * with its own demo database on this run's engine, and shares its address and database with the
 * end-to-end tests; and starts the one Chromium that every test file connects to (launchChromium).
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type { DatabaseConfig } from '../../src/lib/server/db';
import { startServer } from '../helpers/server';
import { createServerDatabase } from '../helpers/server-database';
import { chromiumPath, launchChromiumServer } from './browser';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		serverDatabase: DatabaseConfig;
		chromiumEndpoint: string;
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
	const database = await createServerDatabase('demo', project.config.env?.BELONGING_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite');
	const server = await startServer({ DEMO: '1', ...database.env, MIN_RESPONSES: '5' });
	const chromium = await launchChromiumServer();

	project.provide('baseUrl', server.url);
	project.provide('serverDatabase', database.config);
	project.provide('chromiumEndpoint', chromium.wsEndpoint());

	return async () => {
		await chromium.close();
		await server.stop();
		await database.remove();
	};
}
