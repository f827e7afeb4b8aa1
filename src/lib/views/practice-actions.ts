/**
 * What the PCN view of practice actions receives: plain data for components to render, shaped by lib/server.
 */

export interface PracticeActionCounts {
	practiceId: number;
	practiceName: string;
	planned: number;
	/** Planned and past their due date. */
	overdue: number;
	/** Done on a day inside the period. */
	doneInPeriod: number;
	/** The latest done date, whenever it was; null when nothing has been done. */
	lastDoneOn: string | null;
}
