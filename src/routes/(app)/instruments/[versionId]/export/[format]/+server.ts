import { error } from '@sveltejs/kit';
import { fhirQuestionnaireOf } from '$lib/npt/instrument-formats/fhir';
import { itemBankCsv } from '$lib/npt/instrument-formats/item-bank';
import { redcapDataDictionaryOf } from '$lib/npt/instrument-formats/redcap';
import { guard } from '$lib/server/access';
import { downloadRoute } from '$lib/server/api/downloads';
import { idFromParam } from '$lib/server/platform/ids';
import { canReadInstrumentVersion } from '$lib/server/surveys/instrument-library';
import { getInstrumentVersion } from '$lib/server/surveys/instruments';
import type { RequestHandler } from './$types';

function download(body: string, contentType: string, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': contentType,
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'private, no-store'
		}
	});
}

/** A version in a file format: a switch on the format, each case one pure function of the definition. */
export const GET: RequestHandler = downloadRoute(async (event) => {
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
			return download(`${JSON.stringify(instrument, null, 2)}\n`, 'application/json; charset=utf-8', `${base}.json`);
		case 'items':
			return download(itemBankCsv(instrument), 'text/csv; charset=utf-8', `${base}-items.csv`);
		case 'fhir': {
			// The configured address, never the request's Host: a canonical url must not change with who asked.
			const origin = event.locals.config.origin;
			const questionnaire = fhirQuestionnaireOf(instrument, origin ? { canonicalBase: origin } : {});
			return download(`${JSON.stringify(questionnaire, null, 2)}\n`, 'application/fhir+json; charset=utf-8', `${base}-questionnaire.json`);
		}
		case 'redcap':
			return download(redcapDataDictionaryOf(instrument), 'text/csv; charset=utf-8', `${base}-redcap-data-dictionary.csv`);
		default:
			error(404, 'We could not find that file format.');
	}
});
