/**
 * Database sessions. The browser holds a random token; the database holds only its SHA-256, so
 * a copy of the database cannot be used to sign in. Expiry slides while the session is used.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import type { DbOrTx } from './db';
import { getUser, toSignedInUser, type SignedInUser } from './users';

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

export async function createSession(db: DbOrTx, userId: number, now: Date = new Date()): Promise<NewSession> {
	const token = newToken();
	const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
	await db
		.insertInto('session')
		.values({ id: hashToken(token), user_id: userId, created_at: now.toISOString(), expires_at: expiresAt.toISOString() })
		.execute();
	return { token, expiresAt };
}

export interface ValidSession {
	id: string;
	user: SignedInUser;
	expiresAt: Date;
	renewed: boolean;
}

/** The session for a cookie token, renewed if it is in use; undefined if unknown, expired or the account is off. */
export async function validateSessionToken(db: DbOrTx, token: string, now: Date = new Date()): Promise<ValidSession | undefined> {
	const id = hashToken(token);
	const session = await db.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirst();
	if (!session) return undefined;
	let expiresAt = new Date(session.expires_at);
	if (expiresAt <= now) {
		await db.deleteFrom('session').where('id', '=', id).execute();
		return undefined;
	}
	const account = await getUser(db, session.user_id);
	if (!account || account.disabled_at || !account.password_hash) {
		await db.deleteFrom('session').where('id', '=', id).execute();
		return undefined;
	}
	let renewed = false;
	if (expiresAt.getTime() - now.getTime() < SESSION_IDLE_MS - RENEW_AFTER_MS) {
		expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
		await db.updateTable('session').set({ expires_at: expiresAt.toISOString() }).where('id', '=', id).execute();
		renewed = true;
	}
	return { id, user: await toSignedInUser(db, account), expiresAt, renewed };
}

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
	await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** Sign out everywhere. */
export async function invalidateUserSessions(db: DbOrTx, userId: number): Promise<void> {
	await db.deleteFrom('session').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: DbOrTx, now: Date = new Date()): Promise<void> {
	await db.deleteFrom('session').where('expires_at', '<=', now.toISOString()).execute();
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
