/**
 * `npm run db:copy -- --from ./data/belonging.db --to postgres://user:password@host/database`
 *
 * Copies a whole SQLite database into an empty PostgreSQL database in one transaction, checking
 * each table's row count, and refuses a target that holds any data (db/copy.ts). Stop the server
 * that uses the file first, so nothing is written to it meanwhile.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CopyRefused, copySqliteToPostgres, type CopiedTable } from '../db/copy';
import { describeDatabase } from '../platform/config';

export const USAGE = [
	'Usage: npm run db:copy -- --from <SQLite file> --to <PostgreSQL address>',
	'  for example: npm run db:copy -- --from ./data/belonging.db --to postgres://belonging:secret@localhost:5432/belonging',
	'The target must be empty (a new database, or one that has only been migrated). Stop the server that uses the file first.'
];

export type CopyArguments = { ok: true; from: string; to: string } | { ok: false; problems: string[] };

export function readCopyArguments(argv: string[]): CopyArguments {
	let values: { from?: string; to?: string };
	try {
		values = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }).values;
	} catch (error) {
		return { ok: false, problems: [(error as Error).message] };
	}
	const problems: string[] = [];
	if (!values.from) problems.push('Give the SQLite file to copy with --from.');
	else if (!existsSync(values.from)) problems.push(`There is no file at ${values.from}.`);
	if (!values.to) problems.push('Give the PostgreSQL database to copy into with --to.');
	else if (!/^postgres(ql)?:\/\/\S+$/.test(values.to)) problems.push('--to must be a PostgreSQL address, like postgres://belonging:secret@localhost:5432/belonging.');
	return problems.length > 0 ? { ok: false, problems } : { ok: true, from: values.from!, to: values.to! };
}

export function describeCopy(copied: readonly CopiedTable[]): string[] {
	const width = Math.max(...copied.map((c) => c.table.length));
	const total = copied.reduce((sum, c) => sum + c.rows, 0);
	return [...copied.map((c) => `  ${c.table.padEnd(width)}  ${c.rows.toLocaleString('en-GB').padStart(12)}`), `  ${'in all'.padEnd(width)}  ${total.toLocaleString('en-GB').padStart(12)}`];
}

async function main(): Promise<void> {
	const parsed = readCopyArguments(process.argv.slice(2));
	if (!parsed.ok) {
		for (const line of [...parsed.problems, '', ...USAGE]) console.error(line);
		process.exit(2);
	}
	const target = describeDatabase({ databasePath: '', databaseUrl: parsed.to });
	console.log(`Copying ${parsed.from} into ${target}, in one transaction…`);
	const started = performance.now();
	const copied = await copySqliteToPostgres(parsed.from, parsed.to, ({ table, rows }) => console.log(`  ${table}: ${rows.toLocaleString('en-GB')} rows`));
	console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Row counts checked, table by table:`);
	for (const line of describeCopy(copied)) console.log(line);
	console.log('Start Belonging with DATABASE_URL set to the new database (and DATABASE_PATH unset).');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main().catch((error: unknown) => {
		console.error(error instanceof CopyRefused ? `Nothing was copied: ${error.message}` : `The copy failed and nothing was copied: ${(error as Error).message}`);
		process.exit(1);
	});
}
