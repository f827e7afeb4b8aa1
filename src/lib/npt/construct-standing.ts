/**
 * How one construct score is read (docs/scoring.md §4). The overall score is placed on the continuum's
 * three bands; a construct is not. A construct is read against the one rule Belonging applies
 * to it: at or above the instrument's construct minimum, or below it. The same rule picks the
 * constructs to work on (§4, the weakest drive the suggested actions), so a part never looks
 * "good enough" on one page and counts as a gap on another.
 */
import type { BandThresholds } from './instrument';

export const STANDINGS = ['meets', 'below'] as const;
export type ConstructStanding = (typeof STANDINGS)[number];

/** Where a construct score stands against the minimum Belonging asks of every construct; null for a withheld score. */
export function constructStanding(
	score: number | null | undefined,
	bands: Pick<BandThresholds, 'belongingConstructMinimum'>
): ConstructStanding | null {
	if (score === null || score === undefined || !Number.isFinite(score)) return null;
	return score >= bands.belongingConstructMinimum ? 'meets' : 'below';
}

/** The minimum as the page prints it: "6.25". */
function minimumText(bands: Pick<BandThresholds, 'belongingConstructMinimum'>): string {
	return String(Number(bands.belongingConstructMinimum.toFixed(2)));
}

/** The short words beside a construct score: "Meets 6.25" or "Below 6.25". */
export function describeStanding(standing: ConstructStanding, bands: Pick<BandThresholds, 'belongingConstructMinimum'>): string {
	return `${standing === 'meets' ? 'Meets' : 'Below'} ${minimumText(bands)}`;
}

/** The rule, said once on each page that marks constructs. */
export function describeConstructRule(bands: Pick<BandThresholds, 'belongingConstructMinimum'>): string {
	const minimum = minimumText(bands);
	return `Each part is marked against the ${minimum} that Belonging asks of every part: “Meets ${minimum}” at ${minimum} or above, “Below ${minimum}” under it, a part to work on. The three bands (Bolted on, Fitting in, Belonging) place the overall score only.`;
}
