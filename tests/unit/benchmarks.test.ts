import { describe, expect, it } from 'vitest';
import {
	entryOfResult,
	entryOfScores,
	type BenchmarkEntry,
	benchmarkScore,
	groupBenchmark,
	placeAgainst,
	placementSentence,
	quantileType7,
	quartilesOf,
	type Quartiles
} from '../../src/lib/npt/benchmarks';
import { SCORE_KEYS, type ScoreKey } from '../../src/lib/npt/constructs';
import { scoreFor } from '../../src/lib/npt/change';
import { practiceResultFrom, type PcnScore, type PracticeResult } from '../../src/lib/npt/pcn';
import type { AgreementAnswer } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { groupScoresFrom, summariseRespondents } from '../../src/lib/npt/round-summary';
import type { GroupScore, Respondent } from '../../src/lib/npt/scoring';
import { seededRandom } from '../../src/lib/server/demo/random';

const rules = { minPractices: 10 };

/** A practice shown with the given overall mean (interval ± 1) and every construct at 5.0, or with one score withheld. */
function shown(overall: number, withheld: ScoreKey[] = []) {
	return entryOfResult(shownResult(overall, withheld));
}

function shownResult(overall: number, withheld: ScoreKey[] = []): PracticeResult {
	const score = (mean: number): PcnScore => ({ mean, interval: { lower: mean - 1, upper: mean + 1 }, n: 8, band: 'fitting_in' });
	const scores = Object.fromEntries(SCORE_KEYS.map((key) => [key, withheld.includes(key) ? null : score(key === 'overall' ? overall : 5)])) as Record<ScoreKey, PcnScore | null>;
	return { state: 'shown', respondents: 8, responseRate: null, scores, placement: null };
}

/** Ten practices' overall scores, hand-worked below: sorted, 3.1 4.0 4.6 5.2 5.5 6.0 6.3 6.9 7.4 8.8. */
const TEN = [6.3, 3.1, 8.8, 4.6, 5.5, 7.4, 4.0, 6.9, 5.2, 6.0];

