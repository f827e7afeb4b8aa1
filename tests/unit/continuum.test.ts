import { describe, expect, it } from 'vitest';
import { bandOfScore, describePlacement, placeOnContinuum } from '../../src/lib/npt/continuum';
import type { Construct } from '../../src/lib/npt/constructs';
import { miniInstrument } from '../fixtures/instruments';

const bands = miniInstrument.bands;
const allAt = (score: number | null): Record<Construct, number | null> => ({
	coherence: score,
	cognitive_participation: score,
	collective_action: score,
	reflexive_monitoring: score
});

describe('band placement (docs/scoring.md §4)', () => {
	it('puts boundary scores in the higher band', () => {
		expect(bandOfScore(4.99, bands)).toBe('bolted_on');
		expect(bandOfScore(5, bands)).toBe('fitting_in');
		expect(bandOfScore(7.49, bands)).toBe('fitting_in');
		expect(bandOfScore(7.5, bands)).toBe('belonging');
	});

	it('places Belonging when the overall score and every construct are high enough', () => {
		const placement = placeOnContinuum({ mean: 8, interval: { lower: 7.6, upper: 8.4 } }, allAt(6.25), bands);
		expect(placement).toEqual({ band: 'belonging', borderlineWith: [], heldBackBy: [], unconfirmed: [] });
		expect(describePlacement(placement!)).toBe('Belonging');
	});

	it('holds a practice at Fitting in when every construct is at least 6.25 but one', () => {
		const constructs = { ...allAt(8.5), reflexive_monitoring: 6.2 };
		const placement = placeOnContinuum({ mean: 8, interval: { lower: 7.6, upper: 8.4 } }, constructs, bands)!;
		expect(placement.band).toBe('fitting_in');
		expect(placement.heldBackBy).toEqual(['reflexive_monitoring']);
		expect(placement.borderlineWith).toEqual([]);
	});

	it('cannot confirm Belonging when a construct has no score', () => {
		const constructs = { ...allAt(8.5), collective_action: null };
		const placement = placeOnContinuum({ mean: 8, interval: null }, constructs, bands)!;
		expect(placement.band).toBe('fitting_in');
		expect(placement.unconfirmed).toEqual(['collective_action']);
	});

	it('marks borderline when the interval crosses the boundary above', () => {
		const placement = placeOnContinuum({ mean: 7, interval: { lower: 6.2, upper: 7.8 } }, allAt(7), bands)!;
		expect(describePlacement(placement)).toBe('Fitting in — borderline with Belonging');
	});

	it('marks borderline when the interval crosses the boundary below', () => {
		const placement = placeOnContinuum({ mean: 8, interval: { lower: 7.2, upper: 8.8 } }, allAt(8), bands)!;
		expect(describePlacement(placement)).toBe('Belonging — borderline with Fitting in');
		const low = placeOnContinuum({ mean: 4.9, interval: { lower: 4, upper: 5.8 } }, allAt(5), bands)!;
		expect(describePlacement(low)).toBe('Bolted on — borderline with Fitting in');
	});

	it('names both neighbours when the interval straddles 5.0 and 7.5', () => {
		const placement = placeOnContinuum({ mean: 6.2, interval: { lower: 4.6, upper: 7.8 } }, allAt(6.2), bands)!;
		expect(placement.borderlineWith).toEqual(['bolted_on', 'belonging']);
		expect(describePlacement(placement)).toBe('Fitting in — borderline with Bolted on and Belonging');
		const bolted = placeOnContinuum({ mean: 4.5, interval: { lower: 1, upper: 8 } }, allAt(4.5), bands)!;
		expect(describePlacement(bolted)).toBe('Bolted on — borderline with Fitting in and Belonging');
	});

	it('counts an interval ending exactly on a boundary as reaching it, one starting on it as not crossing', () => {
		expect(placeOnContinuum({ mean: 6, interval: { lower: 5.5, upper: 7.5 } }, allAt(6), bands)!.borderlineWith).toEqual([
			'belonging'
		]);
		expect(placeOnContinuum({ mean: 6, interval: { lower: 5, upper: 7 } }, allAt(6), bands)!.borderlineWith).toEqual([]);
	});

	it('is borderline with Belonging when held back by a construct and the interval crosses 7.5', () => {
		const constructs = { ...allAt(8), coherence: 5 };
		const placement = placeOnContinuum({ mean: 7.8, interval: { lower: 7.1, upper: 8.5 } }, constructs, bands)!;
		expect(placement.band).toBe('fitting_in');
		expect(placement.borderlineWith).toEqual(['belonging']);
	});

	it('is never borderline without an interval (n = 1), and has no placement without a score', () => {
		expect(placeOnContinuum({ mean: 7.5, interval: null }, allAt(7.5), bands)!.borderlineWith).toEqual([]);
		expect(placeOnContinuum({ mean: null, interval: null }, allAt(null), bands)).toBeNull();
	});
});
