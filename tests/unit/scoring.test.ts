import { describe, expect, it } from 'vitest';
import {
	internalConsistency,
	scoreGroup,
	scoreRespondent,
	summariseGeneralItems,
	summariseItems,
	summariseScores,
	type Respondent
} from '../../src/lib/npt/scoring';
import type { AgreementAnswer } from '../../src/lib/npt/answers';
import { miniInstrument } from '../fixtures/instruments';

function respondent(
	agreement: Record<string, AgreementAnswer>,
	general: Record<string, number> = {},
	roleGroup: string | null = null
): Respondent {
	return { roleGroup, agreement, general };
}

describe('respondent construct and overall scores (docs/scoring.md §3)', () => {
	it('averages scored answers per construct and constructs into the overall score', () => {
		const scores = scoreRespondent(
			miniInstrument,
			respondent({ C1: 4, C2: 5, P1: 3, A1: 2, A2: 4, R1: 5, R2: 2 })
		);
		// Coherence: (7.5 + 10) / 2. Cognitive participation: 1 of 3 answered, 2 needed.
		expect(scores.constructs.coherence).toBe(8.75);
		expect(scores.constructs.cognitive_participation).toBeNull();
		// Collective action: exactly half (2 of 4) answered is enough: (2.5 + 7.5) / 2.
		expect(scores.constructs.collective_action).toBe(5);
		// Reflexive monitoring: R2 is reverse-worded, so 2 counts as 4 → 7.5; (10 + 7.5) / 2.
		expect(scores.constructs.reflexive_monitoring).toBe(8.75);
		// Three of four constructs available: (8.75 + 5 + 8.75) / 3.
		expect(scores.overall).toBe(7.5);
	});

	it('needs the rounded-up half: 1 of 3 items is not enough, 2 of 3 is', () => {
		expect(scoreRespondent(miniInstrument, respondent({ P1: 5 })).constructs.cognitive_participation).toBeNull();
		expect(
			scoreRespondent(miniInstrument, respondent({ P1: 5, P2: 4 })).constructs.cognitive_participation
		).toBe(8.75);
	});

	it('treats "not relevant" answers as not scored: all not relevant gives no score', () => {
		const scores = scoreRespondent(
			miniInstrument,
			respondent({
				C1: 'not_relevant_role',
				C2: 'not_relevant_stage',
				A1: 'not_relevant_practice',
				A2: 'not_relevant_role',
				A3: 4,
				R1: 1
			})
		);
		expect(scores.constructs.coherence).toBeNull();
		// Only A3 is scored: 1 of the 2 needed.
		expect(scores.constructs.collective_action).toBeNull();
		expect(scores.constructs.reflexive_monitoring).toBe(0);
		expect(scores.overall).toBeNull();
	});

	it('leaves "not relevant" answers out of the mean even when enough items are scored', () => {
		const scores = scoreRespondent(
			miniInstrument,
			respondent({ P1: 5, P2: 3, P3: 'not_relevant_role' })
		);
		expect(scores.constructs.cognitive_participation).toBe(7.5);
	});

	it('gives no overall score with only two constructs', () => {
		const scores = scoreRespondent(miniInstrument, respondent({ C1: 5, R1: 5 }));
		expect(scores.constructs.coherence).toBe(10);
		expect(scores.overall).toBeNull();
	});
});

describe('group scores', () => {
	it('reports mean, SD and a t-interval cut at the top of the scale', () => {
		const score = summariseScores([5, 7.5, 10], 0.95);
		// SD 2.5; t(0.975, 2) = 4.302653; half-width 4.302653 × 2.5 / √3 = 6.210344.
		expect(score.n).toBe(3);
		expect(score.mean).toBe(7.5);
		expect(score.sd).toBeCloseTo(2.5, 12);
		expect(score.interval!.lower).toBeCloseTo(1.289656, 5);
		expect(score.interval!.upper).toBe(10);
	});

	it('has a mean but no SD or interval for n = 1', () => {
		expect(summariseScores([6.25], 0.95)).toEqual({ n: 1, mean: 6.25, sd: null, interval: null });
	});

	it('has an interval for n = 2 using t with 1 degree of freedom', () => {
		// SD of 5 and 7.5 is 1.767767; t(0.975, 1) = 12.706205; half-width 12.706205 × 1.767767 / √2 = 15.882756.
		const score = summariseScores([5, 7.5], 0.95);
		expect(score.mean).toBe(6.25);
		expect(score.sd).toBeCloseTo(1.767767, 5);
		expect(score.interval).toEqual({ lower: 0, upper: 10 });
	});

	it('computes a realistic interval without clamping', () => {
		// Values 5, 5, 7.5, 7.5, 10: mean 7, deviations −2, −2, 0.5, 0.5, 3 → squares 4, 4, 0.25, 0.25, 9
		// sum 17.5, variance 4.375, SD 2.091650; t(0.975, 4) = 2.776445; half 2.776445 × 2.091650 / √5 = 2.597130.
		const score = summariseScores([5, 5, 7.5, 7.5, 10], 0.95);
		expect(score.mean).toBe(7);
		expect(score.interval!.lower).toBeCloseTo(4.40287, 4);
		expect(score.interval!.upper).toBeCloseTo(9.59713, 4);
	});

	it('has no mean when nobody has a score', () => {
		expect(summariseScores([], 0.95)).toEqual({ n: 0, mean: null, sd: null, interval: null });
	});

	it('gives every construct its own n', () => {
		const group = scoreGroup(miniInstrument, [
			respondent({ C1: 5, P1: 5, P2: 5, A1: 5, A2: 5, R1: 5 }),
			respondent({ C1: 3, A1: 3, A2: 3, R1: 3 }),
			respondent({ C1: 1 })
		]);
		expect(group.constructs.coherence.n).toBe(3);
		expect(group.constructs.coherence.mean).toBe(5);
		expect(group.constructs.cognitive_participation.n).toBe(1);
		expect(group.constructs.collective_action.n).toBe(2);
		// Overall: respondent 1 → 10, respondent 2 → 5 (three constructs), respondent 3 → none.
		expect(group.overall.n).toBe(2);
		expect(group.overall.mean).toBe(7.5);
	});
});

