import { sql, type Kysely } from 'kysely';

/**
 * What several app instances on one database must share, kept in the database:
 * - api_rate_window: each API token's current window of the rate limit (it was in one process's
 *   memory), counted with a single atomic statement.
 * - round_one_open_per_practice: at most one open round per practice, held by the database
 *   itself, so two "open round" requests at once cannot both succeed. Rounds left open past
 *   their closing date beside a newer open round (a closing date that passed while the server
 *   was down) are closed first, as the closing job would have; their summaries are written
 *   when first read.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('api_rate_window')
		.addColumn('token_id', 'integer', (c) => c.primaryKey().references('api_token.id').onDelete('cascade'))
		.addColumn('started_ms', 'bigint', (c) => c.notNull())
		.addColumn('requests', 'integer', (c) => c.notNull().check(sql`requests > 0`))
		.execute();

	await sql`
		update round set status = 'closed', closed_on = closes_on
		where status = 'open' and exists (
			select 1 from round as newer
			where newer.practice_id = round.practice_id and newer.status = 'open'
			  and (newer.opens_on > round.opens_on or (newer.opens_on = round.opens_on and newer.id > round.id))
		)`.execute(db);
	await db.schema
		.createIndex('round_one_open_per_practice')
		.on('round')
		.column('practice_id')
		.unique()
		.where(sql.ref('status'), '=', 'open')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('round_one_open_per_practice').execute();
	await db.schema.dropTable('api_rate_window').execute();
}
