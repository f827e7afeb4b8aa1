import { sql, type Kysely } from 'kysely';
import { idColumn, withoutRowOrder } from '../src/lib/server/db/schema-builders';

/**
 * The survey loop: organisations, immutable instrument versions, rounds and anonymous responses.
 * Response tables carry no time and no device data (docs/scoring.md §6). Their keys are random, and
 * on SQLite they are WITHOUT ROWID tables, so not even storage order reveals when anyone answered.
 */
export async function up(db: Kysely<any>): Promise<void> {
	const noRowOrder = withoutRowOrder(db);

	await db.schema
		.createTable('app_meta')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('value', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('icb')
		.$call(idColumn(db))
		.addColumn('ods_code', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('pcn')
		.$call(idColumn(db))
		.addColumn('ods_code', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('icb_id', 'integer', (c) => c.notNull().references('icb.id'))
		.execute();
	await db.schema.createIndex('pcn_icb_idx').on('pcn').column('icb_id').execute();

	await db.schema
		.createTable('practice')
		.$call(idColumn(db))
		.addColumn('ods_code', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('pcn_id', 'integer', (c) => c.references('pcn.id'))
		.execute();
	await db.schema.createIndex('practice_pcn_idx').on('practice').column('pcn_id').execute();

	await db.schema
		.createTable('instrument')
		.$call(idColumn(db))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('staff', 'link_worker')`))
		.addColumn('title', 'text', (c) => c.notNull())
		.addUniqueConstraint('instrument_key_audience_unique', ['key', 'audience'])
		.execute();

	await db.schema
		.createTable('instrument_version')
		.$call(idColumn(db))
		.addColumn('instrument_id', 'integer', (c) => c.notNull().references('instrument.id'))
		.addColumn('version', 'text', (c) => c.notNull())
		.addColumn('definition', 'text', (c) => c.notNull())
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('built_in', 'imported')`))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addUniqueConstraint('instrument_version_unique', ['instrument_id', 'version'])
		.execute();

	await db.schema
		.createTable('instrument_item')
		.$call(idColumn(db))
		.addColumn('instrument_version_id', 'integer', (c) => c.notNull().references('instrument_version.id'))
		.addColumn('item_key', 'text', (c) => c.notNull())
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('construct', 'text', (c) => c.notNull())
		.addColumn('sub_construct', 'text', (c) => c.notNull())
		.addColumn('reversed', 'integer', (c) => c.notNull().check(sql`reversed in (0, 1)`))
		.addColumn('text', 'text', (c) => c.notNull())
		.addUniqueConstraint('instrument_item_unique', ['instrument_version_id', 'item_key'])
		.execute();

	await db.schema
		.createTable('instrument_general_item')
		.$call(idColumn(db))
		.addColumn('instrument_version_id', 'integer', (c) => c.notNull().references('instrument_version.id'))
		.addColumn('item_key', 'text', (c) => c.notNull())
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('text', 'text', (c) => c.notNull())
		.addUniqueConstraint('instrument_general_item_unique', ['instrument_version_id', 'item_key'])
		.execute();

	await db.schema
		.createTable('round')
		.$call(idColumn(db))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id'))
		.addColumn('instrument_version_id', 'integer', (c) => c.notNull().references('instrument_version.id'))
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('opens_on', 'text', (c) => c.notNull())
		.addColumn('closes_on', 'text', (c) => c.notNull())
		.addColumn('closed_on', 'text')
		.addColumn('staff_headcount', 'integer', (c) => c.check(sql`staff_headcount > 0`))
		.addColumn('status', 'text', (c) =>
			c.notNull().defaultTo('draft').check(sql`status in ('draft', 'open', 'closed')`)
		)
		.addColumn('public_token', 'text', (c) => c.notNull().unique())
		.addColumn('requires_code', 'integer', (c) => c.notNull().defaultTo(0).check(sql`requires_code in (0, 1)`))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('round_practice_idx').on('round').column('practice_id').execute();

	await db.schema
		.createTable('response')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('role_group', 'text')
		.modifyEnd(noRowOrder)
		.execute();
	await db.schema.createIndex('response_round_idx').on('response').column('round_id').execute();

	await db.schema
		.createTable('answer')
		.addColumn('response_id', 'text', (c) => c.notNull().references('response.id').onDelete('cascade'))
		.addColumn('item_id', 'integer', (c) => c.notNull().references('instrument_item.id'))
		.addColumn('value', 'integer', (c) => c.check(sql`value between 1 and 5`))
		.addColumn('not_relevant', 'text', (c) =>
			c.check(sql`not_relevant in ('not_relevant_role', 'not_relevant_stage', 'not_relevant_practice')`)
		)
		.addPrimaryKeyConstraint('answer_pk', ['response_id', 'item_id'])
		.addCheckConstraint('answer_one_kind', sql`(value is null) <> (not_relevant is null)`)
		.modifyEnd(noRowOrder)
		.execute();

	await db.schema
		.createTable('general_answer')
		.addColumn('response_id', 'text', (c) => c.notNull().references('response.id').onDelete('cascade'))
		.addColumn('general_item_id', 'integer', (c) => c.notNull().references('instrument_general_item.id'))
		.addColumn('value', 'integer', (c) => c.notNull().check(sql`value between 0 and 10`))
		.addPrimaryKeyConstraint('general_answer_pk', ['response_id', 'general_item_id'])
		.modifyEnd(noRowOrder)
		.execute();

	// Comments are deliberately not linked to a response: they cannot be matched to a role group.
	await db.schema
		.createTable('comment')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('body', 'text', (c) => c.notNull())
		.modifyEnd(noRowOrder)
		.execute();
	await db.schema.createIndex('comment_round_idx').on('comment').column('round_id').execute();

	// Progress during a round: counts per day only, never linked to a response.
	await db.schema
		.createTable('submission_day')
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('day', 'text', (c) => c.notNull())
		.addColumn('submissions', 'integer', (c) => c.notNull().check(sql`submissions > 0`))
		.addPrimaryKeyConstraint('submission_day_pk', ['round_id', 'day'])
		.execute();

	// Single-use invitation codes: a hash and whether it has been used, nothing else.
	await db.schema
		.createTable('round_code')
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('code_hash', 'text', (c) => c.notNull())
		.addColumn('used', 'integer', (c) => c.notNull().defaultTo(0).check(sql`used in (0, 1)`))
		.addPrimaryKeyConstraint('round_code_pk', ['round_id', 'code_hash'])
		.modifyEnd(noRowOrder)
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'round_code',
		'submission_day',
		'comment',
		'general_answer',
		'answer',
		'response',
		'round',
		'instrument_general_item',
		'instrument_item',
		'instrument_version',
		'instrument',
		'practice',
		'pcn',
		'icb',
		'app_meta'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
