/**
 * What a practice's survey calendar has planned, in words, for the dashboard's "Planned rounds",
 * its "At a glance" and the printable summary: one reading of the calendar, so the three cannot
 * disagree about the next round.
 */
import { formatDate } from '../../dates';
import type { NextPlannedRound, PlannedRounds } from '../../views/practice-dashboard';
import type { DbOrTx } from '../db';
import { viewCalendar } from './survey-calendar';

/** The calendar's drafts and next openings; `count` openings ahead. */
export async function viewPlannedRounds(db: DbOrTx, practiceId: number, today: string, count = 2): Promise<PlannedRounds> {
	const view = await viewCalendar(db, practiceId, today, count);
	const upcoming = view.upcoming.filter((u) => !u.skippedFor);
	const draft = view.drafts[0];
	const opening = upcoming[0];
	// A draft is made from the earliest opening, so it opens first; both are compared all the same.
	const next: NextPlannedRound | null = !view.settings
		? null
		: draft && (!opening || draft.opensOn <= opening.opensOn)
			? { draft: { id: draft.id, title: draft.title }, opens: formatDate(draft.opensOn), closes: formatDate(draft.closesOn), draftOn: null }
			: opening
				? { draft: null, opens: formatDate(opening.opensOn), closes: formatDate(opening.closesOn), draftOn: formatDate(opening.plannedOn) }
				: null;
	return {
		on: view.settings !== null,
		drafts: view.drafts.map((d) => ({ id: d.id, title: d.title, opens: formatDate(d.opensOn), closes: formatDate(d.closesOn) })),
		upcoming: upcoming.map((u) => ({ opens: formatDate(u.opensOn), closes: formatDate(u.closesOn), planned: formatDate(u.plannedOn) })),
		next
	};
}
