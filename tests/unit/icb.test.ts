import { seriesKeyOf } from '../../src/lib/npt/instrument-comparability';
import { describe, expect, it } from 'vitest';
import type { AgreementAnswer } from '../../src/lib/npt/answers';
import { entryOfScores, groupBenchmark, type BenchmarkEntry } from '../../src/lib/npt/benchmarks';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { SCORE_KEYS, type ScoreKey } from '../../src/lib/npt/constructs';
import { scoreFor } from '../../src/lib/npt/change';
import {
	areaChange,
	areaFigure,
	entryOfArea,
	halfYearsUpTo,
	icbInPeriod,
	pcnAgainst,
	pcnEntriesOf,
	pcnGroup,
	pcnsNeedingSupport,
	practiceResultOfStored,
	weakestAcrossIcb,
	type IcbPcnInput,
	type IcbPracticeInput,
	type StoredRound
} from '../../src/lib/npt/icb';
import { practiceResultFrom, type Period } from '../../src/lib/npt/pcn';
import { previousPeriod } from '../../src/lib/npt/pcn-glance';
import { groupScoresFrom, summariseRespondents } from '../../src/lib/npt/round-summary';
import type { GroupScore, Respondent } from '../../src/lib/npt/scoring';
import { seededRandom } from '../../src/lib/server/demo/random';

const BANDS = DEFAULT_STAFF_INSTRUMENT.bands;
const LEVEL = DEFAULT_STAFF_INSTRUMENT.scoring.confidenceLevel;
const REFERENCE = { bands: BANDS, confidenceLevel: LEVEL };
const rules = { minResponses: 5 };

/** A stored round whose every score is `mean` with n people behind it (interval ± 0.5), or with some scores' people fewer. */
function round(id: number, closedOn: string, respondents: number, mean: number | Partial<Record<ScoreKey, number>>, fewer: Partial<Record<ScoreKey, number>> = {}): StoredRound {
	const scores = {} as Record<ScoreKey, GroupScore>;
	for (const key of SCORE_KEYS) {
		const m = typeof mean === 'number' ? mean : (mean[key] ?? 6);
		const n = fewer[key] ?? respondents;
		scores[key] = { n, mean: m, sd: 1, interval: { lower: m - 0.5, upper: m + 0.5 } };
	}
	return { id, closedOn, respondents, scores, bands: BANDS, confidenceLevel: LEVEL, series: 'one' };
}

const practice = (id: number, pcnId: number, closed: StoredRound[], windows = closed.map((r) => ({ opensOn: `${r.closedOn.slice(0, 8)}01`, closesOn: r.closedOn }))): IcbPracticeInput => ({
	id,
	name: `Practice ${id}`,
	pcnId,
	closed,
	windows
});

const PCNS: IcbPcnInput[] = [
	{ id: 1, name: 'Ashworth PCN', odsCode: 'U1' },
	{ id: 2, name: 'Brook PCN', odsCode: 'U2' }
];
const PERIOD: Period = { from: '2025-12-01', to: '2026-11-30' };

