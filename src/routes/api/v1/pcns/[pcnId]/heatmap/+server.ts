import { ukDate } from '$lib/dates';
import { PCN_READERS } from '$lib/server/access';
import { apiEndpoint, apiFail, apiReadOnly, pcnInScope, requireApiRole } from '$lib/server/api/endpoint';
import { getApiPcnHeatmap } from '$lib/server/api/data';
import { recordAudit } from '$lib/server/platform/audit';
import { readPeriodQuery } from '$lib/server/results/pcn-dashboard';

/** The PCN heatmap and figures for a period (`from`, `to`; default the last 12 months). For PCN leads and the ICB leads over them; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const { locals, params, url } = event;
	requireApiRole(caller, PCN_READERS);
	const pcnId = pcnInScope(caller, params.pcnId);
	const today = ukDate();
	const query = readPeriodQuery(url.searchParams, today);
	if (query.periodRejected) apiFail(400, query.problems.join(' '));
	const data = await getApiPcnHeatmap(locals.db, pcnId, locals.config, query.period, today);
	if (!data) apiFail(404, 'We could not find that PCN.');
	await recordAudit(locals.db, caller.user, {
		action: 'api_read',
		summary: `Read the heatmap of ${data.pcn.name} (${query.period.from} to ${query.period.to}) through the API (token “${caller.tokenName}”)`,
		pcnId
	});
	return data;
});

export const fallback = apiReadOnly;
