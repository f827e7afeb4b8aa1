import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * Mail that leaves through an outbox, and survey rounds that run themselves:
 * - mail_outbox: every mail is written here in the transaction of the change that causes it, and
 *   a worker sends it later, with retries. A worker claims a mail by moving it to 'sending' with a
 *   lease, so two workers (or two instances) never send it both; a lease that runs out (a worker
 *   that died) lets another take it. Bodies are cleared once sent: they may carry single-use links.
 * - survey_calendar: a practice's cadence (every N months from a date, or chosen months of the
 *   year), round length, headcount and codes. planned_through is the last opening date the
 *   calendar has dealt with, so each one is planned once, even with several instances.
 * - round.planned_by_calendar: a draft the calendar made, which it opens on its opening date.
 * - round_notice: which reminder mails a round has had, so each goes once.
 * - mail_preference: a person's choice of reminder mails, where it differs from their role's default.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('mail_outbox')
		.$call(idColumn(db))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('recipient', 'text', (c) => c.notNull())
		.addColumn('subject', 'text', (c) => c.notNull())
		.addColumn('text_body', 'text')
		.addColumn('html_body', 'text')
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('waiting', 'sending', 'sent', 'failed')`))
		.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('next_attempt_at', 'text', (c) => c.notNull())
		.addColumn('claimed_until', 'text')
		.addColumn('last_error', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('sent_at', 'text')
		.execute();
	await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();

	await db.schema
		.createTable('survey_calendar')
		.addColumn('practice_id', 'integer', (c) => c.primaryKey().references('practice.id').onDelete('cascade'))
		.addColumn('cadence', 'text', (c) => c.notNull().check(sql`cadence in ('every', 'months')`))
		.addColumn('every_months', 'integer', (c) => c.check(sql`every_months between 4 and 24`))
		.addColumn('anchor_on', 'text')
		.addColumn('months', 'text')
		.addColumn('open_day', 'integer', (c) => c.check(sql`open_day between 1 and 28`))
		.addColumn('length_days', 'integer', (c) => c.notNull().check(sql`length_days between 7 and 56`))
		.addColumn('fixed_headcount', 'integer', (c) => c.check(sql`fixed_headcount between 1 and 5000`))
		.addColumn('requires_code', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('planned_through', 'text')
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addColumn('updated_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addCheckConstraint(
			'survey_calendar_cadence_fields',
			sql`(cadence = 'every' and every_months is not null and anchor_on is not null)
				or (cadence = 'months' and months is not null and open_day is not null)`
		)
		.execute();

	await db.schema.alterTable('round').addColumn('planned_by_calendar', 'integer', (c) => c.notNull().defaultTo(0)).execute();

	await db.schema
		.createTable('round_notice')
		.addColumn('round_id', 'integer', (c) => c.notNull().references('round.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('sent_on', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('round_notice_pk', ['round_id', 'kind'])
		.execute();

	await db.schema
		.createTable('mail_preference')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('wanted', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('mail_preference_pk', ['user_id', 'kind'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('mail_preference').execute();
	await db.schema.dropTable('round_notice').execute();
	await db.schema.alterTable('round').dropColumn('planned_by_calendar').execute();
	await db.schema.dropTable('survey_calendar').execute();
	await db.schema.dropTable('mail_outbox').execute();
}
