import { guard } from '$lib/server/access';
import { listInstrumentLibrary } from '$lib/server/surveys/instrument-library';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const user = guard(event);
	return {
		instruments: await listInstrumentLibrary(event.locals.db, user),
		canImport: user.role === 'admin' || user.role === 'icb_lead',
		imported: event.url.searchParams.has('imported')
	};
}) satisfies PageServerLoad;
