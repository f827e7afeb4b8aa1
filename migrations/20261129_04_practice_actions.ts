import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * Actions a practice manager or PCN lead records to close a gap: what, who, by when, and what
 * it is for — an infrastructure flag or one of the four NPT constructs. The construct is kept
 * for both, so the trend can say whether the next round moved on the part the action was meant
 * to help. Who may see an action linked to a flag follows that flag's visibility at read time.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('practice_action')
		.$call(idColumn(db))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id').onDelete('cascade'))
		.addColumn('flag_id', 'integer', (c) => c.references('flag.id').onDelete('cascade'))
		.addColumn('construct', 'text', (c) =>
			c
				.notNull()
				.check(sql`construct in ('coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring')`)
		)
		.addColumn('what', 'text', (c) => c.notNull().check(sql`length(what) between 1 and 200`))
		.addColumn('owner', 'text', (c) => c.notNull().check(sql`length(owner) between 1 and 120`))
		.addColumn('due_on', 'text', (c) => c.notNull())
		.addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('planned', 'done')`))
		.addColumn('done_on', 'text')
		.addColumn('done_note', 'text', (c) => c.check(sql`length(done_note) <= 1000`))
		.addColumn('created_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addColumn('done_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addCheckConstraint('practice_action_done_has_date', sql`(state = 'done') = (done_on is not null)`)
		.execute();
	await db.schema.createIndex('practice_action_practice_idx').on('practice_action').columns(['practice_id', 'state']).execute();
	await db.schema.createIndex('practice_action_flag_idx').on('practice_action').column('flag_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('practice_action').execute();
}
