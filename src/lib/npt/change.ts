/**
 * Change over time (docs/scoring.md §5): between two consecutive closed rounds of a practice, a
 * score's change Δ is notable only when it is larger than 1.96 × √(se₁² + se₂²); anything
 * smaller is "within noise". A side that was withheld gives no change at all.
 */
import { SCORE_KEYS, type Construct, type ScoreKey } from './constructs';
import type { Disclosed } from './disclosure';
import type { DisclosedScores } from './round-results';
import type { GroupScore } from './scoring';

/** One score of a group's overall and construct scores, by key. */
export function scoreFor<T>(scores: { overall: T; constructs: Record<Construct, T> }, key: ScoreKey): T {
	return key === 'overall' ? scores.overall : scores.constructs[key];
}

/** The multiplier of the combined standard error for a two-sided 95% test (docs/scoring.md §5). */
export const NOTABLE_Z = 1.96;

/*
 * Means are averages of quarter points and thresholds are products of irrational roots, so a
 * change that equals its threshold on paper may differ from it in the last binary digit; such a
 * change stays "within noise", as the rule's strict inequality says.
 */
const ROUNDING_ALLOWANCE = 1e-9;

export interface Change {
	previous: number;
	latest: number;
	/** latest − previous. */
	delta: number;
	/** 1.96 × √(se₁² + se₂²): how large |Δ| must be to be notable. */
	threshold: number;
	notable: boolean;
	direction: 'rise' | 'fall' | 'none';
}

/** The standard error of a group mean, sd / √n; null without a standard deviation. */
export function standardError(score: Pick<GroupScore, 'sd' | 'n'>): number | null {
	return score.sd === null || score.n < 1 ? null : score.sd / Math.sqrt(score.n);
}

export function changeBetween(previous: Disclosed<GroupScore>, latest: Disclosed<GroupScore>): Change | null {
	if (!previous.shown || !latest.shown) return null;
	if (previous.mean === null || latest.mean === null) return null;
	const se1 = standardError(previous);
	const se2 = standardError(latest);
	if (se1 === null || se2 === null) return null;
	const delta = latest.mean - previous.mean;
	const threshold = NOTABLE_Z * Math.sqrt(se1 * se1 + se2 * se2);
	return {
		previous: previous.mean,
		latest: latest.mean,
		delta,
		threshold,
		notable: Math.abs(delta) > threshold + ROUNDING_ALLOWANCE,
		direction: delta > 0 ? 'rise' : delta < 0 ? 'fall' : 'none'
	};
}

export type Changes = Record<ScoreKey, Change | null>;

/** Changes of the overall score and each construct; all null when either round was withheld. */
export function changesBetween(previous: DisclosedScores | null, latest: DisclosedScores | null): Changes {
	const changes = {} as Changes;
	for (const key of SCORE_KEYS) {
		changes[key] = previous && latest ? changeBetween(scoreFor(previous, key), scoreFor(latest, key)) : null;
	}
	return changes;
}

/** "Notable rise", "Notable fall" or "Within noise": the verdict in words, never by colour alone. */
export function describeChange(change: Change): string {
	if (!change.notable) return 'Within noise';
	return change.direction === 'rise' ? 'Notable rise' : 'Notable fall';
}

/** Every way a score can have moved between consecutive closed rounds, "cannot compare" included. */
export type Verdict = 'cannot_compare' | 'within_noise' | 'notable_rise' | 'notable_fall';

/** The verdict of a change; a change that could not be worked out (a round withheld) cannot compare. */
export function verdictOf(change: Change | null): Verdict {
	if (!change) return 'cannot_compare';
	if (!change.notable) return 'within_noise';
	return change.direction === 'rise' ? 'notable_rise' : 'notable_fall';
}