describe('item results', () => {
	it('counts answers as worded, not-relevant codes separately, with % agree and its Wilson interval', () => {
		const people = [
			...Array.from({ length: 8 }, () => respondent({ R2: 4 })),
			respondent({ R2: 2 }),
			respondent({ R2: 3 }),
			respondent({ R2: 'not_relevant_role' }),
			respondent({ R2: 'not_relevant_role' }),
			respondent({ R2: 'not_relevant_practice' }),
			respondent({})
		];
		const r2 = summariseItems(miniInstrument, people).find((item) => item.itemId === 'R2')!;
		expect(r2.reversed).toBe(true);
		expect(r2.counts).toEqual({ 1: 0, 2: 1, 3: 1, 4: 8, 5: 0 });
		expect(r2.scored).toBe(10);
		expect(r2.answered).toBe(13);
		expect([r2.agree, r2.neutral, r2.disagree]).toEqual([8, 1, 1]);
		expect(r2.notRelevant).toEqual({
			not_relevant_role: 2,
			not_relevant_stage: 0,
			not_relevant_practice: 1
		});
		expect(r2.notRelevantTotal).toBe(3);
		expect(r2.shares).toEqual({ agree: 0.8, neutral: 0.1, disagree: 0.1 });
		expect(r2.agreeInterval!.lower).toBeCloseTo(0.490162, 5);
		expect(r2.agreeInterval!.upper).toBeCloseTo(0.943318, 5);
	});

	it('has no share when nobody gave a scored answer', () => {
		const c1 = summariseItems(miniInstrument, [respondent({ C1: 'not_relevant_stage' })])[0]!;
		expect(c1.shares).toBeNull();
		expect(c1.agreeInterval).toBeNull();
	});
});

describe('general items', () => {
	it('reports the mean and distribution of 0–10 ratings, skipping missing ones', () => {
		const [g1, g2] = summariseGeneralItems(miniInstrument, [
			respondent({}, { G1: 0, G2: 10 }),
			respondent({}, { G1: 4 }),
			respondent({}, { G1: 8 })
		]);
		expect(g1!.score.n).toBe(3);
		expect(g1!.score.mean).toBe(4);
		expect(g1!.score.sd).toBe(4);
		expect(g1!.counts).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
		expect(g2!.score).toEqual({ n: 1, mean: 10, sd: null, interval: null });
	});
});

describe("Cronbach's α", () => {
	// x and y both take 1…5 twice (variance 20/9); their covariance is 16/9, so
	// α = 2 × (1 − (20/9 + 20/9) / (20/9 + 20/9 + 2 × 16/9)) = 2 × (1 − 40/72) = 8/9.
	const x = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5] as const;
	const y = [2, 1, 4, 3, 5, 2, 1, 4, 3, 5] as const;
	const tenComplete = x.map((c1, i) => respondent({ C1: c1, C2: y[i]! }));

	it('matches the hand calculation with 10 complete respondents', () => {
		const result = internalConsistency(miniInstrument, tenComplete, 'coherence');
		expect(result.complete).toBe(10);
		expect(result.alpha).toBeCloseTo(8 / 9, 12);
	});

	it('is withheld with fewer than 10 complete respondents', () => {
		const result = internalConsistency(miniInstrument, tenComplete.slice(0, 9), 'coherence');
		expect(result).toEqual({ complete: 9, alpha: null });
	});

	it('counts only respondents with a scored answer to every item of the construct', () => {
		const withGaps = [
			...tenComplete.slice(0, 9),
			respondent({ C1: 3 }),
			respondent({ C1: 3, C2: 'not_relevant_role' })
		];
		expect(internalConsistency(miniInstrument, withGaps, 'coherence').complete).toBe(9);
	});

	it('reverses reverse-worded items first', () => {
		// R2 is reversed. Answering R2 as 6 − x makes it agree perfectly with R1 once reversed: α = 1.
		// Answering R2 as y makes the reversed values 6 − y, covariance −16/9 with x:
		// α = 2 × (1 − (40/9) / (40/9 − 32/9)) = 2 × (1 − 5) = −8.
		const opposite = x.map((v) => respondent({ R1: v, R2: (6 - v) as AgreementAnswer }));
		const alongside = x.map((v, i) => respondent({ R1: v, R2: y[i]! }));
		expect(internalConsistency(miniInstrument, opposite, 'reflexive_monitoring').alpha).toBeCloseTo(1, 12);
		expect(internalConsistency(miniInstrument, alongside, 'reflexive_monitoring').alpha).toBeCloseTo(-8, 10);
	});

	it('is undefined when every total is the same', () => {
		const flat = Array.from({ length: 10 }, () => respondent({ C1: 3, C2: 3 }));
		expect(internalConsistency(miniInstrument, flat, 'coherence').alpha).toBeNull();
	});
});
