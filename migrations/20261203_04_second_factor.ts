import type { Kysely } from 'kysely';

/**
 * A second factor for password accounts: an authenticator app's secret (time-based one-time
 * passwords), ten single-use recovery codes kept only as hashes, and the short-lived challenge
 * between a right password and the code that completes the sign-in.
 * - second_factor.last_counter: the time step of the last code used, so a code works once.
 * - sign_in_challenge: keyed by the hash of the token in the browser's cookie, like sessions.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('second_factor')
		.addColumn('user_id', 'integer', (c) => c.primaryKey().references('user_account.id').onDelete('cascade'))
		.addColumn('secret', 'text', (c) => c.notNull())
		.addColumn('confirmed_at', 'text')
		.addColumn('last_counter', 'bigint')
		.addColumn('created_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createTable('recovery_code')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('code_hash', 'text', (c) => c.notNull())
		.addColumn('used_at', 'text')
		.addPrimaryKeyConstraint('recovery_code_pk', ['user_id', 'code_hash'])
		.execute();
	await db.schema
		.createTable('sign_in_challenge')
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('sign_in_challenge').execute();
	await db.schema.dropTable('recovery_code').execute();
	await db.schema.dropTable('second_factor').execute();
}
