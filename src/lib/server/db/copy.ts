/**
 * Moving up: a whole SQLite database copied into an empty PostgreSQL database (`npm run db:copy`),
 * for a PCN that started on one file and joins its ICB's service.
 *
 * The target is migrated first (so an empty database will do), then every table is copied in one
 * PostgreSQL transaction with COPY, parents before children, from one read snapshot of the file.
 * Before committing, each table's row count is checked against the source; any difference, and
 * any failure, rolls the whole copy back. A target that holds any data is refused untouched.
 * Identity sequences are moved past the copied ids, so new rows get new ones.
 *
 * Survey rows go in the order of their random keys, all written by the one copying transaction,
 * so the copy carries no arrival order (docs/scoring.md §6).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase } from './index';
import { MIGRATIONS, migrateToLatest } from './migrations';

export class CopyRefused extends Error {
	name = 'CopyRefused';
}

export interface CopiedTable {
	table: string;
	rows: number;
}

interface TargetTable {
	name: string;
	columns: string[];
	/** Tables this one refers to (other than itself). */
	parents: string[];
	/** The primary key's columns, which name a row when it cannot be copied. */
	key: string[];
}

/** A value as COPY's text format writes it; `refused` says which row a value of another kind is in. */
function copyValue(value: unknown, refused: () => CopyRefused): string {
	if (value === null || value === undefined) return '\\N';
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	if (typeof value === 'string') return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
	throw refused();
}

/** The row's primary key in words, e.g. `id 12` or `round_id 3, item_id 7`. */
function rowKey(table: TargetTable, row: readonly unknown[]): string {
	return table.key.map((column) => `${column} ${String(row[table.columns.indexOf(column)])}`).join(', ');
}

function rowRefusal(table: TargetTable, row: readonly unknown[] | undefined, line: number, column: string | undefined, why: string): CopyRefused {
	const which = row && table.key.length > 0 ? `the row with ${rowKey(table, row)}` : `row ${line}`;
	return new CopyRefused(`${table.name}, ${which}, cannot be copied: ${column ? `its ${column}` : 'it'} ${why}. Correct that row in the SQLite file (or through Belonging) and copy again.`);
}

/**
 * PostgreSQL refused a table's COPY: it names the line (and often the column) in its CONTEXT,
 * e.g. `COPY round, line 3, column title: "…"`. Line n is the n-th row of the same query over the
 * same read snapshot, so the refusal can name that row by its primary key.
 */
