/** Geometry of a diverging stacked bar, in a 200-unit-wide box whose centre (100) is neutral. */
import { AGREEMENT_POINTS, type AgreementPoint } from '$lib/npt/answers';

export interface Segment {
	point: AgreementPoint;
	x: number;
	width: number;
}

/**
 * Disagreement runs left of the centre, agreement right, and "neither" straddles the centre
 * line half on each side. A share of 1 spans 100 units, so a bar never leaves the box.
 */
export function divergingSegments(counts: Record<AgreementPoint, number>, scored: number): Segment[] {
	if (scored === 0) return [];
	const w = (p: AgreementPoint) => (counts[p] / scored) * 100;
	const left = 100 - w(3) / 2 - w(2) - w(1);
	let x = left;
	return AGREEMENT_POINTS.map((point) => {
		const segment = { point, x, width: w(point) };
		x += segment.width;
		return segment;
	}).filter((s) => s.width > 0);
}

/** "communal_specification" → "Communal specification", the NPT term as written. */
export function subConstructName(id: string): string {
	const words = id.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}
