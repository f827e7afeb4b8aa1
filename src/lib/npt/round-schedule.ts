/**
 * Calendar arithmetic for scheduling rounds: the survey-fatigue window (docs/scoring.md §5), a title
 * to suggest, and the running total of responses by day while a round collects answers.
 */
import { addDays, addMonths } from '../dates';

/** Rounds should start at least this many months apart: at most three a year. */
export const FATIGUE_MONTHS = 4;

/**
 * Whole calendar months from `from` to `to` (ISO dates), counted the way people count them:
 * 31 October to 28 February is four months, because February has no 31st. Negative when `to`
 * comes first.
 */
export function monthsBetween(from: string, to: string): number {
	if (to < from) return -monthsBetween(to, from);
	const [fromYear, fromMonth] = from.split('-').map(Number) as [number, number];
	const [toYear, toMonth] = to.split('-').map(Number) as [number, number];
	const months = (toYear - fromYear) * 12 + (toMonth - fromMonth);
	return addMonths(from, months) > to ? months - 1 : months;
}

/**
 * Whether two rounds would start less than FATIGUE_MONTHS apart, start to start, in either
 * order: a round squeezed in before a planned one tires staff just as much as one straight after.
 */
export function isWithinFatigueWindow(opensOn: string, otherOpensOn: string): boolean {
	const [earlier, later] = opensOn <= otherOpensOn ? [opensOn, otherOpensOn] : [otherOpensOn, opensOn];
	return later < addMonths(earlier, FATIGUE_MONTHS);
}

const SEASONS = ['Winter', 'Winter', 'Spring', 'Spring', 'Spring', 'Summer', 'Summer', 'Summer', 'Autumn', 'Autumn', 'Autumn', 'Winter'];

/** "Spring 2027 staff survey"; winter spans the turn of the year, so it reads "Winter 2026–27". */
export function suggestRoundTitle(opensOn: string): string {
	const [year, month] = opensOn.split('-').map(Number) as [number, number];
	const season = SEASONS[month - 1]!;
	if (season !== 'Winter') return `${season} ${year} staff survey`;
	const first = month === 12 ? year : year - 1;
	return `Winter ${first}–${String((first + 1) % 100).padStart(2, '0')} staff survey`;
}

export interface DayCount {
	day: string;
	submissions: number;
}

export interface DayProgress extends DayCount {
	/** Responses up to and including this day. */
	total: number;
}

/**
 * The running total for every day from the first recorded day to `lastDay` (or the last
 * recorded day, if later), with the quiet days filled in as zero so the chart's time axis is even.
 */
export function cumulativeByDay(counts: readonly DayCount[], lastDay?: string): DayProgress[] {
	if (counts.length === 0) return [];
	const byDay = new Map(counts.map((c) => [c.day, c.submissions]));
	const days = [...byDay.keys()].sort();
	const end = lastDay && lastDay > days.at(-1)! ? lastDay : days.at(-1)!;
	const out: DayProgress[] = [];
	let total = 0;
	for (let day = days[0]!; day <= end; day = addDays(day, 1)) {
		const submissions = byDay.get(day) ?? 0;
		total += submissions;
		out.push({ day, submissions, total });
	}
	return out;
}

/** Where a round stands in its life: a draft until a practice manager opens it, then open, then closed. */
/** A stretch of the calendar results are read over (a dashboard's period). */
export interface Period {
	/** ISO dates, both inclusive. */
	from: string;
	to: string;
}

export type RoundStatus = 'draft' | 'open' | 'closed';

export type SurveyAvailability = 'open' | 'draft' | 'not_yet_open' | 'closed';

/** Whether a round's survey takes answers today (UK date). */
export function surveyAvailability(
	round: { status: RoundStatus; opens_on: string; closes_on: string },
	today: string
): SurveyAvailability {
	if (round.status === 'draft') return 'draft';
	if (round.status === 'closed' || today > round.closes_on) return 'closed';
	if (today < round.opens_on) return 'not_yet_open';
	return 'open';
}

/**
 * The day a round closed by hand on `today` is recorded as closing: today, or its closing date
 * if that has passed already (it stopped taking answers then).
 */
export function closingDayOn(round: { closes_on: string }, today: string): string {
	return round.closes_on < today ? round.closes_on : today;
}

/** The date a closed round counts from: when it actually closed, else its closing date. */
export function closeDateOf(round: { closed_on: string | null; closes_on: string }): string {
	return round.closed_on ?? round.closes_on;
}

/**
 * What can still change about a round. Nothing once it has closed: its results were worked out
 * for those dates and that headcount. Once it has opened, everything but the opening date.
 * A round past its closing date counts as closed even before closeDueRounds has marked it.
 */
export type RoundEditability = 'closed' | 'opened' | 'not_opened';

export function roundEditability(
	round: { status: RoundStatus; opens_on: string; closes_on: string },
	today: string
): RoundEditability {
	const availability = surveyAvailability(round, today);
	if (availability === 'closed') return 'closed';
	return availability === 'open' ? 'opened' : 'not_opened';
}
