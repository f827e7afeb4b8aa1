/**
 * The instrument report's figures (issue 29), pinned by hand: Feldt intervals to published
 * reference values, and α, α if dropped, item–rest and inter-item correlations on a small matrix
 * worked out in the comments below, built into ConsistencySums by the same code that stores a
 * round's summary.
 */
import { describe, expect, it } from 'vitest';
import type { AgreementAnswer, AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { Instrument } from '../../src/lib/npt/instrument';
import {
	constructReliability,
	feldtInterval,
	itemRates,
	NOMAD_CONTEXT,
	readConstruct,
	readItem,
	withoutItem,
	type ConstructReliability
} from '../../src/lib/npt/reliability';
import { summariseRespondents, type ConsistencySums } from '../../src/lib/npt/round-summary';

const RULES = { minResponses: 3 };

describe('feldtInterval', () => {
	const cases: [alpha: number, n: number, k: number, lower: number, upper: number][] = [
		[0.913, 873, 20, 0.9044024, 0.9211588],
		[0.83, 100, 20, 0.7776476, 0.8748043],
		[0.71, 10, 4, 0.2370519, 0.919095],
		[0.71, 5, 4, -0.1951505, 0.9668615]
	];
	it.each(cases)('α %s, n %s, k %s → %s to %s', (alpha, n, k, lower, upper) => {
		const interval = feldtInterval(alpha, n, k, 0.95)!;
		expect(Math.abs(interval.lower - lower)).toBeLessThan(1e-7);
		expect(Math.abs(interval.upper - upper)).toBeLessThan(1e-7);
	});

	it('keeps a lower bound below 0 as computed', () => {
		expect(feldtInterval(0.71, 5, 4, 0.95)!.lower).toBeLessThan(0);
	});

	it('gives no interval from fewer than two people or statements', () => {
		expect(feldtInterval(0.7, 1, 4, 0.95)).toBeNull();
		expect(feldtInterval(0.7, 10, 1, 0.95)).toBeNull();
	});

	it('is narrower at a lower confidence level', () => {
		const wide = feldtInterval(0.8, 30, 5, 0.95)!;
		const narrow = feldtInterval(0.8, 30, 5, 0.9)!;
		expect(narrow.lower).toBeGreaterThan(wide.lower);
		expect(narrow.upper).toBeLessThan(wide.upper);
	});
});

/*
 * A construct of three statements, A, B and C, C reverse-worded, on an instrument that gives α
 * from 2 complete people. Six people, scored on the 0–4 scale of steps (scored value ÷ 2.5; every
 * figure below is the same on the 0–10 scale, as correlations and α do not change with a unit):
 *
 *   person   A  B  C
 *     1      4  4  3
 *     2      3  2  4
 *     3      2  3  0
 *     4      1  0  2
 *     5      2  2  1
 *     6      0  1  2
 *   sum     12 12 12   (means 2, 2, 2)
 *
 * Deviations from the mean: A 2 1 0 −1 0 −2, B 2 0 1 −2 0 −1, C 1 2 −2 0 −1 0.
 * Sums of squares: A 4+1+0+1+0+4 = 10, B 4+0+1+4+0+1 = 10, C 1+4+4+0+1+0 = 10 → variances 10/5 = 2.
 * Cross-products: AB 4+0+0+2+0+2 = 8, AC 2+2+0+0+0+0 = 4, BC 2+0−2+0+0+0 = 0
 *   → covariances AB 1.6, AC 0.8, BC 0.
 * Total variance: 2+2+2 + 2(1.6+0.8+0) = 10.8; α = 3/2 × (1 − 6/10.8) = 2/3.
 * α if dropped (two statements, α = 2(1 − 4/total)):
 *   drop A: B, C total 4 → 0;  drop B: A, C total 5.6 → 4/7;  drop C: A, B total 7.2 → 8/9.
 * Item–rest r:
 *   A vs B+C: cov 1.6+0.8 = 2.4, var(B+C) = 4   → 2.4/√(2×4)   = 0.8485281
 *   B vs A+C: cov 1.6+0   = 1.6, var(A+C) = 5.6 → 1.6/√(2×5.6) = 0.4780914
 *   C vs A+B: cov 0.8+0   = 0.8, var(A+B) = 7.2 → 0.8/√(2×7.2) = 0.2108185
 * Inter-item r: AB 1.6/2 = 0.8, AC 0.4, BC 0 → range 0 to 0.8.
 */
const STEPS = [
	[4, 4, 3],
	[3, 2, 4],
	[2, 3, 0],
	[1, 0, 2],
	[2, 2, 1],
	[0, 1, 2]
];

const coherence = DEFAULT_STAFF_INSTRUMENT.items.filter((item) => item.construct === 'coherence').slice(0, 3);
const [A, B, C] = [coherence[0]!.id, coherence[1]!.id, coherence[2]!.id];
const INSTRUMENT: Instrument = {
	...DEFAULT_STAFF_INSTRUMENT,
	items: [
		coherence[0]!,
		coherence[1]!,
		{ ...coherence[2]!, reversed: true },
		...DEFAULT_STAFF_INSTRUMENT.items.filter((item) => item.construct !== 'coherence')
	],
	scoring: { ...DEFAULT_STAFF_INSTRUMENT.scoring, minRespondentsForAlpha: 2 }
};

/** The stored answer that scores `step` steps (step + 1, or 5 − step when reversed). */
const answer = (step: number, reversed: boolean) => (reversed ? 5 - step : step + 1) as AgreementPoint;

function sumsOf(rows: number[][]): ConsistencySums {
	const respondents = rows.map((row) => ({
		roleGroup: null,
		agreement: { [A]: answer(row[0]!, false), [B]: answer(row[1]!, false), [C]: answer(row[2]!, true) } as Record<string, AgreementAnswer>,
		general: {}
	}));
	return summariseRespondents(INSTRUMENT, respondents).consistency.coherence;
}

describe('constructReliability', () => {
	const sums = sumsOf(STEPS);
	const result = constructReliability(INSTRUMENT, 'coherence', sums, RULES);

	it('builds the sums from the reversed scores', () => {
		expect(sums.complete).toBe(6);
		expect(sums.sums).toEqual([30, 30, 30]);
	});

	it('gives α = 2/3 and its Feldt interval', () => {
		expect(result.withheld).toBeNull();
		expect(result.alpha).toBeCloseTo(2 / 3, 12);
		const expected = feldtInterval(2 / 3, 6, 3, 0.95)!;
		expect(result.interval!.lower).toBeCloseTo(expected.lower, 12);
		expect(result.interval!.upper).toBeCloseTo(expected.upper, 12);
	});

	it('gives α if each statement were dropped', () => {
		const dropped = result.items.map((i) => i.alphaIfDropped!);
		expect(dropped[0]).toBeCloseTo(0, 12);
		expect(dropped[1]).toBeCloseTo(4 / 7, 12);
		expect(dropped[2]).toBeCloseTo(8 / 9, 12);
	});

	it('gives each statement’s item–rest correlation', () => {
		expect(result.items.map((i) => i.itemId)).toEqual([A, B, C]);
		expect(result.items[0]!.itemRest).toBeCloseTo(0.8485281, 7);
		expect(result.items[1]!.itemRest).toBeCloseTo(0.4780914, 7);
		expect(result.items[2]!.itemRest).toBeCloseTo(0.2108185, 7);
	});

	it('gives the range of inter-item correlations', () => {
		expect(result.interItem!.min).toBeCloseTo(0, 12);
		expect(result.interItem!.max).toBeCloseTo(0.8, 12);
	});

	it('withholds everything below the α minimum or MIN_RESPONSES, whichever is higher', () => {
		const few = constructReliability(INSTRUMENT, 'coherence', sumsOf(STEPS.slice(0, 2)), RULES);
		expect(few).toMatchObject({ withheld: 'too_few', alpha: null, interval: null, interItem: null, complete: 2, minimum: 3 });
		expect(few.items.every((i) => i.itemRest === null && i.alphaIfDropped === null)).toBe(true);
		const built = constructReliability(DEFAULT_STAFF_INSTRUMENT, 'coherence', { complete: 9, sums: [1, 2, 3, 4, 5], products: Array(15).fill(50) }, RULES);
		expect(built).toMatchObject({ withheld: 'too_few', minimum: 10 });
	});

	it('says so when nobody’s answers vary, with no NaN', () => {
		const same = constructReliability(INSTRUMENT, 'coherence', sumsOf(STEPS.map(() => [2, 2, 2])), RULES);
		expect(same).toMatchObject({ withheld: 'no_variation', alpha: null, interval: null, interItem: null });
		expect(readConstruct(same)[0]).toMatch(/same answers/);
		expect(JSON.stringify(same)).not.toMatch(/NaN/);
	});

	it('leaves out the correlations of a statement that does not vary', () => {
		const rows = STEPS.map((row) => [row[0]!, row[1]!, 2]);
		const still = constructReliability(INSTRUMENT, 'coherence', sumsOf(rows), RULES);
		// A and B alone vary: α from (A, B, constant C) = 3/2 × (1 − 4/7.2) = 2/3.
		expect(still.alpha).toBeCloseTo(2 / 3, 12);
		expect(still.items[2]!.itemRest).toBeNull();
		expect(still.interItem!.min).toBeCloseTo(0.8, 12);
		expect(still.interItem!.max).toBeCloseTo(0.8, 12);
	});

	it('drops a statement from the sums as if it had never been asked', () => {
		const withoutB = withoutItem(sums, 1);
		const direct = summariseRespondents(
			{ ...INSTRUMENT, items: INSTRUMENT.items.filter((i) => i.id !== B) },
			STEPS.map((row) => ({ roleGroup: null, agreement: { [A]: answer(row[0]!, false), [C]: answer(row[2]!, true) }, general: {} }))
		).consistency.coherence;
		expect(withoutB).toEqual(direct);
	});
});

describe('itemRates', () => {
	// 20 scored (1, 2, 3, 4 and 10 at points 1–5), 8 "not relevant" (5 role, 2 stage, 1 practice), 30 asked: 2 skipped.
	const counts = [1, 2, 3, 4, 10, 5, 2, 1];
	const item = DEFAULT_STAFF_INSTRUMENT.items.find((i) => !i.reversed)!;
	const reversed = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.reversed)!;

	it('gives "not relevant" by kind and skips as shares of the people asked', () => {
		const rates = itemRates(item, counts, 30, RULES);
		expect(rates.scored).toBe(20);
		expect(rates.notRelevant!.role).toBeCloseTo(5 / 30, 12);
		expect(rates.notRelevant!.stage).toBeCloseTo(2 / 30, 12);
		expect(rates.notRelevant!.practice).toBeCloseTo(1 / 30, 12);
		expect(rates.skipped).toBeCloseTo(2 / 30, 12);
	});

	it('gives floor and ceiling as shares of the scored answers, reversal taken into account', () => {
		const plain = itemRates(item, counts, 30, RULES);
		expect(plain.floor).toBeCloseTo(1 / 20, 12);
		expect(plain.ceiling).toBeCloseTo(10 / 20, 12);
		// Reverse-worded: a 5 ("strongly agree") scores 0, a 1 scores 10.
		const back = itemRates(reversed, counts, 30, RULES);
		expect(back.floor).toBeCloseTo(10 / 20, 12);
		expect(back.ceiling).toBeCloseTo(1 / 20, 12);
	});

	it('withholds shares computed from fewer than MIN_RESPONSES people', () => {
		// 2 scored of 4 asked: "not relevant" and skips may show (4 ≥ 3), floor and ceiling not.
		const rates = itemRates(item, [0, 0, 0, 1, 1, 1, 0, 0], 4, RULES);
		expect(rates.notRelevant).not.toBeNull();
		expect(rates.skipped).toBeCloseTo(1 / 4, 12);
		expect(rates.floor).toBeNull();
		expect(rates.ceiling).toBeNull();
		const none = itemRates(item, [0, 0, 0, 0, 0, 0, 0, 0], 2, RULES);
		expect(none).toMatchObject({ notRelevant: null, skipped: null, floor: null, ceiling: null });
	});
});

