/**
 * `npm run migrate` applies every pending migration to DATABASE_PATH;
 * `npm run migrate -- --down` reverts the most recent one.
 */
import { ConfigError, describeDatabase, loadConfig } from '../platform/config';
import { openDatabase } from '../db';
import { migrateDown, migrateToLatest } from '../db/migrations';

async function main(): Promise<void> {
	const config = loadConfig(process.env, 'command');
	const db = openDatabase(config);
	try {
		const down = process.argv.includes('--down');
		const done = down ? await migrateDown(db) : await migrateToLatest(db);
		for (const line of done) console.log(line);
		console.log(done.length === 0 ? `${describeDatabase(config)} is already up to date.` : `${describeDatabase(config)}: done.`);
	} finally {
		await db.destroy();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
	process.exit(1);
});
