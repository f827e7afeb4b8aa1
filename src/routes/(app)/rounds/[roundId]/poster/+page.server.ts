import { ukDate } from '$lib/dates';
import { surveyAvailability } from '$lib/server/rounds';
import { guardRoundSharing, isShareable, qrPath, surveyUrl } from '$lib/server/sharing';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { round } = await guardRoundSharing(event);
	const availability = surveyAvailability(round, ukDate());
	return {
		round: {
			id: round.id,
			title: round.title,
			opensOn: round.opens_on,
			closesOn: round.closes_on,
			requiresCode: round.requires_code === 1,
			practice: { id: round.practice.id, odsCode: round.practice.ods_code, name: round.practice.name }
		},
		availability,
		poster: isShareable(availability)
			? { url: surveyUrl(event.locals.config.origin ?? event.url.origin, round.public_token), qrPath: qrPath(round.id) }
			: null,
		minResponses: event.locals.config.minResponses
	};
}) satisfies PageServerLoad;
