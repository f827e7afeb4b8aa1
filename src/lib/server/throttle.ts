/**
 * Sign-in throttling, per account and per client address. Keys are hashed, so the table holds
 * neither email addresses nor IP addresses. The account key is used whether or not the account
 * exists, so throttling never reveals which emails have accounts.
 */
import { createHash } from 'node:crypto';
import type { DbOrTx } from './db';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts allowed in the window before sign-in for that account pauses. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Higher, because several people in one practice can share a network address. */
export const MAX_FAILURES_PER_ADDRESS = 30;

export interface ThrottleKeys {
	account: string;
	address: string;
}

export function throttleKeys(email: string, clientAddress: string): ThrottleKeys {
	const digest = (value: string) => createHash('sha256').update(value).digest('hex');
	return { account: `account:${digest(email.trim().toLowerCase())}`, address: `address:${digest(clientAddress)}` };
}

async function retryAfter(db: DbOrTx, key: string, limit: number, now: Date): Promise<number | undefined> {
	const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
	const failures = await db
		.selectFrom('sign_in_failure')
		.select('failed_at')
		.where('throttle_key', '=', key)
		.where('failed_at', '>', since)
		.orderBy('failed_at', 'desc')
		.limit(limit)
		.execute();
	if (failures.length < limit) return undefined;
	// Blocked until the oldest of the last `limit` failures leaves the window.
	const oldest = new Date(failures[failures.length - 1]!.failed_at).getTime();
	return Math.max(1, Math.ceil((oldest + THROTTLE_WINDOW_MS - now.getTime()) / 1000));
}

/** Seconds to wait before trying again, or undefined if an attempt may go ahead. */
export async function signInRetryAfter(db: DbOrTx, keys: ThrottleKeys, now: Date = new Date()): Promise<number | undefined> {
	const [account, address] = await Promise.all([
		retryAfter(db, keys.account, MAX_FAILURES_PER_ACCOUNT, now),
		retryAfter(db, keys.address, MAX_FAILURES_PER_ADDRESS, now)
	]);
	if (account === undefined && address === undefined) return undefined;
	return Math.max(account ?? 0, address ?? 0);
}

export async function recordSignInFailure(db: DbOrTx, keys: ThrottleKeys, now: Date = new Date()): Promise<void> {
	const failed_at = now.toISOString();
	await db
		.insertInto('sign_in_failure')
		.values([
			{ throttle_key: keys.account, failed_at },
			{ throttle_key: keys.address, failed_at }
		])
		.execute();
	await db
		.deleteFrom('sign_in_failure')
		.where('failed_at', '<=', new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())
		.execute();
}

/** A successful sign-in clears the account's failures (not the address's: others may share it). */
export async function clearSignInFailures(db: DbOrTx, keys: ThrottleKeys): Promise<void> {
	await db.deleteFrom('sign_in_failure').where('throttle_key', '=', keys.account).execute();
}

export function describeWait(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return minutes <= 1 ? 'a minute' : `${minutes} minutes`;
}
