import type { Kysely } from 'kysely';

/**
 * A closed round's answers summed up (src/lib/npt/round-summary.ts): the counts, moments and
 * cross-products every figure is computed from, so results are read from one row per round
 * instead of every answer. Written when a round closes (or first read after it has), rebuilt by
 * `npm run summaries:rebuild`; `format` tells a summary of an older layout, which is rebuilt.
 * It holds nothing about any one person, and no time.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('round_summary')
		.addColumn('round_id', 'integer', (c) => c.primaryKey().references('round.id').onDelete('cascade'))
		.addColumn('format', 'integer', (c) => c.notNull())
		.addColumn('summary', 'text', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('round_summary').execute();
}
