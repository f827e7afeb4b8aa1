/**
 * A test file's own built server, on a database of its own, with Chromium: started before the
 * file's tests and stopped after them. Register it after the hooks that start what its
 * environment names (an SMTP server, an identity provider): `env` is read when the server starts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
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
		own.database = await createServerDatabase(name);
		own.server = await startServer({ ...own.database.env, ...env() }, { port: options.port?.() });
		own.browser = await launchChromium();
	});
	afterAll(async () => {
		await own.browser?.close();
		await own.server?.stop();
		await own.database?.remove();
	});
	return own;
}

export async function expectAxeClean(page: Page): Promise<void> {
	expect(describeViolations(await accessibilityProblems(page)), page.url()).toEqual([]);
}
