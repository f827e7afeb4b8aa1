import { describe, expect, it } from 'vitest';
import { summariseRound } from '../../src/lib/npt/round-results';
import type { Respondent } from '../../src/lib/npt/scoring';
import { miniInstrument } from '../fixtures/instruments';

const rules = { minResponses: 5 };
const noShuffle = () => 0.999999;

function person(level: 1 | 2 | 3 | 4 | 5, roleGroup: string | null = null): Respondent {
	return {
		roleGroup,
		agreement: { C1: level, C2: level, P1: level, P2: level, P3: level, A1: level, A2: level, R1: level, R2: (6 - level) as 1 },
		general: { G1: 7 }
	};
}

describe('a practice round below MIN_RESPONSES', () => {
	it('carries no figure at all, only how many more responses are needed', () => {
		const results = summariseRound(
			{ instrument: miniInstrument, respondents: [person(5), person(4), person(4)], comments: ['secret'], staffHeadcount: 20 },
			rules,
			noShuffle
		);
		expect(results).toEqual({ shown: false, respondentsNeeded: 2 });
		expect(JSON.stringify(results)).not.toContain('secret');
	});
});

describe('a practice round at MIN_RESPONSES', () => {
	const respondents = [person(5, 'clinical'), person(4, 'clinical'), person(4, 'clinical'), person(3, 'management_admin'), person(4)];
	const results = summariseRound(
		{ instrument: miniInstrument, respondents, comments: ['one', 'two'], staffHeadcount: 20 },
		rules,
		noShuffle
	);

	it('shows scores, placement, response rate and comments', () => {
		if (!results.shown) throw new Error('expected results to be shown');
		expect(results.respondents).toBe(5);
		expect(results.responseRate).toBe(0.25);
		// Respondent scores 10, 7.5, 7.5, 5, 7.5 → mean 7.5.
		expect(results.scores.overall.shown && results.scores.overall.mean).toBe(7.5);
		expect(results.placement?.band).toBe('belonging');
		expect(results.comments.sort()).toEqual(['one', 'two']);
	});

	it('withholds a role group that is too small, and its complement', () => {
		if (!results.shown) throw new Error('expected results to be shown');
		// 3 clinical (too few), 1 admin (too few): no role group can be shown.
		expect(results.roleGroups.map((g) => g.result.shown)).toEqual([false, false, false]);
		expect(JSON.stringify(results.roleGroups)).not.toMatch(/mean|respondents/);
	});

	it('withholds an item or general item answered by fewer than the minimum', () => {
		if (!results.shown) throw new Error('expected results to be shown');
		const a3 = results.items.find((i) => i.itemId === 'A3')!;
		expect(a3.result).toEqual({ shown: false, notRelevant: { not_relevant_role: 0, not_relevant_stage: 0, not_relevant_practice: 0 }, notRelevantTotal: 0 });
		const g2 = results.general.find((g) => g.itemId === 'G2')!;
		expect(g2.result).toEqual({ shown: false });
		const g1 = results.general.find((g) => g.itemId === 'G1')!;
		expect(g1.result.shown && g1.result.score.mean).toBe(7);
	});
});

describe('statement distributions count the people who scored the statement (docs/scoring.md §3, §6)', () => {
	// Seven staff answer A3: four score it (5, 4, 4, 2), three say it is not relevant (two to their
	// role, one at this stage). A1 is scored 4 by all seven.
	const a3: Respondent['agreement'][string][] = [5, 4, 4, 2, 'not_relevant_role', 'not_relevant_role', 'not_relevant_stage'];
	const respondents: Respondent[] = a3.map((answer) => ({
		roleGroup: null,
		agreement: { C1: 4, C2: 4, P1: 4, P2: 4, A1: 4, A2: 4, A3: answer, R1: 4, R2: 2 },
		general: {}
	}));
	const results = summariseRound({ instrument: miniInstrument, respondents, comments: [], staffHeadcount: null }, rules, noShuffle);

	it('withholds the shares, "% agree" and interval of a statement seven answered but only four scored', () => {
		if (!results.shown) throw new Error('expected results to be shown');
		const result = results.items.find((i) => i.itemId === 'A3')!.result;
		// Three of four agree (75%) would be a share of four people: none of it may be there.
		expect(result).toEqual({ shown: false, notRelevant: { not_relevant_role: 2, not_relevant_stage: 1, not_relevant_practice: 0 }, notRelevantTotal: 3 });
	});

	it('still shows a statement scored by exactly the minimum', () => {
		if (!results.shown) throw new Error('expected results to be shown');
		const a1 = results.items.find((i) => i.itemId === 'A1')!.result;
		expect(a1.shown && [a1.scored, a1.shares]).toEqual([7, { agree: 1, neutral: 0, disagree: 0 }]);
	});
});

describe('construct scores inside a shown round', () => {
	it('withholds a construct fewer than the minimum could be scored on, and then cannot confirm Belonging', () => {
		const respondents = [1, 2, 3, 4, 5].map((i) => ({
			roleGroup: null,
			agreement: i <= 4 ? { C1: 5, P1: 5, P2: 5, A1: 5, A2: 5, R1: 5 } : { C1: 5, A1: 5, A2: 5, R1: 5 },
			general: {}
		})) as Respondent[];
		const results = summariseRound(
			{ instrument: miniInstrument, respondents, comments: [], staffHeadcount: null },
			rules,
			noShuffle
		);
		if (!results.shown) throw new Error('expected results to be shown');
		expect(results.scores.constructs.cognitive_participation).toEqual({ shown: false });
		expect(results.responseRate).toBeNull();
		expect(results.placement).toMatchObject({ band: 'fitting_in', unconfirmed: ['cognitive_participation'] });
	});
});
