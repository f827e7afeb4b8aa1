/**
 * The instrument report's guard, for the page and its CSV alike: the role first (403 before
 * anything is read), then the version and the scope, where a scope outside the viewer's reads
 * exactly like one that does not exist (404).
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { guard } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { defaultReportScope, mayReadScope, parseReportScope, REPORT_READERS } from '$lib/server/results/instrument-report';

export const REPORT_NOT_FOUND = 'We could not find that instrument report.';

export function guardReport(event: RequestEvent<{ versionId: string }>) {
	const { params, url } = event;
	const user = guard(event, { roles: REPORT_READERS });
	const versionId = idFromParam(params.versionId);
	if (versionId === undefined) error(404, REPORT_NOT_FOUND);
	const asked = url.searchParams.get('scope');
	const scope = asked === null || asked === '' ? defaultReportScope(user) : parseReportScope(asked);
	if (!scope || !mayReadScope(user, scope)) error(404, REPORT_NOT_FOUND);
	return { user, versionId, scope };
}
