/**
 * Which round reminder mails a person gets. Practice managers get them all unless they say
 * otherwise; PCN leads get none unless they opt in; other roles are not sent them.
 */
import type { DbOrTx } from '../db';
import { ROLES, type Role, type SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { ROUND_NOTICE_KINDS, ROUND_NOTICES, type RoundNoticeKind } from '../mail/kinds';

/**
 * Per role: whether round reminders are offered at all, and whether they come unless turned off.
 * Reminders are about one practice's round, for those who run it: ICB leads run no rounds and
 * would hear of every round in dozens of PCNs, so they, like administrators and link workers,
 * get none.
 */
const ROUND_REMINDERS: Record<Role, { offered: boolean; byDefault: boolean }> = {
	admin: { offered: false, byDefault: false },
	icb_lead: { offered: false, byDefault: false },
	pcn_lead: { offered: true, byDefault: false },
	practice_manager: { offered: true, byDefault: true },
	link_worker: { offered: false, byDefault: false }
};

export const NOTICE_ROLES: readonly Role[] = ROLES.filter((role) => ROUND_REMINDERS[role].offered);

export function wantedByDefault(role: Role): boolean {
	return ROUND_REMINDERS[role].byDefault;
}

export interface NoticeChoice {
	kind: RoundNoticeKind;
	label: string;
	wanted: boolean;
}

export async function noticeChoices(db: DbOrTx, user: SignedInUser): Promise<NoticeChoice[]> {
	if (!NOTICE_ROLES.includes(user.role)) return [];
	const rows = await db.selectFrom('mail_preference').select(['kind', 'wanted']).where('user_id', '=', user.id).execute();
	const chosen = new Map(rows.map((r) => [r.kind, r.wanted === 1]));
	return ROUND_NOTICE_KINDS.map((kind) => ({ kind, label: ROUND_NOTICES[kind], wanted: chosen.get(kind) ?? wantedByDefault(user.role) }));
}

/** Stores the person's choice for every kind at once: the ones in `wanted` on, the rest off. */
export async function saveNoticeChoices(db: DbOrTx, user: SignedInUser, wanted: readonly RoundNoticeKind[]): Promise<void> {
	const rows = ROUND_NOTICE_KINDS.map((kind) => ({ user_id: user.id, kind, wanted: wanted.includes(kind) ? 1 : 0 }));
	await db
		.insertInto('mail_preference')
		.values(rows)
		.onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({ wanted: eb.ref('excluded.wanted') })))
		.execute();
	const on = wanted.length === 0 ? 'none' : wanted.map((k) => ROUND_NOTICES[k].toLowerCase()).join('; ');
	await recordAudit(db, user, { action: 'mail_preferences_changed', summary: `Chose which round reminder mails to get: ${on}` });
}
