import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { instrumentsOf, readIcbForApi } from '$lib/server/api/icb';
import type { ApiIcbDashboard } from '$lib/server/api/schemas';

/** The ICB dashboard's data for a period (`from`, `to`): the glance, every PCN's figures and band counts, the ICB's figures, practices not surveyed, the half-years, the gaps and the PCN benchmarks. ICB leads only; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const data = await readIcbForApi(event, caller, 'the dashboard');
	const { icb, period, bands, glance, figures, pcns, notSurveyed, overTime, gaps, benchmarks } = data;
	return {
		icb,
		period,
		minResponses: event.locals.config.minResponses,
		...instrumentsOf(data),
		bands,
		glance,
		figures,
		pcns,
		notSurveyed,
		overTime,
		gaps,
		benchmarks
	} satisfies ApiIcbDashboard;
});

export const fallback = apiReadOnly;