function refusalAt(source: SQLite.Database, table: TargetTable, error: unknown): unknown {
	const where = (error as { where?: unknown }).where;
	// Its own line, not a trigger's ("PL/pgSQL function … line 1 at RAISE") before it.
	const at = typeof where === 'string' ? /\bCOPY [^,\n]+, line (\d+)(?:, column (\w+))?/.exec(where) : null;
	if (!at) return error;
	const line = Number(at[1]);
	const read = source.prepare(`select ${table.columns.map(quoted).join(', ')} from ${quoted(table.name)}`).raw(true);
	let row: unknown[] | undefined;
	let n = 0;
	for (const candidate of read.iterate() as Iterable<unknown[]>) {
		if (++n === line) {
			row = candidate;
			break;
		}
	}
	const message = (error as Error).message;
	const nul = /0x00/.test(message);
	// An encoding error comes before PostgreSQL splits the line into columns, so it names none.
	const column = at[2] ?? (nul ? table.columns.find((_, i) => typeof row?.[i] === 'string' && row[i].includes('\0')) : undefined);
	const why = nul ? `holds a NUL character, which PostgreSQL cannot store (${message})` : `was refused by PostgreSQL (${message})`;
	return rowRefusal(table, row, line, column, why);
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The target's tables with their columns, parents first. */
async function targetTables(client: pg.ClientBase): Promise<TargetTable[]> {
	const columns = await client.query<{ table_name: string; column_name: string }>(
		`select table_name, column_name from information_schema.columns
		 where table_schema = 'public' and table_name not like 'kysely\\_%'
		 order by table_name, ordinal_position`
	);
	const references = await client.query<{ child: string; parent: string }>(
		`select distinct c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
		 from pg_constraint c join pg_namespace n on n.oid = c.connamespace
		 where c.contype = 'f' and n.nspname = 'public'`
	);
	const keys = await client.query<{ table_name: string; column_name: string }>(
		`select c.table_name, k.column_name
		 from information_schema.table_constraints c
		 join information_schema.key_column_usage k on k.constraint_schema = c.constraint_schema and k.constraint_name = c.constraint_name
		 where c.table_schema = 'public' and c.constraint_type = 'PRIMARY KEY'
		 order by c.table_name, k.ordinal_position`
	);
	const byName = new Map<string, TargetTable>();
	for (const { table_name, column_name } of columns.rows) {
		const table = byName.get(table_name) ?? { name: table_name, columns: [], parents: [], key: [] };
		table.columns.push(column_name);
		byName.set(table_name, table);
	}
	for (const { table_name, column_name } of keys.rows) byName.get(table_name)?.key.push(column_name);
	for (const { child, parent } of references.rows) {
		if (child !== parent) byName.get(child)?.parents.push(parent);
	}
	const ordered: TargetTable[] = [];
	const placed = new Set<string>();
	const place = (table: TargetTable, path: string[]) => {
		if (placed.has(table.name)) return;
		if (path.includes(table.name)) throw new Error(`Tables refer to each other in a circle: ${[...path, table.name].join(' → ')}`);
		for (const parent of table.parents) place(byName.get(parent)!, [...path, table.name]);
		placed.add(table.name);
		ordered.push(table);
	};
	for (const table of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) place(table, []);
	return ordered;
}

/** Refuses, saying why, a source that is not a Belonging database at the latest migration. */
function checkSource(source: SQLite.Database): void {
	const hasMigrations = source.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
	if (!hasMigrations) throw new CopyRefused('The source is not a Belonging database: it has no migrations table.');
	const applied = (source.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
	const expected = Object.keys(MIGRATIONS).sort();
	if (applied.join() !== expected.join()) {
		throw new CopyRefused(
			`The source is at migration ${applied.at(-1) ?? '(none)'}, this version of Belonging at ${expected.at(-1)}. ` +
				'Start this version of the app on it once (or run npm run migrate with DATABASE_PATH set to it) and copy again.'
		);
	}
}

/**
 * Copies the SQLite database at `sourcePath` into the PostgreSQL database at `targetUrl`.
 * `progress` hears of each table as it is done. Returns the rows copied per table, parents first.
 */
export async function copySqliteToPostgres(
	sourcePath: string,
	targetUrl: string,
	progress: (copied: CopiedTable) => void = () => {}
): Promise<CopiedTable[]> {
	const source = new SQLite(sourcePath, { readonly: true, fileMustExist: true });
	try {
		checkSource(source);
		const target = openDatabase({ databaseUrl: targetUrl, databasePoolSize: 1 });
		try {
			await migrateToLatest(target);
		} finally {
			await target.destroy();
		}
		const client = new pg.Client({ connectionString: targetUrl });
		await client.connect();
		try {
			return await copyInOneTransaction(source, client, progress);
		} finally {
			await client.end();
		}
	} finally {
		source.close();
	}
}

async function copyInOneTransaction(source: SQLite.Database, client: pg.Client, progress: (copied: CopiedTable) => void): Promise<CopiedTable[]> {
	const tables = await targetTables(client);
	const sourceTables = new Set(
		(source.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not like 'kysely\\_%' escape '\\'`).all() as { name: string }[]).map((r) => r.name)
	);
	const missing = tables.filter((t) => !sourceTables.has(t.name)).map((t) => t.name);
	if (missing.length > 0 || sourceTables.size !== tables.length) {
		throw new CopyRefused(`The source's tables differ from the target's (missing in the source: ${missing.join(', ') || 'none'}).`);
	}

	await client.query('begin');
	source.exec('begin');
	try {
		const holding: string[] = [];
		for (const table of tables) {
			const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${quoted(table.name)}) as any`);
			if (rows[0]!.any) holding.push(table.name);
		}
		if (holding.length > 0) {
			throw new CopyRefused(`The target is not empty: ${holding.join(', ')} already ${holding.length === 1 ? 'holds' : 'hold'} rows. db:copy only copies into an empty database.`);
		}

		const copied: CopiedTable[] = [];
		for (const table of tables) {
			const list = table.columns.map(quoted).join(', ');
			const read = source.prepare(`select ${list} from ${quoted(table.name)}`).raw(true);
			let line = 0;
			const lines = function* () {
				for (const row of read.iterate() as Iterable<unknown[]>) {
					line += 1;
					yield `${row.map((value, i) => copyValue(value, () => rowRefusal(table, row, line, table.columns[i]!, 'is neither text nor a number'))).join('\t')}\n`;
				}
			};
			try {
				await pipeline(Readable.from(lines()), client.query(copyFrom(`copy ${quoted(table.name)} (${list}) from stdin`)));
			} catch (error) {
				throw error instanceof CopyRefused ? error : refusalAt(source, table, error);
			}
			const inSource = (source.prepare(`select count(*) as n from ${quoted(table.name)}`).get() as { n: number }).n;
			const inTarget = Number((await client.query<{ n: string }>(`select count(*) as n from ${quoted(table.name)}`)).rows[0]!.n);
			if (inSource !== inTarget) throw new Error(`${table.name}: ${inSource} rows in the source but ${inTarget} in the target; nothing was copied.`);
			copied.push({ table: table.name, rows: inTarget });
			progress({ table: table.name, rows: inTarget });
		}

		const identities = await client.query<{ table_name: string; column_name: string }>(
			`select table_name, column_name from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`
		);
		for (const { table_name, column_name } of identities.rows) {
			await client.query(
				`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${quoted(column_name)}) from ${quoted(table_name)}), 0) + 1, false)`,
				[quoted(table_name), column_name]
			);
		}
		await client.query('commit');
		return copied;
	} catch (error) {
		await client.query('rollback').catch(() => {});
		throw error;
	} finally {
		source.exec('rollback');
	}
}
