import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { downloadRoute, recordDownload } from '$lib/server/api/downloads';
import { csvDownload } from '$lib/server/platform/csv';
import { writeInstrumentReportCsv } from '$lib/server/results/instrument-report-csv';
import { getInstrumentReport } from '$lib/server/results/instrument-report';
import { guardReport, REPORT_NOT_FOUND } from '../report.server';
import type { RequestHandler } from './$types';

/** The report page's figures as CSV, for the same people and the same `scope`. */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const { user, versionId, scope } = guardReport(event);
	const report = await getInstrumentReport(event.locals.db, versionId, scope, event.locals.config, ukDate());
	if (!report) error(404, REPORT_NOT_FOUND);
	await recordDownload(event, user, {
		action: 'export_downloaded',
		summary: `Downloaded the instrument report of ${report.instrument.title} version ${report.instrument.version} for ${report.scope.name}`,
		pcnId: report.scope.kind === 'pcn' ? report.scope.id : null
	});
	const scopePart = report.scope.odsCode ?? 'service';
	return csvDownload(writeInstrumentReportCsv(report), `belonging-${report.instrument.id}-${report.instrument.version}-report-${scopePart}.csv`);
});
