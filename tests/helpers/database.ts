import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, addMonths } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { openDatabase, type Db } from '../../src/lib/server/db';
import type { Database } from '../../src/lib/server/db/schema';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createRound } from '../../src/lib/server/surveys/rounds';

export interface TestDatabase {
	db: Db;
	path: string;
	close: () => Promise<void>;
}

/** A real SQLite file in a fresh temporary directory, migrated, with the built-in instruments. */
export async function createTestDatabase(): Promise<TestDatabase> {
	const temp = tempDirectory();
	const path = join(temp.dir, 'test.db');
	const db = openDatabase({ databasePath: path });
	await migrateToLatest(db);
	await storeBuiltInInstruments(db);
	return {
		db,
		path,
		close: async () => {
			await db.destroy();
			temp.remove();
		}
	};
}

export function tempDirectory(): { dir: string; remove: () => void } {
	const dir = mkdtempSync(join(tmpdir(), 'belonging-test-'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One ICB, one PCN and one practice, with a round of the built-in staff survey. */
export async function createPracticeWithRound(
	db: Db,
	round: Partial<Parameters<typeof createRound>[1]> = {}
) {
	const icb = await createIcb(db, { odsCode: 'QAA', name: 'Test ICB' });
	const pcn = await createPcn(db, { odsCode: 'U10001', name: 'Test PCN', icbId: icb.id });
	const practice = await createPractice(db, { odsCode: 'A10001', name: 'Test Surgery', pcnId: pcn.id });
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const created = await createRound(db, {
		practiceId: practice.id,
		instrumentVersionId: versionId,
		title: 'Test round',
		opensOn: '2026-11-01',
		closesOn: '2026-11-30',
		staffHeadcount: 20,
		status: 'open',
		...round
	});
	return { icb, pcn, practice, round: created, versionId };
}

export type PracticeFixture = Awaited<ReturnType<typeof createPracticeWithRound>>;

/** Another round at the fixture's practice, of the same instrument. */
export function addRound(
	db: Db,
	fixture: Pick<PracticeFixture, 'practice' | 'versionId'>,
	round: Omit<Parameters<typeof createRound>[1], 'practiceId' | 'instrumentVersionId'>
) {
	return createRound(db, { practiceId: fixture.practice.id, instrumentVersionId: fixture.versionId, ...round });
}

/** A round that opened a year before `today` and has closed: outside the four-month fatigue window. */
export function lastYearsRound(today: string) {
	return {
		title: 'Last year',
		opensOn: addMonths(today, -12),
		closesOn: addDays(addMonths(today, -12), 21),
		status: 'closed',
		staffHeadcount: 23
	} as const;
}

export async function countRows(db: Db, table: keyof Database): Promise<number> {
	const row = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
