import { assuranceFacts, readSignInPolicy } from '$lib/server/assurance/facts';
import { REVIEWED_ON } from '$lib/server/assurance/reviews';
import type { PageServerLoad } from './$types';

/** Open to everyone, signed in or not; the multi-factor plan reads who must use two-step sign-in here. */
export const load = (async ({ locals }) => ({
	facts: assuranceFacts(locals.config),
	signIn: await readSignInPolicy(locals.db),
	reviewed: REVIEWED_ON.dtac
})) satisfies PageServerLoad;
