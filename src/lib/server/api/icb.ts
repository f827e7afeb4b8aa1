/**
 * The ICB endpoints under /api/v1/icbs/[icbId]: each reads the dashboard the ICB lead's page
 * shows, for the period asked (`from`, `to`; default the last twelve months), and returns a part
 * of it, so the API can never hold a figure the page withholds. ICB leads only; every read audited.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { ukDate } from '../../dates';
import type { IcbDashboard } from '../../views/icb-dashboard';
import { recordAudit } from '../platform/audit';
import { getIcbDashboard } from '../results/icb-dashboard';
import { readPeriod } from '../results/pcn-dashboard';
import { apiInstrument } from './data';
import type { ApiInstrument } from './schemas';
import { apiFail, icbInScope, requireApiRole, type ApiCaller } from './endpoint';

export async function readIcbForApi(event: Pick<RequestEvent, 'locals' | 'params' | 'url'>, caller: ApiCaller, what: string): Promise<IcbDashboard> {
	const { locals, params, url } = event;
	requireApiRole(caller, ['icb_lead']);
	const icbId = icbInScope(caller, (params as { icbId?: string }).icbId);
	const today = ukDate();
	const query = readPeriod(url.searchParams, today);
	if (query.periodRejected) apiFail(400, query.problems.join(' '));
	const data = await getIcbDashboard(locals.db, icbId, locals.config, query.period, today);
	if (!data) apiFail(404, 'We could not find that ICB.');
	await recordAudit(locals.db, caller.user, {
		action: 'api_read',
		summary: `Read ${what} of ${data.icb.name} (${query.period.from} to ${query.period.to}) through the API (token “${caller.tokenName}”)`
	});
	return data;
}

/**
 * What every ICB answer adds about its instruments: the one its figures come from, every version
 * the practices' rounds in the period used, and how many practices used another series and so
 * are in no figure.
 */
export function instrumentsOf(data: Pick<IcbDashboard, 'figuresInstrument' | 'instruments' | 'otherInstruments'>): {
	instrument: ApiInstrument | null;
	instruments: ApiInstrument[];
	otherInstruments: number;
} {
	return {
		instrument: data.figuresInstrument && apiInstrument(data.figuresInstrument),
		instruments: data.instruments.map(apiInstrument),
		otherInstruments: data.otherInstruments
	};
}