describe('readings', () => {
	const shown = (alpha: number, interval: [number, number], interItem: [number, number]): ConstructReliability => ({
		construct: 'coherence',
		itemIds: [A, B, C],
		complete: 50,
		minimum: 10,
		alpha,
		interval: { lower: interval[0], upper: interval[1] },
		withheld: null,
		interItem: { min: interItem[0], max: interItem[1] },
		items: []
	});

	it('reads a wide interval as too wide to judge yet', () => {
		expect(readConstruct(shown(0.7, [0.3, 0.9], [0.2, 0.5])).join(' ')).toMatch(/too wide to judge yet/);
		expect(readConstruct(shown(0.7, [0.6, 0.8], [0.2, 0.5])).join(' ')).not.toMatch(/too wide/);
	});

	it('sets α against NoMAD’s published range as context', () => {
		expect(readConstruct(shown(0.5, [0.4, 0.6], [0.1, 0.4])).join(' ')).toMatch(/below the range published for NoMAD/);
		expect(readConstruct(shown(0.7, [0.6, 0.8], [0.1, 0.4])).join(' ')).toMatch(/within the range published for NoMAD/);
		expect(readConstruct(shown(0.87, [0.84, 0.9], [0.4, 0.7])).join(' ')).toMatch(/^α is above the range published for NoMAD’s construct scales \(about 0\.62 to 0\.85\)\.$/);
		expect(readConstruct(shown(0.93, [0.9, 0.95], [0.6, 0.85])).join(' ')).toMatch(/above the range.*nearly the same thing.*same thing twice/);
		expect(NOMAD_CONTEXT.text).toMatch(/not a target or a pass mark/);
	});

	it('reads a negative inter-item correlation as a possible reversal', () => {
		expect(readConstruct(shown(0.7, [0.6, 0.8], [-0.1, 0.5])).join(' ')).toMatch(/opposite directions/);
	});

	it('says how many more people α needs', () => {
		const few = constructReliability(INSTRUMENT, 'coherence', sumsOf(STEPS.slice(0, 2)), RULES);
		expect(readConstruct(few)).toEqual(['Not enough people have scored every statement of this construct yet: α needs 3, and 1 more is needed.']);
	});

	it('reads a statement’s figures', () => {
		const rates = itemRates(DEFAULT_STAFF_INSTRUMENT.items[0]!, [0, 0, 1, 1, 8, 4, 0, 0], 16, RULES);
		const text = readItem({ itemId: 'x', itemRest: 0.1, alphaIfDropped: 0.75 }, 0.7, rates).join(' ');
		expect(text).toMatch(/barely moves with the rest/);
		expect(text).toMatch(/Dropping this statement would raise α \(to 0\.75\)/);
		expect(text).toMatch(/Many people \(25%\) found this not relevant to their role/);
		expect(text).toMatch(/Many people \(13%\) skipped it/);
		expect(text).toMatch(/Most answers are at the ceiling/);
		expect(readItem({ itemId: 'x', itemRest: 0.5, alphaIfDropped: 0.705 }, 0.7, itemRates(DEFAULT_STAFF_INSTRUMENT.items[0]!, [2, 3, 3, 3, 2, 0, 0, 0], 13, RULES))).toEqual([]);
	});
});
