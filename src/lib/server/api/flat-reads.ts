/**
 * The guard-and-audit of the flat-table endpoints (flat-schemas.ts): the role first (403 before
 * any lookup), then the practice, PCN or ICB in the path must be in the token owner's scope,
 * where one out of scope reads exactly like one that does not exist (404); every read is audited
 * naming the token, like every other API read.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { PCN_READERS, RESULT_READERS } from '../access';
import type { Role } from '../identity';
import { onePractice } from '../accounts/scope';
import { recordAudit } from '../platform/audit';
import { listApiPractices, type ApiPcn, type ApiPractice } from './data';
import type { ApiIcb } from './schemas';
import { apiFail, icbInScope, pcnInScope, practiceInScope, requireApiRole, type ApiCaller } from './endpoint';

type ApiEvent = Pick<RequestEvent, 'locals' | 'params'>;

/** Who reads a PCN's statement-by-statement results: its lead only. ICB leads read scores, never a practice's statements. */
export const PCN_STATEMENT_READERS: readonly Role[] = ['pcn_lead'];

/** A practice in the path that the caller reads results of (RESULT_READERS, in scope). */
export async function practiceForApi(event: ApiEvent, caller: ApiCaller): Promise<ApiPractice> {
	requireApiRole(caller, RESULT_READERS);
	const id = practiceInScope(caller, (event.params as { practiceId?: string }).practiceId);
	const practice = (await listApiPractices(event.locals.db, onePractice(event.locals.db, id)))[0];
	if (!practice) apiFail(404, 'We could not find that practice.');
	return practice;
}

/** A PCN in the path that the caller reads (PCN_READERS unless said, in scope). */
export async function pcnForApi(event: ApiEvent, caller: ApiCaller, roles: readonly Role[] = PCN_READERS): Promise<ApiPcn> {
	requireApiRole(caller, roles);
	const id = pcnInScope(caller, (event.params as { pcnId?: string }).pcnId);
	const pcn = await event.locals.db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', '=', id).executeTakeFirst();
	if (!pcn) apiFail(404, 'We could not find that PCN.');
	return { id: pcn.id, odsCode: pcn.ods_code, name: pcn.name };
}

/** An ICB in the path that the caller oversees (ICB leads only). */
export async function icbForApi(event: ApiEvent, caller: ApiCaller): Promise<ApiIcb> {
	requireApiRole(caller, ['icb_lead']);
	const id = icbInScope(caller, (event.params as { icbId?: string }).icbId);
	const icb = await event.locals.db.selectFrom('icb').select(['id', 'ods_code', 'name']).where('id', '=', id).executeTakeFirst();
	if (!icb) apiFail(404, 'We could not find that ICB.');
	return { id: icb.id, odsCode: icb.ods_code, name: icb.name };
}

/** "Read <what> through the API (token “…”)", against the practice or PCN it was about. */
export async function auditApiRead(
	event: ApiEvent,
	caller: ApiCaller,
	what: string,
	about: { practiceId?: number; pcnId?: number } = {}
): Promise<void> {
	await recordAudit(event.locals.db, caller.user, {
		action: 'api_read',
		summary: `Read ${what} through the API (token “${caller.tokenName}”)`,
		...about
	});
}
