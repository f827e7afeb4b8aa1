import { describe, expect, it } from 'vitest';
import { outnumbersStaff } from '../../src/lib/npt/response-rate';

describe('more answers than staff', () => {
	it('holds only above a 100% response rate, and never without a headcount', () => {
		expect(outnumbersStaff(30 / 20)).toBe(true);
		expect(outnumbersStaff(21 / 20)).toBe(true);
		expect(outnumbersStaff(20 / 20)).toBe(false);
		expect(outnumbersStaff(0.4)).toBe(false);
		expect(outnumbersStaff(null)).toBe(false);
	});
});
