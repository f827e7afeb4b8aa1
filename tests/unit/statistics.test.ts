import { describe, expect, it } from 'vitest';
import {
	mean,
	normalQuantile,
	regularisedIncompleteBeta,
	sampleSd,
	studentTCdf,
	studentTQuantile,
	wilsonInterval
} from '../../src/lib/npt/statistics';

describe('mean and standard deviation', () => {
	it('computes the sample SD with n − 1', () => {
		// Deviations from 5 are −2.5, 0, 2.5: squares sum to 12.5, over 2 = 6.25, root 2.5.
		expect(mean([2.5, 5, 7.5])).toBe(5);
		expect(sampleSd([2.5, 5, 7.5])).toBeCloseTo(2.5, 12);
	});
	it('has no SD for a single value and no mean for none', () => {
		expect(sampleSd([7])).toBeNull();
		expect(mean([])).toBeNull();
	});
});

describe("Student's t quantile, computed from the incomplete beta function", () => {
	it('matches the closed form for 1 degree of freedom: tan(π(p − ½))', () => {
		expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
	});
	it('matches the closed form for 2 degrees of freedom: (2p − 1)·√(2 / (4p(1 − p)))', () => {
		const p = 0.975;
		expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 9);
	});
	it('matches published table values', () => {
		expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 6);
		expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 6);
		expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.045230, 6);
		expect(studentTQuantile(0.995, 12)).toBeCloseTo(3.054540, 6);
		expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962339, 6);
	});
	it('is symmetric and zero at the median', () => {
		expect(studentTQuantile(0.5, 7)).toBe(0);
		expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
	});
	it('inverts the CDF', () => {
		for (const df of [1, 3, 17, 250]) {
			expect(studentTCdf(studentTQuantile(0.9, df), df)).toBeCloseTo(0.9, 10);
		}
	});
	it('rejects impossible arguments', () => {
		expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
		expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
	});
	it('has a correct incomplete beta at known points', () => {
		// I_x(1, 1) = x and I_x(2, 1) = x².
		expect(regularisedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
		expect(regularisedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12);
	});
});

describe('normal quantile', () => {
	it('gives 1.959964 for 0.975 and is symmetric', () => {
		expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
		expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
		expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
	});
});

describe('Wilson interval', () => {
	it('matches the hand calculation for 8 agreeing out of 10', () => {
		// z² = 3.841459; centre = (0.8 + 0.192073) / 1.384146 = 0.716741;
		// half = 1.959964 × √(0.016 + 0.009604) / 1.384146 = 0.226576.
		const { lower, upper } = wilsonInterval(8, 10, 0.95);
		expect(lower).toBeCloseTo(0.490162, 5);
		expect(upper).toBeCloseTo(0.943318, 5);
	});
	it('stays inside 0–1 at the extremes', () => {
		const none = wilsonInterval(0, 5, 0.95);
		expect(none.lower).toBe(0);
		expect(none.upper).toBeCloseTo(0.434482, 5);
		const all = wilsonInterval(5, 5, 0.95);
		expect(all.upper).toBe(1);
		expect(all.lower).toBeCloseTo(0.565518, 5);
	});
});
