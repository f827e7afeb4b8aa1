import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { formatDate } from '$lib/dates';
import { viewCalendar } from '$lib/server/calendar/survey-calendar';
import { recordAudit } from '$lib/server/platform/audit';
import { viewPracticeBenchmarks } from '$lib/server/results/benchmarks';
import { viewPracticeDashboard } from '$lib/server/results/practice-dashboard';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { locals } = event;
	// Out of scope reads exactly like "not there", and is checked before anything is read.
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const today = ukDate();
	const dashboard = await viewPracticeDashboard(locals.db, user, practiceId, locals.config, today);
	if (!dashboard) error(404, 'We could not find that practice.');
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed the dashboard of ${dashboard.practice.name} (${dashboard.practice.odsCode})`,
		practiceId
	});
	const canManageRounds = ROUND_MANAGERS.includes(user.role);
	return {
		...dashboard,
		benchmarks: dashboard.latest ? ((await viewPracticeBenchmarks(locals.db, practiceId, locals.config, today)) ?? null) : null,
		calendar: canManageRounds ? await plannedRounds(locals.db, practiceId, today) : null,
		canManageRounds,
		isLinkWorker: user.role === 'link_worker',
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;

/** The survey calendar's drafts and next openings, in words, for the dashboard. */
async function plannedRounds(db: App.Locals['db'], practiceId: number, today: string) {
	const view = await viewCalendar(db, practiceId, today, 2);
	return {
		on: view.settings !== null,
		drafts: view.drafts.map((d) => ({ id: d.id, title: d.title, opens: formatDate(d.opensOn), closes: formatDate(d.closesOn) })),
		upcoming: view.upcoming
			.filter((u) => !u.skippedFor)
			.map((u) => ({ opens: formatDate(u.opensOn), closes: formatDate(u.closesOn), planned: formatDate(u.plannedOn) }))
	};
}
