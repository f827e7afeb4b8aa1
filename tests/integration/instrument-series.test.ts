/**
 * Results from instruments whose scores are not one series are never mixed (issue 29), on a real
 * database holding a second staff instrument version with one more statement, and rounds on it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { parseInstrument, type Instrument } from '../../src/lib/npt/instrument';
import { instrumentLabelOf, seriesKeyOf } from '../../src/lib/npt/instrument-comparability';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { getApiPcnHeatmap, getApiPracticeRounds } from '../../src/lib/server/api/data';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getPracticeBenchmarks } from '../../src/lib/server/results/benchmarks';
import { getIcbDashboard } from '../../src/lib/server/results/icb-dashboard';
import { writeIcbPcnsCsv } from '../../src/lib/server/results/icb-exports';
import { getPcnDashboard, viewPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { writeHeatmapCsv, writePcnRoundsCsv } from '../../src/lib/server/results/pcn-exports';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { getNetworkOverview } from '../../src/lib/server/results/overview';
import { itemIdsOf, storeInstrumentVersion } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { getApiPcnRounds } from '../../src/lib/server/api/data';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';
import { parse } from 'csv-parse/sync';

const config = { minResponses: 5, minBenchmarkPractices: 1 };
const TODAY = '2026-11-28';
const PERIOD = { from: '2026-01-01', to: '2026-11-28' };

/** The built-in survey with one more collective action statement: an imported version 2.0, a new series. */
const longer: Instrument = parseInstrument(
	{
		...structuredClone(DEFAULT_STAFF_INSTRUMENT),
		version: '2.0',
		title: 'Longer staff survey',
		provenance: { authors: ['Someone else'], citation: 'Someone else (2026). Longer staff survey.', licence: 'CC BY 4.0', doi: '10.1234/longer' },
		items: [
			...DEFAULT_STAFF_INSTRUMENT.items,
			{ id: 'CA9', construct: 'collective_action', subConstruct: 'contextual_integration', text: 'There is time for it.', reversed: false }
		]
	},
	'longer'
);

