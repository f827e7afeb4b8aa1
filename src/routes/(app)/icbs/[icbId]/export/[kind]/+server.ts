import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { downloadRoute, recordDownload } from '$lib/server/api/downloads';
import { tableDownload } from '$lib/server/platform/xlsx';
import { idFromParam } from '$lib/server/platform/ids';
import { getIcbDashboard } from '$lib/server/results/icb-dashboard';
import { icbExportKindOf, icbGapsTable, icbOverTimeTable, icbPcnsTable, icbReadMe } from '$lib/server/results/icb-exports';
import { FORMAT_NAMES } from '$lib/server/results/round-exports';
import { downloadNameOf } from '$lib/tables';
import { readPeriod } from '$lib/server/results/pcn-dashboard';
import type { RequestHandler } from './$types';

const NOT_FOUND = 'We could not find that ICB.';

const TABLES = { pcns: icbPcnsTable, 'over-time': icbOverTimeTable, gaps: icbGapsTable };
const NAMES = { pcns: 'the PCNs', 'over-time': 'the figures by half-year', gaps: 'the infrastructure gaps' };

/** ICB leads only, like the ICB dashboard; the PCNs take the same `from` and `to` as the page. */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const { params, locals, url } = event;
	guard(event, { roles: ['icb_lead'] });
	const kind = icbExportKindOf(params.kind);
	const format = downloadNameOf(params.kind)?.format;
	if (!kind || !format) error(404, 'There is no such download.');
	const icbId = idFromParam(params.icbId);
	if (icbId === undefined) error(404, NOT_FOUND);
	const user = guard(event, { roles: ['icb_lead'], icbId });
	const today = ukDate();
	const query = readPeriod(url.searchParams, today);
	if (query.periodRejected) error(400, query.problems.join(' '));
	const dashboard = await getIcbDashboard(locals.db, icbId, locals.config, query.period, today);
	if (!dashboard) error(404, NOT_FOUND);
	const dated = kind === 'pcns' ? `-${query.period.from}-to-${query.period.to}` : '';
	await recordDownload(event, user, {
		action: 'export_downloaded',
		summary: `Downloaded ${NAMES[kind]} of ${dashboard.icb.name}${kind === 'pcns' ? ` (${query.period.from} to ${query.period.to})` : ''}${format === 'csv' ? '' : ` (${FORMAT_NAMES[format]})`}`
	});
	return tableDownload({ table: TABLES[kind](dashboard), readMe: icbReadMe(kind, dashboard, today), name: `belonging-${dashboard.icb.odsCode}-${kind}${dated}` }, format);
});
