import { ukDate } from '$lib/dates';
import { practicesOfPcn } from '$lib/server/accounts/scope';
import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, pcnForApi } from '$lib/server/api/flat-reads';
import { listFlatScores } from '$lib/server/api/flat-tables';

/** One row per closed round × score at every practice now in the PCN (pcnScoresResponse). PCN leads and the ICB leads over them; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const { db, config } = event.locals;
	const pcn = await pcnForApi(event, caller);
	const rows = await listFlatScores(db, practicesOfPcn(db, pcn.id), config, ukDate());
	await auditApiRead(event, caller, `the score table of every practice in ${pcn.name}`, { pcnId: pcn.id });
	return rows;
});

export const fallback = apiReadOnly;
