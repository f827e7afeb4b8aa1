import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { formatDate, ukDate } from '$lib/dates';
import { guardRound, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { EXPORT_NAMES, type ExportKind } from '$lib/server/results/round-exports';
import { getRoundReport } from '$lib/server/results/round-report';
import { deleteDraftRound, openRound } from '$lib/server/surveys/round-lifecycle';
import type { Outcome } from '$lib/server/platform/outcome';
import { describeRound, getRoundProgressByDay } from '$lib/server/surveys/rounds';
import type { SignedInUser } from '$lib/server/identity';
import type { Actions, PageServerLoad } from './$types';

function changeShown(params: URLSearchParams): 'opened' | 'closed' | 'changed' | 'assessed' | null {
	if (params.has('assessed')) return 'assessed';
	if (params.has('opened')) return 'opened';
	if (params.has('closed')) return 'closed';
	if (params.has('changed')) return 'changed';
	return null;
}

export const load = (async (event) => {
	const { locals } = event;
	// Checked before any result is computed: a role that reads no practice's results (an
	// administrator, an ICB lead) is refused outright, and out of scope reads exactly like "not there".
	const { user, roundId, practiceId } = await guardRound(event, RESULT_READERS);
	const today = ukDate();
	const report = await getRoundReport(locals.db, roundId, locals.config, today);
	if (!report) error(404, 'We could not find that survey round.');
	const { round, instrument, builtIn, outcome } = report;
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed results of round ${round.id} “${round.title}” at ${round.practice.name}`,
		practiceId
	});
	const canManage = ROUND_MANAGERS.includes(user.role);
	// The per-day counts are read only once the round has enough responses (SCORING.md §6): below
	// that, they would tell how many people answered, and on which day.
	const progressByDay =
		outcome.stage === 'collecting' && outcome.progress.sofar.shown
			? await getRoundProgressByDay(locals.db, round.id, today < round.closes_on ? today : round.closes_on)
			: null;
	const downloads: { kind: ExportKind; name: string; href: string; xlsxHref: string }[] = [];
	if (outcome.stage === 'closed') {
		const kinds: ExportKind[] = ['scores', 'items'];
		// Raw answers: only for rounds that reached the minimum, and only for those who run rounds.
		// A round retention has reduced keeps its summary only: there are no answers to give.
		if (outcome.results.shown && canManage && !round.answers_reduced_on) kinds.push('answers');
		for (const kind of kinds) downloads.push({ kind, name: EXPORT_NAMES[kind], href: `/rounds/${round.id}/export/${kind}.csv`, xlsxHref: `/rounds/${round.id}/export/${kind}.xlsx` });
	}
	return {
		round: describeRound(round),
		instrument,
		builtIn,
		outcome,
		progressByDay,
		downloads,
		canManage,
		/** The question before a draft is deleted, in place of the page. */
		confirmDelete: canManage && outcome.stage === 'draft' && event.url.searchParams.get('confirm') === 'delete',
		/** Link workers give their own (signed) view of any round that is not a draft. */
		canAssess: user.role === 'link_worker' && outcome.stage !== 'draft',
		today,
		/** After a redirect from opening or closing (close/+page.server.ts), or from changing the details, to say that it worked. */
		changed: changeShown(event.url.searchParams),
		minResponses: locals.config.minResponses,
		/** What retention has taken from the round already, and the policy it followed. */
		retention: {
			commentsDeletedOn: round.comments_deleted_on && formatDate(round.comments_deleted_on),
			answersReducedOn: round.answers_reduced_on && formatDate(round.answers_reduced_on),
			...locals.config.retention
		}
	};
}) satisfies PageServerLoad;

/** Managing a round: link workers read results but do not run rounds (403, before any lookup). */
async function manage(
	event: RequestEvent<{ roundId: string }>,
	action: 'open' | 'delete',
	change: (db: App.Locals['db'], roundId: number, user: SignedInUser, today: string) => Promise<Outcome>
) {
	const { user, roundId, practiceId } = await guardRound(event, ROUND_MANAGERS);
	// Deleting cannot be undone: it goes ahead only from its confirmation (?confirm=delete).
	if (action === 'delete') {
		const form = await readForm(event.request, confirmationSchema('delete'));
		if (!form.ok) return refusalFailure(form.refusal, { action }, { fields: { confirm: 'form' } });
	}
	const outcome = await change(event.locals.db, roundId, user, ukDate());
	if (!outcome.ok) return refusalFailure(outcome, { action });
	if (action === 'delete') redirect(303, `/practices/${practiceId}`);
	redirect(303, `/rounds/${roundId}?opened`);
}

export const actions = {
	open: (event) => manage(event, 'open', openRound),
	delete: (event) => manage(event, 'delete', deleteDraftRound)
} satisfies Actions;
