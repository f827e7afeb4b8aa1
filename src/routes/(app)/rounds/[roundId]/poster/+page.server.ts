import { describeRound } from '$lib/server/surveys/rounds';
import { guardSharedRound } from '$lib/server/surveys/sharing';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { round, availability, link } = await guardSharedRound(event);
	return {
		round: describeRound(round),
		availability,
		poster: link ? { url: link.url, qrPath: link.qrPath } : null,
		minResponses: event.locals.config.minResponses
	};
}) satisfies PageServerLoad;
