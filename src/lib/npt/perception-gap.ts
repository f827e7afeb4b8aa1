/**
 * The perception gap (docs/scoring.md §6): a link worker's own score minus the staff score, per
 * construct and per item, on the same 0–10 scale. A side that is missing or withheld gives no
 * gap at all, never a gap against zero. Pure: callers bring the staff figures that the
 * disclosure rules already let through.
 */
import { AGREEMENT_POINTS, isAgreementPoint, scoreAnswer, type AgreementAnswer } from './answers';
import { constructMeans, CONSTRUCTS, CONSTRUCT_NAMES, type Construct } from './constructs';
import { staffItemIdOf, type Instrument } from './instrument';
import type { RoundResults, StatementResult } from './round-results';
import { scoreRespondent } from './scoring';
import { formatScore } from '../format';

/**
 * A gap of two points or more is "large": one answer step on the five-point scale is 2.5, so
 * two points means the two sides sit most of a step apart on average, well beyond rounding.
 */
export const LARGE_GAP = 2;

export interface ScoreGap {
	staff: number | null;
	linkWorker: number | null;
	/** Link worker − staff; null when either side is missing. */
	gap: number | null;
	large: boolean;
}

export interface ItemGap extends ScoreGap {
	itemId: string;
	construct: Construct;
}

/** One side's scores: by construct, and by item id where an item has a score. */
export interface SideScores {
	constructs: Record<Construct, number | null>;
	items: Readonly<Record<string, number | null>>;
}

export interface GapSentence {
	construct: Construct;
	gap: number;
	text: string;
}

export interface PerceptionGap {
	constructs: Record<Construct, ScoreGap>;
	items: ItemGap[];
	/** One sentence per construct with a large gap, largest first. */
	sentences: GapSentence[];
	/** The construct with the largest gap either way, or null when no construct has both sides. */
	biggest: { construct: Construct; gap: number } | null;
}

export function scoreGap(staff: number | null, linkWorker: number | null): ScoreGap {
	const gap = staff === null || linkWorker === null ? null : linkWorker - staff;
	return { staff, linkWorker, gap, large: gap !== null && Math.abs(gap) >= LARGE_GAP };
}

/** A link worker's scores from their answers, by the same rules as a staff respondent's (§3); items by the staff item each pairs with. */
export function linkWorkerScores(
	instrument: Instrument,
	agreement: Readonly<Record<string, AgreementAnswer>>
): SideScores {
	const { constructs } = scoreRespondent(instrument, { roleGroup: null, agreement, general: {} });
	const items: Record<string, number | null> = {};
	for (const item of instrument.items) {
		const answer = agreement[item.id];
		// Keyed by the staff item it pairs with, so the statement-level gap compares like with like.
		items[staffItemIdOf(item)] = answer !== undefined && isAgreementPoint(answer) ? scoreAnswer(answer, item.reversed) : null;
	}
	return { constructs, items };
}

/**
 * The staff mean of one statement on the 0–10 scale, from its answer counts (as worded), for the
 * statement-level gap only: staff results are otherwise shown as distributions (§3). It rests on
 * the same people as the statement's distribution, those who scored it, so it exists only where
 * that distribution is shown (§6).
 */
export function staffItemScore(result: StatementResult, reversed: boolean): number | null {
	if (!result.shown) return null;
	const { counts } = result;
	let total = 0;
	let n = 0;
	for (const point of AGREEMENT_POINTS) {
		total += scoreAnswer(point, reversed) * counts[point];
		n += counts[point];
	}
	return n === 0 ? null : total / n;
}

/**
 * The staff side of the gap: only what the disclosure rules already show, so a withheld
 * construct or statement has no staff figure at all, not even in the page's data.
 */
export function staffSideOf(instrument: Pick<Instrument, 'items'>, results: RoundResults): SideScores {
	const constructs = constructMeans(results.shown ? results.scores.constructs : undefined);
	const items: Record<string, number | null> = {};
	if (results.shown) {
		const reversed = new Map(instrument.items.map((i) => [i.id, i.reversed]));
		for (const { itemId, result } of results.items) items[itemId] = staffItemScore(result, reversed.get(itemId) ?? false);
	}
	return { constructs, items };
}

// What each gap may mean, in each direction. "lower": the link worker scores below staff.
const READINGS: Record<Construct, { lower: string; higher: string }> = {
	coherence: {
		lower: 'staff may think the role is understood better than it is',
		higher: 'the link worker sees the role as better understood than staff do; staff may want a clearer account of what it is for'
	},
	cognitive_participation: {
		lower: 'staff may believe the practice is behind the role more than the link worker feels day to day',
		higher: 'the link worker feels more backing than staff report; the support may rest on a few people rather than the whole team'
	},
	collective_action: {
		lower: 'the everyday fit (space, systems, time, trust) may look better from the staff side than it feels to the link worker',
		higher: 'the link worker finds the role workable in practice, even though staff doubt it fits their routines'
	},
	reflexive_monitoring: {
		lower: 'staff may assume feedback about the role flows both ways when the link worker does not hear it',
		higher: 'the link worker sees more learning from the role than staff do; the results may not be reaching the wider team'
	}
};

/** A plain sentence for one large gap, e.g. "Staff rate coherence 7.8, the link worker 4.1: …". */
export function describeGap(construct: Construct, staff: number, linkWorker: number): string {
	const name = CONSTRUCT_NAMES[construct].name.toLowerCase();
	const reading = linkWorker < staff ? READINGS[construct].lower : READINGS[construct].higher;
	return `Staff rate ${name} ${formatScore(staff)}, the link worker ${formatScore(linkWorker)}: ${reading}.`;
}

/** The gap between one link worker's scores and the staff scores, with sentences for large gaps. */
export function perceptionGap(
	instrument: Pick<Instrument, 'items'>,
	staff: SideScores,
	linkWorker: SideScores
): PerceptionGap {
	const constructs = {} as Record<Construct, ScoreGap>;
	for (const construct of CONSTRUCTS) {
		constructs[construct] = scoreGap(staff.constructs[construct], linkWorker.constructs[construct]);
	}
	const items: ItemGap[] = [];
	for (const item of instrument.items) {
		const gap = scoreGap(staff.items[item.id] ?? null, linkWorker.items[item.id] ?? null);
		if (gap.gap !== null) items.push({ itemId: item.id, construct: item.construct, ...gap });
	}
	const withGap = CONSTRUCTS.flatMap((construct) => {
		const { staff: s, linkWorker: l, gap } = constructs[construct];
		return s !== null && l !== null && gap !== null ? [{ construct, s, l, gap }] : [];
	}).sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap));
	const sentences = withGap
		.filter((g) => constructs[g.construct].large)
		.map((g) => ({ construct: g.construct, gap: g.gap, text: describeGap(g.construct, g.s, g.l) }));
	const top = withGap[0];
	return { constructs, items, sentences, biggest: top ? { construct: top.construct, gap: top.gap } : null };
}
