import { describe, expect, it } from 'vitest';
import { constructStanding, describeConstructRule, describeStanding } from '../../src/lib/npt/construct-standing';
import { placeOnContinuum } from '../../src/lib/npt/continuum';
import { suggestActions } from '../../src/lib/npt/actions';
import { commonGaps } from '../../src/lib/npt/pcn';
import { miniInstrument } from '../fixtures/instruments';

// The fixture's thresholds: fittingIn 5, belonging 7.5, belongingConstructMinimum 6.25.
const bands = miniInstrument.bands;

describe('a construct against the Belonging construct minimum (docs/scoring.md §4)', () => {
	it('meets at exactly the minimum and above it', () => {
		expect(constructStanding(6.25, bands)).toBe('meets');
		expect(constructStanding(10, bands)).toBe('meets');
	});

	it('is below just under the minimum, however close', () => {
		expect(constructStanding(6.249, bands)).toBe('below');
		expect(constructStanding(0, bands)).toBe('below');
	});

	it('has no standing when the score is withheld', () => {
		expect(constructStanding(null, bands)).toBeNull();
		expect(constructStanding(undefined, bands)).toBeNull();
		expect(constructStanding(Number.NaN, bands)).toBeNull();
	});

	it('meets at 7.0, which the overall bands would call Fitting in', () => {
		expect(constructStanding(7, bands)).toBe('meets');
	});

	it('takes the minimum from the instrument, not a fixed 6.25', () => {
		const stricter = { ...bands, belongingConstructMinimum: 7 };
		expect(constructStanding(6.9, stricter)).toBe('below');
		expect(constructStanding(7, stricter)).toBe('meets');
		expect(describeStanding('meets', stricter)).toBe('Meets 7');
		expect(describeStanding('below', stricter)).toBe('Below 7');
	});

	it('says the rule with the instrument’s own number', () => {
		expect(describeStanding('meets', bands)).toBe('Meets 6.25');
		expect(describeStanding('below', bands)).toBe('Below 6.25');
		expect(describeConstructRule(bands)).toContain('against the 6.25 that Belonging asks of every part');
	});

	it('is the rule placement, the steps to work on and the common gaps all count with', () => {
		const constructs = { coherence: 6.25, cognitive_participation: 6.249, collective_action: 7, reflexive_monitoring: null };
		const placement = placeOnContinuum({ mean: 8, interval: null }, constructs, bands)!;
		expect(placement.heldBackBy).toEqual(['cognitive_participation']);
		expect(placement.unconfirmed).toEqual(['reflexive_monitoring']);
		expect(suggestActions(constructs, bands.belongingConstructMinimum).map((c) => c.construct)).toEqual(['cognitive_participation']);
		// One practice: coherence 6.25 meets, cognitive participation 6.249 is below, collective action 7 meets.
		const gaps = commonGaps([constructs], bands.belongingConstructMinimum);
		expect(gaps.map((g) => [g.construct, g.practicesBelow])).toEqual([['cognitive_participation', 1]]);
	});
});
