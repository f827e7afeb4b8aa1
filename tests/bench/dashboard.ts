/**
 * How long the server takes to build one practice's dashboard data (getPracticeDashboard): one
 * practice with 10 closed rounds of 40 synthetic responses each, plus an open round, in a
 * fresh SQLite file, and the same on PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is
 * set, one after the other in one run. Timed after warm-up runs; heap used is read after the timed runs.
 * A second line times what the link worker's track adds to the same page for a PCN lead: every
 * one of the 21 checklist needs flagged with a history of four changes, 200 actions (120 done
 * across the rounds), and the "you said, we did" markers placed on the trend.
 * Usage: npm run bench:dashboard [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { NOT_RELEVANT_CODES, type AgreementAnswer, type AgreementPoint } from '../../src/lib/npt/answers';
import { addDays, addMonths } from '../../src/lib/dates';
import { CURRENT_CHECKLIST } from '../../src/lib/npt/infrastructure';
import { feedbackRoundsOf, placeFeedback } from '../../src/lib/npt/feedback';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { changeFlagState, listFlagsForPractice } from '../../src/lib/server/linkworker/flags';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { listActionsForPractice, listFeedbackEvents } from '../../src/lib/server/linkworker/practice-actions';
import { createSignedInUser } from '../helpers/events';
import { seededRandom } from '../../src/lib/server/demo/random';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { benchPostgresUrl, createBenchDatabase, NO_POSTGRES } from './postgres';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { itemIdsOf, storeBuiltInInstruments, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';

const runs = Number(process.argv[2] ?? 30);
const WARM_UP = 5;
const ROUNDS = 10;
const RESPONSES = 40;
const TODAY = '2026-11-28';
const ROLE_GROUPS = DEFAULT_STAFF_INSTRUMENT.roleGroups.map((g) => g.id);

async function measure(engine: string, db: Db): Promise<void> {
	await migrateToLatest(db);
	await storeBuiltInInstruments(db);
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const random = seededRandom(42);
	const { practiceId, pcnId } = await db.transaction().execute(async (tx) => {
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
		return { practiceId: practice.id, pcnId: pcn.id };
	});

	const linkWorker = await createSignedInUser(db, 'link_worker', { practiceIds: [practiceId] });
	const lead = await createSignedInUser(db, 'pcn_lead', { pcnIds: [pcnId] });
	const everyNeed = CURRENT_CHECKLIST.items.map((item) => ({ itemId: item.id, status: 'missing' }));
	const visibility = Object.fromEntries(CURRENT_CHECKLIST.items.map((item, i) => [item.id, i % 3 ? 'practice_and_pcn' : 'pcn_only']));
	await saveChecklist(db, linkWorker, practiceId, everyNeed, visibility, new Date('2025-01-10T09:00:00Z'));
	const flags = await db.selectFrom('flag').select('id').where('practice_id', '=', practiceId).execute();
	for (const [i, flag] of flags.entries()) {
		const steps = i % 2 ? ['acknowledged', 'in_progress', 'resolved'] : ['acknowledged', 'in_progress'];
		for (const [s, to] of steps.entries()) await changeFlagState(db, lead, flag.id, to, 'Bench step', new Date(Date.UTC(2025, 1 + s, 1 + i)));
	}
	await db.transaction().execute(async (tx) => {
		for (let i = 0; i < 200; i++) {
			const done = i < 120;
			const day = addDays(TODAY, -Math.floor((i * 1200) / 200));
			await tx
				.insertInto('practice_action')
				.values({
					practice_id: practiceId,
					flag_id: i % 4 === 0 ? flags[i % flags.length]!.id : null,
					construct: (['coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'] as const)[i % 4]!,
					what: `Bench action ${i}`,
					owner: 'Bench owner',
					due_on: day,
					state: done ? 'done' : 'planned',
					done_on: done ? day : null,
					done_note: null,
					created_by: lead.id,
					done_by: done ? lead.id : null,
					created_at: `${day}T09:00:00.000Z`,
					updated_at: `${day}T09:00:00.000Z`
				})
				.execute();
		}
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
	const dashboard = (await build())!;
	const track = async () => {
		const visible = await listFlagsForPractice(db, lead, practiceId);
		const events = await listFeedbackEvents(db, lead, practiceId, visible);
		const actions = await listActionsForPractice(db, lead, practiceId, TODAY, visible);
		return { markers: placeFeedback(feedbackRoundsOf(dashboard.trend), events), actions };
	};
	for (let i = 0; i < WARM_UP; i++) await track();
	const trackTimes: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const { markers, actions } = await track();
		trackTimes.push(performance.now() - started);
		if (actions.length !== 200 || markers.length < 120) throw new Error('The link worker track lost an action');
	}
	trackTimes.sort((a, b) => a - b);
	const trackAt = (q: number) => trackTimes[Math.min(trackTimes.length - 1, Math.ceil(q * trackTimes.length) - 1)]!;
	const trackBytes = JSON.stringify(await track()).length;
	console.log(
		`${engine.padEnd(10)} getPracticeDashboard  median ${fmt(at(0.5))}  p95 ${fmt(at(0.95))}  min ${fmt(times[0]!)}  max ${fmt(times.at(-1)!)}  heap used ${heap.toFixed(1)} MB  data ${(bytes / 1024).toFixed(1)} kB`
	);
	console.log(
		`${engine.padEnd(10)} flags, actions and markers (21 flags, 200 actions)  median ${fmt(trackAt(0.5))}  p95 ${fmt(trackAt(0.95))}  min ${fmt(trackTimes[0]!)}  max ${fmt(trackTimes.at(-1)!)}  data ${(trackBytes / 1024).toFixed(1)} kB`
	);
}

console.log(`Node ${process.version}; ${ROUNDS} closed rounds × ${RESPONSES} responses, ${runs} timed runs after ${WARM_UP} warm-up; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const sqlite = openDatabase({ databasePath: join(dir, 'bench.db') });
try {
	await measure('SQLite', sqlite);
} finally {
	await sqlite.destroy();
	rmSync(dir, { recursive: true, force: true });
}
const base = benchPostgresUrl();
if (base) {
	const bench = await createBenchDatabase(base, 'belonging_bench_dashboard');
	const postgres = openDatabase({ databaseUrl: bench.url });
	try {
		await measure('PostgreSQL', postgres);
	} finally {
		await postgres.destroy();
		await bench.drop();
	}
} else {
	console.log(NO_POSTGRES);
}
