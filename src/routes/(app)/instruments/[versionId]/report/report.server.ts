/**
 * The instrument report's guard, for the page and its downloads alike: the role first (403 before
 * anything is read), then the version and the scope, where a scope outside the viewer's reads
 * exactly like one that does not exist (404).
 */
import { error, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { downloadRoute, recordDownload } from '$lib/server/api/downloads';
import { idFromParam } from '$lib/server/platform/ids';
import { tableDownload } from '$lib/server/platform/xlsx';
import { defaultReportScope, getInstrumentReport, mayReadScope, parseReportScope, REPORT_READERS } from '$lib/server/results/instrument-report';
import { instrumentReportDownload } from '$lib/server/results/instrument-report-csv';
import { FORMAT_NAMES } from '$lib/server/results/round-exports';
import type { DownloadFormat } from '$lib/tables';

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

/** The report page's figures as a file (report.csv, report.xlsx), for the same people and the same `scope`. */
export function reportDownloadRoute(format: DownloadFormat): RequestHandler<{ versionId: string }> {
	return downloadRoute(async (event: RequestEvent<{ versionId: string }>) => {
		const { user, versionId, scope } = guardReport(event);
		const today = ukDate();
		const report = await getInstrumentReport(event.locals.db, versionId, scope, event.locals.config, today);
		if (!report) error(404, REPORT_NOT_FOUND);
		await recordDownload(event, user, {
			action: 'export_downloaded',
			summary: `Downloaded the instrument report of ${report.instrument.title} version ${report.instrument.version} for ${report.scope.name}${format === 'csv' ? '' : ` (${FORMAT_NAMES[format]})`}`,
			pcnId: report.scope.kind === 'pcn' ? report.scope.id : null
		});
		return tableDownload(instrumentReportDownload(report, today), format);
	});
}
