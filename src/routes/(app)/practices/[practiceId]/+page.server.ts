import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardPractice, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { viewPracticeDashboard } from '$lib/server/results/practice-dashboard';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { locals } = event;
	// Out of scope reads exactly like "not there", and is checked before anything is read.
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const dashboard = await viewPracticeDashboard(locals.db, user, practiceId, locals.config, ukDate());
	if (!dashboard) error(404, 'We could not find that practice.');
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed the dashboard of ${dashboard.practice.name} (${dashboard.practice.odsCode})`,
		practiceId
	});
	return {
		...dashboard,
		canManageRounds: ROUND_MANAGERS.includes(user.role),
		isLinkWorker: user.role === 'link_worker',
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
