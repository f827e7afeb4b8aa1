import { describe, expect, it } from 'vitest';
import { ukDate } from '../../src/lib/dates';

describe('ukDate', () => {
	it('gives the date in London, in winter and in summer time, however often it is asked in a minute', () => {
		// 23:59:59 BST on 30 June is 22:59:59 UTC; a second later it is 1 July in London.
		expect(ukDate(new Date('2026-06-30T22:59:59Z'))).toBe('2026-06-30');
		expect(ukDate(new Date('2026-06-30T22:59:30Z'))).toBe('2026-06-30');
		expect(ukDate(new Date('2026-06-30T23:00:00Z'))).toBe('2026-07-01');
		// In winter London is on UTC.
		expect(ukDate(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
		expect(ukDate(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01-01');
		// Back to an earlier minute, then the same one again.
		expect(ukDate(new Date('2026-06-30T22:59:00Z'))).toBe('2026-06-30');
		expect(ukDate(new Date('2026-06-30T23:00:59Z'))).toBe('2026-07-01');
		expect(ukDate(new Date('2026-06-30T23:00:01Z'))).toBe('2026-07-01');
	});
});
