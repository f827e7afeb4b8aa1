/**
 * How long the server takes to build one practice's dashboard data (getPracticeDashboard): one
 * practice with 10 closed rounds of 40 synthetic responses each, plus an open round, in a
 * fresh SQLite file. Timed after warm-up runs; heap used is read after the timed runs.
 * Usage: npm run bench:dashboard [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { NOT_RELEVANT_CODES, type AgreementAnswer, type AgreementPoint } from '../../src/lib/npt/answers';
import { addDays, addMonths } from '../../src/lib/dates';
import { getPracticeDashboard } from '../../src/lib/server/dashboard';
import { seededRandom } from '../../src/lib/server/demo';
import { openDatabase } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { itemIdsOf, storeBuiltInInstruments, versionIdOf } from '../../src/lib/server/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations';
import { storeResponse } from '../../src/lib/server/responses';
import { createRound } from '../../src/lib/server/rounds';

const runs = Number(process.argv[2] ?? 30);
const WARM_UP = 5;
const ROUNDS = 10;
const RESPONSES = 40;
const TODAY = '2026-11-28';
const ROLE_GROUPS = DEFAULT_STAFF_INSTRUMENT.roleGroups.map((g) => g.id);

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const db = openDatabase(join(dir, 'bench.db'));
try {
	await migrateToLatest(db);
	await storeBuiltInInstruments(db);
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const random = seededRandom(42);
	const practiceId = await db.transaction().execute(async (tx) => {
		const icb = await createIcb(tx, { odsCode: 'QBB', name: 'Bench ICB' });
		const pcn = await createPcn(tx, { odsCode: 'U20001', name: 'Bench PCN', icbId: icb.id });
		const practice = await createPractice(tx, { odsCode: 'B20001', name: 'Bench Surgery', pcnId: pcn.id });
		const ids = await itemIdsOf(tx, versionId);
		for (let r = 0; r < ROUNDS; r++) {
			const closesOn = addMonths(TODAY, -4 * (ROUNDS - r));
			const round = await createRound(tx, {
				practiceId: practice.id,
				instrumentVersionId: versionId,
				title: `Round ${r + 1}`,
				opensOn: addDays(closesOn, -21),
				closesOn,
				staffHeadcount: 60,
				status: 'closed'
			});
			// Each round a little higher than the last, so the trend has a direction.
			const level = 2.4 + r * 0.12;
			for (let i = 0; i < RESPONSES; i++) {
				const agreement: Record<string, AgreementAnswer> = {};
				for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
					const u = random();
					if (u < 0.03) continue;
					if (u < 0.07) agreement[item.id] = NOT_RELEVANT_CODES[Math.floor(random() * NOT_RELEVANT_CODES.length)]!;
					else agreement[item.id] = Math.min(5, Math.max(1, Math.round(level + (random() - 0.5) * 3))) as AgreementPoint;
				}
				const general = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.generalItems.map((g) => [g.id, Math.floor(random() * 11)]));
				const comment = random() < 0.3 ? `Comment ${r}-${i}` : null;
				const roleGroup = ROLE_GROUPS[Math.floor(random() * ROLE_GROUPS.length)]!;
				await storeResponse(tx, round.id, ids, { roleGroup, agreement, general, comment, code: null }, closesOn);
			}
		}
		await createRound(tx, {
			practiceId: practice.id,
			instrumentVersionId: versionId,
			title: 'Open round',
			opensOn: addDays(TODAY, -7),
			closesOn: addDays(TODAY, 14),
			staffHeadcount: 60,
			status: 'open'
		});
		return practice.id;
	});

	const build = () => getPracticeDashboard(db, practiceId, { minResponses: 5 }, TODAY);
	for (let i = 0; i < WARM_UP; i++) await build();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const dashboard = await build();
		times.push(performance.now() - started);
		if (dashboard?.trend.length !== ROUNDS) throw new Error('The dashboard lost a round');
	}
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
	const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
	const heap = process.memoryUsage().heapUsed / 1024 / 1024;
	const bytes = JSON.stringify(await build()).length;
	console.log(`Node ${process.version}; ${ROUNDS} closed rounds × ${RESPONSES} responses, ${runs} timed runs after ${WARM_UP} warm-up`);
	console.log(
		`getPracticeDashboard  median ${fmt(at(0.5))}  p95 ${fmt(at(0.95))}  min ${fmt(times[0]!)}  max ${fmt(times.at(-1)!)}  heap used ${heap.toFixed(1)} MB  data ${(bytes / 1024).toFixed(1)} kB`
	);
} finally {
	await db.destroy();
	rmSync(dir, { recursive: true, force: true });
}
