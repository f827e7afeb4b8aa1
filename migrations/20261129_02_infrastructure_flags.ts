import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * The link worker's infrastructure-gap checklist and the flags it raises (DOMAIN.md,
 * "Infrastructure a link worker needs"). Answers are signed and kept per link worker, practice,
 * item and checklist version, so a reworded later version never changes what an earlier answer
 * meant. A flag is the link worker's voice: it carries who may see it, and every change or
 * comment is a row in flag_event, so the history cannot be rewritten.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('infrastructure_answer')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id').onDelete('cascade'))
		.addColumn('item_id', 'text', (c) => c.notNull())
		.addColumn('checklist_version', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('in_place', 'partly', 'missing')`))
		.addColumn('note', 'text', (c) => c.check(sql`length(note) <= 500`))
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('infrastructure_answer_pk', ['user_id', 'practice_id', 'item_id', 'checklist_version'])
		.execute();
	await db.schema
		.createIndex('infrastructure_answer_practice_idx')
		.on('infrastructure_answer')
		.column('practice_id')
		.execute();

	await db.schema
		.createTable('flag')
		.$call(idColumn(db))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id').onDelete('cascade'))
		.addColumn('raised_by', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('item_id', 'text', (c) => c.notNull())
		.addColumn('checklist_version', 'text', (c) => c.notNull())
		.addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('practice_and_pcn', 'pcn_only')`))
		.addColumn('state', 'text', (c) =>
			c.notNull().check(sql`state in ('open', 'acknowledged', 'in_progress', 'resolved', 'wont_fix')`)
		)
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('flag_practice_idx').on('flag').columns(['practice_id', 'state']).execute();
	// One unresolved flag per link worker, practice and item: ticking "missing" twice must not open two.
	await db.schema
		.createIndex('flag_one_unresolved')
		.on('flag')
		.columns(['raised_by', 'practice_id', 'item_id'])
		.unique()
		.where(sql.ref('state'), 'in', ['open', 'acknowledged', 'in_progress'])
		.execute();

	await db.schema
		.createTable('flag_event')
		.$call(idColumn(db))
		.addColumn('flag_id', 'integer', (c) => c.notNull().references('flag.id').onDelete('cascade'))
		.addColumn('at', 'text', (c) => c.notNull())
		.addColumn('actor_user_id', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		// Null from_state: the flag was raised. Equal from and to: a comment without a change.
		.addColumn('from_state', 'text')
		.addColumn('to_state', 'text', (c) => c.notNull())
		.addColumn('comment', 'text', (c) => c.check(sql`length(comment) <= 1000`))
		.execute();
	await db.schema.createIndex('flag_event_flag_idx').on('flag_event').columns(['flag_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('flag_event').execute();
	await db.schema.dropTable('flag').execute();
	await db.schema.dropTable('infrastructure_answer').execute();
}
