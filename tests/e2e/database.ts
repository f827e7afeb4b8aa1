import Database from 'better-sqlite3';
import { inject } from 'vitest';

/** Reads the running server's database directly (read-only), to prove what was or was not stored. */
export function responsesFor(token: string): number {
	const db = new Database(inject('databasePath'), { readonly: true, fileMustExist: true });
	try {
		const row = db
			.prepare('select count(*) as n from response join round on round.id = response.round_id where round.public_token = ?')
			.get(token) as { n: number };
		return row.n;
	} finally {
		db.close();
	}
}

export function totalRows(table: 'response' | 'answer' | 'comment' | 'submission_day'): number {
	const db = new Database(inject('databasePath'), { readonly: true, fileMustExist: true });
	try {
		return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
	} finally {
		db.close();
	}
}
