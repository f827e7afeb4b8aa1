import { describe, expect, it } from 'vitest';
import {
	canShow,
	disclosableRoleGroups,
	peopleBehind,
	respondentsNeeded,
	shuffle
} from '../../src/lib/npt/disclosure';

const rules = { minResponses: 5 };

describe('suppression below MIN_RESPONSES (docs/scoring.md §6)', () => {
	it('shows a group of exactly the minimum and withholds one fewer', () => {
		expect(canShow({ respondents: 5 }, rules)).toBe(true);
		expect(canShow({ respondents: 4 }, rules)).toBe(false);
	});
	it('says how many more responses are needed', () => {
		expect(respondentsNeeded({ respondents: 0 }, rules)).toBe(5);
		expect(respondentsNeeded({ respondents: 3 }, rules)).toBe(2);
		expect(respondentsNeeded({ respondents: 9 }, rules)).toBe(0);
	});
});

describe('the people behind a figure (docs/scoring.md §6)', () => {
	it('counts a score by the people who have it', () => {
		expect(peopleBehind({ score: { n: 4 } })).toBe(4);
		expect(canShow({ score: { n: 4 } }, rules)).toBe(false);
		expect(canShow({ score: { n: 5 } }, rules)).toBe(true);
	});
	it('counts a statement by those who scored it, so "not relevant" and skipped answers never make up the number', () => {
		// 4 scored answers (1, 3, 5, 5); however many said "not relevant", the figure rests on 4.
		const scored = { 1: 1, 2: 0, 3: 1, 4: 0, 5: 2 } as const;
		expect(peopleBehind({ scored })).toBe(4);
		expect(canShow({ scored }, rules)).toBe(false);
		expect(respondentsNeeded({ scored }, rules)).toBe(1);
		expect(canShow({ scored: { ...scored, 4: 1 } }, rules)).toBe(true);
	});
});

describe('role groups: the group and the rest must each reach the minimum', () => {
	it('withholds a group whose complement is too small', () => {
		// 10 clinical + 3 admin: clinical's rest is 3, admin itself is 3.
		const shown = disclosableRoleGroups(new Map([['clinical', 10], ['management_admin', 3]]), 13, rules);
		expect([...shown]).toEqual([]);
	});

	it('shows both groups when each and its rest reach 5', () => {
		const shown = disclosableRoleGroups(new Map([['clinical', 10], ['management_admin', 5]]), 15, rules);
		expect([...shown].sort()).toEqual(['clinical', 'management_admin']);
	});

	it('counts people who did not give a group in the rest', () => {
		// 5 clinical, no one else with a group, 5 who preferred not to say.
		expect([...disclosableRoleGroups(new Map([['clinical', 5]]), 10, rules)]).toEqual(['clinical']);
		expect([...disclosableRoleGroups(new Map([['clinical', 5]]), 9, rules)]).toEqual([]);
	});

	it('holds back one more group when the hidden remainder could be worked out by subtraction', () => {
		// 6 clinical, 5 wellbeing, 4 admin (total 15). Clinical and wellbeing pass the pairwise rule,
		// but the 4 admin would then be total − clinical − wellbeing. Holding back the smaller
		// shown group (wellbeing) leaves 9 hidden, which is safe.
		const sizes = new Map([['clinical', 6], ['wellbeing_team', 5], ['management_admin', 4]]);
		expect([...disclosableRoleGroups(sizes, 15, rules)]).toEqual(['clinical']);
	});
});

describe('comment order', () => {
	it('shuffles deterministically for a given random source and keeps every comment', () => {
		const sequence = [0.9, 0.1, 0.5];
		let i = 0;
		const random = () => sequence[i++ % sequence.length]!;
		// i=3: j=floor(0.9×4)=3 → no swap; i=2: j=floor(0.1×3)=0 → swap 0,2; i=1: j=floor(0.5×2)=1 → no swap.
		expect(shuffle(['a', 'b', 'c', 'd'], random)).toEqual(['c', 'b', 'a', 'd']);
	});
});
