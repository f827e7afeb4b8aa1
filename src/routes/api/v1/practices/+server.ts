import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { listApiPracticesInScope } from '$lib/server/api/data';

/** The practices in the caller's scope, each with its PCN. */
export const GET = apiEndpoint(async (event, caller) => ({
	practices: await listApiPracticesInScope(event.locals.db, caller.user)
}));

export const fallback = apiReadOnly;