describe('the ICB in a period (docs/scoring.md §7 one level up)', () => {
	/*
	 * Ashworth: practice 1 at 8.0 (its earlier 4.0 round is not the one), practice 2 at 6.0, practice 3
	 * below MIN_RESPONSES (4 people), practice 4 with no round in the period (only one in 2024).
	 * Brook: practice 5 at 3.0; practice 6 at 7.0 overall with coherence withheld (4 people behind it).
	 */
	const practices = [
		practice(1, 1, [round(11, '2026-03-31', 8, 4), round(12, '2026-09-30', 8, 8)]),
		practice(2, 1, [round(21, '2026-06-30', 6, 6)]),
		practice(3, 1, [round(31, '2026-06-30', 4, 9)]),
		practice(4, 1, [round(41, '2024-06-30', 9, 5)]),
		practice(5, 2, [round(51, '2026-02-27', 10, 3)]),
		practice(6, 2, [round(61, '2026-05-29', 7, 7, { coherence: 4 })])
	];
	const now = icbInPeriod(PCNS, practices, PERIOD, rules, REFERENCE);

	it('puts each practice on its latest round closed in the period, a withheld one included, never an older one', () => {
		expect(now.practices.map((p) => [p.id, p.round?.id ?? null, p.result.state])).toEqual([
			[1, 12, 'shown'],
			[2, 21, 'shown'],
			[3, 31, 'withheld'],
			[4, null, 'no_round'],
			[5, 51, 'shown'],
			[6, 61, 'shown']
		]);
		expect(now.practices[2]!.result).toEqual({ state: 'withheld', respondentsNeeded: 1 });
	});

	it("makes each PCN's figure the mean of its practices' shown scores, counting only shown practices' respondents", () => {
		const [ashworth, brook] = now.pcns;
		// Ashworth: (8 + 6) / 2 = 7.0; sd √2; t(0.975, 1) = 12.706, so 7 ± 12.706 × √2 / √2, cut at 0 and 10.
		expect(ashworth!.scores.overall).toMatchObject({ mean: 7, practices: 2, band: 'fitting_in' });
		expect(ashworth!.scores.overall!.sd).toBeCloseTo(Math.SQRT2, 12);
		expect(ashworth!.scores.overall!.interval).toEqual({ lower: 0, upper: 10 });
		expect(ashworth).toMatchObject({ practices: 4, practicesShown: 2, respondents: 14 });
		// Brook: overall (3 + 7) / 2 = 5.0; coherence only practice 5's 3.0, practice 6's being withheld.
		expect(brook!.scores.overall).toMatchObject({ mean: 5, practices: 2 });
		expect(brook!.scores.coherence).toEqual({ mean: 3, practices: 1, sd: null, interval: null, band: 'bolted_on' });
		expect(brook).toMatchObject({ practices: 2, practicesShown: 2, respondents: 17 });
	});

	it("makes the ICB's figure the mean over every practice shown in it, each once: (8 + 6 + 3 + 7) / 4 = 6.0", () => {
		expect(now.icb.scores.overall).toMatchObject({ mean: 6, practices: 4, band: 'fitting_in' });
		// Coherence: 8, 6 and 3 (practice 6's withheld): 17 / 3.
		expect(now.icb.scores.coherence!.mean).toBeCloseTo(17 / 3, 12);
		expect(now.icb.scores.coherence!.practices).toBe(3);
		expect(now.icb).toMatchObject({ practices: 6, practicesShown: 4, respondents: 31 });
	});

	it('counts practices by band, and those that cannot be placed', () => {
		// Practice 1 (8.0, every construct 8.0) belongs; 2 (6.0) fits in; 5 (3.0) is bolted on; 6 has
		// 7.0 but coherence withheld, so cannot be confirmed as belonging: fitting in.
		expect(now.pcns[0]!.bandCounts).toEqual({ bolted_on: 0, fitting_in: 1, belonging: 1, not_enough: 1, no_round: 1, other_instrument: 0 });
		expect(now.pcns[1]!.bandCounts).toEqual({ bolted_on: 1, fitting_in: 1, belonging: 0, not_enough: 0, no_round: 0, other_instrument: 0 });
		expect(now.icb.bandCounts).toEqual({ bolted_on: 1, fitting_in: 2, belonging: 1, not_enough: 1, no_round: 1, other_instrument: 0 });
	});

	it('says whether a practice had a round taking answers in the period', () => {
		expect(now.practices.map((p) => p.surveyed)).toEqual([true, true, true, false, true, true]);
	});

	it('names the PCNs that may need support and why, in name order, from the same function for both periods', () => {
		const before = icbInPeriod(PCNS, practices, previousPeriod(PERIOD), rules, REFERENCE);
		// Ashworth places 2 of 4 practices: half is enough. Brook is fitting in and had nothing before.
		expect(pcnsNeedingSupport(now, before)).toEqual([]);
		const fewer = icbInPeriod(PCNS, [...practices, practice(7, 1, [])], PERIOD, rules, REFERENCE);
		expect(pcnsNeedingSupport(fewer, before)).toEqual([
			{ pcnId: 1, name: 'Ashworth PCN', reasons: [{ kind: 'few_shown', practices: 5, shown: 2, noRound: 2, notEnough: 1, otherInstrument: 0 }] }
		]);
		const low = icbInPeriod(PCNS, [practice(8, 2, [round(81, '2026-04-30', 6, 2)]), practice(9, 2, [round(91, '2026-04-30', 6, 4)])], PERIOD, rules, REFERENCE);
		expect(pcnsNeedingSupport(low, before)).toEqual([{ pcnId: 2, name: 'Brook PCN', reasons: [{ kind: 'bolted_on', mean: 3 }] }]);
	});

	it('judges a fall of an area as a practice is judged: across practices, 1.96 standard errors', () => {
		const before = areaFigure([8, 8.5, 9, 8.5], BANDS, LEVEL);
		const after = areaFigure([5, 5.5, 6, 5.5], BANDS, LEVEL);
		const change = areaChange(before, after)!;
		expect(change).toMatchObject({ previous: 8.5, latest: 5.5, delta: -3, notable: true, direction: 'fall' });
		// Each sd is √(0.5 / 3); the threshold 1.96 × √(2 × sd² / 4).
		expect(change.threshold).toBeCloseTo(1.96 * Math.sqrt((2 * (0.5 / 3)) / 4), 12);
		expect(areaChange(areaFigure([8], BANDS, LEVEL), after)).toBeNull();
	});

	it('finds the constructs weakest across the ICB over every practice shown', () => {
		const weak = icbInPeriod(PCNS, [practice(1, 1, [round(1, '2026-04-30', 6, { overall: 6, coherence: 4 })]), practice(2, 2, [round(2, '2026-04-30', 6, { overall: 6, coherence: 5 })])], PERIOD, rules, REFERENCE);
		const gaps = weakestAcrossIcb(weak, 6.25);
		expect(gaps[0]).toMatchObject({ construct: 'coherence', practicesBelow: 2, practicesScored: 2, pcnMean: 4.5 });
	});
});

