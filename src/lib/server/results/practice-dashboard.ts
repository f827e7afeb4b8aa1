/**
 * A practice's dashboard: where it sits now, how it moved between closed rounds, and every
 * round's scores for the trend, from the results read-model. Every figure passes through the
 * disclosure rules first: a withheld round carries no number at all.
 */
import { combineWorkOn, suggestActions } from '../../npt/actions';
import { constructMeans } from '../../npt/constructs';
import { feedbackRoundsOf, placeFeedback } from '../../npt/feedback';
import {
	changeSinceRoundBefore,
	currentRoundOf,
	describeCurrentRound,
	headlineOf,
	scoreClosedRounds,
	trendOf,
	type RoundRecord
} from '../../npt/practice-rounds';
import { distinctLabels, instrumentLabelOf, sameSeries } from '../../npt/instrument-comparability';
import { roundResultsFrom } from '../../npt/round-results';
import { closeDateOf } from '../../npt/round-schedule';
import type { SignedInUser } from '../identity';
import type { DbOrTx } from '../db';
import { getPerceptionGap } from '../linkworker/assessments';
import { flaggedGapsOf, listFlagsForPractice } from '../linkworker/flags';
import { listActionsForPractice, listFeedbackEvents } from '../linkworker/practice-actions';
import { getPractice } from '../organisations/organisations';
import type { Config } from '../platform/config';
import type { PracticeDashboard, PracticeDashboardPage, RoundRef } from '../../views/practice-dashboard';
import { loadRoundData } from './round-data';
import { viewPracticeBenchmarks } from './benchmarks';
import { viewPlannedRounds } from '../calendar/planned-rounds';
import { recordAudit } from '../platform/audit';
import { ROUND_MANAGERS } from '../access';
import { onePractice } from '../accounts/scope';

function refOf({ round }: RoundRecord): RoundRef {
	return {
		id: round.id,
		title: round.title,
		opensOn: round.opens_on,
		closesOn: round.closes_on,
		closedOn: closeDateOf(round),
		staffHeadcount: round.staff_headcount
	};
}

/** Undefined when there is no such practice. */
export async function getPracticeDashboard(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses'>,
	today: string,
	random: () => number = Math.random
): Promise<PracticeDashboard | undefined> {
	const [practice, data] = await Promise.all([
		getPractice(db, practiceId),
		loadRoundData(db, { practices: onePractice(db, practiceId) }, today, { comments: true })
	]);
	if (!practice) return undefined;
	const rules = { minResponses: config.minResponses };
	const records = data.roundsOf(practiceId);

	const closed = scoreClosedRounds(records, rules).map((c) => ({ ...c, ref: refOf(c.record) }));
	const current = currentRoundOf(records);
	const last = headlineOf(closed);
	const moved = changeSinceRoundBefore(closed);
	const shownBefore = closed.slice(0, -1).findLast((c) => c.scored.shown);
	// The construct profile draws it beside the latest round: only on the same instrument series.
	const previousShown = shownBefore && last && sameSeries(shownBefore.record.instrument, last.record.instrument) ? shownBefore : undefined;
	// Only the latest round is shown in full; the rest give the trend their scores.
	const latest = last && {
		round: last.ref,
		instrument: last.record.instrument,
		results: roundResultsFrom(
			{
				instrument: last.record.instrument,
				summary: last.record.summary!,
				comments: last.record.comments,
				staffHeadcount: last.record.round.staff_headcount
			},
			rules,
			random
		)
	};

	return {
		practice: { id: practice.id, name: practice.name, odsCode: practice.ods_code, pcnName: practice.pcn?.name ?? null },
		latest: latest ?? null,
		previous: previousShown?.scored.shown ? { round: previousShown.ref, scores: previousShown.scored.scores } : null,
		change: moved && { from: moved.from.ref, to: moved.to.ref, scores: moved.scores, differentInstruments: moved.differentInstruments },
		trend: trendOf(closed),
		current: current ? describeCurrentRound(current, rules) : null,
		instrument: (last?.record ?? current)?.instrument ?? null,
		// Every version behind a closed round's results, the latest first.
		instruments: distinctLabels(closed.map((c) => instrumentLabelOf(c.record.instrument)).reverse())
	};
}

/** Which page of the practice dashboard is read: the audit entry names it. */
export type PracticeDashboardRead = 'dashboard' | 'printable summary';

/**
 * Everything the practice dashboard page shows to this viewer: the dashboard, the link workers'
 * perception gap, what to work on (weak constructs and open gaps), the planned and overdue
 * actions, "you said, we did", the benchmarks and the survey calendar's plans. Flags, actions and
 * assessments pass through who may see them. The read is audited once, here. Undefined (and
 * nothing audited) when there is no such practice; the caller has checked the viewer's scope.
 */
export async function viewPracticeDashboard(
	db: DbOrTx,
	viewer: SignedInUser,
	practiceId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string,
	page: PracticeDashboardRead = 'dashboard'
): Promise<PracticeDashboardPage | undefined> {
	const dashboard = await getPracticeDashboard(db, practiceId, config, today);
	if (!dashboard) return undefined;
	const { latest } = dashboard;
	await recordAudit(db, viewer, {
		action: 'results_viewed',
		summary: `Viewed the ${page} of ${dashboard.practice.name} (${dashboard.practice.odsCode})`,
		practiceId
	});
	// Only the flags this viewer may see: a PCN-lead-only flag must not leak into a manager's suggestions.
	const flags = await listFlagsForPractice(db, viewer, practiceId);
	const [gapView, events, actions, planned, benchmarks] = await Promise.all([
		getPerceptionGap(db, latest),
		listFeedbackEvents(db, viewer, practiceId, flags),
		listActionsForPractice(db, viewer, practiceId, today, flags),
		viewPlannedRounds(db, practiceId, today),
		latest ? viewPracticeBenchmarks(db, practiceId, config, today) : undefined
	]);
	const plannedActions = actions.filter((a) => a.state === 'planned');
	const weak =
		latest && latest.results.shown
			? suggestActions(constructMeans(latest.results.scores.constructs), latest.instrument.bands.belongingConstructMinimum)
			: [];
	const canManageRounds = ROUND_MANAGERS.includes(viewer.role);
	return {
		...dashboard,
		feedback: placeFeedback(feedbackRoundsOf(dashboard.trend), events),
		plannedActions: plannedActions.length,
		overdueActions: plannedActions.filter((a) => a.overdue).length,
		toWorkOn: combineWorkOn(weak, flaggedGapsOf(flags)),
		// Managers and PCN leads see every link worker's view; a link worker sees only their own.
		perceptionGap: gapView && {
			...gapView,
			assessments: gapView.assessments.filter((a) => viewer.role !== 'link_worker' || a.userId === viewer.id)
		},
		benchmarks: benchmarks ?? null,
		// Every reader is told the next planned round at a glance; those who run rounds also get the list.
		calendar: canManageRounds ? planned : null,
		nextPlanned: planned.next,
		canManageRounds,
		isLinkWorker: viewer.role === 'link_worker'
	};
}
