/**
 * The practice dashboard's data, for the dashboard and its printable summary alike: the same
 * guard, the same figures (every one through docs/scoring.md §6 on the way), the same audit entry
 * (written by the view) but for the page's name.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS } from '$lib/server/access';
import { viewPracticeDashboard, type PracticeDashboardRead } from '$lib/server/results/practice-dashboard';

export async function loadPracticeDashboard(event: RequestEvent<{ practiceId: string }>, page: PracticeDashboardRead) {
	const { locals } = event;
	// Out of scope reads exactly like "not there", and is checked before anything is read.
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const today = ukDate();
	const dashboard = await viewPracticeDashboard(locals.db, user, practiceId, locals.config, today, page);
	if (!dashboard) error(404, 'We could not find that practice.');
	return { ...dashboard, minResponses: locals.config.minResponses, today };
}
