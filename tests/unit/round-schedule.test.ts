import { describe, expect, it } from 'vitest';
import { cumulativeByDay, isWithinFatigueWindow, monthsBetween, suggestRoundTitle } from '../../src/lib/npt/round-schedule';

describe('monthsBetween', () => {
	it('counts whole calendar months', () => {
		expect(monthsBetween('2026-01-15', '2026-05-15')).toBe(4);
		expect(monthsBetween('2026-01-15', '2026-05-14')).toBe(3);
		expect(monthsBetween('2026-03-01', '2026-03-31')).toBe(0);
		expect(monthsBetween('2025-11-20', '2027-01-20')).toBe(14);
	});

	it('treats the last day of a shorter month as a whole month from a later day', () => {
		expect(monthsBetween('2026-10-31', '2027-02-28')).toBe(4);
		expect(monthsBetween('2026-10-31', '2027-02-27')).toBe(3);
		// 2028 is a leap year: 28 February is not yet four months after 31 October.
		expect(monthsBetween('2027-10-31', '2028-02-28')).toBe(3);
		expect(monthsBetween('2027-10-31', '2028-02-29')).toBe(4);
	});

	it('is negative when the second date comes first', () => {
		expect(monthsBetween('2026-05-15', '2026-01-15')).toBe(-4);
	});
});

describe('isWithinFatigueWindow', () => {
	it('warns below four months, start to start, but not at exactly four', () => {
		expect(isWithinFatigueWindow('2026-01-15', '2026-05-14')).toBe(true);
		expect(isWithinFatigueWindow('2026-01-15', '2026-05-15')).toBe(false);
		expect(isWithinFatigueWindow('2026-01-15', '2026-01-15')).toBe(true);
	});

	it('handles month ends: 31 October to 28 February is four months', () => {
		expect(isWithinFatigueWindow('2026-10-31', '2027-02-27')).toBe(true);
		expect(isWithinFatigueWindow('2026-10-31', '2027-02-28')).toBe(false);
		expect(isWithinFatigueWindow('2027-10-31', '2028-02-28')).toBe(true);
		expect(isWithinFatigueWindow('2027-10-31', '2028-02-29')).toBe(false);
	});

	it('works in either order, so a round squeezed in before another one also warns', () => {
		expect(isWithinFatigueWindow('2026-05-14', '2026-01-15')).toBe(true);
		expect(isWithinFatigueWindow('2026-05-15', '2026-01-15')).toBe(false);
	});
});

describe('suggestRoundTitle', () => {
	it('names the season and year the round opens in', () => {
		expect(suggestRoundTitle('2027-03-01')).toBe('Spring 2027 staff survey');
		expect(suggestRoundTitle('2027-08-31')).toBe('Summer 2027 staff survey');
		expect(suggestRoundTitle('2026-11-28')).toBe('Autumn 2026 staff survey');
	});

	it('spans the turn of the year in winter', () => {
		expect(suggestRoundTitle('2026-12-01')).toBe('Winter 2026–27 staff survey');
		expect(suggestRoundTitle('2027-02-28')).toBe('Winter 2026–27 staff survey');
		expect(suggestRoundTitle('2099-12-01')).toBe('Winter 2099–00 staff survey');
	});
});

describe('cumulativeByDay', () => {
	it('adds up day by day and fills quiet days with zero', () => {
		expect(
			cumulativeByDay([
				{ day: '2026-11-03', submissions: 2 },
				{ day: '2026-11-01', submissions: 3 },
				{ day: '2026-11-04', submissions: 1 }
			])
		).toEqual([
			{ day: '2026-11-01', submissions: 3, total: 3 },
			{ day: '2026-11-02', submissions: 0, total: 3 },
			{ day: '2026-11-03', submissions: 2, total: 5 },
			{ day: '2026-11-04', submissions: 1, total: 6 }
		]);
	});

	it('carries the total on to the last day asked for, across a month end', () => {
		expect(cumulativeByDay([{ day: '2026-11-29', submissions: 4 }], '2026-12-01')).toEqual([
			{ day: '2026-11-29', submissions: 4, total: 4 },
			{ day: '2026-11-30', submissions: 0, total: 4 },
			{ day: '2026-12-01', submissions: 0, total: 4 }
		]);
	});

	it('ignores a last day before the last recorded one, and has nothing without counts', () => {
		expect(cumulativeByDay([{ day: '2026-11-02', submissions: 1 }], '2026-11-01')).toEqual([
			{ day: '2026-11-02', submissions: 1, total: 1 }
		]);
		expect(cumulativeByDay([], '2026-11-01')).toEqual([]);
	});
});
