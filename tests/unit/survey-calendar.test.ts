/**
 * The survey calendar's rules, worked out by hand: the fatigue rule on the cadence itself
 * (docs/scoring.md §5), the openings each cadence gives, when a draft is made, and which reminder a
 * round is due on a given day.
 */
import { describe, expect, it } from 'vitest';
import {
	cadenceProblem,
	closingDateFor,
	dueNotices,
	isDueForPlanning,
	midpointOf,
	openingsAfter,
	upcomingOpenings,
	type RoundForNotices
} from '../../src/lib/npt/survey-calendar';

describe('the fatigue rule on a cadence', () => {
	it('allows every 4 months or more, and not every 3', () => {
		expect(cadenceProblem({ kind: 'every', everyMonths: 4, anchorOn: '2027-01-11' })).toBeUndefined();
		expect(cadenceProblem({ kind: 'every', everyMonths: 24, anchorOn: '2027-01-11' })).toBeUndefined();
		expect(cadenceProblem({ kind: 'every', everyMonths: 3, anchorOn: '2027-01-11' })).toMatch(/gap of 4 to 24 months/);
		expect(cadenceProblem({ kind: 'every', everyMonths: 25, anchorOn: '2027-01-11' })).toMatch(/gap of 4 to 24 months/);
	});

	it('counts the gap between chosen months round the turn of the year', () => {
		expect(cadenceProblem({ kind: 'months', months: [1, 5, 9], openDay: 1 })).toBeUndefined(); // 4, 4 and 4 months
		expect(cadenceProblem({ kind: 'months', months: [3, 10], openDay: 1 })).toBeUndefined(); // 7 and 5 months
		expect(cadenceProblem({ kind: 'months', months: [2, 10], openDay: 1 })).toBeUndefined(); // 8 and 4
		// November to February is 3 months, going round the year.
		expect(cadenceProblem({ kind: 'months', months: [2, 7, 11], openDay: 1 })).toBe(
			'November and February are less than 4 months apart: asking staff more than three times a year wears them out and fewer answer'
		);
		expect(cadenceProblem({ kind: 'months', months: [1, 4, 8, 12], openDay: 1 })).toMatch(/less than 4 months apart/);
		expect(cadenceProblem({ kind: 'months', months: [], openDay: 1 })).toBe('Choose at least one month');
		expect(cadenceProblem({ kind: 'months', months: [6, 6], openDay: 1 })).toBe('Choose each month once');
		expect(cadenceProblem({ kind: 'months', months: [6], openDay: 29 })).toBe('Choose an opening day from 1 to 28');
	});
});

describe('openings', () => {
	it('follows every N months from the first date, on the same day', () => {
		expect(openingsAfter({ kind: 'every', everyMonths: 6, anchorOn: '2027-01-28' }, '2027-01-28', 3)).toEqual(['2027-07-28', '2028-01-28', '2028-07-28']);
		expect(openingsAfter({ kind: 'every', everyMonths: 4, anchorOn: '2027-01-11' }, '2026-12-31', 4)).toEqual([
			'2027-01-11',
			'2027-05-11',
			'2027-09-11',
			'2028-01-11'
		]);
	});

	it('takes the chosen months in order, into the next year', () => {
		expect(openingsAfter({ kind: 'months', months: [3, 10], openDay: 5 }, '2027-03-05', 3)).toEqual(['2027-10-05', '2028-03-05', '2028-10-05']);
	});

	it('runs a round for its length, both ends included, and plans it four weeks ahead', () => {
		expect(closingDateFor('2027-01-11', 21)).toBe('2027-01-31');
		expect(closingDateFor('2027-02-22', 7)).toBe('2027-02-28');
		expect(isDueForPlanning('2027-01-11', '2026-12-13')).toBe(false);
		expect(isDueForPlanning('2027-01-11', '2026-12-14')).toBe(true);
	});

	it('starts after what was planned, never before today, and skips an opening too near a round run by hand', () => {
		const rules = { cadence: { kind: 'every' as const, everyMonths: 4, anchorOn: '2027-01-11' }, lengthDays: 21 };
		expect(upcomingOpenings(rules, '2027-01-11', '2026-12-20', [], 1).map((o) => o.opensOn)).toEqual(['2027-05-11']);
		// Nothing planned yet and the first date passed while the server was down: the next one.
		expect(upcomingOpenings(rules, null, '2027-02-01', [], 1).map((o) => o.opensOn)).toEqual(['2027-05-11']);
		expect(upcomingOpenings(rules, null, '2027-01-11', [], 1).map((o) => o.opensOn)).toEqual(['2027-01-11']);
		const [near, clear] = upcomingOpenings(rules, '2027-01-11', '2027-02-01', [{ title: 'Extra', opensOn: '2027-03-01' }], 2);
		expect(near).toEqual({ opensOn: '2027-05-11', closesOn: '2027-05-31', skippedFor: { title: 'Extra', opensOn: '2027-03-01' } });
		expect(clear).toEqual({ opensOn: '2027-09-11', closesOn: '2027-10-01' });
	});
});

describe('reminders due on a day', () => {
	const round = (over: Partial<RoundForNotices> = {}): RoundForNotices => ({
		status: 'open',
		opensOn: '2027-01-11',
		closesOn: '2027-01-31',
		closedOn: null,
		...over
	});

	it('puts the halfway note on the middle day', () => {
		expect(midpointOf('2027-01-11', '2027-01-31')).toBe('2027-01-21');
		expect(midpointOf('2027-01-11', '2027-01-17')).toBe('2027-01-14');
	});

	it('gives each reminder in its window, and none outside', () => {
		const on = (today: string, r = round()) => dueNotices(r, today);
		expect(on('2027-01-03')).toEqual([]);
		expect(on('2027-01-04')).toEqual(['round_opening_soon']);
		expect(on('2027-01-10', round({ status: 'draft' }))).toEqual(['round_opening_soon']);
		expect(on('2027-01-11')).toEqual(['round_opened']);
		expect(on('2027-01-20')).toEqual(['round_opened']);
		expect(on('2027-01-21')).toEqual(['round_progress']);
		expect(on('2027-01-28')).toEqual(['round_progress']);
		expect(on('2027-01-29')).toEqual(['round_closing_soon']);
		expect(on('2027-01-30')).toEqual(['round_closing_soon']);
		expect(on('2027-01-31')).toEqual([]);
		// A draft that has not opened on its day gets nothing until it does.
		expect(on('2027-01-12', round({ status: 'draft' }))).toEqual([]);
		const closed = round({ status: 'closed', closedOn: '2027-01-25' });
		expect(on('2027-01-25', closed)).toEqual(['round_results_ready']);
		expect(on('2027-02-01', closed)).toEqual(['round_results_ready']);
		expect(on('2027-02-02', closed)).toEqual([]);
	});
});

