import { ukDate } from '$lib/dates';
import { getNetworkOverview } from '$lib/server/overview';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals }) => ({
	pcns: await getNetworkOverview(locals.db, locals.config, ukDate()),
	minResponses: locals.config.minResponses
})) satisfies PageServerLoad;
