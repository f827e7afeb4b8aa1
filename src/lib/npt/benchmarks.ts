/**
 * Benchmarks (docs/scoring.md §8): a practice's score set beside a group of practices (its ICB, or
 * every practice in this Belonging service) over the same period, each practice on its latest
 * closed round in it. A group shows its median, its quartiles and how many practices are in it,
 * and says where the practice's interval lies against the middle half. It never shows a minimum,
 * a maximum, a rank, or any other practice's name or score.
 *
 * Only practices whose score is shown may be in a group: a practice below MIN_RESPONSES, or with
 * that score withheld, is left out. A quartile is then a function of shown figures alone, so no
 * withheld figure can be worked back from one. A group too small to blur its members is not
 * shown at all.
 */
import { SCORE_KEYS, type ScoreKey } from './constructs';
import { canShow, type DisclosureRules } from './disclosure';
import type { PracticeResult } from './pcn';
import type { GroupScore } from './scoring';
import type { Interval } from './statistics';

/** The default of MIN_BENCHMARK_PRACTICES: the fewest practices with a score shown that make a group. */
export const DEFAULT_MIN_BENCHMARK_PRACTICES = 10;

export interface BenchmarkRules {
	/** The fewest practices with the score shown that a group must hold to be shown. */
	minPractices: number;
}

/**
 * The p-quantile of values already sorted ascending, as R's default (type 7) and Excel's
 * QUARTILE.INC compute it: the point at (n − 1)p along the sorted values, interpolated linearly
 * between the two values on either side. The one quantile method of the product.
 */
export function quantileType7(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) throw new Error('No values to take a quantile of');
	if (!(p >= 0 && p <= 1)) throw new Error(`A quantile's p is between 0 and 1, not ${p}`);
	const at = (sorted.length - 1) * p;
	const below = Math.floor(at);
	const above = Math.min(below + 1, sorted.length - 1);
	return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}

export interface Quartiles {
	lower: number;
	median: number;
	upper: number;
}

/** The lower quartile, median and upper quartile of the values (type 7). */
export function quartilesOf(values: readonly number[]): Quartiles {
	const sorted = [...values].sort((a, b) => a - b);
	return { lower: quantileType7(sorted, 0.25), median: quantileType7(sorted, 0.5), upper: quantileType7(sorted, 0.75) };
}

/**
 * Where a practice's score lies against a group's middle half: above it when its whole interval
 * is above the upper quartile, below it when its whole interval is below the lower quartile, and
 * within it otherwise, since the data cannot then tell the practice from the middle half. A score
 * with no interval (a single respondent's, which §6 withholds anyway) is placed by its mean.
 */
export type BenchmarkPlace = 'above' | 'within' | 'below';

export function placeAgainst(score: { mean: number; interval: Interval | null }, quartiles: Quartiles): BenchmarkPlace {
	const lower = score.interval?.lower ?? score.mean;
	const upper = score.interval?.upper ?? score.mean;
	if (lower > quartiles.upper) return 'above';
	if (upper < quartiles.lower) return 'below';
	return 'within';
}

export type BenchmarkGroupKind = 'icb' | 'service';

/** A shown score as a benchmark reads it. */
export interface BenchmarkScore {
	mean: number;
	interval: Interval | null;
}

/**
 * A practice as a benchmark reads it, on its latest closed round in the period: null when nothing
 * of it is shown (no round there, or fewer than MIN_RESPONSES answered); within it, null for each
 * score withheld.
 */
export type BenchmarkEntry = Readonly<Record<ScoreKey, BenchmarkScore | null>> | null;

/** The entry of a practice as the PCN view has it. */
export function entryOfResult(result: PracticeResult): BenchmarkEntry {
	if (result.state !== 'shown') return null;
	const entry = {} as Record<ScoreKey, BenchmarkScore | null>;
	for (const key of SCORE_KEYS) {
		const score = result.scores[key];
		entry[key] = score ? { mean: score.mean, interval: score.interval } : null;
	}
	return entry;
}

/**
 * The entry of a round's stored group scores (before disclosure): the same rules, in the same
 * order, as the PCN view applies to the round's summary, so both give the same entry.
 */
export function entryOfScores(stored: { respondents: number; scores: Readonly<Record<ScoreKey, GroupScore>> }, rules: DisclosureRules): BenchmarkEntry {
	if (!canShow({ respondents: stored.respondents }, rules)) return null;
	const entry = {} as Record<ScoreKey, BenchmarkScore | null>;
	for (const key of SCORE_KEYS) {
		const score = stored.scores[key];
		entry[key] = canShow({ score }, rules) && score.mean !== null ? { mean: score.mean, interval: score.interval } : null;
	}
	return entry;
}

/** A group as a benchmark shows it for one score, or why it is not shown. */
export type GroupBenchmark =
	| { shown: true; practices: number; quartiles: Quartiles }
	| { shown: false; practices: number; practicesNeeded: number };

/**
 * The benchmark of one score over a group's practices, each on its latest closed round in the
 * period; only those with the score shown count, and the group is shown only when at least
 * `rules.minPractices` of them do.
 */
export function groupBenchmark(entries: readonly BenchmarkEntry[], key: ScoreKey, rules: BenchmarkRules): GroupBenchmark {
	const values: number[] = [];
	for (const entry of entries) {
		const score = entry?.[key];
		if (score) values.push(score.mean);
	}
	if (values.length === 0 || values.length < rules.minPractices) {
		return { shown: false, practices: values.length, practicesNeeded: Math.max(1, rules.minPractices - values.length) };
	}
	return { shown: true, practices: values.length, quartiles: quartilesOf(values) };
}

/** One score of one practice against one group: the group's figures, and where the practice lies (null when its own score is withheld). */
export type ScoreBenchmark =
	| { shown: true; practices: number; quartiles: Quartiles; place: BenchmarkPlace | null }
	| { shown: false; practices: number; practicesNeeded: number };

/**
 * The practice's own score set against a group benchmark. The group's figures come from shown
 * scores only, so they are shown beside a practice whose own score is withheld too, with no
 * place: where a withheld score lies is not said.
 */
export function benchmarkScore(entry: BenchmarkEntry, key: ScoreKey, group: GroupBenchmark): ScoreBenchmark {
	if (!group.shown) return group;
	const own = entry?.[key];
	return { ...group, place: own ? placeAgainst(own, group.quartiles) : null };
}

const GROUP_WORDS: Record<BenchmarkGroupKind, string> = {
	icb: 'practices in your ICB',
	service: 'practices using Belonging'
};

const PLACE_WORDS: Record<BenchmarkPlace, string> = {
	above: 'above the middle half of',
	within: 'within the middle half of',
	below: 'below the middle half of'
};

/** Where a score lies, in a word, for a table's cell beside its column of the group's middle half. */
export const PLACE_NAMES: Record<BenchmarkPlace, string> = { above: 'Above', within: 'Within', below: 'Below' };

/** The sentence that places a practice's score against a group, e.g. "above the middle half of practices in your ICB". */
export function placementSentence(place: BenchmarkPlace, group: BenchmarkGroupKind): string {
	return `${PLACE_WORDS[place]} ${GROUP_WORDS[group]}`;
}
