import { redirect } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { getNetworkOverview } from '$lib/server/results/overview';
import { pageSchema } from '$lib/server/platform/paging';
import type { PageServerLoad } from './$types';

/**
 * The home page depends on who is signed in: visitors see what Belonging is and how to sign
 * in, admins go to administration, everyone else sees the practices in their scope, a page of
 * PCNs at a time.
 */
export const load = (async ({ locals, url }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	if (user.role === 'admin') redirect(303, '/admin');
	return {
		home: 'practices' as const,
		role: user.role,
		canSeePcns: user.role === 'pcn_lead',
		overview: await getNetworkOverview(locals.db, locals.config, ukDate(), user, pageSchema.parse(url.searchParams.get('page') ?? 1)),
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
