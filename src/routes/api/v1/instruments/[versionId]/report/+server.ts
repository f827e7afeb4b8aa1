import { ukDate } from '$lib/dates';
import { apiEndpoint, apiFail, apiReadOnly, requireApiRole } from '$lib/server/api/endpoint';
import type { ApiInstrumentReport } from '$lib/server/api/schemas';
import { recordAudit } from '$lib/server/platform/audit';
import { parseId } from '$lib/server/platform/ids';
import { defaultReportScope, getInstrumentReport, mayReadScope, parseReportScope, REPORT_READERS } from '$lib/server/results/instrument-report';

const NOT_FOUND = 'We could not find that instrument report.';

/**
 * The instrument report of a version (issue 29) for `scope` (`service`, `icb:<id>` or `pcn:<id>`;
 * by default the caller's first ICB or PCN): the page's own data, so nothing withheld there is
 * here. PCN leads and ICB leads on their scopes; audited.
 */
export const GET = apiEndpoint(async (event, caller) => {
	requireApiRole(caller, REPORT_READERS);
	const versionId = parseId(event.params.versionId);
	if (versionId === undefined) apiFail(404, NOT_FOUND);
	const asked = event.url.searchParams.get('scope');
	const scope = asked === null || asked === '' ? defaultReportScope(caller.user) : parseReportScope(asked);
	if (!scope || !mayReadScope(caller.user, scope)) apiFail(404, NOT_FOUND);
	const report = await getInstrumentReport(event.locals.db, versionId, scope, event.locals.config, ukDate());
	if (!report) apiFail(404, NOT_FOUND);
	await recordAudit(event.locals.db, caller.user, {
		action: 'api_read',
		summary: `Read the instrument report of ${report.instrument.title} version ${report.instrument.version} for ${report.scope.name} through the API (token “${caller.tokenName}”)`,
		pcnId: report.scope.kind === 'pcn' ? report.scope.id : null
	});
	return report satisfies ApiInstrumentReport;
});

export const fallback = apiReadOnly;
