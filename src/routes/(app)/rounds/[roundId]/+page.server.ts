import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guardRound, RESULT_READERS, ROUND_MANAGERS } from '$lib/server/access';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { viewRound } from '$lib/server/results/round-page';
import { deleteDraftRound, openRound } from '$lib/server/surveys/round-lifecycle';
import type { Outcome } from '$lib/server/platform/outcome';
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
	const { user, roundId } = await guardRound(event, RESULT_READERS);
	const today = ukDate();
	const view = await viewRound(locals.db, user, roundId, locals.config, today, event.url.searchParams.get('confirm') === 'delete');
	if (!view) error(404, 'We could not find that survey round.');
	return {
		...view,
		today,
		/** After a redirect from opening or closing (close/+page.server.ts), or from changing the details, to say that it worked. */
		changed: changeShown(event.url.searchParams),
		minResponses: locals.config.minResponses
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
