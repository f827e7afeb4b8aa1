import { redirect } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { getNetworkOverview } from '$lib/server/results/overview';
import type { PageServerLoad } from './$types';

/**
 * The home page depends on who is signed in: visitors see what Belonging is and how to sign
 * in, admins go to administration, everyone else sees the practices in their scope.
 */
export const load = (async ({ locals }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	if (user.role === 'admin') redirect(303, '/admin');
	return {
		home: 'practices' as const,
		role: user.role,
		canSeePcns: user.role === 'pcn_lead',
		pcns: await getNetworkOverview(locals.db, locals.config, ukDate(), user.practiceIds),
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
