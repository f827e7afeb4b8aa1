import { ukDate } from '$lib/dates';
import { onePractice } from '$lib/server/accounts/scope';
import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, practiceForApi } from '$lib/server/api/flat-reads';
import { listFlatStatements } from '$lib/server/api/flat-tables';

/** One row per closed round × statement at the practice (practiceStatementsResponse), as its items CSV. For those who read its results; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const { db, config } = event.locals;
	const practice = await practiceForApi(event, caller);
	const rows = await listFlatStatements(db, onePractice(db, practice.id), config, ukDate());
	await auditApiRead(event, caller, `the statement table of ${practice.name}`, { practiceId: practice.id });
	return rows;
});

export const fallback = apiReadOnly;
