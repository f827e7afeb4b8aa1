import { sql, type Kysely } from 'kysely';

/**
 * The instrument library (issue 29): who imported each version, which organisation owns an
 * imported instrument, and to which practices each version is offered for new rounds.
 *
 * - instrument.owner_icb_id: the ICB that owns an imported instrument; null means the whole
 *   service (its administrators), as every built-in instrument is.
 * - instrument_version.imported_by_user_id: who imported or edited the version (null for a
 *   built-in one); created_at already says when.
 * - instrument_version.offered_to: 'everywhere' (every practice) or 'icbs' (the practices of the
 *   ICBs listed in instrument_version_icb, none until someone chooses). Built-in versions are
 *   offered everywhere; an import is offered nowhere until its owner decides.
 *
 * Every item id an instrument has used is already in instrument_item, one row per version, so
 * the rule that a retired id is never used again is derived from those rows, not stored twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('instrument')
		.addColumn('owner_icb_id', 'integer', (c) => c.references('icb.id'))
		.execute();
	await db.schema
		.alterTable('instrument_version')
		.addColumn('imported_by_user_id', 'integer', (c) => c.references('user_account.id').onDelete('set null'))
		.execute();
	await db.schema
		.alterTable('instrument_version')
		.addColumn('offered_to', 'text', (c) =>
			c.notNull().defaultTo('everywhere').check(sql`offered_to in ('everywhere', 'icbs')`)
		)
		.execute();
	await db.schema
		.createTable('instrument_version_icb')
		.addColumn('instrument_version_id', 'integer', (c) => c.notNull().references('instrument_version.id').onDelete('cascade'))
		.addColumn('icb_id', 'integer', (c) => c.notNull().references('icb.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('instrument_version_icb_pk', ['instrument_version_id', 'icb_id'])
		.execute();
	await db.schema.createIndex('instrument_version_icb_icb_idx').on('instrument_version_icb').column('icb_id').execute();
	await db.schema.createIndex('instrument_owner_icb_idx').on('instrument').column('owner_icb_id').execute();
	// Versions imported before the library existed were offered to every practice; they stay so.
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('instrument_version_icb').execute();
	await db.schema.dropIndex('instrument_owner_icb_idx').execute();
	await db.schema.alterTable('instrument_version').dropColumn('offered_to').execute();
	await db.schema.alterTable('instrument_version').dropColumn('imported_by_user_id').execute();
	await db.schema.alterTable('instrument').dropColumn('owner_icb_id').execute();
}
