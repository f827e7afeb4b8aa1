/**
 * The PCN dashboard's first screen: which practices may need support and why, how the PCN's
 * figure compares with the period before, and what is most commonly missing. Pure: it reads
 * the same results the dashboard's sections show, and ranks nobody (practices keep name order).
 */
import { addDays } from '../dates';
import { formatScore } from '../format';
import { verdictOf, type Change } from './change';
import type { CommonGap, Period, PracticeMean, PracticeResult } from './pcn';
import { changeSinceRoundBefore, type ScoredRound } from './practice-rounds';

/** Open infrastructure gaps at which a practice is named as needing support. */
export const MANY_OPEN_GAPS = 3;
/** How many of the weakest constructs and of the most shared infrastructure gaps the glance names. */
export const WEAKEST_SHOWN = 2;
export const SHARED_NEEDS_SHOWN = 3;

/** The overall score's change between a practice's last two closed rounds, as `changeSinceRoundBefore` gives it. */
export interface LastChange {
	from: string;
	to: string;
	/** Null when either round, or its overall score, was withheld, or the rounds used different instruments: "cannot compare". */
	overall: Change | null;
	/** Whether the two rounds used instruments whose scores are not one series: then there is no change to read. */
	differentInstruments: boolean;
}

/** A practice's last change as the PCN reads it: `changeSinceRoundBefore`, the practice dashboard's own. */
export function lastChangeOf(closed: readonly ScoredRound[]): LastChange | null {
	const moved = changeSinceRoundBefore(closed);
	return (
		moved && {
			from: moved.from.record.round.title,
			to: moved.to.record.round.title,
			overall: moved.scores.overall,
			differentInstruments: moved.differentInstruments
		}
	);
}

export type SupportReason =
	| { kind: 'bolted_on' }
	| { kind: 'fall'; change: Change; from: string; to: string }
	| { kind: 'too_few'; respondentsNeeded: number }
	| { kind: 'not_surveyed' }
	| { kind: 'open_gaps'; count: number };

export interface PracticeNeedingSupport {
	practiceId: number;
	name: string;
	reasons: SupportReason[];
}

export interface GlancePractice {
	id: number;
	name: string;
	result: PracticeResult;
	/** Null before a second round has closed. */
	change: LastChange | null;
	/** Whether any round of the practice took answers in the period. */
	surveyedInPeriod: boolean;
	/** Infrastructure needs with a flag still open at the practice. */
	openGaps: number;
}

/**
 * The change between a practice's last two closed rounds when it is a notable fall: the practice
 * dashboard's own verdict (docs/scoring.md §5), so a round withheld in between gives no fall.
 */
export function lastNotableFall(change: LastChange | null): { change: Change; from: string; to: string } | null {
	return change?.overall && verdictOf(change.overall) === 'notable_fall' ? { change: change.overall, from: change.from, to: change.to } : null;
}

/** A reason in words, as the PCN dashboard's glance and a PCN lead's to-do list give it. */
export function supportReasonText(reason: SupportReason): string {
	switch (reason.kind) {
		case 'bolted_on':
			return 'placed as bolted on';
		case 'fall':
			return `a notable fall, ${formatScore(reason.change.previous)} in ${reason.from} to ${formatScore(reason.change.latest)} in ${reason.to}`;
		case 'too_few':
			return 'too few answered its latest round to show results';
		case 'not_surveyed':
			return 'not surveyed in this period';
		case 'open_gaps':
			return `${reason.count} infrastructure gaps open`;
	}
}

/** Each practice with the reasons it may need support, in the order given; practices with none are left out. */
export function practicesNeedingSupport(practices: readonly GlancePractice[]): PracticeNeedingSupport[] {
	return practices.flatMap((practice) => {
		const reasons: SupportReason[] = [];
		const { result } = practice;
		if (result.state === 'shown' && result.placement?.band === 'bolted_on') reasons.push({ kind: 'bolted_on' });
		const fall = lastNotableFall(practice.change);
		if (fall) reasons.push({ kind: 'fall', ...fall });
		if (result.state === 'withheld') reasons.push({ kind: 'too_few', respondentsNeeded: result.respondentsNeeded });
		if (!practice.surveyedInPeriod) reasons.push({ kind: 'not_surveyed' });
		if (practice.openGaps >= MANY_OPEN_GAPS) reasons.push({ kind: 'open_gaps', count: practice.openGaps });
		return reasons.length ? [{ practiceId: practice.id, name: practice.name, reasons }] : [];
	});
}

/** The period of the same length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
	const to = addDays(period.from, -1);
	const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000);
	return { from: addDays(to, -days), to };
}

/** The gap matrix as far as the glance reads it: per need, one cell per practice in the matrix's order. */
interface NeedsMatrix<Need> {
	practices: readonly { id: number }[];
	aspects: readonly { items: readonly Need[] }[];
}
type Need = { practicesWithGap: number; cells: readonly { unresolved: readonly unknown[] }[] };

/** How many infrastructure needs each practice has a flag still open for, by practice id. */
export function openGapsByPractice(matrix: NeedsMatrix<Need>): Map<number, number> {
	const needs = matrix.aspects.flatMap((a) => a.items);
	return new Map(matrix.practices.map((p, i) => [p.id, needs.filter((need) => need.cells[i]!.unresolved.length > 0).length]));
}

export interface PcnGlance<N> {
	needingSupport: PracticeNeedingSupport[];
	/** The mean of practice overall scores in the period and in the period before, both from `comparePracticesIn`. */
	figure: { now: PracticeMean | null; before: Period; then: PracticeMean | null };
	/** The most widespread weak constructs, as `commonGaps` orders them. */
	weakest: CommonGap[];
	/** The infrastructure needs open at more than one practice, the most widespread first. */
	sharedNeeds: N[];
}

export function pcnGlance<N extends Need>(input: {
	practices: readonly Omit<GlancePractice, 'openGaps'>[];
	figure: PcnGlance<N>['figure'];
	commonGaps: readonly CommonGap[];
	matrix: NeedsMatrix<N>;
}): PcnGlance<N> {
	const openGaps = openGapsByPractice(input.matrix);
	return {
		needingSupport: practicesNeedingSupport(input.practices.map((p) => ({ ...p, openGaps: openGaps.get(p.id) ?? 0 }))),
		figure: input.figure,
		weakest: input.commonGaps.slice(0, WEAKEST_SHOWN),
		sharedNeeds: input.matrix.aspects
			.flatMap((a) => a.items)
			.filter((need) => need.practicesWithGap > 1)
			.sort((a, b) => b.practicesWithGap - a.practicesWithGap)
			.slice(0, SHARED_NEEDS_SHOWN)
	};
}
