import type { Kysely } from 'kysely';
import { idColumn } from '../src/lib/server/db/schema-builders';

/**
 * Personal API tokens, for analysts who pull figures into Power BI or Excel. Like sessions, the
 * table holds only the SHA-256 of each token, so a copy of the database cannot call the API.
 * Revoking keeps the row (with its time) rather than deleting it, so the history stays readable.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('api_token')
		.$call(idColumn(db))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('last_used_at', 'text')
		.addColumn('revoked_at', 'text')
		.execute();
	await db.schema.createIndex('api_token_user_idx').on('api_token').columns(['user_id', 'revoked_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('api_token').execute();
}
