import { ukDate } from '$lib/dates';
import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, practiceForApi } from '$lib/server/api/flat-reads';
import { listFlatActions } from '$lib/server/api/practice-records';

/** The practice's actions this person's actions page lists (practiceActionsResponse); audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const practice = await practiceForApi(event, caller);
	const rows = await listFlatActions(event.locals.db, caller.user, practice, ukDate());
	await auditApiRead(event, caller, `the actions at ${practice.name}`, { practiceId: practice.id });
	return rows;
});

export const fallback = apiReadOnly;
