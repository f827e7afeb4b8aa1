import { error } from '@sveltejs/kit';
import { formatDate, ukDate } from '$lib/dates';
import { plural } from '$lib/format';
import { guard } from '$lib/server/access';
import { downloadRoute } from '$lib/server/api/downloads';
import { auditTable, describeAuditFilter, listAuditEvents, parseAuditFilter, recordAudit } from '$lib/server/platform/audit';
import { tableDownload } from '$lib/server/platform/xlsx';
import { FORMAT_NAMES } from '$lib/server/results/round-exports';
import type { DownloadFormat } from '$lib/tables';
import type { RequestHandler } from './$types';

/** Far more than a network's log holds in years; keeps one download from exhausting memory. */
const EXPORT_LIMIT = 100_000;

/**
 * Administrators only. Administrators hold no API tokens (API_TOKEN_ROLES), so a token never
 * reaches this file: it is refused 403 like any other role's. Wrapped all the same, so a bearer
 * header is never set aside for a session cookie on any download. `?format=xlsx` gives the same
 * events as an Excel workbook.
 */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const user = guard(event, { roles: ['admin'] });
	const { locals, url } = event;
	const asked = url.searchParams.get('format') ?? 'csv';
	if (asked !== 'csv' && asked !== 'xlsx') error(400, 'The format must be csv or xlsx.');
	const format: DownloadFormat = asked;
	const parsed = parseAuditFilter(url.searchParams);
	if (!parsed.ok) error(400, parsed.problems.map((p) => p.message).join('. '));
	// Paging is for the screen: a download holds every matching event.
	const filter = { ...parsed.filter, before: undefined, limit: EXPORT_LIMIT };
	const events = await listAuditEvents(locals.db, filter);
	await recordAudit(locals.db, user, {
		action: 'export_downloaded',
		summary: `Downloaded the audit log as ${FORMAT_NAMES[format]}: ${plural(events.length, 'event')}, ${describeAuditFilter(filter)}`
	});
	const today = ukDate();
	return tableDownload(
		{
			table: auditTable(events),
			readMe: {
				title: 'Belonging audit log',
				about: ['Every recorded event matching the filter: who did what, to which practice or PCN, and when. Entries cannot be changed or removed.'],
				scope: [
					['Filter', describeAuditFilter(filter)],
					['Events', String(events.length)],
					['Downloaded', formatDate(today)]
				],
				withheld: ['The log holds no survey answers and no figures. Events older than the retention period (RETENTION_AUDIT_MONTHS) have been removed.']
			},
			name: `belonging-audit-log-${today}`
		},
		format
	);
});
