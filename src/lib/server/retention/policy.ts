/**
 * When retention takes what (no I/O): the dates a round's comments and answers fall due, and
 * the cut-off for audit entries, from the deployment's RETENTION_*_MONTHS. Counted from the day
 * a round closed (its close, else its closing date), in whole calendar months.
 */
import { addDays, addMonths } from '../../dates';
import type { RetentionConfig } from '../platform/config';

export interface RetentionCutoffs {
	/** Rounds that closed on or before this date have their comments deleted. */
	commentsClosedBy: string;
	/** Rounds that closed on or before this date are reduced to their summaries. */
	answersClosedBy: string;
	/** Audit entries that occurred before this day are deleted. */
	auditBefore: string;
}

/** The cut-offs as they stand on `today`. */
export function retentionCutoffs(retention: RetentionConfig, today: string): RetentionCutoffs {
	return {
		commentsClosedBy: lastClosingDue(today, retention.commentsMonths),
		answersClosedBy: lastClosingDue(today, retention.answersMonths),
		auditBefore: addMonths(today, -retention.auditMonths)
	};
}

/**
 * The latest closing date whose data is due by `today`: every date up to it, and none after, has
 * `addMonths(closed, months) <= today`. Months end on different days, so a round that closed on
 * 29 February is due 24 months on, on 28 February, like one closed on the 28th.
 */
function lastClosingDue(today: string, months: number): string {
	let closedBy = addMonths(today, -months);
	while (addMonths(addDays(closedBy, 1), months) <= today) closedBy = addDays(closedBy, 1);
	return closedBy;
}

/** The dates a round closed on `closedOn` loses its comments and its answers. */
export function retentionDatesOf(retention: RetentionConfig, closedOn: string): { commentsGoOn: string; answersGoOn: string } {
	return { commentsGoOn: addMonths(closedOn, retention.commentsMonths), answersGoOn: addMonths(closedOn, retention.answersMonths) };
}

/** The number of days to look ahead on the administrators' page for what retention will take. */
export const DUE_SOON_DAYS = 30;
