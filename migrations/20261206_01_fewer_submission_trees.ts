import { sql, type Kysely } from 'kysely';
import { withoutRowOrder } from '../src/lib/server/db/schema-builders';

/**
 * Fewer b-trees for a survey submission to touch. Each tree a commit changes is at least one more
 * page written (on SQLite one more page in the write-ahead log, at random for random keys), and
 * every submission wrote two throttle rows with their day index, a key with its round index and
 * a comment with its round index.
 * - survey_throttle: one row per network, round and day instead of two. key_hash is the day's
 *   keyed hash as before; hour_hash is the hour's keyed hash (as opaque as the day's: no time
 *   finer than the day in clear) and hour_submissions its count. No index on the day: the daily
 *   purge reads the whole table, which holds about one day's rows. The old rows are dropped, not
 *   converted: they are transient counts, and losing them errs towards letting people answer.
 * - survey_submission_key and comment: keyed by round first, (round_id, key_hash) and
 *   (round_id, id), so the one tree serves both the lookup (which always has the round) and the
 *   round's deletion, and the separate round index goes. Every row is kept. Within a round the
 *   rows still lie in the order of their random keys (docs/scoring.md §6).
 */
export async function up(db: Kysely<any>): Promise<void> {
	const noRowOrder = withoutRowOrder(db);

	await db.schema.dropTable('survey_throttle').execute();
	await db.schema
		.createTable('survey_throttle')
		.addColumn('key_hash', 'text', (c) => c.primaryKey())
		.addColumn('day', 'text', (c) => c.notNull())
		.addColumn('submissions', 'integer', (c) => c.notNull())
		.addColumn('hour_hash', 'text', (c) => c.notNull())
		.addColumn('hour_submissions', 'integer', (c) => c.notNull())
		.modifyEnd(noRowOrder)
		.execute();

	await rebuild(db, 'survey_submission_key', ['key_hash', 'round_id'], (table) =>
		table
			.addColumn('key_hash', 'text', (c) => c.notNull())
			.addColumn('round_id', 'integer', (c) => c.notNull())
			.addPrimaryKeyConstraint('survey_submission_key_pk', ['round_id', 'key_hash'])
			.addForeignKeyConstraint('survey_submission_key_round_fk', ['round_id'], 'round', ['id'], (fk) => fk.onDelete('cascade'))
			.modifyEnd(noRowOrder)
	);
	await rebuild(db, 'comment', ['id', 'round_id', 'body'], (table) =>
		table
			.addColumn('id', 'text', (c) => c.notNull())
			.addColumn('round_id', 'integer', (c) => c.notNull())
			.addColumn('body', 'text', (c) => c.notNull())
			.addPrimaryKeyConstraint('comment_pk', ['round_id', 'id'])
			.addForeignKeyConstraint('comment_round_fk', ['round_id'], 'round', ['id'], (fk) => fk.onDelete('cascade'))
			.modifyEnd(noRowOrder)
	);
}

/** The shapes before, under the names PostgreSQL gave their keys then. */
export async function down(db: Kysely<any>): Promise<void> {
	const noRowOrder = withoutRowOrder(db);

	await rebuild(db, 'comment', ['id', 'round_id', 'body'], (table) =>
		table
			.addColumn('id', 'text', (c) => c.notNull())
			.addColumn('round_id', 'integer', (c) => c.notNull())
			.addColumn('body', 'text', (c) => c.notNull())
			.addPrimaryKeyConstraint('comment_pkey', ['id'])
			.addForeignKeyConstraint('comment_round_id_fkey', ['round_id'], 'round', ['id'], (fk) => fk.onDelete('cascade'))
			.modifyEnd(noRowOrder)
	);
	await db.schema.createIndex('comment_round_idx').on('comment').column('round_id').execute();
	await rebuild(db, 'survey_submission_key', ['key_hash', 'round_id'], (table) =>
		table
			.addColumn('key_hash', 'text', (c) => c.notNull())
			.addColumn('round_id', 'integer', (c) => c.notNull())
			.addPrimaryKeyConstraint('survey_submission_key_pkey', ['key_hash'])
			.addForeignKeyConstraint('survey_submission_key_round_id_fkey', ['round_id'], 'round', ['id'], (fk) => fk.onDelete('cascade'))
			.modifyEnd(noRowOrder)
	);
	await db.schema.createIndex('survey_submission_key_round_idx').on('survey_submission_key').column('round_id').execute();

	await db.schema.dropTable('survey_throttle').execute();
	await db.schema
		.createTable('survey_throttle')
		.addColumn('key_hash', 'text', (c) => c.primaryKey())
		.addColumn('day', 'text', (c) => c.notNull())
		.addColumn('submissions', 'integer', (c) => c.notNull())
		.modifyEnd(noRowOrder)
		.execute();
	await db.schema.createIndex('survey_throttle_day_idx').on('survey_throttle').column('day').execute();
}

type TableBuilder = ReturnType<Kysely<any>['schema']['createTable']>;

/**
 * Gives a table a new shape, keeping its rows: the new table is built beside the old, filled from
 * it, and takes its name (SQLite cannot change a primary key in place). The old table's indexes
 * go with it.
 */
async function rebuild(db: Kysely<any>, table: string, columns: string[], shape: (table: TableBuilder) => TableBuilder): Promise<void> {
	const next = `${table}_next`;
	await shape(db.schema.createTable(next)).execute();
	const list = sql.join(columns.map((c) => sql.ref(c)));
	await sql`insert into ${sql.table(next)} (${list}) select ${list} from ${sql.table(table)}`.execute(db);
	await db.schema.dropTable(table).execute();
	await db.schema.alterTable(next).renameTo(table).execute();
}
