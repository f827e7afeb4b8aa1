import type { Kysely } from 'kysely';

/**
 * When a password is set with a reset link that an administrator issued, the person is told the
 * next time they use Belonging, in any session but the one that link opened: until mail takes
 * reset links to the person alone, an administrator could otherwise use one unnoticed.
 */
export async function up(db: Kysely<any>): Promise<void> {
	// What happened, in words, while it is waiting to be read.
	await db.schema.alterTable('user_account').addColumn('admin_reset_notice', 'text').execute();
	// The session the reset link itself opened (SHA-256 of its token): it is not told.
	await db.schema.alterTable('user_account').addColumn('admin_reset_session', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('user_account').dropColumn('admin_reset_session').execute();
	await db.schema.alterTable('user_account').dropColumn('admin_reset_notice').execute();
}
