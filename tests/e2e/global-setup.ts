/**
 * Seeds the demo once on this run's engine; starts the built server (`npm run build` first; `npm
 * run test:e2e` does it) on a free port on a copy of it, and shares its address and database with
 * the end-to-end tests; and starts the one Chromium that every test file connects to
 * (launchChromium).
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type { DatabaseConfig } from '../../src/lib/server/db';
import { ukDate } from '../../src/lib/dates';
import { prepareDatabase } from '../../src/lib/server/app';
import { emptyWriteAheadLog, openDatabase } from '../../src/lib/server/db';
import { loadConfig } from '../../src/lib/server/platform/config';
import { startServer } from '../helpers/server';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';
import { chromiumPath, launchChromiumServer } from './browser';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		serverDatabase: DatabaseConfig;
		chromiumEndpoint: string;
		/** The demo, seeded once as of today, for each demo server to start from a copy of (own-server.ts). */
		demoTemplate: DatabaseConfig;
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
	const engine = project.config.env?.BELONGING_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
	const demo = await seededDemo(engine);
	const database = await createServerDatabase('demo', engine, { copyOf: demo.config });
	const server = await startServer({ DEMO: '1', ...database.env, MIN_RESPONSES: '5' });
	const chromium = await launchChromiumServer();

	project.provide('baseUrl', server.url);
	project.provide('serverDatabase', database.config);
	project.provide('chromiumEndpoint', chromium.wsEndpoint());
	project.provide('demoTemplate', demo.config);

	return async () => {
		await chromium.close();
		await server.stop();
		await database.remove();
		await demo.remove();
	};
}

/**
 * The demo seeded once, as the app seeds it on a demo server's first start (prepareDatabase), and
 * then closed: the shared server and every test file's own demo server start from a copy of it
 * instead of seeding their own (on PostgreSQL, migrating and seeding took a server about five
 * seconds of a core). A copy's server still runs its own start-up jobs, with its own settings.
 */
async function seededDemo(engine: 'sqlite' | 'postgres'): Promise<ServerDatabase> {
	const demo = await createServerDatabase('demo_template', engine);
	const db = openDatabase(demo.config);
	try {
		await prepareDatabase(db, loadConfig({ DEMO: '1', ...demo.env }), ukDate());
		await emptyWriteAheadLog(db);
	} finally {
		await db.destroy();
	}
	return demo;
}
