/**
 * A practice's benchmarks (docs/scoring.md §8) from the database: its ICB and every practice in the
 * service over the last twelve months, each practice on its latest closed round in them, with
 * hand-worked quartiles (R type 7); the groups' disclosure; and that a round closed, a round
 * summarised before scores were kept, or a practice moved is seen on the next read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getPracticeBenchmarks, viewPcnBenchmarks, type PracticeBenchmarks } from '../../src/lib/server/results/benchmarks';
import { defaultPeriod, getPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { SCORE_KEYS } from '../../src/lib/npt/constructs';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { closeRound } from '../../src/lib/server/surveys/round-lifecycle';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

const TODAY = '2026-11-28';
const config = { minResponses: 5, minBenchmarkPractices: 10 };

/** A respondent answering every statement `point`, or only the coherence statements. */
function respondent(point: AgreementPoint, only?: 'coherence'): SurveySubmission {
	const items = DEFAULT_STAFF_INSTRUMENT.items.filter((item) => !only || item.construct === only);
	const agreement = Object.fromEntries(items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

/**
 * A closed round whose five respondents give every score 5 + 0.5 × `agreeing`: that many answer
 * every statement 4 (7.5) and the rest 3 (5.0). Made closed, as a round closed before summaries
 * were kept, so the first read must summarise it.
 */
async function closedRound(t: TestDatabase, f: PracticeFixture, practiceId: number, closedOn: string, agreeing: number, people = 5) {
	const round = await createRound(t.db, {
		practiceId,
		instrumentVersionId: f.versionId,
		title: `Round closing ${closedOn}`,
		opensOn: `${closedOn.slice(0, 7)}-01`,
		closesOn: closedOn,
		staffHeadcount: 20,
		status: 'closed'
	});
	await t.db.updateTable('round').set({ closed_on: closedOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(t.db, f.versionId);
	for (let i = 0; i < people; i++) await storeResponse(t.db, round.id, ids, respondent(i < agreeing ? 4 : 3), closedOn);
	return round;
}

const groupOf = (benchmarks: PracticeBenchmarks | undefined, kind: 'icb' | 'service') => benchmarks!.groups.find((g) => g.kind === kind);

describe("a practice's benchmarks", () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	let north: number[];
	let south: number[];
	let southPcn: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		// Test Surgery in Test PCN of Test ICB ("north" here), with its open round of November.
		f = await createPracticeWithRound(t.db);
		north = [f.practice.id];
		for (let i = 1; i <= 11; i++) north.push((await createPractice(t.db, { odsCode: `N${20000 + i}`, name: `North ${i}`, pcnId: f.pcn.id })).id);
		const southIcb = await createIcb(t.db, { odsCode: 'QSS', name: 'South ICB' });
		southPcn = (await createPcn(t.db, { odsCode: 'U20001', name: 'South PCN', icbId: southIcb.id })).id;
		south = [];
		for (let i = 1; i <= 3; i++) south.push((await createPractice(t.db, { odsCode: `S${20000 + i}`, name: `South ${i}`, pcnId: southPcn })).id);

		// North, overall: 7.5 (Test Surgery), then 5.0 5.5 5.5 6.0 6.0 6.5 6.5 7.0 7.5 — ten practices.
		await closedRound(t, f, north[0]!, '2026-10-15', 5);
		const agreeing = [0, 1, 1, 2, 2, 3, 3, 4, 5];
		for (let i = 0; i < agreeing.length; i++) await closedRound(t, f, north[i + 1]!, '2026-06-30', agreeing[i]!);
		// North 2's later round in the period is the one that counts (1 agreeing, 5.5), not its earlier one.
		await closedRound(t, f, north[2]!, '2026-02-27', 5);
		// North 10: four respondents, below MIN_RESPONSES: in no group.
		await closedRound(t, f, north[10]!, '2026-06-30', 4, 4);
		// North 11: four answer everything (7.5), one only coherence: overall withheld (4 people), coherence shown (5).
		const partial = await closedRound(t, f, north[11]!, '2026-06-30', 4, 4);
		await storeResponse(t.db, partial.id, await itemIdsOf(t.db, f.versionId), respondent(4, 'coherence'), '2026-06-30');
		// A round before the period (it began 2025-11-28) counts for nobody.
		await closedRound(t, f, north[1]!, '2025-10-31', 5);
		// South: 5.0, 6.0, 7.0.
		for (const [i, a] of [0, 2, 4].entries()) await closedRound(t, f, south[i]!, '2026-05-29', a);
	});

	afterEach(async () => {
		await t?.close();
	});

	it('sets the practice against the middle half of its ICB: 7.5 lies above 5.625 to 6.875, of ten practices', async () => {
		const benchmarks = await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY);
		expect(benchmarks!.period).toEqual({ from: '2025-11-28', to: TODAY });
		expect(benchmarks!.round).toMatchObject({ closedOn: '2026-10-15' });
		const icb = groupOf(benchmarks, 'icb')!;
		expect(icb.name).toBe('Test ICB');
		// Sorted 5.0 5.5 5.5 6.0 6.0 6.5 6.5 7.0 7.5 7.5: positions 2.25, 4.5 and 6.75.
		expect(icb.scores.overall).toMatchObject({ shown: true, practices: 10, place: 'above' });
		if (!icb.scores.overall.shown) return;
		expect(icb.scores.overall.quartiles.lower).toBeCloseTo(5.625, 12);
		expect(icb.scores.overall.quartiles.median).toBeCloseTo(6.25, 12);
		expect(icb.scores.overall.quartiles.upper).toBeCloseTo(6.875, 12);
	});

	it('counts a practice whose overall score is withheld in the group of a construct it has shown, and no practice below MIN_RESPONSES', async () => {
		const icb = groupOf(await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY), 'icb')!;
		// Coherence: the same ten and North 11's 7.5; positions 2.5, 5 and 7.5 of eleven.
		expect(icb.scores.coherence).toMatchObject({ shown: true, practices: 11 });
		if (!icb.scores.coherence.shown) return;
		expect(icb.scores.coherence.quartiles.lower).toBeCloseTo(5.75, 12);
		expect(icb.scores.coherence.quartiles.median).toBeCloseTo(6.5, 12);
		expect(icb.scores.coherence.quartiles.upper).toBeCloseTo(7.25, 12);
		// Collective action: North 11 has four people behind it, so ten again.
		expect(icb.scores.collective_action).toMatchObject({ shown: true, practices: 10 });
	});

	it('sets it against every practice in the service too: thirteen, 5.5 to 7.0 around 6.0', async () => {
		const service = groupOf(await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY), 'service')!;
		// Sorted 5.0 5.0 5.5 5.5 6.0 6.0 6.0 6.5 6.5 7.0 7.0 7.5 7.5: positions 3, 6 and 9.
		expect(service.scores.overall).toEqual({ shown: true, practices: 13, quartiles: { lower: 5.5, median: 6, upper: 7 }, place: 'above' });
	});

	it('shows no group of fewer than MIN_BENCHMARK_PRACTICES, saying how many more it needs, but still the service', async () => {
		const benchmarks = await getPracticeBenchmarks(t.db, south[0]!, config, TODAY);
		expect(groupOf(benchmarks, 'icb')!.name).toBe('South ICB');
		expect(groupOf(benchmarks, 'icb')!.scores.overall).toEqual({ shown: false, practices: 3, practicesNeeded: 7 });
		// South 1's own 5.0 (interval 5.0 to 5.0) lies below the service's 5.5.
		expect(groupOf(benchmarks, 'service')!.scores.overall).toMatchObject({ shown: true, practices: 13, place: 'below' });
		const stricter = await getPracticeBenchmarks(t.db, f.practice.id, { ...config, minBenchmarkPractices: 11 }, TODAY);
		expect(groupOf(stricter, 'icb')!.scores.overall).toEqual({ shown: false, practices: 10, practicesNeeded: 1 });
		expect(groupOf(stricter, 'icb')!.scores.coherence.shown).toBe(true);
	});

	it('leaves the service out when the ICB holds every practice with a round in the period', async () => {
		expect((await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY))!.serviceIsIcb).toBe(false);
		await t.db.updateTable('practice').set({ pcn_id: f.pcn.id }).where('id', 'in', south).execute();
		const benchmarks = await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY);
		expect(benchmarks!.serviceIsIcb).toBe(true);
		expect(benchmarks!.groups.map((g) => g.kind)).toEqual(['icb']);
		expect(groupOf(benchmarks, 'icb')!.scores.overall).toMatchObject({ shown: true, practices: 13 });
	});

	it('shows the groups beside a practice with nothing shown, placing nothing', async () => {
		const benchmarks = await getPracticeBenchmarks(t.db, north[10]!, config, TODAY);
		expect(benchmarks!.round).not.toBeNull();
		expect(groupOf(benchmarks, 'icb')!.scores.overall).toMatchObject({ shown: true, practices: 10, place: null });
		expect(await getPracticeBenchmarks(t.db, 999_999, config, TODAY)).toBeUndefined();
	});

	it("sets each practice of a PCN against the same groups, from the dashboard's own figures, as each practice's own page does", async () => {
		const period = defaultPeriod(TODAY);
		const dashboard = (await getPcnDashboard(t.db, f.pcn.id, config, period, TODAY))!;
		const view = await viewPcnBenchmarks(t.db, { id: f.icb.id, name: 'Test ICB' }, dashboard.practices, period, config, TODAY);
		expect(view.groups.map((g) => [g.kind, g.rows[0]!.group.practices])).toEqual([['icb', 10], ['service', 13]]);
		const placesOf = (id: number, kind: 'icb' | 'service') => view.practices.find((p) => p.id === id)!.places.find((p) => p.kind === kind)!.places;
		expect(placesOf(f.practice.id, 'icb').overall).toBe('above');
		expect(Object.values(placesOf(north[10]!, 'icb'))).toEqual([null, null, null, null, null]);
		expect(placesOf(north[11]!, 'icb')).toMatchObject({ overall: null, coherence: 'above', collective_action: null });
		for (const id of north) {
			const own = (await getPracticeBenchmarks(t.db, id, config, TODAY))!;
			for (const group of own.groups) {
				for (const key of SCORE_KEYS) {
					const scored = group.scores[key];
					expect(placesOf(id, group.kind)[key], `${id} ${group.kind} ${key}`).toBe(scored.shown ? scored.place : null);
				}
			}
		}
	});

	it('gives every closed round of the period its stored scores on the first read, and reads no answers after', async () => {
		expect(await t.db.selectFrom('round_score').select('round_id').execute()).toHaveLength(0);
		await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY);
		// Sixteen rounds closed in the period; the one before it and the open one have none.
		expect(await t.db.selectFrom('round_score').select('round_id').execute()).toHaveLength(16);
	});

	it('sees a round closed since the last read, and a practice that moved to another ICB', async () => {
		const before = groupOf(await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY), 'icb')!;
		expect(before.scores.overall).toMatchObject({ practices: 10 });

		// Test Surgery's open November round closes with five answers at 1 (0.0): now the practice's latest.
		const ids = await itemIdsOf(t.db, f.versionId);
		for (let i = 0; i < 5; i++) await storeResponse(t.db, f.round.id, ids, respondent(1), '2026-11-20');
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		expect((await closeRound(t.db, f.round.id, manager, TODAY)).ok).toBe(true);
		const after = await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY);
		expect(after!.round).toEqual({ id: f.round.id, closedOn: TODAY });
		// Sorted 0.0 5.0 5.5 5.5 6.0 6.0 6.5 6.5 7.0 7.5: 5.5, 6.0 and 6.5.
		expect(groupOf(after, 'icb')!.scores.overall).toEqual({ shown: true, practices: 10, quartiles: { lower: 5.5, median: 6, upper: 6.5 }, place: 'below' });

		// North 9 (7.0) moves to South: the North group has nine left and is no longer shown.
		await t.db.updateTable('practice').set({ pcn_id: southPcn }).where('id', '=', north[8]!).execute();
		expect(groupOf(await getPracticeBenchmarks(t.db, f.practice.id, config, TODAY), 'icb')!.scores.overall).toEqual({
			shown: false,
			practices: 9,
			practicesNeeded: 1
		});
		expect(groupOf(await getPracticeBenchmarks(t.db, south[0]!, config, TODAY), 'icb')!.scores.overall).toEqual({
			shown: false,
			practices: 4,
			practicesNeeded: 6
		});
	});
});
