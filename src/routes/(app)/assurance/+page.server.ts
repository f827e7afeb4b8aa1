import { assuranceFacts } from '$lib/server/assurance/facts';
import type { PageServerLoad } from './$types';

/** Open to everyone, signed in or not. */
export const load = (({ locals }) => ({ facts: assuranceFacts(locals.config) })) satisfies PageServerLoad;
