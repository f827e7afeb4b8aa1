import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { instrumentsOf, readIcbForApi } from '$lib/server/api/icb';
import type { ApiIcbOverTime } from '$lib/server/api/schemas';

/** The ICB's figures in each half of the NHS financial year, with intervals across practices. ICB leads only; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const data = await readIcbForApi(event, caller, 'the figures by half-year');
	return { icb: data.icb, ...instrumentsOf(data), overTime: data.overTime } satisfies ApiIcbOverTime;
});

export const fallback = apiReadOnly;
