/**
 * Sentences that state what a chart shows, for its accessible label and its caption. They only
 * describe figures that the scoring module has already computed and disclosed.
 */
import { constructStanding } from './npt/construct-standing';
import { describePlacement, type Placement } from './npt/continuum';
import { CONSTRUCT_NAMES, CONSTRUCTS, type Construct } from './npt/constructs';
import type { Disclosed } from './npt/disclosure';
import type { BandThresholds } from './npt/instrument';
import type { GroupScore } from './npt/scoring';
import type { Interval } from './npt/statistics';
import { formatInterval, formatScore, formatThreshold } from './format';

export function placementFinding(
	practiceName: string,
	score: number,
	interval: Interval | null,
	placement: Placement
): string {
	const range = interval ? ` (95% interval ${formatInterval(interval)})` : '';
	return `${practiceName}: overall score ${formatScore(score)} out of 10${range}. Placement: ${describePlacement(placement)}.`;
}

export function constructFinding(
	constructs: Record<Construct, Disclosed<GroupScore>>,
	bands: BandThresholds
): string {
	const shown = CONSTRUCTS.flatMap((c) => {
		const score = constructs[c];
		return score.shown && score.mean !== null ? [{ construct: c, mean: score.mean }] : [];
	});
	if (shown.length === 0) return 'No construct has enough answers to show a score.';
	const sorted = [...shown].sort((a, b) => b.mean - a.mean);
	const name = (c: Construct) => CONSTRUCT_NAMES[c].name;
	const highest = sorted[0]!;
	const lowest = sorted[sorted.length - 1]!;
	const below = shown.filter((s) => constructStanding(s.mean, bands) === 'below').map((s) => name(s.construct));
	const parts = [
		`Construct scores out of 10: highest ${name(highest.construct)} at ${formatScore(highest.mean)}, lowest ${name(lowest.construct)} at ${formatScore(lowest.mean)}.`
	];
	parts.push(
		below.length === 0
			? `All shown constructs reach the ${formatThreshold(bands.belongingConstructMinimum)} that Belonging needs.`
			: `Below the ${formatThreshold(bands.belongingConstructMinimum)} that Belonging needs: ${below.join(', ')}.`
	);
	if (shown.length < CONSTRUCTS.length) parts.push('Some constructs have too few answers to show.');
	return parts.join(' ');
}