/** Every scored answer `point` (reverse-worded statements mirrored), so every score is (point − 1) × 2.5. */
function respondent(instrument: Instrument, point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(instrument.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

async function closedRound(t: TestDatabase, practiceId: number, versionId: number, instrument: Instrument, title: string, closesOn: string, points: AgreementPoint[]) {
	const round = await createRound(t.db, {
		practiceId,
		instrumentVersionId: versionId,
		title,
		opensOn: `${closesOn.slice(0, 7)}-01`,
		closesOn,
		staffHeadcount: 20,
		status: 'closed'
	});
	await t.db.updateTable('round').set({ closed_on: closesOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(t.db, versionId);
	for (const point of points) await storeResponse(t.db, round.id, ids, respondent(instrument, point), closesOn);
	return round;
}

const five = (point: AgreementPoint) => Array<AgreementPoint>(5).fill(point);

describe('results of different instruments on a real database', () => {
	let t: TestDatabase;
	let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let ids: { a: number; b: number; c: number; aSpring: number; aAutumn: number };

	/*
	 * Test Surgery (A): Spring 2026 on the built-in survey, everyone at 10.0; Autumn 2026 on the
	 * longer version, everyone at 0.0. Brook (B) at 7.5 and Castle (C) at 5.0, both on the built-in.
	 * On one instrument A would have fallen notably and the PCN figure would be (0 + 7.5 + 5) / 3.
	 */
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db, { title: 'Winter 2026', opensOn: '2026-12-01', closesOn: '2026-12-31', status: 'draft' });
		const longerId = await storeInstrumentVersion(t.db, longer, 'imported');
		const b = await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		const c = await createPractice(t.db, { odsCode: 'C10001', name: 'Castle Practice', pcnId: f.pcn.id });
		const aSpring = await closedRound(t, f.practice.id, f.versionId, DEFAULT_STAFF_INSTRUMENT, 'A spring 2026', '2026-04-30', five(5));
		const aAutumn = await closedRound(t, f.practice.id, longerId, longer, 'A autumn 2026', '2026-10-31', five(1));
		await closedRound(t, b.id, f.versionId, DEFAULT_STAFF_INSTRUMENT, 'B autumn 2026', '2026-09-30', five(4));
		await closedRound(t, c.id, f.versionId, DEFAULT_STAFF_INSTRUMENT, 'C autumn 2026', '2026-09-30', five(3));
		ids = { a: f.practice.id, b: b.id, c: c.id, aSpring: aSpring.id, aAutumn: aAutumn.id };
	});
	afterEach(() => t.close());

	it('gives the practice no change across the two instruments, breaks its trend, and names both', async () => {
		const d = (await getPracticeDashboard(t.db, ids.a, config, TODAY))!;
		expect(d.change!.differentInstruments).toBe(true);
		expect(Object.values(d.change!.scores)).toEqual([null, null, null, null, null]);
		// Nor is the spring round drawn beside the autumn one in the construct profile.
		expect(d.previous).toBeNull();
		expect(d.trend.map((p) => [p.title, p.run, p.instrument.title, p.shown && p.scores.overall?.mean])).toEqual([
			['A spring 2026', 0, DEFAULT_STAFF_INSTRUMENT.title, 10],
			['A autumn 2026', 1, 'Longer staff survey', 0]
		]);
		expect(d.instruments.map((i) => [i.title, i.version, i.licence, i.doi])).toEqual([
			['Longer staff survey', '2.0', 'CC BY 4.0', '10.1234/longer'],
			[DEFAULT_STAFF_INSTRUMENT.title, '1.0', DEFAULT_STAFF_INSTRUMENT.provenance.licence, null]
		]);
	});

	it('keeps the practice on the other instrument out of the PCN figures, the glance and the common gaps', async () => {
		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		const page = (await viewPcnDashboard(t.db, lead, f.pcn.id, config, { period: PERIOD }, TODAY))!;
		const row = (id: number) => page.practices.find((p) => p.id === id)!;
		expect([row(ids.a).inFigures, row(ids.b).inFigures, row(ids.c).inFigures]).toEqual([false, true, true]);
		expect(row(ids.a).instrument!.title).toBe('Longer staff survey');
		expect(page.otherInstruments).toBe(1);
		expect(page.figuresInstrument).toEqual(instrumentLabelOf(DEFAULT_STAFF_INSTRUMENT));
		// (7.5 + 5.0) / 2 from two practices; 10 people pooled at (5 × 7.5 + 5 × 5) / 10.
		expect(page.figures.practiceMean.overall).toMatchObject({ mean: 6.25, practices: 2 });
		expect(page.figures.pooled.overall).toMatchObject({ mean: 6.25, n: 10, practices: 2 });
		expect(page.figures).toMatchObject({ practicesShown: 2, respondents: 10 });
		// A's own 0.0 is not in the common gaps: only B and C are scored there.
		expect(page.commonGaps.every((gap) => gap.practicesScored === 2)).toBe(true);
		// A fell from 10.0 to 0.0, but on two instruments: no "notable fall" anywhere.
		expect(page.trends.find((trend) => trend.practiceId === ids.a)!.change).toEqual({
			from: 'A spring 2026',
			to: 'A autumn 2026',
			overall: null,
			differentInstruments: true
		});
		const reasons = page.glance.needingSupport.find((p) => p.practiceId === ids.a)?.reasons.map((r) => r.kind) ?? [];
		expect(reasons).not.toContain('fall');
		// Nor is it placed against groups of the built-in survey.
		expect(page.benchmarks.practices.find((p) => p.id === ids.a)).toMatchObject({ otherInstrument: true });
		expect(page.benchmarks.instrument?.version).toBe('1.0');
		expect(page.instruments.map((i) => i.version).sort()).toEqual(['1.0', '2.0']);
	});

	it('reads the period before on the instrument of the period shown', async () => {
		// Only A has a round in the first half of 2026, on the built-in survey: its 10.0 is the period before.
		const d = (await getPcnDashboard(t.db, f.pcn.id, config, { from: '2026-07-01', to: '2026-11-28' }, TODAY))!;
		expect(d.before.practiceMean).toMatchObject({ mean: 10, practices: 1 });
		// Had the latest instrument decided, the period before would have had no practice on it.
		expect(d.figuresInstrument!.version).toBe('1.0');
	});

	it('credits both instruments on the home overview, each round naming its own', async () => {
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [ids.a] });
		const overview = await getNetworkOverview(t.db, config, TODAY, manager);
		expect(overview.instruments.map((i) => i.version)).toEqual(['2.0', '1.0']);
		const rounds = overview.pcns[0]!.practices[0]!.rounds;
		expect(rounds.filter((r) => r.availability === 'closed').map((r) => [r.title, r.instrument.version])).toEqual([
			['A autumn 2026', '2.0'],
			['A spring 2026', '1.0']
		]);
	});

	it('keeps the ICB figures, band counts and over-time line on one instrument, counting the other apart', async () => {
		const d = (await getIcbDashboard(t.db, f.icb.id, config, PERIOD, TODAY))!;
		expect(d.figures.scores.overall).toMatchObject({ mean: 6.25, practices: 2 });
		expect(d.figures.bandCounts.other_instrument).toBe(1);
		expect(d.otherInstruments).toBe(1);
		expect(d.figuresInstrument!.series).toBe(seriesKeyOf(DEFAULT_STAFF_INSTRUMENT));
		expect(d.instruments.map((i) => i.version)).toEqual(['2.0', '1.0']);
		// Apr–Sep 2026: A's spring round at 10 (April is in this half) and B, C: the built-in series only.
		const half = d.overTime.find((h) => h.half.from === '2026-04-01')!;
		expect(half.scores.overall).toMatchObject({ mean: (10 + 7.5 + 5) / 3, practices: 3 });
		const csv = parse(writeIcbPcnsCsv(d).slice(1), { columns: true }) as Record<string, string>[];
		expect(csv[0]).toMatchObject({ practices_other_instrument: '1', instrument_version: '1.0', instrument_title: DEFAULT_STAFF_INSTRUMENT.title });
	});

	it('sets each practice beside practices on its own instrument only', async () => {
		const a = (await getPracticeBenchmarks(t.db, ids.a, config, TODAY))!;
		expect(a.instrument!.version).toBe('2.0');
		expect(a.groups[0]!.scores.overall).toMatchObject({ shown: true, practices: 1 });
		const b = (await getPracticeBenchmarks(t.db, ids.b, config, TODAY))!;
		expect(b.instrument!.version).toBe('1.0');
		// B and C: quartiles of 5.0 and 7.5, never A's 0.0.
		expect(b.groups[0]!.scores.overall).toMatchObject({ shown: true, practices: 2, quartiles: { lower: 5.625, median: 6.25, upper: 6.875 } });
	});

	it('names the instrument of every round and figure in the API and the CSV downloads', async () => {
		const rounds = (await getApiPracticeRounds(t.db, ids.a, config, TODAY))!;
		expect(rounds.rounds.map((r) => [r.title, r.instrument.version, r.instrument.doi, r.comparableWithPrevious])).toEqual([
			['A spring 2026', '1.0', null, null],
			['A autumn 2026', '2.0', '10.1234/longer', false]
		]);
		expect(rounds.rounds[1]!.instrument).toEqual({
			id: DEFAULT_STAFF_INSTRUMENT.id,
			version: '2.0',
			title: 'Longer staff survey',
			licence: 'CC BY 4.0',
			citation: 'Someone else (2026). Longer staff survey.',
			doi: '10.1234/longer'
		});
		const heatmap = (await getApiPcnHeatmap(t.db, f.pcn.id, config, PERIOD, TODAY))!;
		expect(heatmap.figures).toMatchObject({ otherInstruments: 1, instrument: { version: '1.0' }, practicesShown: 2 });
		expect(heatmap.practices.find((p) => p.id === ids.a)).toMatchObject({ inFigures: false, instrument: { version: '2.0' } });

		const heatmapCsv = parse(writeHeatmapCsv(heatmap).slice(1), { columns: true }) as Record<string, string>[];
		const aRow = heatmapCsv.find((r) => r.practice_ods_code === 'A10001' && r.figure === 'overall')!;
		expect(aRow).toMatchObject({ in_pcn_figures: 'no', instrument_version: '2.0', instrument_licence: 'CC BY 4.0', instrument_doi: '10.1234/longer' });
		expect(aRow.note).toMatch(/different instrument/);
		const roundsCsv = parse(writePcnRoundsCsv((await getApiPcnRounds(t.db, f.pcn.id, config, TODAY))!).slice(1), { columns: true }) as Record<
			string,
			string
		>[];
		const autumn = roundsCsv.find((r) => r.round_title === 'A autumn 2026' && r.figure === 'overall')!;
		expect(autumn).toMatchObject({ comparable_with_previous_round: 'no, a different instrument', instrument_title: 'Longer staff survey' });
	});
});
