import { ukDate } from '$lib/dates';
import { countCodes } from '$lib/server/surveys/codes';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { describeRound } from '$lib/server/surveys/rounds';
import { codeBatchSchema, guardRoundSharing, guardSharedRound, issueCodeBatch, MAX_CODE_BATCH } from '$lib/server/surveys/sharing';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { round, availability, link } = await guardSharedRound(event);
	const requiresCode = round.requires_code === 1;
	return {
		round: describeRound(round),
		availability,
		share: link ? { ...link, codes: requiresCode ? await countCodes(event.locals.db, round.id) : null } : null,
		maxCodeBatch: MAX_CODE_BATCH,
		minResponses: event.locals.config.minResponses
	};
}) satisfies PageServerLoad;

export const actions = {
	issueCodes: async (event) => {
		const { user, round } = await guardRoundSharing(event);
		const form = await readForm(event.request, codeBatchSchema);
		if (!form.ok) return form.failure;
		const outcome = await issueCodeBatch(event.locals.db, user, round.id, form.data.count, ukDate());
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		event.locals.carriesSecret = true;
		// No redirect: only hashes are stored, so this response is the one and only time the codes exist in readable form.
		return { issued: { codes: outcome.codes } };
	}
} satisfies Actions;
