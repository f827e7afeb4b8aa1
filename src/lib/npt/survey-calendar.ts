/**
 * A practice's survey calendar: when its rounds open, how long they run, and the dates on which
 * the practice manager hears about each round. Survey fatigue (docs/scoring.md §5) is a rule of the
 * cadence itself: openings at least FATIGUE_MONTHS apart, so at most three a year.
 */
import { addDays, addMonths } from '../dates';
import { FATIGUE_MONTHS, isWithinFatigueWindow } from './round-schedule';

export type Cadence =
	/** Every `everyMonths` months from `anchorOn` (its day of the month is 1–28). */
	| { kind: 'every'; everyMonths: number; anchorOn: string }
	/** On `openDay` of each of `months` (1–12), every year. */
	| { kind: 'months'; months: number[]; openDay: number };

export interface CalendarRules {
	cadence: Cadence;
	/** Days a round takes answers, its opening and closing days included. */
	lengthDays: number;
}

export const LENGTH_DAYS = { min: 7, max: 56 } as const;
export const EVERY_MONTHS = { min: FATIGUE_MONTHS, max: 24 } as const;
/** A calendar round is made as a draft this many days before it opens, so it can be shared in time. */
export const PLAN_AHEAD_DAYS = 28;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function monthName(month: number): string {
	return MONTH_NAMES[month - 1]!;
}

/** Months between two months of the year, going forward and round the turn of the year. */
const monthsForward = (from: number, to: number) => (to - from + 12) % 12 || 12;

/** What is wrong with a cadence, in the manager's words; undefined when it keeps to the rules. */
export function cadenceProblem(cadence: Cadence): string | undefined {
	if (cadence.kind === 'every') {
		if (!Number.isInteger(cadence.everyMonths) || cadence.everyMonths < EVERY_MONTHS.min || cadence.everyMonths > EVERY_MONTHS.max) {
			return `Choose a gap of ${EVERY_MONTHS.min} to ${EVERY_MONTHS.max} months: asking staff more often than every ${FATIGUE_MONTHS} months wears them out and fewer answer`;
		}
		if (Number(cadence.anchorOn.slice(8)) > 28) return 'Choose a first opening date on day 1 to 28 of its month, so every month has that day';
		return undefined;
	}
	const months = [...new Set(cadence.months)].sort((a, b) => a - b);
	if (months.length === 0) return 'Choose at least one month';
	if (months.length !== cadence.months.length || months.some((m) => !Number.isInteger(m) || m < 1 || m > 12)) {
		return 'Choose each month once';
	}
	if (months.length > 1) {
		const tooClose = months.map((m, i) => [m, months[(i + 1) % months.length]!] as const).find(([a, b]) => monthsForward(a, b) < FATIGUE_MONTHS);
		if (tooClose) {
			return `${monthName(tooClose[0])} and ${monthName(tooClose[1])} are less than ${FATIGUE_MONTHS} months apart: asking staff more than three times a year wears them out and fewer answer`;
		}
	}
	if (!Number.isInteger(cadence.openDay) || cadence.openDay < 1 || cadence.openDay > 28) return 'Choose an opening day from 1 to 28';
	return undefined;
}

/** The cadence's opening dates after `after` (exclusive), in order, `count` of them. */
export function openingsAfter(cadence: Cadence, after: string, count: number): string[] {
	const found: string[] = [];
	if (cadence.kind === 'every') {
		for (let k = 0; found.length < count; k++) {
			const date = addMonths(cadence.anchorOn, k * cadence.everyMonths);
			if (date > after) found.push(date);
		}
		return found;
	}
	const months = [...cadence.months].sort((a, b) => a - b);
	for (let year = Number(after.slice(0, 4)); found.length < count; year++) {
		for (const month of months) {
			const date = `${year}-${String(month).padStart(2, '0')}-${String(cadence.openDay).padStart(2, '0')}`;
			if (date > after && found.length < count) found.push(date);
		}
	}
	return found;
}

export function closingDateFor(opensOn: string, lengthDays: number): string {
	return addDays(opensOn, lengthDays - 1);
}

export interface PlannedOpening {
	opensOn: string;
	closesOn: string;
	/** The round it would come too soon after (or before), when it is skipped for survey fatigue. */
	skippedFor?: { title: string; opensOn: string };
}

/**
 * The calendar's next openings that are still to be planned: after the last one dealt with and
 * not before today. One that would open within FATIGUE_MONTHS of another round of the practice
 * (say one the manager ran by hand) is marked skipped rather than planned.
 */
export function upcomingOpenings(
	rules: CalendarRules,
	plannedThrough: string | null,
	today: string,
	rounds: readonly { title: string; opensOn: string }[],
	count: number
): PlannedOpening[] {
	const yesterday = addDays(today, -1);
	const after = plannedThrough !== null && plannedThrough > yesterday ? plannedThrough : yesterday;
	const planned: PlannedOpening[] = [];
	for (const opensOn of openingsAfter(rules.cadence, after, count)) {
		// The cadence keeps its own openings apart; only the practice's other rounds can clash.
		const clash = rounds.find((r) => isWithinFatigueWindow(opensOn, r.opensOn));
		planned.push({
			opensOn,
			closesOn: closingDateFor(opensOn, rules.lengthDays),
			...(clash ? { skippedFor: { title: clash.title, opensOn: clash.opensOn } } : {})
		});
	}
	return planned;
}

/** Whether the time has come to make the draft for an opening. */
export function isDueForPlanning(opensOn: string, today: string): boolean {
	return addDays(opensOn, -PLAN_AHEAD_DAYS) <= today;
}

export type RoundNotice = 'round_opening_soon' | 'round_opened' | 'round_progress' | 'round_closing_soon' | 'round_results_ready';

export interface RoundForNotices {
	/** 'draft' here means a calendar draft, which opens by itself; a manager's own draft never gets a notice. */
	status: 'draft' | 'open' | 'closed';
	opensOn: string;
	closesOn: string;
	closedOn: string | null;
}

/** The middle day of a round: when the progress note goes. */
export function midpointOf(opensOn: string, closesOn: string): string {
	const days = Math.round((Date.parse(closesOn) - Date.parse(opensOn)) / 86_400_000);
	return addDays(opensOn, Math.floor(days / 2));
}

/**
 * The notice a round is due on `today`, if any. Each has a window, so a notice missed while the
 * server was down still goes if it is still true, and old rounds never get one:
 * - opening soon: from 7 days before opening until the day before;
 * - opened: from the opening day until the day before the midpoint;
 * - progress: from the midpoint until 3 days before closing;
 * - closing soon: the 2 days before closing;
 * - results ready: within 7 days of closing.
 */
export function dueNotices(round: RoundForNotices, today: string): RoundNotice[] {
	const { status, opensOn, closesOn } = round;
	if (status === 'closed') {
		const closedOn = round.closedOn ?? closesOn;
		return closedOn <= today && today <= addDays(closedOn, 7) ? ['round_results_ready'] : [];
	}
	if (today < opensOn) return addDays(opensOn, -7) <= today ? ['round_opening_soon'] : [];
	if (status !== 'open' || today > closesOn) return [];
	const midpoint = midpointOf(opensOn, closesOn);
	const due: RoundNotice[] = [];
	if (today < midpoint) due.push('round_opened');
	if (midpoint <= today && today <= addDays(closesOn, -3)) due.push('round_progress');
	if (addDays(closesOn, -2) <= today && today < closesOn) due.push('round_closing_soon');
	return due;
}
