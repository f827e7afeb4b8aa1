/** Issue 27: SQLITE_SYNCHRONOUS chooses whether SQLite's commits wait for the disk (db/index.ts says why NORMAL by default). */
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_SYNCHRONOUS, openDatabase } from '../../src/lib/server/db';
import { ConfigError, loadConfig } from '../../src/lib/server/platform/config';
import { tempDirectory } from '../helpers/database';

async function synchronousOf(setting: 'full' | 'normal' | undefined): Promise<number> {
	const temp = tempDirectory();
	const db = openDatabase({ databasePath: join(temp.dir, 'd.db'), ...(setting ? { sqliteSynchronous: setting } : {}) });
	try {
		return (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]!.synchronous;
	} finally {
		await db.destroy();
		temp.remove();
	}
}

describe('SQLITE_SYNCHRONOUS', () => {
	it('is NORMAL unless set, and FULL when asked for', async () => {
		expect(DEFAULT_SQLITE_SYNCHRONOUS).toBe('normal');
		expect(await synchronousOf(undefined)).toBe(1);
		expect(await synchronousOf('normal')).toBe(1);
		expect(await synchronousOf('full')).toBe(2);
	});

	it('is read from the environment, and a wrong value stops the server with a message', () => {
		expect(loadConfig({}).sqliteSynchronous).toBeUndefined();
		expect(loadConfig({ SQLITE_SYNCHRONOUS: ' FULL ' }).sqliteSynchronous).toBe('full');
		expect(loadConfig({ SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('normal');
		expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'extra' })).toThrow(ConfigError);
		try {
			loadConfig({ SQLITE_SYNCHRONOUS: 'extra' });
		} catch (error) {
			expect((error as ConfigError).problems).toEqual(['SQLITE_SYNCHRONOUS="extra" must be full or normal']);
		}
	});
});
