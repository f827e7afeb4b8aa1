/** Sentences that state what the dashboard's charts show, for their labels and captions. */
import { formatScore } from '$lib/format';
import type { TrendPoint } from '$lib/npt/practice-rounds';

/** Rounds with an overall score, in order, for the trend's headline sentence. */
function overallSeries(trend: TrendPoint[]) {
	return trend.flatMap((p) => (p.shown && p.scores.overall ? [{ title: p.title, mean: p.scores.overall.mean }] : []));
}

/** The trend chart's finding: how the overall score moved, then what the markers on it are. */
export function trendFinding(trend: TrendPoint[], placement: string | null, markers = 0): string {
	return [scoresFinding(trend, placement), feedbackFinding(markers)].filter(Boolean).join(' ');
}

/** "Numbered dashed lines mark 3 things done about the gaps; see the table below." */
export function feedbackFinding(markers: number): string {
	if (markers === 0) return '';
	return markers === 1
		? 'A numbered dashed line marks 1 thing done about the gaps; see the table below.'
		: `Numbered dashed lines mark ${markers} things done about the gaps; see the table below.`;
}

/**
 * "Overall score rose from 5.2 to 6.4 between Autumn 2025 and Spring 2026; now Fitting in."
 * The words follow the rounded figures, so a change too small to see reads as "stayed at".
 */
function scoresFinding(trend: TrendPoint[], placement: string | null): string {
	// Only the rounds on the latest instrument series are compared; earlier runs are drawn apart.
	const lastRun = trend.at(-1)?.run ?? 0;
	const series = overallSeries(trend.filter((p) => p.run === lastRun));
	const apart = lastRun > 0 ? ' Earlier rounds used a different instrument and are drawn apart, not compared.' : '';
	const now = placement ? `; now ${placement}` : '';
	const withheld = trend.filter((p) => !p.shown).length;
	const gaps = withheld > 0 ? ` ${withheld} of ${trend.length} rounds had too few responses to show.` : '';
	if (series.length === 0) return `No closed round has enough responses to show a score.${gaps}${apart}`;
	const first = series[0]!;
	const last = series.at(-1)!;
	if (series.length === 1) {
		return `Overall score ${formatScore(last.mean)} in ${last.title}${now}. Only one round can be shown, so there is no trend yet.${gaps}${apart}`;
	}
	const [a, b] = [formatScore(first.mean), formatScore(last.mean)];
	const moved = a === b ? `stayed at ${a}` : `${Number(b) > Number(a) ? 'rose' : 'fell'} from ${a} to ${b}`;
	return `Overall score ${moved} between ${first.title} and ${last.title}${now}.${gaps}${apart}`;
}
