import { ukDate } from '$lib/dates';
import { PCN_READERS } from '$lib/server/access';
import { apiEndpoint, apiFail, apiReadOnly, pcnInScope, requireApiRole } from '$lib/server/api/endpoint';
import { getApiPcnRounds } from '$lib/server/api/data';
import { recordAudit } from '$lib/server/platform/audit';

/** Every closed round of every practice in the PCN with its disclosed scores. For PCN leads and the ICB leads over them; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const { locals, params } = event;
	requireApiRole(caller, PCN_READERS);
	const pcnId = pcnInScope(caller, params.pcnId);
	const data = await getApiPcnRounds(locals.db, pcnId, locals.config, ukDate());
	if (!data) apiFail(404, 'We could not find that PCN.');
	await recordAudit(locals.db, caller.user, {
		action: 'api_read',
		summary: `Read the scores of every round at ${data.pcn.name} through the API (token “${caller.tokenName}”)`,
		pcnId
	});
	return data;
});

export const fallback = apiReadOnly;
