import { error } from '@sveltejs/kit';
import { isIsoDate, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { viewIcbDashboard } from '$lib/server/results/icb-dashboard';
import { readPeriod } from '$lib/server/results/pcn-dashboard';
import type { PageServerLoad } from './$types';

const NOT_FOUND = 'We could not find that ICB.';

const askedDate = (value: string | null, used: string) => (value !== null && isIsoDate(value) ? value : used);

/*
 * The ICB page is for ICB leads only, on the ICBs they oversee: another ICB reads exactly like
 * one that does not exist, and is refused before anything is read.
 */
export const load = (async (event) => {
	const { params, locals, url } = event;
	guard(event, { roles: ['icb_lead'] });
	const icbId = idFromParam(params.icbId);
	if (icbId === undefined) error(404, NOT_FOUND);
	const user = guard(event, { roles: ['icb_lead'], icbId });
	const today = ukDate();
	const query = readPeriod(url.searchParams, today);
	const dashboard = await viewIcbDashboard(locals.db, user, icbId, locals.config, query.period, today);
	if (!dashboard) error(404, NOT_FOUND);
	return {
		...dashboard,
		problems: query.problems,
		periodRejected: query.periodRejected,
		asked: { from: askedDate(url.searchParams.get('from'), query.period.from), to: askedDate(url.searchParams.get('to'), query.period.to) },
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
