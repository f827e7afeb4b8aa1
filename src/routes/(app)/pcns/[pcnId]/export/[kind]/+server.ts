import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard, PCN_READERS } from '$lib/server/access';
import { getApiPcnHeatmap, getApiPcnRounds } from '$lib/server/api/data';
import { downloadRoute, recordDownload } from '$lib/server/api/downloads';
import { tableDownload } from '$lib/server/platform/xlsx';
import { idFromParam } from '$lib/server/platform/ids';
import { readPeriodQuery } from '$lib/server/results/pcn-dashboard';
import { heatmapTable, pcnExportKindOf, pcnReadMe, pcnRoundsTable } from '$lib/server/results/pcn-exports';
import { FORMAT_NAMES } from '$lib/server/results/round-exports';
import { downloadNameOf, type TableDownload } from '$lib/tables';
import type { RequestHandler } from './$types';

const NOT_FOUND = 'We could not find that PCN.';

/**
 * For the same people as the PCN dashboard (PCN_READERS); the heatmap takes the same `from` and
 * `to` as the page. Both hold scores alone, the same for an ICB lead as for the PCN's lead.
 */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const { params, locals, url } = event;
	guard(event, { roles: PCN_READERS });
	const kind = pcnExportKindOf(params.kind);
	const format = downloadNameOf(params.kind)?.format;
	if (!kind || !format) error(404, 'There is no such download.');
	const pcnId = idFromParam(params.pcnId);
	if (pcnId === undefined) error(404, NOT_FOUND);
	const user = guard(event, { roles: PCN_READERS, pcnId });
	const today = ukDate();

	let download: TableDownload;
	let summary: string;
	if (kind === 'heatmap') {
		const query = readPeriodQuery(url.searchParams, today);
		if (query.periodRejected) error(400, query.problems.join(' '));
		const heatmap = await getApiPcnHeatmap(locals.db, pcnId, locals.config, query.period, today);
		if (!heatmap) error(404, NOT_FOUND);
		download = {
			table: heatmapTable(heatmap),
			readMe: pcnReadMe(kind, heatmap.pcn, heatmap.minResponses, today, query.period),
			name: `belonging-${heatmap.pcn.odsCode}-heatmap-${query.period.from}-to-${query.period.to}`
		};
		summary = `Downloaded the heatmap of ${heatmap.pcn.name} (${query.period.from} to ${query.period.to})`;
	} else {
		const rounds = await getApiPcnRounds(locals.db, pcnId, locals.config, today);
		if (!rounds) error(404, NOT_FOUND);
		download = { table: pcnRoundsTable(rounds), readMe: pcnReadMe(kind, rounds.pcn, rounds.minResponses, today), name: `belonging-${rounds.pcn.odsCode}-all-rounds` };
		summary = `Downloaded the scores of every round at ${rounds.pcn.name}`;
	}
	// The CSV's audit entry reads as it always has; a workbook says so.
	await recordDownload(event, user, { action: 'export_downloaded', summary: format === 'csv' ? summary : `${summary} (${FORMAT_NAMES[format]})`, pcnId });
	return tableDownload(download, format);
});
