/**
 * The instrument report's guard and read, for the page and its CSV alike: the role first (403
 * before anything is read), then the version and the scope, where a scope outside the viewer's
 * reads exactly like one that does not exist (404).
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { defaultReportScope, getInstrumentReport, mayReadScope, parseReportScope, REPORT_READERS } from '$lib/server/results/instrument-report';

const NOT_FOUND = 'We could not find that instrument report.';

export async function readReport(event: RequestEvent<{ versionId: string }>) {
	const { params, locals, url } = event;
	const user = guard(event, { roles: REPORT_READERS });
	const versionId = idFromParam(params.versionId);
	if (versionId === undefined) error(404, NOT_FOUND);
	const asked = url.searchParams.get('scope');
	const scope = asked === null || asked === '' ? defaultReportScope(user) : parseReportScope(asked);
	if (!scope || !mayReadScope(user, scope)) error(404, NOT_FOUND);
	const report = await getInstrumentReport(locals.db, versionId, scope, locals.config, ukDate());
	if (!report) error(404, NOT_FOUND);
	return { user, report };
}
