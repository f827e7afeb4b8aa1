/**
 * Single-use links that let someone set a password: invitations and password resets. The person
 * who creates a link sees it once to pass on, for when mail is not set up, and a copy goes by mail
 * through the outbox.
 */
import type { DbOrTx } from '../db';
import type { AccountLinkPurpose, UserAccount } from '../db/schema';
import { hashToken, newToken } from './sessions';
import { getUser } from './users';

export const LINK_LIFETIME_MS: Record<AccountLinkPurpose, number> = {
	invitation: 7 * 24 * 60 * 60 * 1000,
	// A reset link is a key to the account, so it lives only an hour.
	password_reset: 60 * 60 * 1000
};

export const LINK_PATH: Record<AccountLinkPurpose, string> = {
	invitation: '/invitation',
	password_reset: '/reset-password'
};

export interface IssuedLink {
	token: string;
	path: string;
	expiresAt: Date;
}

/** Issues a fresh link; any earlier unused link of the same purpose for the same account stops working. */
export async function issueAccountLink(
	db: DbOrTx,
	userId: number,
	purpose: AccountLinkPurpose,
	createdBy: number | null,
	now: Date = new Date()
): Promise<IssuedLink> {
	const token = newToken();
	const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS[purpose]);
	await db
		.deleteFrom('account_link')
		.where('user_id', '=', userId)
		.where('purpose', '=', purpose)
		.where('used_at', 'is', null)
		.execute();
	await db
		.insertInto('account_link')
		.values({
			token_hash: hashToken(token),
			user_id: userId,
			purpose,
			created_by: createdBy,
			created_at: now.toISOString(),
			expires_at: expiresAt.toISOString()
		})
		.execute();
	return { token, path: `${LINK_PATH[purpose]}/${token}`, expiresAt };
}

export type LinkCheck =
	| { ok: true; user: UserAccount; expiresAt: Date; createdAt: Date; createdBy: number | null }
	| { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Looks a link up without using it. Unknown, used and expired links each get their own plain explanation. */
export async function checkAccountLink(
	db: DbOrTx,
	token: string,
	purpose: AccountLinkPurpose,
	now: Date = new Date()
): Promise<LinkCheck> {
	const link = await db
		.selectFrom('account_link')
		.selectAll()
		.where('token_hash', '=', hashToken(token))
		.where('purpose', '=', purpose)
		.executeTakeFirst();
	if (!link) return { ok: false, reason: 'unknown' };
	if (link.used_at) return { ok: false, reason: 'used' };
	if (new Date(link.expires_at) <= now) return { ok: false, reason: 'expired' };
	const user = await getUser(db, link.user_id);
	if (!user || user.disabled_at) return { ok: false, reason: 'unknown' };
	return { ok: true, user, expiresAt: new Date(link.expires_at), createdAt: new Date(link.created_at), createdBy: link.created_by };
}

/** Marks the link used, atomically: of two simultaneous uses only one succeeds. */
export async function useAccountLink(db: DbOrTx, token: string, purpose: AccountLinkPurpose, now: Date = new Date()): Promise<boolean> {
	const result = await db
		.updateTable('account_link')
		.set({ used_at: now.toISOString() })
		.where('token_hash', '=', hashToken(token))
		.where('purpose', '=', purpose)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now.toISOString())
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export const LINK_PROBLEMS: Record<'unknown' | 'used' | 'expired', string> = {
	unknown: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
	used: 'This link has already been used. If you have set your password, sign in; otherwise ask for a new link.',
	expired: 'This link has expired. Ask the person who sent it for a new one.'
};
