import { ukDate } from '$lib/dates';
import { describeRound } from '$lib/server/surveys/rounds';
import { surveyAvailability } from '$lib/npt/round-schedule';
import { guardRoundSharing, isShareable, qrPath, surveyUrl } from '$lib/server/surveys/sharing';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { round } = await guardRoundSharing(event);
	const availability = surveyAvailability(round, ukDate());
	return {
		round: describeRound(round),
		availability,
		poster: isShareable(availability)
			? { url: surveyUrl(event.locals.config.origin ?? event.url.origin, round.public_token), qrPath: qrPath(round.id) }
			: null,
		minResponses: event.locals.config.minResponses
	};
}) satisfies PageServerLoad;
