import { error } from '@sveltejs/kit';
import { getRoundByToken } from '$lib/server/surveys/rounds';
import type { PageServerLoad } from './$types';

/** Plain HTML, like the survey itself. */
export const csr = false;

export const load = (async ({ params, locals }) => {
	const round = await getRoundByToken(locals.db, params.token);
	if (!round) error(404, 'We could not find this survey.');
	return {
		practiceName: round.practice.name,
		closesOn: round.closes_on,
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
