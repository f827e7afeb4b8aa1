import { assuranceFacts } from '$lib/server/assurance/facts';
import { REVIEWED_ON } from '$lib/server/assurance/reviews';
import type { PageServerLoad } from './$types';

/** Open to everyone, signed in or not. */
export const load = (({ locals }) => ({
	facts: assuranceFacts(locals.config),
	prepared: REVIEWED_ON.accessibilityStatement
})) satisfies PageServerLoad;
