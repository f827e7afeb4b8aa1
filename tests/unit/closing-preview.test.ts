/**
 * What closing a round by hand would do (npt/practice-rounds.ts previewClosing), by the rules the
 * practice dashboard uses: the day it is recorded as closing, the count only at the minimum, and
 * which closed round the dashboard then leads with.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { previewClosing, type RoundRecord } from '../../src/lib/npt/practice-rounds';
import { closingDayOn } from '../../src/lib/npt/round-schedule';

const RULES = { minResponses: 5 };
const TODAY = '2026-12-06';

function record(id: number, round: Partial<RoundRecord['round']>, availability: RoundRecord['availability'], responses: number): RoundRecord {
	return {
		round: { id, practice_id: 1, title: `Round ${id}`, status: 'open', opens_on: '2026-11-01', closes_on: '2026-12-24', closed_on: null, staff_headcount: 28, ...round },
		availability,
		instrument: DEFAULT_STAFF_INSTRUMENT,
		summary: null,
		responses,
		comments: []
	};
}

describe('closing a round by hand', () => {
	it('records today, or the closing date when that has passed', () => {
		expect(closingDayOn({ closes_on: '2026-12-24' }, TODAY)).toBe(TODAY);
		expect(closingDayOn({ closes_on: '2026-12-01' }, TODAY)).toBe('2026-12-01');
		expect(closingDayOn({ closes_on: TODAY }, TODAY)).toBe(TODAY);
	});

	it('gives 6 of 28 (6/28) and makes the round the headline in place of the last closed one', () => {
		const before = record(1, { status: 'closed', closes_on: '2026-06-01', closed_on: '2026-06-01' }, 'closed', 3);
		const open = record(2, {}, 'open', 6);
		expect(previewClosing([open, before], 2, TODAY, RULES)).toEqual({
			closesOn: TODAY,
			dueOn: '2026-12-24',
			progress: { respondentsNeeded: 0, sofar: { shown: true, respondents: 6, responseRate: 6 / 28 } },
			staffHeadcount: 28,
			resultsShown: true,
			headlineNow: { id: 1, title: 'Round 1', shown: false, respondents: null },
			headlineAfter: { id: 2, title: 'Round 2', shown: true, respondents: 6 }
		});
	});

	it('keeps the count back below the minimum, and the withheld round still becomes the headline', () => {
		const preview = previewClosing([record(2, {}, 'open', 4)], 2, TODAY, RULES)!;
		expect(preview.progress).toEqual({ respondentsNeeded: 1, sofar: { shown: false } });
		expect(preview.resultsShown).toBe(false);
		expect(preview.headlineNow).toBeNull();
		expect(preview.headlineAfter).toEqual({ id: 2, title: 'Round 2', shown: false, respondents: null });
	});

	it('leaves the headline on a round that closed later, and asks nothing of a draft or a closed round', () => {
		const later = record(1, { status: 'closed', closes_on: '2026-12-31', closed_on: '2026-12-31' }, 'closed', 3);
		const preview = previewClosing([record(2, {}, 'open', 6), later], 2, TODAY, RULES)!;
		expect(preview.headlineAfter).toEqual(preview.headlineNow);
		expect(preview.headlineAfter?.id).toBe(1);
		expect(previewClosing([record(3, { status: 'draft' }, 'draft', 0)], 3, TODAY, RULES)).toBeUndefined();
		expect(previewClosing([later], 1, TODAY, RULES)).toBeUndefined();
		expect(previewClosing([later], 99, TODAY, RULES)).toBeUndefined();
	});
});
