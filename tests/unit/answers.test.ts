import { describe, expect, it } from 'vitest';
import { directionalPoint, scoreAnswer, toTenPointScale } from '../../src/lib/npt/answers';

describe('the 0–10 scale (docs/scoring.md §3)', () => {
	it('maps 1→0, 2→2.5, 3→5, 4→7.5, 5→10', () => {
		expect([1, 2, 3, 4, 5].map((p) => toTenPointScale(p as 1 | 2 | 3 | 4 | 5))).toEqual([
			0, 2.5, 5, 7.5, 10
		]);
	});

	it('scores reverse-worded items as 6 − x before scaling', () => {
		expect(directionalPoint(1, true)).toBe(5);
		expect(directionalPoint(2, true)).toBe(4);
		expect(directionalPoint(3, true)).toBe(3);
		expect(scoreAnswer(1, true)).toBe(10);
		expect(scoreAnswer(2, true)).toBe(7.5);
		expect(scoreAnswer(4, true)).toBe(2.5);
		expect(scoreAnswer(4, false)).toBe(7.5);
	});
});
