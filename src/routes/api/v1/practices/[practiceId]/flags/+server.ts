import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, practiceForApi } from '$lib/server/api/flat-reads';
import { listFlatFlags } from '$lib/server/api/practice-records';

/** The practice's infrastructure-gap flags this person's flags page lists (practiceFlagsResponse); audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const practice = await practiceForApi(event, caller);
	const rows = await listFlatFlags(event.locals.db, caller.user, practice);
	await auditApiRead(event, caller, `the flags at ${practice.name}`, { practiceId: practice.id });
	return rows;
});

export const fallback = apiReadOnly;
