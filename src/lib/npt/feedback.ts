/**
 * "You said, we did": the things a practice did about its gaps — actions marked done and
 * infrastructure flags resolved — placed between the rounds on its trend, each with how the
 * construct it was meant to help moved from the round before it to the round after it. Pure:
 * the server decides which events a viewer may see before they arrive here.
 */
import { changeBetween, type Change } from './change';
import type { Construct, ScoreKey } from './constructs';
import type { TrendPoint } from './practice-rounds';

export type FeedbackKind = 'action_done' | 'flag_resolved';

export interface FeedbackEvent {
	kind: FeedbackKind;
	/** The day it was done or resolved (YYYY-MM-DD, UK calendar). */
	on: string;
	/** What was done, in the recorder's words, or the gap that was closed. */
	label: string;
	/** Who did it, or who resolved the flag; null when not known. */
	by: string | null;
	/** The construct the action or the checklist item is meant to help. */
	construct: Construct;
}

export interface FeedbackRound {
	roundId: number;
	title: string;
	/** YYYY-MM-DD. */
	closedOn: string;
	/** null when the whole round was withheld (too few responses); a null score = that score withheld */
	scores: Record<ScoreKey, { mean: number; sd: number | null; n: number } | null> | null;
}

export interface FeedbackMarker extends FeedbackEvent {
	/** 1, 2, 3… in date order (ties: input order), the number drawn on the chart and shown in the table */
	number: number;
	/**
	 * Position on the trend chart's category axis (0 = first round, 1 = second…): fractional
	 * between rounds, by date; before the first round -0.4, after the last round last + 0.4.
	 * Between two rounds the fraction is clamped to [0.15, 0.85] so a marker never sits on a point.
	 */
	x: number;
	/** Latest round that closed on or before `on` (a round closing the same day could not reflect it) */
	before: { roundId: number; title: string } | null;
	/** First round that closed after `on` */
	after: { roundId: number; title: string } | null;
	/** The marker's construct's change from `before` to `after` (docs/scoring.md §5); null when either round or the score is withheld */
	change: Change | null;
}

/** How far outside the first or last round a marker sits, in categories. */
export const OUTSIDE_OFFSET = 0.4;
/** The nearest a marker between two rounds comes to either of them, in categories. */
export const NEAREST_TO_ROUND = 0.15;

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
	return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}

function refOf(round: FeedbackRound | undefined): { roundId: number; title: string } | null {
	return round ? { roundId: round.roundId, title: round.title } : null;
}

function changeOf(before: FeedbackRound | undefined, after: FeedbackRound | undefined, key: ScoreKey): Change | null {
	const a = before?.scores?.[key];
	const b = after?.scores?.[key];
	if (!a || !b) return null;
	return changeBetween({ shown: true, ...a, interval: null }, { shown: true, ...b, interval: null });
}

function positionOf(rounds: readonly FeedbackRound[], index: number, on: string): number {
	if (rounds.length === 0) return 0;
	if (index < 0) return -OUTSIDE_OFFSET;
	if (index === rounds.length - 1) return index + OUTSIDE_OFFSET;
	const from = dayNumber(rounds[index]!.closedOn);
	const to = dayNumber(rounds[index + 1]!.closedOn);
	const fraction = (dayNumber(on) - from) / (to - from);
	return index + Math.min(1 - NEAREST_TO_ROUND, Math.max(NEAREST_TO_ROUND, fraction));
}

/** The trend's rounds as "you said, we did" needs them: a withheld round carries no scores. */
export function feedbackRoundsOf(trend: readonly TrendPoint[]): FeedbackRound[] {
	return trend.map((point) => ({
		roundId: point.roundId,
		title: point.title,
		closedOn: point.closedOn,
		scores: point.shown ? point.scores : null
	}));
}

/**
 * Numbers the events in date order and places each between the round before it and the round
 * after it, with how its construct moved between those two rounds. `rounds` come oldest first.
 */
export function placeFeedback(rounds: readonly FeedbackRound[], events: readonly FeedbackEvent[]): FeedbackMarker[] {
	// Array.prototype.sort is stable, so events on the same day keep their input order.
	const ordered = [...events].sort((a, b) => a.on.localeCompare(b.on));
	return ordered.map((event, i) => {
		// ISO dates compare as strings; a round that closed the same day comes before the event.
		const index = rounds.findLastIndex((round) => round.closedOn <= event.on);
		const before = rounds[index];
		const after = rounds[index + 1];
		return {
			...event,
			number: i + 1,
			x: positionOf(rounds, index, event.on),
			before: refOf(before),
			after: refOf(after),
			change: changeOf(before, after, event.construct)
		};
	});
}
