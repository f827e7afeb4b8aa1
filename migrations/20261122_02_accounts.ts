import { sql, type Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * Accounts and access control: users with one role each, their scope (PCNs or practices),
 * database sessions, single-use invitation and reset links, sign-in throttling, the audit log,
 * and the history of which PCN a practice belongs to. Times are ISO 8601 UTC text.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('user_account')
		.$call(idColumn(db))
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('admin', 'pcn_lead', 'practice_manager', 'link_worker')`)
		)
		// Null until the person accepts their invitation and chooses a password.
		.addColumn('password_hash', 'text')
		.addColumn('password_changed_at', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('disabled_at', 'text')
		.execute();

	await db.schema
		.createTable('user_pcn')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('pcn_id', 'integer', (c) => c.notNull().references('pcn.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('user_pcn_pk', ['user_id', 'pcn_id'])
		.execute();
	await db.schema.createIndex('user_pcn_pcn_idx').on('user_pcn').column('pcn_id').execute();

	await db.schema
		.createTable('user_practice')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('user_practice_pk', ['user_id', 'practice_id'])
		.execute();
	await db.schema.createIndex('user_practice_practice_idx').on('user_practice').column('practice_id').execute();

	await db.schema
		.createTable('session')
		// SHA-256 of the cookie token: a stolen database cannot be replayed as cookies.
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

	await db.schema
		.createTable('account_link')
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('invitation', 'password_reset')`))
		.addColumn('created_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.addColumn('used_at', 'text')
		.execute();
	await db.schema.createIndex('account_link_user_idx').on('account_link').column('user_id').execute();

	await db.schema
		.createTable('sign_in_failure')
		.$call(idColumn(db))
		// "account:<sha256 of email>" or "address:<sha256 of client address>": never the raw value.
		.addColumn('throttle_key', 'text', (c) => c.notNull())
		.addColumn('failed_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('sign_in_failure_key_idx')
		.on('sign_in_failure')
		.columns(['throttle_key', 'failed_at'])
		.execute();

	await db.schema
		.createTable('audit_event')
		.$call(idColumn(db))
		.addColumn('occurred_at', 'text', (c) => c.notNull())
		.addColumn('actor_user_id', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		// Kept as text so the record still reads correctly after an account changes.
		.addColumn('actor_label', 'text', (c) => c.notNull())
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('summary', 'text', (c) => c.notNull())
		.addColumn('practice_id', 'integer', (c) => c.references('practice.id').onDelete('set null'))
		.addColumn('pcn_id', 'integer', (c) => c.references('pcn.id').onDelete('set null'))
		.execute();
	await db.schema.createIndex('audit_event_time_idx').on('audit_event').column('occurred_at').execute();
	await db.schema.createIndex('audit_event_action_idx').on('audit_event').columns(['action', 'occurred_at']).execute();

	await db.schema
		.createTable('practice_pcn_move')
		.$call(idColumn(db))
		.addColumn('practice_id', 'integer', (c) => c.notNull().references('practice.id').onDelete('cascade'))
		// Null means the practice leaves its PCN without joining another.
		.addColumn('pcn_id', 'integer', (c) => c.references('pcn.id'))
		.addColumn('effective_on', 'text', (c) => c.notNull())
		.addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('recorded_at', 'text', (c) => c.notNull())
		.addColumn('recorded_by', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.execute();
	await db.schema
		.createIndex('practice_pcn_move_due_idx')
		.on('practice_pcn_move')
		.columns(['applied', 'effective_on'])
		.execute();
	await db.schema.createIndex('practice_pcn_move_practice_idx').on('practice_pcn_move').column('practice_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'practice_pcn_move',
		'audit_event',
		'sign_in_failure',
		'account_link',
		'session',
		'user_practice',
		'user_pcn',
		'user_account'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
