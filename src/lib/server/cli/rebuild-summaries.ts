/**
 * `npm run summaries:rebuild` recreates the summary of every closed round in DATABASE_PATH from
 * its answers (src/lib/npt/round-summary.ts): after a restore, or to check that what is stored
 * is what the answers add up to. The app builds a missing summary by itself when it first reads
 * a round, so this is never needed for the figures to be right.
 */
import { ukDate } from '../../dates';
import { emptyWriteAheadLog, openDatabase } from '../db';
import { migrateToLatest } from '../db/migrations';
import { ConfigError, describeDatabase, loadConfig } from '../platform/config';
import { rebuildRoundSummaries } from '../surveys/round-summaries';

async function main(): Promise<void> {
	const config = loadConfig(process.env, 'command');
	const db = openDatabase(config);
	try {
		await migrateToLatest(db);
		const started = performance.now();
		let reported = 0;
		const rounds = await rebuildRoundSummaries(db, ukDate(), (done, of) => {
			if (done - reported >= 1000 || done === of) {
				reported = done;
				console.log(`${done} of ${of} closed rounds summarised`);
			}
		});
		await emptyWriteAheadLog(db);
		console.log(`${describeDatabase(config)}: ${rounds} closed ${rounds === 1 ? 'round' : 'rounds'} summarised in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
	} finally {
		await db.destroy();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof ConfigError ? error.message : `Rebuilding the summaries failed: ${(error as Error).message}`);
	process.exit(1);
});
