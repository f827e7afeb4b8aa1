/**
 * What the migrations write differently per database engine, in one place, so the same
 * migration files can run on SQLite and on PostgreSQL. Schema-building helpers only: the
 * migrations stay frozen in time and import no app types.
 */
import { SqliteAdapter, sql, type CreateTableBuilder, type Kysely, type RawBuilder } from 'kysely';

export function isSqlite(db: Kysely<any>): boolean {
	return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * An integer key the database numbers itself and never hands out twice: AUTOINCREMENT on SQLite,
 * an identity column on PostgreSQL (by default, so a copied database keeps its ids).
 * Use as `db.schema.createTable('icb').$call(idColumn(db))`.
 */
export function idColumn(db: Kysely<any>, name = 'id') {
	const sqlite = isSqlite(db);
	return <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
		table.addColumn(name, 'integer', (column) =>
			sqlite ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity()
		);
}

/**
 * The end of a table that must not keep rows in the order they arrived (docs/scoring.md §6): on
 * SQLite a WITHOUT ROWID table, stored in the order of its random key instead.
 */
export function withoutRowOrder(db: Kysely<any>): RawBuilder<unknown> {
	return isSqlite(db) ? sql`without rowid` : sql``;
}
