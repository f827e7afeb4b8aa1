/**
 * Queries built and compiled once, then run many times with new values. Kysely builds a query's
 * tree and compiles it to SQL afresh on every call, which costs more than SQLite takes to run a
 * small insert; on the survey's submit path, where every post runs a dozen such statements, that
 * is most of the work. A prepared query is written with Kysely as usual, with a named slot where
 * each value goes; it is compiled the first time it runs on a database (so each engine gets its
 * own SQL), and the connection keeps the statement prepared (see openDatabase).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import { databaseIdentity, engineOf, PREPARED_ON_SERVER, type DbOrTx } from './index';
import type { Database } from './schema';

const SLOT = Symbol('slot');

interface Slot {
	readonly [SLOT]: string;
}

const isSlot = (value: unknown): value is Slot => typeof value === 'object' && value !== null && SLOT in value;

export interface PreparedQuery<V extends string, R> {
	execute(db: DbOrTx, values: Readonly<Record<V, unknown>>): Promise<QueryResult<R>>;
}

/**
 * `build` receives the database and `slot(name)`, to put where a value will go; `execute` then
 * takes the values by those names. A slot may stand only where Kysely takes a value (a column's
 * value, the right side of a comparison), never for a table or column name.
 */
export function preparedQuery<V extends string, R>(
	build: (db: Kysely<Database>, slot: (name: V) => never) => Compilable<R>
): PreparedQuery<V, R> {
	const compiled = new WeakMap<object, { query: CompiledQuery<R>; names: (V | undefined)[] }>();
	return {
		async execute(db, values) {
			const key = databaseIdentity(db);
			let plan = compiled.get(key);
			if (!plan) {
				const query = build(db as Kysely<Database>, (name) => ({ [SLOT]: name }) as never).compile();
				// A value written into the query itself (a `+ 1`) stays as it was compiled.
				const names = query.parameters.map((p) => (isSlot(p) ? (p[SLOT] as V) : undefined));
				plan = { query, names };
				compiled.set(key, plan);
				if (engineOf(db) === 'postgres') PREPARED_ON_SERVER.add(query.sql);
			}
			const fixed = plan.query.parameters;
			const parameters = plan.names.map((name, i) => (name === undefined ? fixed[i] : values[name]));
			return db.executeQuery<R>({ ...plan.query, parameters });
		}
	};
}

/** A prepared query per number of rows, for multi-row inserts whose SQL grows with the rows. */
export function preparedPerCount<V extends string, R>(
	build: (db: Kysely<Database>, slot: (name: V) => never, rows: number) => Compilable<R>
): (rows: number) => PreparedQuery<V, R> {
	const byCount = new Map<number, PreparedQuery<V, R>>();
	return (rows) => {
		let query = byCount.get(rows);
		if (!query) byCount.set(rows, (query = preparedQuery<V, R>((db, slot) => build(db, slot, rows))));
		return query;
	};
}
