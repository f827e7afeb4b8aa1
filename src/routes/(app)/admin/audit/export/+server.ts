import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { plural } from '$lib/format';
import { guard } from '$lib/server/access';
import { downloadRoute } from '$lib/server/api/downloads';
import { auditEventsToCsv, describeAuditFilter, listAuditEvents, parseAuditFilter, recordAudit } from '$lib/server/platform/audit';
import type { RequestHandler } from './$types';

/** Far more than a network's log holds in years; keeps one download from exhausting memory. */
const EXPORT_LIMIT = 100_000;

/**
 * Administrators only. Administrators hold no API tokens (API_TOKEN_ROLES), so a token never
 * reaches this file: it is refused 403 like any other role's. Wrapped all the same, so a bearer
 * header is never set aside for a session cookie on any download.
 */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const user = guard(event, { roles: ['admin'] });
	const { locals, url } = event;
	const parsed = parseAuditFilter(url.searchParams);
	if (!parsed.ok) error(400, parsed.problems.map((p) => p.message).join('. '));
	// Paging is for the screen: a download holds every matching event.
	const filter = { ...parsed.filter, before: undefined, limit: EXPORT_LIMIT };
	const events = await listAuditEvents(locals.db, filter);
	await recordAudit(locals.db, user, {
		action: 'export_downloaded',
		summary: `Downloaded the audit log as CSV: ${plural(events.length, 'event')}, ${describeAuditFilter(filter)}`
	});
	return new Response(auditEventsToCsv(events), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="belonging-audit-log-${ukDate()}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
});
