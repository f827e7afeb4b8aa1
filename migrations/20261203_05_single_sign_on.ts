import { sql, type Kysely } from 'kysely';

/**
 * Single sign-on with the organisation's OpenID Connect provider.
 * - user_account.accepted_at: when the invitation was accepted, by choosing a password or by
 *   single sign-on; until now a password hash was the only sign of it, and an account that signs
 *   in only through its provider has none.
 * - user_account.sso_issuer / sso_subject: the provider identity the account is linked to at its
 *   first single sign-on; later ones must come from the same identity. One identity, one account.
 * - user_account.sso_required_at: an administrator requires single sign-on; password sign-in is refused.
 * - session.single_sign_on: 1 for a session opened through the provider, so signing out can
 *   offer the provider's own sign-out.
 * - sso_attempt: a sign-in sent to the provider, keyed by the hash of the browser cookie's key,
 *   holding what the answer must match (state, nonce, PKCE verifier) for ten minutes.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('user_account').addColumn('accepted_at', 'text').execute();
	await db
		.updateTable('user_account')
		.set({ accepted_at: sql`coalesce(password_changed_at, created_at)` })
		.where('password_hash', 'is not', null)
		.execute();
	await db.schema.alterTable('user_account').addColumn('sso_issuer', 'text').execute();
	await db.schema.alterTable('user_account').addColumn('sso_subject', 'text').execute();
	await db.schema.alterTable('user_account').addColumn('sso_required_at', 'text').execute();
	await db.schema.createIndex('user_account_sso_identity').unique().on('user_account').columns(['sso_issuer', 'sso_subject']).execute();
	await db.schema.alterTable('session').addColumn('single_sign_on', 'integer', (c) => c.notNull().defaultTo(0)).execute();
	await db.schema
		.createTable('sso_attempt')
		.addColumn('key_hash', 'text', (c) => c.primaryKey())
		.addColumn('state', 'text', (c) => c.notNull())
		.addColumn('nonce', 'text', (c) => c.notNull())
		.addColumn('code_verifier', 'text', (c) => c.notNull())
		.addColumn('next_path', 'text', (c) => c.notNull())
		.addColumn('invitation_hash', 'text')
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sso_attempt_expires').on('sso_attempt').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('sso_attempt').execute();
	await db.schema.alterTable('session').dropColumn('single_sign_on').execute();
	await db.schema.dropIndex('user_account_sso_identity').execute();
	await db.schema.alterTable('user_account').dropColumn('sso_required_at').execute();
	await db.schema.alterTable('user_account').dropColumn('sso_subject').execute();
	await db.schema.alterTable('user_account').dropColumn('sso_issuer').execute();
	await db.schema.alterTable('user_account').dropColumn('accepted_at').execute();
}
