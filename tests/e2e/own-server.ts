/**
 * A test file's own built server, on a database of its own (a copy of the seeded demo when DEMO
 * is on), with Chromium: started before the file's tests and stopped after them. Register it
 * after the hooks that start what its environment names (an SMTP server, an identity provider):
 * `env` is read when the server starts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { TEST_ENGINE } from '../helpers/database';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';
import { startServer, type RunningServer } from '../helpers/server';
import { accessibilityProblems, describeViolations, launchChromium } from './browser';

export interface OwnServer {
	server: RunningServer;
	browser: Browser;
	database: ServerDatabase;
}

export function useOwnServer(name: string, env: () => Record<string, string>, options: { port?: () => number } = {}): OwnServer {
	const own = {} as OwnServer;
	beforeAll(async () => {
		const environment = env();
		own.database = environment.DEMO === '1' ? await demoServerDatabase(name) : await createServerDatabase(name);
		own.server = await startServer({ ...own.database.env, ...environment }, { port: options.port?.() });
		own.browser = await launchChromium();
	});
	afterAll(async () => {
		await own.browser?.close();
		await own.server?.stop();
		await own.database?.remove();
	});
	return own;
}

/**
 * A database for a demo server of a test file's own: a copy of the demo the global set-up seeded
 * today, as the server's first start would have seeded it.
 */
export function demoServerDatabase(name: string): Promise<ServerDatabase> {
	return createServerDatabase(name, TEST_ENGINE, { copyOf: inject('demoTemplate') });
}

export async function expectAxeClean(page: Page): Promise<void> {
	expect(describeViolations(await accessibilityProblems(page)), page.url()).toEqual([]);
}
