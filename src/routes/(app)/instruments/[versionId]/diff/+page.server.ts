import { error } from '@sveltejs/kit';
import { diffInstruments } from '$lib/npt/instrument-diff';
import { guard } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { canReadInstrumentVersion, getVersionRecord } from '$lib/server/surveys/instrument-library';
import type { PageServerLoad } from './$types';

const NOT_FOUND = 'We could not find that instrument version.';

/** Only versions of the same instrument, both readable by the viewer, are compared. */
export const load = (async (event) => {
	const user = guard(event);
	const { db } = event.locals;
	const versionId = idFromParam(event.params.versionId);
	const againstId = idFromParam(event.url.searchParams.get('against'));
	if (versionId === undefined || !(await canReadInstrumentVersion(db, user, versionId))) error(404, NOT_FOUND);
	if (againstId === undefined || !(await canReadInstrumentVersion(db, user, againstId))) error(404, 'We could not find the version to compare with.');
	const [to, from] = await Promise.all([getVersionRecord(db, versionId), getVersionRecord(db, againstId)]);
	if (!to || !from) error(404, NOT_FOUND);
	if (to.instrumentId !== from.instrumentId) error(404, 'Only versions of the same instrument can be compared.');
	return {
		versionId,
		title: to.instrument.title,
		from: { versionId: againstId, version: from.instrument.version },
		to: { versionId, version: to.instrument.version },
		diff: diffInstruments(from.instrument, to.instrument)
	};
}) satisfies PageServerLoad;
