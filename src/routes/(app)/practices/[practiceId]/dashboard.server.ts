/**
 * The practice dashboard's data, for the dashboard and its printable summary alike: the same
 * guard, the same figures (every one through SCORING.md §6 on the way), the same audit entry
 * but for the page's name.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { viewPlannedRounds } from '$lib/server/calendar/planned-rounds';
import { recordAudit } from '$lib/server/platform/audit';
import { viewPracticeBenchmarks } from '$lib/server/results/benchmarks';
import { viewPracticeDashboard } from '$lib/server/results/practice-dashboard';

export async function loadPracticeDashboard(event: RequestEvent<{ practiceId: string }>, page: 'dashboard' | 'printable summary') {
	const { locals } = event;
	// Out of scope reads exactly like "not there", and is checked before anything is read.
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const today = ukDate();
	const dashboard = await viewPracticeDashboard(locals.db, user, practiceId, locals.config, today);
	if (!dashboard) error(404, 'We could not find that practice.');
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed the ${page} of ${dashboard.practice.name} (${dashboard.practice.odsCode})`,
		practiceId
	});
	const canManageRounds = ROUND_MANAGERS.includes(user.role);
	// Every reader is told the next planned round at a glance; those who run rounds also get the list.
	const planned = await viewPlannedRounds(locals.db, practiceId, today);
	return {
		...dashboard,
		benchmarks: dashboard.latest ? ((await viewPracticeBenchmarks(locals.db, practiceId, locals.config, today)) ?? null) : null,
		calendar: canManageRounds ? planned : null,
		nextPlanned: planned.next,
		canManageRounds,
		isLinkWorker: user.role === 'link_worker',
		minResponses: locals.config.minResponses,
		today
	};
}
