import { error } from '@sveltejs/kit';
import { guard } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { canReadInstrumentVersion } from '$lib/server/surveys/instrument-library';
import { getInstrumentVersion } from '$lib/server/surveys/instruments';
import type { RequestHandler } from './$types';

/** A version in a file format: a switch on the format, each case one pure function of the definition. */
export const GET: RequestHandler = async (event) => {
	const user = guard(event);
	const versionId = idFromParam(event.params.versionId);
	if (versionId === undefined || !(await canReadInstrumentVersion(event.locals.db, user, versionId))) {
		error(404, 'We could not find that instrument version.');
	}
	const stored = await getInstrumentVersion(event.locals.db, versionId);
	if (!stored) error(404, 'We could not find that instrument version.');
	const { instrument } = stored;
	const base = `${instrument.id}-${instrument.audience === 'staff' ? 'staff' : 'link-worker'}-v${instrument.version}`;
	switch (event.params.format) {
		case 'json':
			return new Response(`${JSON.stringify(instrument, null, 2)}\n`, {
				headers: {
					'content-type': 'application/json; charset=utf-8',
					'content-disposition': `attachment; filename="${base}.json"`,
					'cache-control': 'private, no-store'
				}
			});
		default:
			error(404, 'We could not find that file format.');
	}
};
