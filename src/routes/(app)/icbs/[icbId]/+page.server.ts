import { error } from '@sveltejs/kit';
import { isIsoDate, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { idFromParam } from '$lib/server/platform/ids';
import { getIcbDashboard } from '$lib/server/results/icb-dashboard';
import { readPeriodQuery } from '$lib/server/results/pcn-dashboard';
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
	const query = readPeriodQuery(url.searchParams, today);
	const dashboard = await getIcbDashboard(locals.db, icbId, locals.config, query.period, today);
	if (!dashboard) error(404, NOT_FOUND);
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed the ICB dashboard of ${dashboard.icb.name} (${dashboard.icb.odsCode}), ${query.period.from} to ${query.period.to}`
	});
	return {
		...dashboard,
		// The heatmap's own order is by name; a sort asked for is the PCN page's and means nothing here.
		problems: query.problems.filter((problem) => !problem.startsWith('The practices could not be put')),
		periodRejected: query.periodRejected,
		asked: { from: askedDate(url.searchParams.get('from'), query.period.from), to: askedDate(url.searchParams.get('to'), query.period.to) },
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
