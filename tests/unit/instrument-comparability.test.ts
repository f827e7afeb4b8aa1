import { describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { SCORE_KEYS, type ScoreKey } from '../../src/lib/npt/constructs';
import { verdictOf } from '../../src/lib/npt/change';
import { icbInPeriod, pcnsNeedingSupport, weakestAcrossIcb, type IcbPracticeInput, type StoredRound } from '../../src/lib/npt/icb';
import { parseInstrument, type Instrument } from '../../src/lib/npt/instrument';
import { distinctLabels, instrumentLabelOf, mainSeries, sameSeries, seriesDefinitionOf, seriesKeyOf } from '../../src/lib/npt/instrument-comparability';
import { comparePracticesIn, sortPractices, type PcnScore } from '../../src/lib/npt/pcn';
import { lastChangeOf, lastNotableFall } from '../../src/lib/npt/pcn-glance';
import { changeSinceRoundBefore, practiceTrend, scoreClosedRounds, type RoundRecord } from '../../src/lib/npt/practice-rounds';
import { summariseRespondents } from '../../src/lib/npt/round-summary';
import type { GroupScore, Respondent } from '../../src/lib/npt/scoring';
import { miniInstrument, miniInstrumentDefinition } from '../fixtures/instruments';

type Definition = ReturnType<typeof miniInstrumentDefinition>;

/** A version of the mini instrument, changed by `change` and validated as any file is. */
function variant(version: string, change: (def: Definition) => void = () => {}): Instrument {
	const def = miniInstrumentDefinition();
	def.version = version;
	change(def);
	return parseInstrument(def, `mini ${version}`);
}

/** The mini instrument with one more collective action statement: a new series. */
const withExtraItem = variant('2.0', (def) => {
	def.items.push({ id: 'A5', construct: 'collective_action', subConstruct: 'skill_set_workability', text: 'A five', reversed: false });
});

describe('when two instrument versions are one series', () => {
	it('keeps the series through wording, help, sub-construct, general items, role groups, provenance, answer labels, α minimum and order', () => {
		const kept = [
			variant('1.1', (def) => (def.items[0]!.text = 'C one, reworded')),
			variant('1.2', (def) => Object.assign(def.items[1]!, { help: 'What we mean by this' })),
			variant('1.3', (def) => (def.items[0]!.subConstruct = 'communal_specification')),
			variant('1.4', (def) => def.generalItems.pop()),
			variant('1.5', (def) => def.roleGroups.pop()),
			variant('1.6', (def) => (def.title = 'Mini, renamed')),
			variant('1.7', (def) => (def.provenance.licence = 'Another licence.')),
			variant('1.8', (def) => (def.scoring.minRespondentsForAlpha = 20)),
			variant('1.9', (def) => def.items.reverse())
		];
		for (const version of kept) {
			expect(sameSeries(miniInstrument, version), version.version).toBe(true);
			expect(seriesKeyOf(version)).toBe(seriesKeyOf(miniInstrument));
		}
	});

	it('starts a new series when a scored statement is added, retired, moved or reversed', () => {
		const changed = [
			withExtraItem,
			variant('2.1', (def) => (def.items = def.items.filter((item) => item.id !== 'A4'))),
			variant('2.2', (def) => Object.assign(def.items[5]!, { construct: 'coherence', subConstruct: 'differentiation' })),
			variant('2.3', (def) => (def.items[0]!.reversed = true)),
			// The same statement under a new id is a new statement (ids are never reused).
			variant('2.4', (def) => (def.items[0]!.id = 'C9'))
		];
		for (const version of changed) expect(sameSeries(miniInstrument, version), version.version).toBe(false);
	});

	it('starts a new series when a band threshold or a scoring rule changes, or it is another instrument or audience', () => {
		const changed = [
			variant('3.0', (def) => (def.bands.belonging = 8)),
			variant('3.1', (def) => (def.bands.belongingConstructMinimum = 6)),
			variant('3.2', (def) => (def.scoring.minItemsFraction = 0.75)),
			variant('3.3', (def) => (def.scoring.minConstructsForOverall = 4)),
			variant('3.4', (def) => (def.scoring.confidenceLevel = 0.9)),
			variant('3.5', (def) => (def.id = 'other')),
			variant('3.6', (def) => Object.assign(def, { audience: 'link_worker', roleGroups: [], freeText: undefined }))
		];
		for (const version of changed) expect(sameSeries(miniInstrument, version), version.version).toBe(false);
		// Keys are distinct from each other too, not only from the original.
		expect(new Set(changed.map(seriesKeyOf)).size).toBe(changed.length);
	});

	it('keys a series shortly by audience, id and a hash of what decides it', () => {
		expect(seriesKeyOf(miniInstrument)).toMatch(/^staff\/mini#[0-9a-z]{1,11}$/);
		expect(seriesDefinitionOf(miniInstrument)).toBe(
			'staff/mini|items=A1:collective_action:f,A2:collective_action:f,A3:collective_action:f,A4:collective_action:f,' +
				'C1:coherence:f,C2:coherence:f,P1:cognitive_participation:f,P2:cognitive_participation:f,P3:cognitive_participation:f,' +
				'R1:reflexive_monitoring:f,R2:reflexive_monitoring:r|scoring=0.5;3;0.95|bands=5;7.5;6.25'
		);
	});

	it('labels a version with its title, version, licence, citation and DOI', () => {
		const cited = variant('1.0.1', (def) => Object.assign(def.provenance, { doi: '10.1234/mini', licenceUrl: 'https://example.org/licence' }));
		expect(instrumentLabelOf(cited)).toEqual({
			id: 'mini',
			version: '1.0.1',
			title: 'Mini test instrument',
			licence: 'Made up for the tests; free to use.',
			licenceUrl: 'https://example.org/licence',
			citation: 'Mini test instrument, made up for the tests.',
			doi: '10.1234/mini',
			series: seriesKeyOf(miniInstrument)
		});
		expect(instrumentLabelOf(miniInstrument).doi).toBeNull();
		const labels = [instrumentLabelOf(withExtraItem), instrumentLabelOf(miniInstrument), instrumentLabelOf(withExtraItem), null];
		expect(distinctLabels(labels).map((l) => l.version)).toEqual(['2.0', '1.0']);
	});

	it('finds the series most members are on, the latest winning a tie', () => {
		expect(mainSeries([])).toBeUndefined();
		expect(mainSeries(['a', 'b', 'a'])).toBe('a');
		expect(mainSeries(['a', 'b', 'b', 'a'])).toBe('a');
		expect(mainSeries(['b', 'a', 'a', 'b'])).toBe('b');
	});
});

/** A respondent answering every statement of the instrument `point` (reverse-worded ones mirrored): every score (point − 1) × 2.5. */
function respondent(instrument: Instrument, point: AgreementPoint): Respondent {
	const agreement = Object.fromEntries(instrument.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {} };
}

let nextId = 1;
function round(instrument: Instrument, title: string, closedOn: string, points: readonly AgreementPoint[], practiceId = 1): RoundRecord {
	return {
		round: {
			id: nextId++,
			practice_id: practiceId,
			title,
			status: 'closed',
			opens_on: `${closedOn.slice(0, 7)}-01`,
			closes_on: closedOn,
			closed_on: closedOn,
			staff_headcount: 20
		},
		availability: 'closed',
		instrument,
		summary: summariseRespondents(instrument, points.map((p) => respondent(instrument, p))),
		responses: points.length,
		comments: []
	};
}
const all = (count: number, point: AgreementPoint) => Array<AgreementPoint>(count).fill(point);
const rules = { minResponses: 5 };

describe('a practice’s change and trend never cross instruments (docs/scoring.md §5)', () => {
	// Spring: 7.5 ×3, 10 ×2 → 8.5; Autumn: 0 ×3, 2.5 ×2 → 1.0. On one instrument Δ = −7.5, far beyond
	// its threshold 1.96 × √(0.375 + 0.375) = 1.697: a notable fall.
	const spring = (instrument: Instrument) => round(instrument, 'Spring', '2026-04-01', [4, 4, 4, 5, 5]);
	const autumn = (instrument: Instrument) => round(instrument, 'Autumn', '2026-10-01', [1, 1, 1, 2, 2]);

	it('measures the change between two rounds of one series', () => {
		const moved = changeSinceRoundBefore(scoreClosedRounds([spring(miniInstrument), autumn(variant('1.1', (d) => (d.items[0]!.text = 'x')))], rules))!;
		expect(moved.differentInstruments).toBe(false);
		expect(moved.scores.overall!.delta).toBeCloseTo(-7.5, 10);
		expect(verdictOf(moved.scores.overall)).toBe('notable_fall');
	});

	it('says "cannot compare" when the rounds used different instruments, for every score, and gives no notable fall', () => {
		const closed = scoreClosedRounds([spring(miniInstrument), autumn(withExtraItem)], rules);
		const moved = changeSinceRoundBefore(closed)!;
		expect(moved.differentInstruments).toBe(true);
		for (const key of SCORE_KEYS) expect(moved.scores[key as ScoreKey], key).toBeNull();
		const last = lastChangeOf(closed)!;
		expect(last).toEqual({ from: 'Spring', to: 'Autumn', overall: null, differentInstruments: true });
		expect(lastNotableFall(last)).toBeNull();
	});

	it('puts the rounds of each series in their own run, and names each round’s instrument', () => {
		const records = [
			spring(miniInstrument),
			round(variant('1.1', (d) => (d.items[0]!.text = 'x')), 'Summer', '2026-07-01', all(5, 3)),
			autumn(withExtraItem),
			round(withExtraItem, 'Winter', '2027-01-10', all(5, 4))
		];
		const trend = practiceTrend(records, rules);
		expect(trend.map((p) => [p.title, p.run, p.instrument.version])).toEqual([
			['Spring', 0, '1.0'],
			['Summer', 0, '1.1'],
			['Autumn', 1, '2.0'],
			['Winter', 1, '2.0']
		]);
		// Going back to the first series is a new run as well: a line never joins across another one.
		const back = practiceTrend([...records, round(miniInstrument, 'Spring 27', '2027-04-01', all(5, 4))], rules);
		expect(back.map((p) => p.run)).toEqual([0, 0, 1, 1, 2]);
	});
});

describe('the PCN figures hold one instrument series (docs/scoring.md §7)', () => {
	/*
	 * 2026: P1 and P2 on the mini instrument (10.0 and 5.0), P3 on the version with one more statement
	 * (0.0). Two practices to one: the figures are on the mini instrument, (10 + 5) / 2 = 7.5 from 2
	 * practices; with P3 it would have been 5.0 from 3. 2025: P1 on the longer version (2.5), P2 on
	 * the mini (7.5): on the mini series the period before is 7.5 from 1 practice.
	 */
	const period = { from: '2026-01-01', to: '2026-12-31' };
	const before = { from: '2025-01-01', to: '2025-12-31' };
	const practices = [
		[round(withExtraItem, 'P1 2025', '2025-05-01', all(5, 2), 1), round(miniInstrument, 'P1 2026', '2026-05-01', all(5, 5), 1)],
		[round(miniInstrument, 'P2 2025', '2025-04-01', all(5, 4), 2), round(miniInstrument, 'P2 2026', '2026-06-01', all(6, 3), 2)],
		[round(withExtraItem, 'P3 2026', '2026-09-01', all(5, 1), 3)]
	];

	it('leaves the practice on another instrument out of every figure and counts it', () => {
		const now = comparePracticesIn(practices, period, rules, miniInstrument);
		expect(now.series).toBe(seriesKeyOf(miniInstrument));
		expect(now.chosen.map((c) => c?.inFigures)).toEqual([true, true, false]);
		expect(now.otherInstruments).toBe(1);
		expect(now.figures.practicesShown).toBe(2);
		expect(now.figures.respondents).toBe(11);
		expect(now.figures.practiceMean.overall).toEqual({ mean: 7.5, practices: 2, band: 'belonging' });
		// Pooled: 5 people at 10 and 6 at 5 → 80 / 11.
		expect(now.figures.pooled.overall!.mean).toBeCloseTo(80 / 11, 10);
		expect(now.figures.pooled.overall!.n).toBe(11);
		// The practice is still shown, on its own instrument: its own result is untouched.
		expect(now.chosen[2]!.result.state).toBe('shown');
		// The bands come from the series' own latest round (P2's), not from P3's later one.
		expect(now.reference).toBe(miniInstrument);
	});

	it('reads the period before on the series shown now', () => {
		const now = comparePracticesIn(practices, period, rules, miniInstrument);
		const then = comparePracticesIn(practices, before, rules, miniInstrument, now.series);
		expect(then.chosen.map((c) => c?.inFigures ?? null)).toEqual([false, true, null]);
		expect(then.figures.practiceMean.overall).toEqual({ mean: 7.5, practices: 1, band: 'belonging' });
		expect(then.otherInstruments).toBe(1);
		// Left to itself, 2025 is one practice each: the later round (P1's, May) decides, the longer version.
		const alone = comparePracticesIn(practices, before, rules, miniInstrument);
		expect(alone.series).toBe(seriesKeyOf(withExtraItem));
		expect(alone.figures.practiceMean.overall!.mean).toBe(2.5);
	});
});

describe('the heatmap ranks only practices on the figures’ instrument', () => {
	const row = (name: string, mean: number, inFigures: boolean) => ({
		name,
		state: 'shown' as const,
		inFigures,
		scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, { mean, interval: null, n: 5, band: 'fitting_in' } as PcnScore])) as Record<ScoreKey, PcnScore>
	});

	it('puts a practice on another instrument after every ranked one, whatever its score', () => {
		const rows = [row('Ash', 6, true), row('Birch', 1, false), row('Cedar', 4, true)];
		expect(sortPractices(rows, 'overall').map((r) => r.name)).toEqual(['Cedar', 'Ash', 'Birch']);
		expect(sortPractices(rows, 'name').map((r) => r.name)).toEqual(['Ash', 'Birch', 'Cedar']);
	});
});

