import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests run the server's code in the test process: its log (JSON lines,
 * platform/logging.ts) stays quiet unless LOG_LEVEL asks for it. A test that reads the log
 * captures it (tests/helpers/log.ts); the end-to-end servers' output is read by their tests.
 */
const quietLog = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };

/**
 * Vitest runs one file less than there are cores unless told: one at a time on a two-core machine,
 * where each file spends about a second importing before its first test. Two at a time keep both
 * cores busy (each file has databases of its own, so they cannot meet).
 */
const TWO_AT_A_TIME = 2;

/**
 * Unit and integration files run one after another in each worker without a fresh module graph
 * each (vitest's `isolate`): importing the server's modules again for every file was 40 % of the
 * integration suites' time (unit 25 s to 12 s, integration on SQLite 126 s to 62 s). A file still
 * gets its own database for each test; the modules' own state (rate-limit buckets, the password
 * gate) is keyed by what each test creates, and a file that fakes time restores it (afterEach).
 */
const SHARED_MODULES = false;

/**
 * An end-to-end flow that fails is tried once more. `npm test` runs the two engines' end-to-end
 * suites side by side, keeping both cores busy, and a browser on a busy machine now and then
 * clicks before a page's script has started or paints later than a trace expects. A flow that
 * fails twice fails the run; one that passed only the second time is counted in the summary
 * ("passed only when tried again"), so it is seen, not hidden.
 */
const ONCE_MORE = 1;

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		rollupOptions: {
			// zod's source keeps explanatory comments beside its `@__PURE__` marks, where Rollup cannot
			// read them as marks: it drops them (nothing changes in the output) and says so on every
			// build. Only that notice, only for zod, is left out; every other warning still shows.
			// (onLog, not onwarn: Kit sets the client build's onwarn itself, replacing one set here.)
			onLog(level, log, handler) {
				if (log.code === 'INVALID_ANNOTATION' && /[\\/]node_modules[\\/]zod[\\/]/.test(log.id ?? '')) return;
				handler(level, log);
			}
		}
	},
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					environment: 'node',
					env: quietLog,
					maxWorkers: TWO_AT_A_TIME,
					isolate: SHARED_MODULES,
					// The property tests draw 300 random rounds each: 2 s alone on a quiet machine, so the
					// 5 s default is too close with another file running beside them.
					testTimeout: 15_000
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					env: quietLog,
					// One migrated database file that each test's own is copied from (not migrated per test).
					globalSetup: ['tests/helpers/sqlite-setup.ts'],
					// Some tests check several real passwords, each a deliberately slow scrypt hash; on a
					// busy two-core machine that can pass vitest's 5 s default without anything being wrong.
					testTimeout: 30_000,
					maxWorkers: TWO_AT_A_TIME,
					isolate: SHARED_MODULES
				}
			},
			{
				extends: true,
				test: {
					name: 'integration-postgres',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					env: { ...quietLog, BELONGING_TEST_ENGINE: 'postgres' },
					globalSetup: ['tests/helpers/postgres-setup.ts'],
					testTimeout: 30_000,
					// Each test has a database of its own, and most of its time is spent waiting on the
					// server: four files at once halve the run on two cores.
					maxWorkers: 4,
					isolate: SHARED_MODULES
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 60_000,
					fileParallelism: false,
					isolate: SHARED_MODULES,
					retry: ONCE_MORE
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e-postgres',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					env: { BELONGING_TEST_ENGINE: 'postgres' },
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 60_000,
					fileParallelism: false,
					isolate: SHARED_MODULES,
					retry: ONCE_MORE
				}
			}
		]
	}
});
