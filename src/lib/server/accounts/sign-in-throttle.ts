/**
 * Sign-in throttling, per account and per client address. Keys are hashed, so the table holds
 * neither email addresses nor IP addresses. The account key is used whether or not the account
 * exists, so throttling never reveals which emails have accounts. An IPv6 address counts by its
 * /64 (platform/client-address.ts).
 *
 * An attempt is counted *before* its password is checked, in the same transaction that reads
 * the count, so concurrent guesses cannot all slip in under the limit while the slow check runs.
 * A successful attempt is then taken off the count again (with the account's earlier failures).
 * The rows live in `sign_in_failure`: an attempt that has not succeeded is a failure so far.
 */
import { createHash } from 'node:crypto';
import { atomically, lockFor, type DbOrTx } from '../db';
import { addressKey } from '../platform/client-address';
import { refuseForNow, type Refusal } from '../platform/outcome';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Attempts allowed per account in the window, before sign-in for that account pauses. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Higher, because several people in one practice can share a network address. */
export const MAX_FAILURES_PER_ADDRESS = 30;

export interface ThrottleKeys {
	account: string;
	address: string;
}

export function throttleKeys(email: string, clientAddress: string): ThrottleKeys {
	const digest = (value: string) => createHash('sha256').update(value).digest('hex');
	return { account: `account:${digest(email.trim().toLowerCase())}`, address: `address:${digest(addressKey(clientAddress))}` };
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
	// Blocked until the oldest of the last `limit` attempts leaves the window.
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

/** An attempt that has been counted: settle it once the password has been checked. */
export interface SignInAttempt {
	keys: ThrottleKeys;
	/** The rows that count it against the account and the address. */
	accountRowId: number;
	addressRowId: number;
}

export type AttemptClaim = { ok: true; attempt: SignInAttempt } | { ok: false; retryAfter: number };

/**
 * Counts an attempt against both keys, or says how long to wait when either is at its limit.
 * The count and the new rows are read and written in one transaction that holds both keys
 * (lockFor), so no two claims interleave, on one instance or several.
 */
export async function claimSignInAttempt(db: DbOrTx, keys: ThrottleKeys, now: Date = new Date()): Promise<AttemptClaim> {
	const claim = async (tx: DbOrTx): Promise<AttemptClaim> => {
		await lockFor(tx, `sign-in:${keys.account}`, `sign-in:${keys.address}`);
		const wait = await signInRetryAfter(tx, keys, now);
		if (wait !== undefined) return { ok: false, retryAfter: wait };
		const failed_at = now.toISOString();
		const insert = (throttle_key: string) =>
			tx.insertInto('sign_in_failure').values({ throttle_key, failed_at }).returning('id').executeTakeFirstOrThrow();
		const accountRow = await insert(keys.account);
		const addressRow = await insert(keys.address);
		await tx
			.deleteFrom('sign_in_failure')
			.where('failed_at', '<=', new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())
			.execute();
		return { ok: true, attempt: { keys, accountRowId: accountRow.id, addressRowId: addressRow.id } };
	};
	return atomically(db, claim);
}

/**
 * The password was right: the account's attempts are cleared, and this attempt no longer
 * counts against the address (others there may still be guessing). A wrong password needs no
 * call: the attempt stays counted as a failure.
 */
export async function clearSignInAttempt(db: DbOrTx, attempt: SignInAttempt): Promise<void> {
	await db.deleteFrom('sign_in_failure').where('throttle_key', '=', attempt.keys.account).execute();
	await db.deleteFrom('sign_in_failure').where('id', '=', attempt.addressRowId).execute();
}

/** The password could not be checked at all (the server was too busy): the attempt does not count. */
export async function withdrawSignInAttempt(db: DbOrTx, attempt: SignInAttempt): Promise<void> {
	await db.deleteFrom('sign_in_failure').where('id', 'in', [attempt.accountRowId, attempt.addressRowId]).execute();
}

/** Seconds to suggest when the password checks are all busy. */
export const BUSY_RETRY_SECONDS = 5;

/**
 * Too many tries of a secret (a password, a code): a 429 that says how long to wait, in words and
 * in the Retry-After header the route sets from it (`refusalFailure` in platform/forms.ts).
 */
export function refuseTooManyTries(what: string, seconds: number, field = 'form'): Refusal {
	return refuseForNow(429, `${what} Wait ${describeWait(seconds)} and try again.`, seconds, field);
}

export function describeWait(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return minutes <= 1 ? 'a minute' : `${minutes} minutes`;
}