describe('quantiles, as R type 7', () => {
	it('interpolates at (n − 1)p: 1 2 3 4 gives 1.75, 2.5 and 3.25, as quantile(c(1, 2, 3, 4)) does', () => {
		expect(quantileType7([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
		expect(quantileType7([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
		expect(quantileType7([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12);
		expect(quantileType7([1, 2, 3, 4], 0)).toBe(1);
		expect(quantileType7([1, 2, 3, 4], 1)).toBe(4);
	});

	it('lands on values when (n − 1)p is whole: 0 2.5 5 7.5 10 gives 2.5, 5 and 7.5, whatever order they come in', () => {
		expect(quartilesOf([7.5, 2.5, 5, 10, 0])).toEqual({ lower: 2.5, median: 5, upper: 7.5 });
	});

	it('gives ten practices 4.75, 5.75 and 6.75 (positions 2.25, 4.5 and 6.75 of the sorted scores)', () => {
		// 4.6 + 0.25 × (5.2 − 4.6); 5.5 + 0.5 × (6.0 − 5.5); 6.3 + 0.75 × (6.9 − 6.3)
		const quartiles = quartilesOf(TEN);
		expect(quartiles.lower).toBeCloseTo(4.75, 12);
		expect(quartiles.median).toBeCloseTo(5.75, 12);
		expect(quartiles.upper).toBeCloseTo(6.75, 12);
	});

	it('gives one value as every quartile, and refuses no values or a p outside 0 to 1', () => {
		expect(groupBenchmark([], 'overall', { minPractices: 0 })).toEqual({ shown: false, practices: 0, practicesNeeded: 1 });
		expect(quartilesOf([4])).toEqual({ lower: 4, median: 4, upper: 4 });
		expect(() => quantileType7([], 0.5)).toThrow();
		expect(() => quantileType7([1, 2], 1.5)).toThrow();
		expect(() => quantileType7([1, 2], Number.NaN)).toThrow();
	});
});

describe('where a practice lies against the middle half', () => {
	const middle: Quartiles = { lower: 4.75, median: 5.75, upper: 6.75 };

	it.each([
		['above, when its whole interval is above the upper quartile', { lower: 6.8, upper: 8 }, 'above'],
		['within, when its interval reaches into the middle half from above', { lower: 6.5, upper: 7 }, 'within'],
		['within, when its interval holds the whole middle half', { lower: 4, upper: 7.5 }, 'within'],
		['within, when its interval ends exactly on the lower quartile', { lower: 3.5, upper: 4.75 }, 'within'],
		['below, when its whole interval is below the lower quartile', { lower: 3, upper: 4.7 }, 'below']
	] as const)('is %s', (_label, interval, place) => {
		expect(placeAgainst({ mean: (interval.lower + interval.upper) / 2, interval }, middle)).toBe(place);
	});

	it('places a score without an interval by its mean', () => {
		expect(placeAgainst({ mean: 7, interval: null }, middle)).toBe('above');
		expect(placeAgainst({ mean: 5, interval: null }, middle)).toBe('within');
	});

	it('says so in words, naming the group', () => {
		expect(placementSentence('above', 'icb')).toBe('above the middle half of practices in your ICB');
		expect(placementSentence('within', 'service')).toBe('within the middle half of practices using Belonging');
		expect(placementSentence('below', 'icb')).toBe('below the middle half of practices in your ICB');
	});
});

describe('a benchmark group (docs/scoring.md §8)', () => {
	it('shows nothing for a group of 9 practices, and says one more is needed', () => {
		expect(groupBenchmark(TEN.slice(0, 9).map((s) => shown(s)), 'overall', rules)).toEqual({ shown: false, practices: 9, practicesNeeded: 1 });
	});

	it('shows the quartiles and the count of a group of 10, and nothing else of its practices', () => {
		const group = groupBenchmark(TEN.map((s) => shown(s)), 'overall', rules);
		expect(group.shown).toBe(true);
		if (!group.shown) return;
		expect(Object.keys(group).sort()).toEqual(['practices', 'quartiles', 'shown']);
		expect(group.practices).toBe(10);
		expect(group.quartiles.median).toBeCloseTo(5.75, 12);
	});

	it('leaves out practices below MIN_RESPONSES, with no round, or with that score withheld, so 10 of them plus 9 shown is too few', () => {
		const results = [
			...TEN.slice(0, 8).map((s) => shown(s)),
			shown(6.9, ['overall']),
			shown(7.4, ['coherence']),
			entryOfResult({ state: 'withheld', respondentsNeeded: 2 }),
			entryOfResult({ state: 'no_round' })
		];
		expect(groupBenchmark(results, 'overall', rules)).toEqual({ shown: false, practices: 9, practicesNeeded: 1 });
		// The same practices on coherence: the one withheld there is out, the one withheld on overall is in.
		expect(groupBenchmark(results, 'coherence', rules)).toEqual({ shown: false, practices: 9, practicesNeeded: 1 });
		// A tenth practice shown on both makes either group.
		expect(groupBenchmark([...results, shown(8.8)], 'overall', rules).shown).toBe(true);
	});

	it('follows the configured minimum', () => {
		expect(groupBenchmark(TEN.slice(0, 4).map((s) => shown(s)), 'overall', { minPractices: 4 }).shown).toBe(true);
		expect(groupBenchmark(TEN.map((s) => shown(s)), 'overall', { minPractices: 11 })).toEqual({ shown: false, practices: 10, practicesNeeded: 1 });
	});
});

describe('a practice against its group', () => {
	const group = groupBenchmark(TEN.map((s) => shown(s)), 'overall', rules);

	it('places a shown score (8.8 ± 1 lies above 6.75; 5.5 ± 1 within; 3.1 ± 1 below)', () => {
		expect(benchmarkScore(shown(8.8), 'overall', group)).toMatchObject({ shown: true, place: 'above', practices: 10 });
		expect(benchmarkScore(shown(5.5), 'overall', group)).toMatchObject({ shown: true, place: 'within' });
		expect(benchmarkScore(shown(3.1), 'overall', group)).toMatchObject({ shown: true, place: 'below' });
	});

	it('shows the group beside a withheld score but does not place it', () => {
		expect(benchmarkScore(entryOfResult({ state: 'withheld', respondentsNeeded: 3 }), 'overall', group)).toMatchObject({ shown: true, place: null, practices: 10 });
		expect(benchmarkScore(shown(9, ['overall']), 'overall', group)).toMatchObject({ shown: true, place: null });
	});

	it('shows nothing against a group too small', () => {
		const small = groupBenchmark(TEN.slice(0, 9).map((s) => shown(s)), 'overall', rules);
		expect(benchmarkScore(shown(8.8), 'overall', small)).toEqual({ shown: false, practices: 9, practicesNeeded: 1 });
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

/** A round's stored scores as round_score keeps them: every score, before disclosure. */
function storedScoresOf(respondents: Respondent[]) {
	const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, respondents);
	const scores = groupScoresFrom(summary.everyone, DEFAULT_STAFF_INSTRUMENT.scoring.confidenceLevel);
	return { summary, stored: { respondents: summary.everyone.respondents, scores: Object.fromEntries(SCORE_KEYS.map((key) => [key, scoreFor(scores, key)])) as Record<ScoreKey, GroupScore> } };
}

describe('benchmarks from stored scores (property tests over random practices)', () => {
	it('read a practice exactly as the PCN view does from its summary, over 300 random rounds', () => {
		const random = seededRandom(2026);
		for (let trial = 0; trial < 300; trial++) {
			const respondents = Array.from({ length: Math.floor(random() * 12) }, () => randomRespondent(random));
			const { summary, stored } = storedScoresOf(respondents);
			const rules = { minResponses: 3 + Math.floor(random() * 5) };
			expect(entryOfScores(stored, rules)).toEqual(entryOfResult(practiceResultFrom(DEFAULT_STAFF_INSTRUMENT, summary, null, rules)));
		}
	});

	it('give the same figures whatever a withheld score or a practice below MIN_RESPONSES holds, so none can be worked back (docs/scoring.md §8)', () => {
		const random = seededRandom(8);
		for (let trial = 0; trial < 200; trial++) {
			const rules = { minResponses: 3 + Math.floor(random() * 4) };
			const benchmarkRules = { minPractices: 5 + Math.floor(random() * 8) };
			const practices = Array.from({ length: 3 + Math.floor(random() * 20) }, () =>
				storedScoresOf(Array.from({ length: Math.floor(random() * 10) }, () => randomRespondent(random))).stored
			);
			// The same practices with every figure the rules withhold replaced by another value.
			const altered = practices.map((practice) => {
				const hidden = practice.respondents < rules.minResponses;
				const scores = Object.fromEntries(
					SCORE_KEYS.map((key) => {
						const score = practice.scores[key];
						const withheld = hidden || score.n < rules.minResponses || score.mean === null;
						return [key, withheld ? { ...score, mean: random() * 10, interval: { lower: 0, upper: 10 } } : score];
					})
				) as Record<ScoreKey, GroupScore>;
				return { respondents: practice.respondents, scores };
			});
			const figures = (entries: BenchmarkEntry[]) =>
				entries.map((own) => SCORE_KEYS.map((key) => benchmarkScore(own, key, groupBenchmark(entries, key, benchmarkRules))));
			expect(figures(altered.map((p) => entryOfScores(p, rules)))).toEqual(figures(practices.map((p) => entryOfScores(p, rules))));
		}
	});
});
