import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { listApiPractices } from '$lib/server/api/data';

/** The practices in the caller's scope, each with its PCN. */
export const GET = apiEndpoint(async (event, caller) => ({
	practices: await listApiPractices(event.locals.db, caller.user.practiceIds)
}));

export const fallback = apiReadOnly;
