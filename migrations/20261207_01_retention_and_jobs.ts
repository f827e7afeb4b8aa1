import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * Retention the product enforces, and dated work run as named jobs:
 * - job_state: one row per named job (closing due rounds, retention, purges…): how often it has run
 *   and failed, its last run's start, end, duration, outcome and report (counts only), when a run
 *   last went well (so a job failing for days shows how long), and the lease
 *   an instance holds while it runs it, so a job runs at most once at a time across instances.
 * - legal_hold: a practice or a round whose data retention must not delete, with the reason, who
 *   placed it and when, until it is released.
 * - round.comments_deleted_on, round.answers_reduced_on: when retention deleted a closed round's
 *   comments, and when it reduced the round's answers to its summary (no respondent-level row left).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('job_state')
		.addColumn('name', 'text', (c) => c.primaryKey())
		.addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('last_started_at', 'text')
		.addColumn('last_finished_at', 'text')
		.addColumn('last_duration_ms', 'integer')
		.addColumn('last_outcome', 'text', (c) => c.check(sql`last_outcome in ('ok', 'failed')`))
		.addColumn('last_report', 'text')
		.addColumn('last_succeeded_at', 'text')
		.addColumn('lease_holder', 'text')
		.addColumn('lease_until', 'text')
		.execute();

	await db.schema
		.createTable('legal_hold')
		.$call(idColumn(db))
		.addColumn('practice_id', 'integer', (c) => c.references('practice.id').onDelete('cascade'))
		.addColumn('round_id', 'integer', (c) => c.references('round.id').onDelete('cascade'))
		.addColumn('reason', 'text', (c) => c.notNull())
		.addColumn('placed_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addColumn('placed_at', 'text', (c) => c.notNull())
		.addColumn('released_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addColumn('released_at', 'text')
		.addCheckConstraint('legal_hold_one_subject', sql`(practice_id is null) <> (round_id is null)`)
		.execute();
	await db.schema.createIndex('legal_hold_practice_idx').on('legal_hold').column('practice_id').execute();
	await db.schema.createIndex('legal_hold_round_idx').on('legal_hold').column('round_id').execute();

	await db.schema.alterTable('round').addColumn('comments_deleted_on', 'text').execute();
	await db.schema.alterTable('round').addColumn('answers_reduced_on', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('round').dropColumn('answers_reduced_on').execute();
	await db.schema.alterTable('round').dropColumn('comments_deleted_on').execute();
	await db.schema.dropTable('legal_hold').execute();
	await db.schema.dropTable('job_state').execute();
}
