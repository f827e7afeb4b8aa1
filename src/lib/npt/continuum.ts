/**
 * The belonging continuum (docs/scoring.md §4): indicative display bands derived from the research,
 * not validated cut-off scores.
 */
import { constructStanding } from './construct-standing';
import { CONSTRUCTS, type Construct } from './constructs';
import type { BandThresholds } from './instrument';
import type { Interval } from './statistics';

export const BANDS = ['bolted_on', 'fitting_in', 'belonging'] as const;
export type Band = (typeof BANDS)[number];

export const BAND_NAMES: Record<Band, string> = {
	bolted_on: 'Bolted on',
	fitting_in: 'Fitting in',
	belonging: 'Belonging'
};

export const BAND_DESCRIPTIONS: Record<Band, string> = {
	bolted_on:
		'The role was added without much thought for how it fits, what the link worker brings or the support they need.',
	fitting_in:
		'The practice has made some room for the link worker, but mostly on its own terms; the role is not yet fully understood or valued.',
	belonging:
		'The practice works with the link worker, adapts where needed and treats the role as a legitimate part of the team.'
};

export interface Placement {
	band: Band;
	/** Bands on the far side of any boundary the overall score's interval crosses. */
	borderlineWith: Band[];
	/** Overall score reaches Belonging, but these constructs are below the minimum it needs. */
	heldBackBy: Construct[];
	/** Overall score reaches Belonging, but these constructs have no score that can be shown. */
	unconfirmed: Construct[];
}

/** The band an overall score falls in by the overall thresholds alone (a construct has a standing instead). */
export function bandOfScore(score: number, bands: BandThresholds): Band {
	if (score >= bands.belonging) return 'belonging';
	if (score >= bands.fittingIn) return 'fitting_in';
	return 'bolted_on';
}

/**
 * Belonging needs the overall score at or above its threshold *and* every construct at or above
 * the construct minimum; Fitting in needs the overall score at or above its threshold; anything
 * lower is Bolted on. A construct without a score cannot confirm Belonging.
 */
export function placeOnContinuum(
	overall: { mean: number | null; interval: Interval | null },
	constructMeans: Record<Construct, number | null>,
	bands: BandThresholds
): Placement | null {
	if (overall.mean === null) return null;
	let band = bandOfScore(overall.mean, bands);
	const heldBackBy: Construct[] = [];
	const unconfirmed: Construct[] = [];
	if (band === 'belonging') {
		for (const construct of CONSTRUCTS) {
			const standing = constructStanding(constructMeans[construct], bands);
			if (standing === null) unconfirmed.push(construct);
			else if (standing === 'below') heldBackBy.push(construct);
		}
		if (heldBackBy.length > 0 || unconfirmed.length > 0) band = 'fitting_in';
	}
	return { band, borderlineWith: borderlineBands(band, overall.interval, bands), heldBackBy, unconfirmed };
}

function borderlineBands(band: Band, interval: Interval | null, bands: BandThresholds): Band[] {
	if (!interval) return [];
	const crosses = (boundary: number) => interval.lower < boundary && interval.upper >= boundary;
	const near = new Set<Band>();
	if (crosses(bands.fittingIn)) near.add('bolted_on').add('fitting_in');
	if (crosses(bands.belonging)) near.add('fitting_in').add('belonging');
	near.delete(band);
	return BANDS.filter((b) => near.has(b));
}

/** "Fitting in", or "Fitting in — borderline with Belonging". */
export function describePlacement(placement: Placement): string {
	const name = BAND_NAMES[placement.band];
	if (placement.borderlineWith.length === 0) return name;
	const others = placement.borderlineWith.map((b) => BAND_NAMES[b]).join(' and ');
	return `${name} — borderline with ${others}`;
}
