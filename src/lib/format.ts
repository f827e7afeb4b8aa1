/** How numbers read on the page: scores with one decimal (docs/scoring.md §3), shares as whole percentages. */
import type { Interval } from './npt/statistics';

export function formatScore(value: number): string {
	return value.toFixed(1);
}

/** A change of score: "+1.2", "−0.3" (a true minus sign), "0.0". */
export function signedScore(delta: number): string {
	const rounded = Number(delta.toFixed(1));
	if (rounded === 0) return '0.0';
	return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)}`;
}

/** Thresholds keep their exact value: "6.25", "7.5", "5". */
export function formatThreshold(value: number): string {
	return String(Number(value.toFixed(2)));
}

export function formatInterval(interval: Interval | null): string {
	return interval ? `${formatScore(interval.lower)} to ${formatScore(interval.upper)}` : 'not available';
}

export function formatPercent(share: number): string {
	return `${Math.round(share * 100)}%`;
}

export function formatShareInterval(interval: Interval | null): string {
	return interval ? `${formatPercent(interval.lower)} to ${formatPercent(interval.upper)}` : 'not available';
}

export function plural(count: number, one: string, many = `${one}s`): string {
	return `${count} ${count === 1 ? one : many}`;
}
