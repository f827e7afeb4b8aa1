import { describe, expect, it } from 'vitest';
import { signedScore } from '../../src/lib/format';

// Issue 30: the two perception-gap tables each signed a gap themselves, before rounding, so a gap
// of 0.04 read "+0.0" and −0.04 read "−0.0"; signedScore rounds first and gives zero no sign.
describe('signedScore', () => {
	it.each([
		[1.23, '+1.2'],
		[2, '+2.0'],
		[-0.34, '−0.3'],
		[-4.1, '−4.1'],
		[0, '0.0'],
		[0.04, '0.0'],
		[-0.04, '0.0'],
		[0.06, '+0.1'],
		[-0.06, '−0.1']
	])('writes a change of %d as %j, with a true minus sign', (delta, text) => {
		expect(signedScore(delta)).toBe(text);
	});
});
