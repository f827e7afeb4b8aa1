import { apiEndpoint, apiReadOnly } from '$lib/server/api/endpoint';
import { readIcbForApi } from '$lib/server/api/icb';
import type { ApiIcbGaps } from '$lib/server/api/schemas';

/** Open infrastructure flags across the ICB, as a count of practices per checklist item (never which practice). ICB leads only; audited. */
export const GET = apiEndpoint(async (event, caller) => {
	const data = await readIcbForApi(event, caller, 'the infrastructure gaps');
	return { icb: data.icb, gaps: data.gaps } satisfies ApiIcbGaps;
});

export const fallback = apiReadOnly;
