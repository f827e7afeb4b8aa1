/** Sentences that state what the dashboard's charts show, for their labels and captions. */
import { formatScore } from '$lib/format';
import type { TrendPoint } from '$lib/server/dashboard';

/** Rounds with an overall score, in order, for the trend's headline sentence. */
function overallSeries(trend: TrendPoint[]) {
	return trend.flatMap((p) => (p.shown && p.scores.overall ? [{ title: p.title, mean: p.scores.overall.mean }] : []));
}

/**
 * "Overall score rose from 5.2 to 6.4 between Autumn 2025 and Spring 2026; now Fitting in."
 * The words follow the rounded figures, so a change too small to see reads as "stayed at".
 */
export function trendFinding(trend: TrendPoint[], placement: string | null): string {
	const series = overallSeries(trend);
	const now = placement ? `; now ${placement}` : '';
	const withheld = trend.filter((p) => !p.shown).length;
	const gaps = withheld > 0 ? ` ${withheld} of ${trend.length} rounds had too few responses to show.` : '';
	if (series.length === 0) return `No closed round has enough responses to show a score.${gaps}`;
	const first = series[0]!;
	const last = series.at(-1)!;
	if (series.length === 1) {
		return `Overall score ${formatScore(last.mean)} in ${last.title}${now}. Only one round can be shown, so there is no trend yet.${gaps}`;
	}
	const [a, b] = [formatScore(first.mean), formatScore(last.mean)];
	const moved = a === b ? `stayed at ${a}` : `${Number(b) > Number(a) ? 'rose' : 'fell'} from ${a} to ${b}`;
	return `Overall score ${moved} between ${first.title} and ${last.title}${now}.${gaps}`;
}
