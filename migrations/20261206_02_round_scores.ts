import type { Kysely } from 'kysely';

/** The scores a benchmark reads, as they stood when this migration was written. */
const SCORES = ['overall', 'coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'];

/**
 * Each closed round's group scores, one row per round: how many answered, and for the overall
 * score and each construct its mean, interval and the number of people behind it (docs/scoring.md §3),
 * before any disclosure rule, which is applied when they are read, as for the summaries. Written
 * with the round's summary, in the same transaction, and derived from it alone, so a benchmark over
 * thousands of practices (docs/scoring.md §8) reads narrow rows instead of every round's summary.
 * `closed_on` is the date the round counts from (its close, else its closing date), for reading
 * a period's rounds by date; `version` is the count in app_meta when the row was written, for
 * reading only the rows written since a kept copy was read.
 */
export async function up(db: Kysely<any>): Promise<void> {
	let table = db.schema
		.createTable('round_score')
		.addColumn('round_id', 'integer', (c) => c.primaryKey().references('round.id').onDelete('cascade'))
		.addColumn('closed_on', 'text', (c) => c.notNull())
		.addColumn('respondents', 'integer', (c) => c.notNull());
	for (const score of SCORES) {
		table = table
			.addColumn(`${score}_mean`, 'double precision')
			.addColumn(`${score}_lower`, 'double precision')
			.addColumn(`${score}_upper`, 'double precision')
			.addColumn(`${score}_n`, 'integer', (c) => c.notNull());
	}
	await table.addColumn('version', 'integer', (c) => c.notNull()).execute();
	await db.schema.createIndex('round_score_closed_on_idx').on('round_score').column('closed_on').execute();
	await db.schema.createIndex('round_score_version_idx').on('round_score').column('version').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('round_score').execute();
}
