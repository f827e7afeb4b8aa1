import type { Kysely } from 'kysely';
import { withoutRowOrder } from '../src/lib/server/db/schema-builders';

/**
 * Two guards on the survey, neither linked to a response:
 * - survey_throttle counts submissions per client address and round, to stop one address
 *   stuffing a round. A row holds only a keyed hash (the key lives in the server's memory and is
 *   never stored), the day it counts for, and a count: no address, no round, no time finer than
 *   the day. Rows are deleted once their day is over.
 * - survey_submission_key remembers the single-use key of each survey page that was sent, so a
 *   retry of the same answers (a timed-out post sent again) is recognised, not stored twice.
 *   It holds a hash of the key and the round, and is emptied when the round closes.
 * On SQLite both are WITHOUT ROWID tables, so storage order says nothing about when.
 */
export async function up(db: Kysely<any>): Promise<void> {
	const noRowOrder = withoutRowOrder(db);

	await db.schema
		.createTable('survey_throttle')
		.addColumn('key_hash', 'text', (c) => c.primaryKey())
		.addColumn('day', 'text', (c) => c.notNull())
		.addColumn('submissions', 'integer', (c) => c.notNull())
		.modifyEnd(noRowOrder)
		.execute();
	await db.schema.createIndex('survey_throttle_day_idx').on('survey_throttle').column('day').execute();

	await db.schema
		.createTable('survey_submission_key')
		.addColumn('key_hash', 'text', (c) => c.primaryKey())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.modifyEnd(noRowOrder)
		.execute();
	await db.schema.createIndex('survey_submission_key_round_idx').on('survey_submission_key').column('round_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('survey_submission_key').execute();
	await db.schema.dropTable('survey_throttle').execute();
}
