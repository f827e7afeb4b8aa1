import { describe, expect, it } from 'vitest';
import { lastNotableFall, meanOfPracticesIn, practicesNeedingSupport, previousPeriod, type GlancePractice } from '../../src/lib/npt/pcn-glance';
import type { TrendPoint } from '../../src/lib/npt/practice-rounds';

const shown = (title: string, closedOn: string, mean: number, sd = 1, n = 25): TrendPoint<'overall'> => ({
	roundId: 0,
	title,
	closedOn,
	shown: true,
	respondents: n,
	scores: { overall: { mean, sd, n, interval: null } }
});
const withheld = (title: string, closedOn: string): TrendPoint<'overall'> => ({ roundId: 0, title, closedOn, shown: false, respondentsNeeded: 2 });

describe('lastNotableFall', () => {
	// se = 1/√25 = 0.2 in each round; threshold 1.96 × √(0.04 + 0.04) = 0.554.
	it('finds a fall larger than the two rounds’ combined uncertainty', () => {
		const fall = lastNotableFall([shown('Spring', '2026-04-01', 7.0), shown('Autumn', '2026-10-01', 6.0)]);
		expect(fall?.from).toBe('Spring');
		expect(fall?.to).toBe('Autumn');
		expect(fall?.change.delta).toBeCloseTo(-1.0, 10);
		expect(fall?.change.threshold).toBeCloseTo(0.5544, 4);
	});

	it('ignores a fall within noise, a rise, and fewer than two shown rounds', () => {
		expect(lastNotableFall([shown('Spring', '2026-04-01', 7.0), shown('Autumn', '2026-10-01', 6.6)])).toBeNull();
		expect(lastNotableFall([shown('Spring', '2026-04-01', 6.0), shown('Autumn', '2026-10-01', 7.0)])).toBeNull();
		expect(lastNotableFall([withheld('Spring', '2026-04-01'), shown('Autumn', '2026-10-01', 6.0)])).toBeNull();
	});

	it('compares the last two rounds that showed a score, past a withheld one', () => {
		const fall = lastNotableFall([shown('Spring', '2026-04-01', 7.0), withheld('Summer', '2026-07-01'), shown('Autumn', '2026-10-01', 6.0)]);
		expect(fall?.from).toBe('Spring');
		// An earlier fall is not news once a later round has come back.
		expect(lastNotableFall([shown('A', '2026-01-01', 8), shown('B', '2026-04-01', 6), shown('C', '2026-07-01', 6.1)])).toBeNull();
	});
});

describe('practicesNeedingSupport', () => {
	const base = (id: number, name: string, over: Partial<GlancePractice>): GlancePractice => ({
		id,
		name,
		result: { state: 'no_round' },
		trend: [],
		surveyedInPeriod: true,
		openGaps: 0,
		...over
	});
	const placed = (band: 'bolted_on' | 'fitting_in' | 'belonging') =>
		({ state: 'shown', respondents: 10, responseRate: null, scores: {} as never, placement: { band, borderlineWith: [], heldBackBy: [], unconfirmed: [] } }) as GlancePractice['result'];

	it('names every reason in words and leaves out practices with none, in the order given', () => {
		const result = practicesNeedingSupport([
			base(1, 'Ash', { result: placed('bolted_on'), openGaps: 3 }),
			base(2, 'Birch', { result: placed('belonging'), openGaps: 2 }),
			base(3, 'Cedar', { result: { state: 'withheld', respondentsNeeded: 2 }, surveyedInPeriod: true }),
			base(4, 'Damson', { surveyedInPeriod: false }),
			base(5, 'Elm', { result: placed('fitting_in'), trend: [shown('Spring', '2026-04-01', 7.0), shown('Autumn', '2026-10-01', 6.0)] })
		]);
		expect(result.map((p) => [p.name, p.reasons.map((r) => r.kind)])).toEqual([
			['Ash', ['bolted_on', 'open_gaps']],
			['Cedar', ['too_few']],
			['Damson', ['not_surveyed']],
			['Elm', ['fall']]
		]);
		expect(result[0]!.reasons[1]).toEqual({ kind: 'open_gaps', count: 3 });
	});
});

describe('the period before', () => {
	it('is as long as the period and ends the day before it starts', () => {
		expect(previousPeriod({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ from: '2025-01-01', to: '2025-12-31' });
		expect(previousPeriod({ from: '2026-03-10', to: '2026-03-19' })).toEqual({ from: '2026-02-28', to: '2026-03-09' });
	});

	it('averages each practice once, on its latest shown round closed in the period', () => {
		const trends = [
			[shown('A1', '2026-03-01', 6), shown('A2', '2026-06-01', 7), shown('A3', '2027-01-05', 2)],
			[shown('B1', '2025-05-01', 5)],
			[shown('C1', '2026-02-01', 4), withheld('C2', '2026-05-01')]
		];
		// A: 7 (A3 is after the period); B: none in it; C: 4 (C2 showed nothing). (7 + 4) / 2 = 5.5.
		expect(meanOfPracticesIn(trends, { from: '2026-01-01', to: '2026-12-31' })).toEqual({ mean: 5.5, practices: 2 });
		expect(meanOfPracticesIn(trends, { from: '2024-01-01', to: '2024-12-31' })).toBeNull();
	});
});
