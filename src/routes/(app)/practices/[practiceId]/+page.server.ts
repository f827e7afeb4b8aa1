import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { combineWorkOn, suggestActions, type FlaggedGap } from '$lib/npt/actions';
import { isUnresolved } from '$lib/npt/flag-lifecycle';
import { guardPractice, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { getPerceptionGap } from '$lib/server/linkworker/assessments';
import { recordAudit } from '$lib/server/platform/audit';
import { placeFeedback } from '$lib/npt/feedback';
import { constructMeansOf, feedbackRoundsOf, getPracticeDashboard } from '$lib/server/results/practice-dashboard';
import { listFlagsForPractice } from '$lib/server/linkworker/flags';
import { listActionsForPractice, listFeedbackEvents } from '$lib/server/linkworker/practice-actions';
import type { PageServerLoad } from './$types';

const NOT_FOUND = 'We could not find that practice.';

export const load = (async (event) => {
	const { locals } = event;
	// Out of scope reads exactly like "not there", and is checked before anything is read.
	const { user, practiceId } = guardPractice(event, RESULT_READERS);
	const dashboard = await getPracticeDashboard(locals.db, practiceId, locals.config, ukDate());
	if (!dashboard) error(404, NOT_FOUND);
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed the dashboard of ${dashboard.practice.name} (${dashboard.practice.odsCode})`,
		practiceId
	});
	const latest = dashboard.latest;
	const gapView = await getPerceptionGap(locals.db, latest);
	// Managers and PCN leads see every link worker's view; a link worker sees only their own.
	const perceptionGap = gapView && {
		...gapView,
		assessments: gapView.assessments.filter((a) => user.role !== 'link_worker' || a.userId === user.id)
	};
	// Only the flags this viewer may see: a PCN-lead-only flag must not leak into a manager's suggestions.
	const flags = await listFlagsForPractice(locals.db, user, practiceId);
	const openFlags: FlaggedGap[] = flags.flatMap((flag) =>
		flag.item && isUnresolved(flag.state)
			? [
					{
						flagId: flag.id,
						itemId: flag.itemId,
						construct: flag.item.construct,
						gap: flag.item.gap,
						raisedBy: flag.raisedBy.name,
						pcnOnly: flag.visibility === 'pcn_only',
						actions: flag.item.actions
					}
				]
			: []
	);
	// Actions and things done: only what this viewer may see, decided by the same flags.
	const events = await listFeedbackEvents(locals.db, user, practiceId, flags);
	const planned = (await listActionsForPractice(locals.db, user, practiceId, ukDate(), flags)).filter((a) => a.state === 'planned');
	const weak =
		latest && latest.results.shown
			? suggestActions(constructMeansOf(latest.results), latest.instrument.bands.belongingConstructMinimum)
			: [];
	return {
		...dashboard,
		feedback: placeFeedback(feedbackRoundsOf(dashboard.trend), events),
		plannedActions: planned.length,
		overdueActions: planned.filter((a) => a.overdue).length,
		toWorkOn: combineWorkOn(weak, openFlags),
		canManageRounds: ROUND_MANAGERS.includes(user.role),
		perceptionGap,
		isLinkWorker: user.role === 'link_worker',
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