describe('an area figure', () => {
	it('is the mean of practice scores with a t interval across them: 5, 6, 7 give 6.0 ± 2.484', () => {
		const figure = areaFigure([5, 6, 7], BANDS, 0.95)!;
		const half = 4.302652729749464 / Math.sqrt(3);
		expect(figure.mean).toBe(6);
		expect(figure.sd).toBe(1);
		expect(figure.interval!.lower).toBeCloseTo(6 - half, 6);
		expect(figure.interval!.upper).toBeCloseTo(6 + half, 6);
		expect(figure.band).toBe('fitting_in');
		expect(areaFigure([], BANDS, 0.95)).toBeNull();
	});
});

describe('half-years of the NHS financial year', () => {
	it('run April to September and October to March, oldest first, from the first close to today', () => {
		expect(halfYearsUpTo('2026-12-06', '2025-05-01').map((h) => [h.label, h.from, h.to])).toEqual([
			['Apr–Sep 2025', '2025-04-01', '2025-09-30'],
			['Oct 2025–Mar 2026', '2025-10-01', '2026-03-31'],
			['Apr–Sep 2026', '2026-04-01', '2026-09-30'],
			['Oct 2026–Mar 2027', '2026-10-01', '2027-03-31']
		]);
		expect(halfYearsUpTo('2026-02-10', null).map((h) => h.label)).toEqual(['Oct 2025–Mar 2026']);
		expect(halfYearsUpTo('2026-12-06', '2010-01-01')).toHaveLength(8);
	});
});

