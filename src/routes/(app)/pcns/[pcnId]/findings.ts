/** Sentences that state what the PCN dashboard's drawings show, for their labels and captions. */
import { formatScore, plural } from '$lib/format';
import { BAND_NAMES, BANDS } from '$lib/npt/continuum';
import type { Band } from '$lib/npt/continuum';
import type { Interval } from '$lib/npt/statistics';
import type { TrendPoint } from '$lib/npt/practice-rounds';

export interface StripPractice {
	id: number;
	name: string;
	mean: number;
	interval: Interval | null;
	band: Band;
}

const overlap = (a: Interval | null, b: Interval | null) => !!a && !!b && a.lower <= b.upper && b.lower <= a.upper;

/** Practices whose interval overlaps at least one other practice's interval. */
export function overlapping(practices: readonly StripPractice[]): number {
	return practices.filter((p) => practices.some((q) => q.id !== p.id && overlap(p.interval, q.interval))).length;
}

/**
 * "3 practices placed: 1 Bolted on, 2 Fitting in. The intervals of 2 of them overlap another's,
 * so those cannot be told apart." Bands are counted, never ranked.
 */
export function continuumFinding(practices: readonly StripPractice[]): string {
	if (practices.length === 0) return 'No practice has an overall score to place in this period.';
	const counts = BANDS.map((band) => [band, practices.filter((p) => p.band === band).length] as const)
		.filter(([, n]) => n > 0)
		.map(([band, n]) => `${n} ${BAND_NAMES[band]}`)
		.join(', ');
	const together = overlapping(practices);
	const overlapText =
		practices.length < 2
			? ''
			: together === 0
				? ' No two intervals overlap.'
				: together === practices.length
					? ' Every practice’s interval overlaps at least one other’s, so none of them stands apart from the rest.'
					: ` The intervals of ${together} practices overlap at least one other’s, so those should not be called different.`;
	return `${plural(practices.length, 'practice')} placed on the continuum: ${counts}.${overlapText}`;
}

/** "Overall score rose from 5.0 to 7.5 between Autumn 2025 and Spring 2026." for one practice. */
export function smallTrendFinding(name: string, points: readonly TrendPoint<'overall'>[]): string {
	// Only rounds on the latest instrument series are compared: an earlier run is drawn apart.
	const lastRun = points.at(-1)?.run ?? 0;
	const series = points.flatMap((p) => (p.run === lastRun && p.shown && p.scores.overall ? [{ title: p.title, mean: p.scores.overall.mean }] : []));
	const withheld = points.filter((p) => !p.shown).length;
	const apart = lastRun > 0 ? ' Earlier rounds used a different instrument and are not compared.' : '';
	const gaps = (withheld > 0 ? ` ${withheld} of ${plural(points.length, 'round')} had too few responses to show.` : '') + apart;
	if (points.length === 0) return `${name}: no survey round has closed yet.`;
	if (series.length === 0) return `${name}: no closed round has enough responses to show a score.${gaps}`;
	const first = series[0]!;
	const last = series.at(-1)!;
	if (series.length === 1) return `${name}: overall score ${formatScore(last.mean)} in ${last.title}; only one round can be shown.${gaps}`;
	const [a, b] = [formatScore(first.mean), formatScore(last.mean)];
	const moved = a === b ? `stayed at ${a}` : `${Number(b) > Number(a) ? 'rose' : 'fell'} from ${a} to ${b}`;
	return `${name}: overall score ${moved} between ${first.title} and ${last.title}.${gaps}`;
}
