import { inject } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db';

/** The running server's database, opened only to read (an SQLite file), for as long as `look` takes. */
async function reading<T>(look: (db: Db) => Promise<T>): Promise<T> {
	const config = inject('serverDatabase');
	const db = openDatabase(config.databasePath ? { ...config, readOnly: true } : config);
	try {
		return await look(db);
	} finally {
		await db.destroy();
	}
}

/** How many responses the round behind a survey link holds, to prove what was or was not stored. */
export function responsesFor(token: string): Promise<number> {
	return reading(async (db) => {
		const row = await db
			.selectFrom('response')
			.innerJoin('round', 'round.id', 'response.round_id')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('round.public_token', '=', token)
			.executeTakeFirstOrThrow();
		return Number(row.n);
	});
}

export function totalRows(table: 'response' | 'answer' | 'comment' | 'submission_day'): Promise<number> {
	return reading(async (db) => {
		const row = await db
			.selectFrom(table)
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		return Number(row.n);
	});
}

/** The demo's latest closed round at one practice, by its ODS code. */
export function latestClosedRoundOf(odsCode: string): Promise<number> {
	return reading(async (db) => {
		const row = await db
			.selectFrom('round')
			.innerJoin('practice', 'practice.id', 'round.practice_id')
			.select('round.id')
			.where('practice.ods_code', '=', odsCode)
			.where('round.status', '=', 'closed')
			.orderBy('round.closes_on', 'desc')
			.executeTakeFirstOrThrow();
		return row.id;
	});
}