describe('PCNs against every PCN (docs/scoring.md §8 one level up)', () => {
	const entry = (overall: number): BenchmarkEntry => Object.fromEntries(SCORE_KEYS.map((k) => [k, { mean: overall, interval: { lower: overall - 0.2, upper: overall + 0.2 } }])) as BenchmarkEntry;

	it('shows no group of nine PCNs, and the quartiles of ten', () => {
		const nine = Array.from({ length: 9 }, (_, i) => entry(4 + i * 0.5));
		expect(pcnGroup(nine, { minPractices: 10 }).overall).toEqual({ shown: false, practices: 9, practicesNeeded: 1 });
		// 4.0 … 8.5 in steps of 0.5: positions 2.25, 4.5, 6.75 give 5.125, 6.25, 7.375.
		const ten = [...nine, entry(8.5)];
		const group = pcnGroup(ten, { minPractices: 10 });
		expect(group.overall).toEqual({ shown: true, practices: 10, quartiles: { lower: 5.125, median: 6.25, upper: 7.375 } });
		expect(pcnAgainst(entry(8), group).overall).toMatchObject({ place: 'above' });
		expect(pcnAgainst(entry(6), group).overall).toMatchObject({ place: 'within' });
		expect(pcnAgainst(null, group).overall).toMatchObject({ shown: true, place: null });
	});

	it("makes a PCN's entry from its practices' entries exactly as its figure on the ICB page", () => {
		const practices = [entry(5), entry(7), null];
		const pcn = pcnEntriesOf(new Map([[1, practices]]), BANDS, LEVEL).get(1)!;
		expect(pcn).toEqual(entryOfArea({ scores: Object.fromEntries(SCORE_KEYS.map((k) => [k, areaFigure([5, 7], BANDS, LEVEL)])) as never }));
	});
});

/** A random respondent: each statement answered at random, marked not relevant, or skipped. */
function randomRespondent(random: () => number): Respondent {
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		const roll = random();
		if (roll < 0.15) continue;
		agreement[item.id] = roll < 0.22 ? 'not_relevant_role' : ((1 + Math.floor(random() * 5)) as AgreementAnswer);
	}
	return { roleGroup: 'clinical', agreement, general: {} };
}

/** A round's stored scores as round_score keeps them, and the summary the PCN view reads. */
function storedRound(random: () => number, id: number, closedOn: string, people: number) {
	const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, Array.from({ length: people }, () => randomRespondent(random)));
	const scores = groupScoresFrom(summary.everyone, LEVEL);
	const stored: StoredRound = {
		id,
		closedOn,
		respondents: summary.everyone.respondents,
		scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, scoreFor(scores, key)])) as Record<ScoreKey, GroupScore>,
		bands: BANDS,
		confidenceLevel: LEVEL,
		series: seriesKeyOf(DEFAULT_STAFF_INSTRUMENT)
	};
	return { summary, stored };
}

