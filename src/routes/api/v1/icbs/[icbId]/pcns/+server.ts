import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { instrumentsOf, readIcbForApi } from '$lib/server/api/icb';
import type { ApiIcbPcns } from '$lib/server/api/schemas';

/** Every PCN of the ICB in a period (`from`, `to`): its figures, practices, respondents and band counts, and where it lies among every PCN. ICB leads only; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const data = await readIcbForApi(event, caller, 'the PCNs');
	return {
		icb: data.icb,
		period: data.period,
		minResponses: event.locals.config.minResponses,
		...instrumentsOf(data),
		figures: data.figures,
		pcns: data.pcns,
		benchmarks: data.benchmarks
	} satisfies ApiIcbPcns;
});

export const fallback = apiReadOnly;
