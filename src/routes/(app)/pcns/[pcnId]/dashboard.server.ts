/**
 * The PCN dashboard's data, for the dashboard and its printable summary alike: the same guard,
 * the same period, the same figures, the same audit entry (written by the view) but for the page's name.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { isIsoDate, ukDate } from '$lib/dates';
import { guard, PCN_READERS } from '$lib/server/access';
import { idFromParam } from '$lib/server/platform/ids';
import { readPeriodQuery, viewPcnDashboard, type PcnDashboardRead } from '$lib/server/results/pcn-dashboard';

const NOT_FOUND = 'We could not find that PCN.';

const askedDate = (value: string | null, used: string) => (value !== null && isIsoDate(value) ? value : used);

/*
 * The PCN page is for the PCN's lead, and for ICB leads over it to read (PCN_READERS). Practice
 * managers and link workers read their own practices' dashboards; comparing every practice of a
 * network is the leads' job, and a practice manager seeing other practices' scores would go
 * beyond their scope.
 */
export async function loadPcnDashboard(event: RequestEvent<{ pcnId: string }>, page: PcnDashboardRead) {
	const { params, locals, url } = event;
	guard(event, { roles: PCN_READERS });
	const pcnId = idFromParam(params.pcnId);
	if (pcnId === undefined) error(404, NOT_FOUND);
	// Another network reads exactly like "not there", and is checked before anything is read.
	const user = guard(event, { roles: PCN_READERS, pcnId });
	const today = ukDate();
	const query = readPeriodQuery(url.searchParams, today);
	const dashboard = await viewPcnDashboard(locals.db, user, pcnId, locals.config, query, today, page);
	if (!dashboard) error(404, NOT_FOUND);
	return {
		...dashboard,
		problems: query.problems,
		periodRejected: query.periodRejected,
		/**
		 * What the period form shows: the dates asked for, so a start after the end can be corrected;
		 * a value that is not a date at all cannot sit in a date field, so the period used stands in.
		 */
		asked: { from: askedDate(url.searchParams.get('from'), query.period.from), to: askedDate(url.searchParams.get('to'), query.period.to) },
		minResponses: locals.config.minResponses,
		today
	};
}
