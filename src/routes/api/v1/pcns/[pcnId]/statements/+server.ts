import { ukDate } from '$lib/dates';
import { practicesOfPcn } from '$lib/server/accounts/scope';
import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, pcnForApi, PCN_STATEMENT_READERS } from '$lib/server/api/flat-reads';
import { listFlatStatements } from '$lib/server/api/flat-tables';

/** One row per closed round × statement at every practice now in the PCN (pcnStatementsResponse). The PCN's lead only; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const { db, config } = event.locals;
	const pcn = await pcnForApi(event, caller, PCN_STATEMENT_READERS);
	const rows = await listFlatStatements(db, practicesOfPcn(db, pcn.id), config, ukDate());
	await auditApiRead(event, caller, `the statement table of every practice in ${pcn.name}`, { pcnId: pcn.id });
	return rows;
});

export const fallback = apiReadOnly;
