import { guard } from '$lib/server/access';
import { AUDIT_ACTIONS, auditActionLabel, auditFilterQuery, listAuditPage, parseAuditFilter } from '$lib/server/platform/audit';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

const ukTime = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
	timeZoneName: 'short'
});

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { locals, url } = event;
	const actions = Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label }));
	const parsed = parseAuditFilter(url.searchParams);
	if (!parsed.ok) {
		return { actions, values: parsed.values, problems: parsed.problems, log: null };
	}
	const { filter } = parsed;
	const page = await listAuditPage(locals.db, filter, PAGE_SIZE);
	const query = auditFilterQuery(filter);
	const withQuery = (path: string, extra: Record<string, string> = {}) => {
		const params = new URLSearchParams(query);
		for (const [name, value] of Object.entries(extra)) params.set(name, value);
		const text = params.toString();
		return text ? `${path}?${text}` : path;
	};
	return {
		actions,
		values: parsed.values,
		problems: [],
		log: {
			events: page.events.map((e) => ({
				id: e.id,
				at: e.occurred_at,
				when: ukTime.format(new Date(e.occurred_at)),
				who: e.actor_label,
				what: auditActionLabel(e.action),
				summary: e.summary,
				practice: e.practice_name,
				pcn: e.pcn_name
			})),
			filtered: query.size > 0,
			paged: filter.before !== undefined,
			newerHref: filter.before !== undefined ? withQuery('/admin/audit') : null,
			olderHref: page.olderBefore !== null ? withQuery('/admin/audit', { before: String(page.olderBefore) }) : null,
			exportHref: withQuery('/admin/audit/export'),
			exportXlsxHref: withQuery('/admin/audit/export', { format: 'xlsx' })
		}
	};
}) satisfies PageServerLoad;
