import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ukDate } from '$lib/dates';
import { guardRound, ROUND_MANAGERS } from '$lib/server/access';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { closeRoundAsConfirmed, viewRoundClosing } from '$lib/server/surveys/round-closing';
import type { Actions, PageServerLoad } from './$types';

/** The question before a round closes by hand: what it will do, then the close itself. */
export const load = (async (event) => {
	const { roundId } = await guardRound(event, ROUND_MANAGERS);
	const viewed = await viewRoundClosing(event.locals.db, roundId, event.locals.config, ukDate());
	const minResponses = event.locals.config.minResponses;
	if (viewed.ok) return { view: viewed.view, refusal: null, roundId, minResponses };
	const why = viewed.problems[0]!.message;
	if (viewed.status === 404) error(404, why);
	// Already closed, or a draft: nothing to ask, only why.
	return { view: null, refusal: why, roundId, minResponses };
}) satisfies PageServerLoad;

const closeSchema = confirmationSchema('close').extend({ stated: z.string().max(200, 'Nothing was changed: reload the page and confirm again.') });

export const actions = {
	close: async (event) => {
		const { user, roundId } = await guardRound(event, ROUND_MANAGERS);
		const form = await readForm(event.request, closeSchema);
		if (!form.ok) return form.failure;
		const outcome = await closeRoundAsConfirmed(event.locals.db, roundId, user, { stated: form.data.stated, config: event.locals.config, today: ukDate() });
		if (!outcome.ok) return refusalFailure(outcome);
		redirect(303, `/rounds/${roundId}?closed`);
	}
} satisfies Actions;
