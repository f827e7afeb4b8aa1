/**
 * The national database of `bench:pcn-dashboard -- --large` (42 ICBs, 1,250 PCNs, 6,300
 * practices), for benches that time one view at national scale: where its SQLite file is cached,
 * and the name of its PostgreSQL copy.
 */
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The day the national database was generated for (bench:pcn-dashboard's TODAY). */
export const NATIONAL_TODAY = '2026-11-28';

/** The newest cached national SQLite file, if bench:pcn-dashboard has built one. */
export function nationalSqlitePath(): string | undefined {
	const dir = join(tmpdir(), 'belonging-bench');
	try {
		const found = readdirSync(dir)
			.filter((f) => /^pcn-dashboard-large-[0-9a-f]{12}\.db$/.test(f))
			.map((f) => join(dir, f))
			.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
		return found[0];
	} catch {
		return undefined;
	}
}

/** The PostgreSQL database bench:pcn-dashboard loaded the same national data into. */
export function nationalPostgresName(sqlitePath: string): string {
	return `belonging_bench_large_${/-([0-9a-f]{12})\.db$/.exec(sqlitePath)![1]}`;
}
