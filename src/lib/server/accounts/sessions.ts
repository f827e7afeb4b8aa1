/**
 * Database sessions. The browser holds a random token; the database holds only its SHA-256, so
 * a copy of the database cannot be used to sign in. Expiry slides while the session is used.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { sql } from 'kysely';
import type { DbOrTx } from '../db';
import { signedInUserOf } from './users';
import type { SignedInUser } from '../identity';

export const SESSION_COOKIE = 'belonging_session';
/** Idle time after which a session ends: a working day, so shared practice computers do not stay signed in. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Renew the expiry at most this often, to spare a database write on every request. */
const RENEW_AFTER_MS = 15 * 60 * 1000;

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export interface NewSession {
	token: string;
	expiresAt: Date;
}

/**
 * A new session; `singleSignOn` marks one opened through the identity provider, so signing out can
 * offer its sign-out. Only the sign-in gate (sign-in-gate.ts) calls this, so no way in can skip a step.
 */
export async function createSession(db: DbOrTx, userId: number, now: Date = new Date(), singleSignOn = false): Promise<NewSession> {
	const token = newToken();
	const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
	await db
		.insertInto('session')
		.values({
			id: hashToken(token),
			user_id: userId,
			created_at: now.toISOString(),
			expires_at: expiresAt.toISOString(),
			single_sign_on: singleSignOn ? 1 : 0
		})
		.execute();
	return { token, expiresAt };
}

export interface ValidSession {
	id: string;
	user: SignedInUser;
	expiresAt: Date;
	renewed: boolean;
	/** That an administrator reset the password, for every session but the one the reset link opened. */
	adminResetNotice: string | null;
}

/** Every PCN and practice in a user's scope as rows (kind, id), with the practices now in their PCNs. */
function scopeRows(db: DbOrTx) {
	return db
		.selectFrom('user_practice')
		.select(['user_practice.user_id as user_id', sql<string>`'practice'`.as('kind'), 'user_practice.practice_id as scope_id'])
		.unionAll(db.selectFrom('user_pcn').select(['user_pcn.user_id as user_id', sql<string>`'pcn'`.as('kind'), 'user_pcn.pcn_id as scope_id']))
		.unionAll(db.selectFrom('user_icb').select(['user_icb.user_id as user_id', sql<string>`'icb'`.as('kind'), 'user_icb.icb_id as scope_id']))
		.unionAll(
			db
				.selectFrom('user_icb')
				.innerJoin('pcn', 'pcn.icb_id', 'user_icb.icb_id')
				.select(['user_icb.user_id as user_id', sql<string>`'icb_pcn'`.as('kind'), 'pcn.id as scope_id'])
		)
		.unionAll(
			db
				.selectFrom('user_pcn')
				.innerJoin('practice', 'practice.pcn_id', 'user_pcn.pcn_id')
				.select(['user_pcn.user_id as user_id', sql<string>`'pcn_practice'`.as('kind'), 'practice.id as scope_id'])
		);
}

/**
 * The session for a cookie token, renewed if it is in use; undefined if unknown, expired or the
 * account is off. The session, its account and the account's whole scope come in one query (a
 * row per PCN or practice in scope); only an ending or a renewal writes.
 */
export async function validateSessionToken(db: DbOrTx, token: string, now: Date = new Date()): Promise<ValidSession | undefined> {
	const id = hashToken(token);
	const rows = await db
		.selectFrom('session')
		.innerJoin('user_account', 'user_account.id', 'session.user_id')
		.leftJoin(scopeRows(db).as('scope'), 'scope.user_id', 'session.user_id')
		.select([
			'session.expires_at',
			'user_account.id',
			'user_account.email',
			'user_account.display_name',
			'user_account.role',
			'user_account.accepted_at',
			'user_account.disabled_at',
			'user_account.admin_reset_notice',
			'user_account.admin_reset_session',
			'scope.kind',
			'scope.scope_id'
		])
		.where('session.id', '=', id)
		.execute();
	const account = rows[0];
	if (!account) {
		// A session whose account is gone went with it (ON DELETE CASCADE); nothing to end.
		return undefined;
	}
	let expiresAt = new Date(account.expires_at);
	if (expiresAt <= now || account.disabled_at || !account.accepted_at) {
		await db.deleteFrom('session').where('id', '=', id).execute();
		return undefined;
	}
	let renewed = false;
	if (expiresAt.getTime() - now.getTime() < SESSION_IDLE_MS - RENEW_AFTER_MS) {
		expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
		await db.updateTable('session').set({ expires_at: expiresAt.toISOString() }).where('id', '=', id).execute();
		renewed = true;
	}
	const ids = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => Number(r.scope_id));
	const user = signedInUserOf(account, {
		icbIds: ids('icb'),
		pcnIds: ids('pcn'),
		practiceIds: ids('practice'),
		pcnsInIcbs: ids('icb_pcn'),
		practicesInPcns: ids('pcn_practice')
	});
	const adminResetNotice = account.admin_reset_session === id ? null : account.admin_reset_notice;
	return { id, user, expiresAt, renewed, adminResetNotice };
}

/** Ends one session; says whether it had been opened through the identity provider. */
export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<{ singleSignOn: boolean }> {
	const ended = await db.deleteFrom('session').where('id', '=', sessionId).returning('single_sign_on').executeTakeFirst();
	return { singleSignOn: ended?.single_sign_on === 1 };
}

/** Sign out everywhere. */
export async function invalidateUserSessions(db: DbOrTx, userId: number): Promise<void> {
	await db.deleteFrom('session').where('user_id', '=', userId).execute();
}

/** Deletes sessions that have run out; returns how many. */
export async function deleteExpiredSessions(db: DbOrTx, now: Date = new Date()): Promise<number> {
	const deleted = await db.deleteFrom('session').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
	return Number(deleted.numDeletedRows);
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