describe('the ICB figures hold one instrument series (docs/scoring.md §7 one level up)', () => {
	const scores = (mean: number, n: number) =>
		Object.fromEntries(SCORE_KEYS.map((key) => [key, { n, mean, sd: 1, interval: { lower: mean - 0.5, upper: mean + 0.5 } }])) as Record<ScoreKey, GroupScore>;
	const stored = (id: number, closedOn: string, mean: number, series: string): StoredRound => ({
		id,
		closedOn,
		respondents: 8,
		scores: scores(mean, 8),
		bands: miniInstrument.bands,
		confidenceLevel: 0.95,
		series
	});
	const practice = (id: number, pcnId: number, closed: StoredRound[]): IcbPracticeInput => ({
		id,
		name: `Practice ${id}`,
		pcnId,
		closed,
		windows: closed.map((r) => ({ opensOn: r.closedOn, closesOn: r.closedOn }))
	});
	const pcns = [
		{ id: 1, name: 'Ashworth PCN', odsCode: 'U1' },
		{ id: 2, name: 'Brook PCN', odsCode: 'U2' }
	];
	const period = { from: '2026-01-01', to: '2026-12-31' };
	// Three practices on series A (8, 6, 7), one on series B at 2.0: without the rule the ICB would be 5.75.
	const practices = [
		practice(1, 1, [stored(11, '2026-03-01', 8, 'A')]),
		practice(2, 1, [stored(21, '2026-04-01', 6, 'A')]),
		practice(3, 2, [stored(31, '2026-05-01', 7, 'A')]),
		practice(4, 2, [stored(41, '2026-11-01', 2, 'B'), stored(40, '2025-06-01', 9, 'A')])
	];

	it('averages only the practices on the main series and counts the other apart', () => {
		const now = icbInPeriod(pcns, practices, period, rules, { bands: miniInstrument.bands, confidenceLevel: 0.95 });
		expect(now.series).toBe('A');
		expect(now.otherInstruments).toBe(1);
		expect(now.icb.scores.overall!.mean).toBe(7);
		expect(now.icb.scores.overall!.practices).toBe(3);
		expect(now.icb.practicesShown).toBe(3);
		expect(now.icb.respondents).toBe(24);
		expect(now.pcns[1]!.scores.overall!.mean).toBe(7);
		// Brook: practice 3 at 7.0 fits in; practice 4 is counted apart, in no band.
		expect(now.pcns[1]!.bandCounts).toEqual({ bolted_on: 0, fitting_in: 1, belonging: 0, not_enough: 0, no_round: 0, other_instrument: 1 });
		// Practice 4's 2.0 is bolted on by its own instrument, but it is in no band count, no weak construct and no PCN reason.
		// Weak constructs: practice 2's 6.0 in each, of 3 practices; practice 4's 2.0 would have made it 2 of 4.
		expect(weakestAcrossIcb(now, 6.25).map((g) => [g.practicesBelow, g.practicesScored])).toEqual([
			[1, 3],
			[1, 3],
			[1, 3],
			[1, 3]
		]);
		const before = icbInPeriod(pcns, practices, { from: '2025-01-01', to: '2025-12-31' }, rules, { bands: miniInstrument.bands, confidenceLevel: 0.95 }, undefined, 'A');
		expect(before.icb.scores.overall!.mean).toBe(9);
		expect(pcnsNeedingSupport(now, before).map((p) => p.reasons.map((r) => r.kind))).toEqual([]);
	});

	it('reads another period on the series asked for', () => {
		const onB = icbInPeriod(pcns, practices, period, rules, { bands: miniInstrument.bands, confidenceLevel: 0.95 }, undefined, 'B');
		expect(onB.icb.scores.overall).toMatchObject({ mean: 2, practices: 1 });
		expect(onB.otherInstruments).toBe(3);
	});
});