describe('the ICB view from stored scores (property tests over random hierarchies)', () => {
	it('reads a practice exactly as the PCN view does from its summary, over 300 random rounds', () => {
		const random = seededRandom(26);
		for (let trial = 0; trial < 300; trial++) {
			const { summary, stored } = storedRound(random, trial, '2026-06-30', Math.floor(random() * 12));
			const rules = { minResponses: 3 + Math.floor(random() * 5) };
			expect(practiceResultOfStored(stored, rules)).toEqual(practiceResultFrom(DEFAULT_STAFF_INSTRUMENT, summary, null, rules));
		}
	});

	it('gives every figure at every level and in every period the same, whatever a withheld figure holds, so none can be worked back', () => {
		const random = seededRandom(2027);
		const day = (offset: number) => new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
		for (let trial = 0; trial < 60; trial++) {
			const rules = { minResponses: 3 + Math.floor(random() * 4) };
			const benchmarkRules = { minPractices: 2 + Math.floor(random() * 6) };
			// ICBs of PCNs of practices, each with a few closed rounds over four years.
			const icbs: { pcns: IcbPcnInput[]; practices: IcbPracticeInput[] }[] = [];
			let id = 0;
			for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
				const pcns: IcbPcnInput[] = [];
				const practices: IcbPracticeInput[] = [];
				for (let p = 0; p < 1 + Math.floor(random() * 4); p++) {
					const pcn = { id: ++id, name: `PCN ${id}`, odsCode: `U${id}` };
					pcns.push(pcn);
					for (let q = 0; q < 1 + Math.floor(random() * 5); q++) {
						const closed = Array.from({ length: Math.floor(random() * 5) }, () => storedRound(random, ++id, day(Math.floor(random() * 1400)), Math.floor(random() * 10)).stored);
						practices.push(practice(++id, pcn.id, closed));
					}
				}
				icbs.push({ pcns, practices });
			}
			const today = day(1400);
			const periods: Period[] = [{ from: day(1035), to: today }, previousPeriod({ from: day(1035), to: today }), ...halfYearsUpTo(today, day(0))];
			for (let k = 0; k < 3; k++) {
				const from = Math.floor(random() * 1300);
				periods.push({ from: day(from), to: day(from + 30 + Math.floor(random() * 400)) });
			}

			/** Everything any level shows in every period: each ICB's page and every group of PCNs and of practices. */
			const everythingShown = (hierarchy: typeof icbs) =>
				periods.map((period) => {
					const views = hierarchy.map(({ pcns, practices }) => icbInPeriod(pcns, practices, period, rules, REFERENCE));
					const before = hierarchy.map(({ pcns, practices }) => icbInPeriod(pcns, practices, previousPeriod(period), rules, REFERENCE));
					const pcnEntries = views.flatMap((view) => view.pcns.map((pcn) => entryOfArea(pcn)));
					const pcnGroupShown = pcnGroup(pcnEntries, benchmarkRules);
					const practiceEntries = (view: (typeof views)[number]) =>
						view.practices.map((p) => {
							const chosen = hierarchy.flatMap((h) => h.practices).find((x) => x.id === p.id)!.closed.find((r) => r.id === p.round?.id);
							return chosen ? entryOfScores(chosen, rules) : null;
						});
					const service = views.flatMap(practiceEntries);
					return {
						views: views.map((view, i) => ({
							pcns: view.pcns,
							icb: view.icb,
							practices: view.practices,
							needingSupport: pcnsNeedingSupport(view, before[i]!),
							weakest: weakestAcrossIcb(view),
							change: areaChange(before[i]!.icb.scores.overall, view.icb.scores.overall),
							pcnsAgainst: view.pcns.map((pcn) => pcnAgainst(entryOfArea(pcn), pcnGroupShown)),
							icbPracticeGroup: SCORE_KEYS.map((key) => groupBenchmark(practiceEntries(view), key, benchmarkRules))
						})),
						servicePracticeGroup: SCORE_KEYS.map((key) => groupBenchmark(service, key, benchmarkRules)),
						pcnGroup: pcnGroupShown
					};
				});

			// The same hierarchy with every figure the rules withhold replaced by another value.
			const altered = icbs.map(({ pcns, practices }) => ({
				pcns,
				practices: practices.map((p) => ({
					...p,
					closed: p.closed.map((r) => {
						const hidden = r.respondents < rules.minResponses;
						const scores = Object.fromEntries(
							SCORE_KEYS.map((key) => {
								const score = r.scores[key];
								const withheld = hidden || score.n < rules.minResponses || score.mean === null;
								return [key, withheld ? { ...score, mean: random() * 10, sd: random() * 3, interval: { lower: 0, upper: 10 } } : score];
							})
						) as Record<ScoreKey, GroupScore>;
						return { ...r, scores };
					})
				}))
			}));
			expect(everythingShown(altered)).toEqual(everythingShown(icbs));
		}
	});
});
