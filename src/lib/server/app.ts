/**
 * Start-up: check the configuration, open and migrate the database, store the built-in
 * instruments, guard real data from demo data, seed the demo, close rounds, run the survey
 * calendar and apply practice moves that are due.
 */
import { ukDate } from '../dates';
import { describeDatabase, loadConfig, mailOrigin, type Config } from './platform/config';
import { runSurveyCalendar } from './calendar/calendar-pass';
import { emptyWriteAheadLog, exclusively, openDatabase, type Db } from './db';
import { migrateToLatest } from './db/migrations';
import { seedDemoData } from './demo/seed';
import { storeBuiltInInstruments } from './surveys/instruments';
import { applyDueMoves } from './organisations/practice-moves';
import { hasOrganisations } from './organisations/organisations';
import { closeDueRounds } from './surveys/rounds';
import { countUsers } from './accounts/users';

export interface AppContext {
	config: Config;
	db: Db;
	/** Lines to print once the server is up, such as how to create the first admin. */
	notices: string[];
}

export class DatabaseKindError extends Error {
	name = 'DatabaseKindError';
}

export const CONTENTS_KEY = 'contents';

/**
 * A database is marked "demo" or "real" the first time the app starts on it, and the mark is
 * checked on every start, so demo data never lands in a real database and the demo never
 * runs on real data.
 */
async function checkDatabaseKind(db: Db, config: Config): Promise<void> {
	const row = await db.selectFrom('app_meta').select('value').where('key', '=', CONTENTS_KEY).executeTakeFirst();
	let kind = row?.value;
	if (!kind) {
		kind = config.demo && !(await hasOrganisations(db)) ? 'demo' : 'real';
		await db.insertInto('app_meta').values({ key: CONTENTS_KEY, value: kind }).execute();
	}
	if (kind === 'demo' && !config.demo) {
		throw new DatabaseKindError(
			`The database at ${describeDatabase(config)} holds demo data. Point DATABASE_PATH (or DATABASE_URL) at another database for real use, or set DEMO=1 to run the demo.`
		);
	}
	if (kind === 'real' && config.demo) {
		throw new DatabaseKindError(
			`DEMO is on, but ${describeDatabase(config)} is a real database. Demo data only goes into a database of its own (npm run demo uses ./data/demo.db).`
		);
	}
}

export async function startApp(env: Record<string, string | undefined>, now: Date = new Date()): Promise<AppContext> {
	const config = loadConfig(env);
	const db = openDatabase(config);
	try {
		// Several instances may start at once on one PostgreSQL database: one at a time here.
		await exclusively(db, 'start-up', async (first) => {
			await migrateToLatest(first);
			await storeBuiltInInstruments(first);
			await checkDatabaseKind(first, config);
			const today = ukDate(now);
			if (config.demo && !(await hasOrganisations(first))) await seedDemoData(first, today);
			await closeDueRounds(first, today);
			await runSurveyCalendar(first, { today, now, origin: mailOrigin(config, env), minResponses: config.minResponses });
			await applyDueMoves(first, today);
		});
		// A log left by a server that stopped before emptying it.
		await emptyWriteAheadLog(db);
		const notices =
			(await countUsers(db)) === 0
				? [
						'No accounts yet. Create the first administrator with:',
						'  npm run user:create -- --email you@example.nhs.uk --name "Your Name" --role admin',
						'It prints a single-use link where that person chooses their password.'
					]
				: [];
		return { config, db, notices };
	} catch (error) {
		await db.destroy();
		throw error;
	}
}
