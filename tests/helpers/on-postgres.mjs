/**
 * `node tests/helpers/on-postgres.mjs <project>…`: runs those vitest projects against PostgreSQL
 * when TEST_DATABASE_URL is set (`.ci/run` starts a throwaway server and sets it), and says
 * plainly that it skipped them when it is not, so `npm test` works without PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const projects = process.argv.slice(2);
if (!process.env.TEST_DATABASE_URL) {
	console.log(
		`\nSKIPPED on PostgreSQL: ${projects.join(', ')}. TEST_DATABASE_URL is not set, so these tests ran on SQLite only.\n` +
			'Set it to a PostgreSQL address whose role may create databases (see the README, "Testing on PostgreSQL"), or run bash .ci/run.\n'
	);
	process.exit(0);
}
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', ...projects.flatMap((p) => ['--project', p])], { stdio: 'inherit' });
process.exit(run.status ?? 1);
