import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * The link worker's own view of a practice in a round (docs/scoring.md §6). It is signed, not
 * anonymous, so it lives in its own tables: nothing that reads staff `response`/`answer` rows
 * can ever pick it up and mix it into staff scores. One assessment per link worker and round;
 * sending it again replaces the answers.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('link_worker_assessment')
		.$call(idColumn(db))
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('instrument_version_id', 'integer', (c) => c.notNull().references('instrument_version.id'))
		.addColumn('submitted_at', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addUniqueConstraint('link_worker_assessment_round_user', ['round_id', 'user_id'])
		.execute();
	await db.schema
		.createIndex('link_worker_assessment_user_idx')
		.on('link_worker_assessment')
		.column('user_id')
		.execute();

	await db.schema
		.createTable('link_worker_assessment_answer')
		.addColumn('assessment_id', 'integer', (c) =>
			c.notNull().references('link_worker_assessment.id').onDelete('cascade')
		)
		.addColumn('item_id', 'integer', (c) => c.notNull().references('instrument_item.id'))
		.addColumn('value', 'integer', (c) => c.check(sql`value between 1 and 5`))
		.addColumn('not_relevant', 'text', (c) =>
			c.check(sql`not_relevant in ('not_relevant_role', 'not_relevant_stage', 'not_relevant_practice')`)
		)
		.addPrimaryKeyConstraint('link_worker_assessment_answer_pk', ['assessment_id', 'item_id'])
		.addCheckConstraint('link_worker_assessment_answer_one_kind', sql`(value is null) <> (not_relevant is null)`)
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('link_worker_assessment_answer').execute();
	await db.schema.dropTable('link_worker_assessment').execute();
}
