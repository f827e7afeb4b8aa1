import { ukDate } from '$lib/dates';
import { RESULT_READERS } from '$lib/server/access';
import { apiEndpoint, apiReadOnly, apiFail, practiceInScope, requireApiRole } from '$lib/server/api/endpoint';
import { getApiPracticeRounds } from '$lib/server/api/data';
import { recordAudit } from '$lib/server/platform/audit';

/** Every closed round of a practice with its disclosed scores. Audited, like a CSV download. */
export const GET = apiEndpoint(async (event, caller) => {
	const { locals, params } = event;
	requireApiRole(caller, RESULT_READERS);
	// Out of scope reads exactly like "not there", and is checked before anything is computed.
	const practiceId = practiceInScope(caller, params.practiceId);
	const data = await getApiPracticeRounds(locals.db, practiceId, locals.config, ukDate());
	if (!data) apiFail(404, 'We could not find that practice.');
	await recordAudit(locals.db, caller.user, {
		action: 'api_read',
		summary: `Read the scores of every closed round at ${data.practice.name} through the API (token “${caller.tokenName}”)`,
		practiceId
	});
	return data;
});

export const fallback = apiReadOnly;
