import { describe, expect, it } from 'vitest';
import { changeBetween, changesBetween, describeChange, standardError } from '../../src/lib/npt/change';
import type { Disclosed } from '../../src/lib/npt/disclosure';
import type { DisclosedScores } from '../../src/lib/npt/round-results';
import type { GroupScore } from '../../src/lib/npt/scoring';

/** A shown group score; the interval plays no part in the change rule. */
function shown(mean: number | null, sd: number | null, n: number): Disclosed<GroupScore> {
	return { shown: true, n, mean, sd, interval: null };
}

const WITHHELD: Disclosed<GroupScore> = { shown: false };

describe('standardError', () => {
	it('is sd / √n', () => {
		expect(standardError({ sd: 3, n: 9 })).toBe(1);
		expect(standardError({ sd: 1.5, n: 16 })).toBe(0.375);
		expect(standardError({ sd: null, n: 1 })).toBeNull();
	});
});

describe('changeBetween', () => {
	// se₁ = 1.5 / √16 = 0.375, se₂ = 2 / √16 = 0.5: √(0.140625 + 0.25) = 0.625; 1.96 × 0.625 = 1.225.
	const before = (mean: number) => shown(mean, 1.5, 16);
	const after = (mean: number) => shown(mean, 2, 16);

	it('marks a rise larger than 1.96 × √(se₁² + se₂²) as notable', () => {
		const change = changeBetween(before(5), after(6.5))!;
		expect(change.delta).toBe(1.5);
		expect(change.threshold).toBeCloseTo(1.225, 12);
		expect(change).toMatchObject({ previous: 5, latest: 6.5, notable: true, direction: 'rise' });
		expect(describeChange(change)).toBe('Notable rise');
	});

	it('keeps a change exactly at the threshold within noise, and one just above it notable', () => {
		const atThreshold = changeBetween(before(5), after(6.225))!;
		expect(atThreshold.notable).toBe(false);
		expect(describeChange(atThreshold)).toBe('Within noise');
		expect(changeBetween(before(5), after(6.23))!.notable).toBe(true);
		expect(changeBetween(before(6.225), after(5))!).toMatchObject({ notable: false, direction: 'fall' });
	});

	it('marks a fall larger than the threshold as a notable fall, and a smaller one within noise', () => {
		const fall = changeBetween(before(7), after(5.5))!;
		expect(fall).toMatchObject({ delta: -1.5, notable: true, direction: 'fall' });
		expect(describeChange(fall)).toBe('Notable fall');
		expect(changeBetween(before(7), after(6))).toMatchObject({ delta: -1, notable: false, direction: 'fall' });
		expect(changeBetween(before(7), after(7))).toMatchObject({ delta: 0, notable: false, direction: 'none' });
	});

	it('uses each side’s own n: the same sd over fewer people makes a wider threshold', () => {
		// se₁ = 2 / √4 = 1, se₂ = 2 / √16 = 0.5: 1.96 × √1.25 = 2.1913…
		const change = changeBetween(shown(5, 2, 4), after(7))!;
		expect(change.threshold).toBeCloseTo(2.19135, 4);
		expect(change.notable).toBe(false);
	});

	it('gives no change when either side is withheld or has no mean or spread', () => {
		expect(changeBetween(WITHHELD, after(6))).toBeNull();
		expect(changeBetween(before(6), WITHHELD)).toBeNull();
		expect(changeBetween(shown(null, null, 0), after(6))).toBeNull();
		expect(changeBetween(shown(6, null, 1), after(6))).toBeNull();
	});
});

describe('changesBetween', () => {
	function scores(overall: Disclosed<GroupScore>, construct: Disclosed<GroupScore>): DisclosedScores {
		return {
			overall,
			constructs: {
				coherence: construct,
				cognitive_participation: construct,
				collective_action: construct,
				reflexive_monitoring: WITHHELD
			}
		};
	}

	it('compares the overall score and every construct, leaving withheld constructs without a change', () => {
		const changes = changesBetween(scores(shown(5, 1.5, 16), shown(4, 1.5, 16)), scores(shown(6.5, 2, 16), shown(4.5, 2, 16)));
		expect(changes.overall).toMatchObject({ delta: 1.5, notable: true });
		expect(changes.coherence).toMatchObject({ delta: 0.5, notable: false });
		expect(changes.collective_action).toMatchObject({ delta: 0.5, notable: false });
		expect(changes.reflexive_monitoring).toBeNull();
	});

	it('gives no change at all when a whole round was withheld', () => {
		const changes = changesBetween(null, scores(shown(6.5, 2, 16), shown(4.5, 2, 16)));
		expect(Object.values(changes)).toEqual([null, null, null, null, null]);
	});
});
