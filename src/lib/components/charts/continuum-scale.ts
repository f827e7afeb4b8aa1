/**
 * The continuum's geometry, shared by every drawing of it (the practice's band, the PCN's strip
 * and the zones behind the score charts): its three bands as stretches of the 0–10 scale, the
 * ticks worth marking, and where a score falls across a drawing's width.
 */
import { BANDS, type Band } from '$lib/npt/continuum';
import type { BandThresholds } from '$lib/npt/instrument';
import { SCALE_MAX, SCALE_MIN } from '$lib/npt/scale';

export interface ContinuumZone {
	band: Band;
	from: number;
	to: number;
}

/** Bolted on, Fitting in and Belonging, from one end of the scale to the other. */
export function continuumZones(bands: BandThresholds): ContinuumZone[] {
	return [
		{ band: BANDS[0], from: SCALE_MIN, to: bands.fittingIn },
		{ band: BANDS[1], from: bands.fittingIn, to: bands.belonging },
		{ band: BANDS[2], from: bands.belonging, to: SCALE_MAX }
	];
}

/** Both ends of the scale and the two band boundaries. */
export function continuumTicks(bands: BandThresholds): number[] {
	return [SCALE_MIN, bands.fittingIn, bands.belonging, SCALE_MAX];
}

/**
 * Where a value sits across a drawing, as a percentage of its width (an SVG attribute, never a
 * `style` attribute, which the Content-Security-Policy refuses); outside the scale, at its end.
 */
export function positionOf(value: number): string {
	const clamped = Math.min(SCALE_MAX, Math.max(SCALE_MIN, value));
	return `${((clamped - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)) * 100}%`;
}
