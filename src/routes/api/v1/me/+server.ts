import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { describeApiCaller } from '$lib/server/api/data';

/** Who the token acts for, and what they may see. */
export const GET = apiEndpoint((event, caller) => describeApiCaller(event.locals.db, caller.user));

export const fallback = apiReadOnly;
