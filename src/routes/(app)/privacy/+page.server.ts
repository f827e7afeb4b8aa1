import { assuranceFacts } from '$lib/server/assurance/facts';
import { REVIEWED_ON } from '$lib/server/assurance/reviews';
import type { PageServerLoad } from './$types';

/** Open to everyone, signed in or not: the figures come from this instance's settings, with no query. */
export const load = (({ locals }) => ({ facts: assuranceFacts(locals.config), reviewed: REVIEWED_ON.privacyNotice })) satisfies PageServerLoad;
