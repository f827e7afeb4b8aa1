import { ukDate } from '$lib/dates';
import { practicesOfIcb } from '$lib/server/accounts/scope';
import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { auditApiRead, icbForApi } from '$lib/server/api/flat-reads';
import { listFlatScores } from '$lib/server/api/flat-tables';

/**
 * One row per closed round × score at every practice now in the ICB's PCNs (icbScoresResponse):
 * what /api/v1/pcns/{pcnId}/rounds gives an ICB lead PCN by PCN, in one table. ICB leads only; audited.
 */
export const GET = apiEndpoint(async (event, caller) => {
	const { db, config } = event.locals;
	const icb = await icbForApi(event, caller);
	const rows = await listFlatScores(db, practicesOfIcb(db, icb.id), config, ukDate());
	await auditApiRead(event, caller, `the score table of every practice in ${icb.name}`);
	return rows;
});

export const fallback = apiReadOnly;
