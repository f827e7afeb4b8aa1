/**
 * Signing in with an email address and a password. Every wrong combination gets the same
 * answer and takes the same time, so nothing reveals whether an email has an account; each
 * attempt is counted before the (slow) password check, so a burst of guesses cannot all be
 * checked (throttle.ts); and the checks themselves queue at a bounded gate (passwords.ts).
 */
import { recordAudit } from './audit';
import type { DbOrTx } from './db';
import { PasswordChecksBusyError, verifyAgainstNothing, verifyPassword } from './passwords';
import { createSession, type NewSession } from './sessions';
import { claimSignInAttempt, clearSignInAttempt, describeWait, throttleKeys, withdrawSignInAttempt } from './throttle';
import { findUserByEmail, toSignedInUser, type SignedInUser } from './users';

/** One message for every wrong combination, so the form never reveals whether an email has an account. */
export const WRONG_DETAILS = 'The email address or password is not right. Check them and try again.';
/** Seconds to suggest when the password checks are all busy. */
const BUSY_RETRY_SECONDS = 5;

export type SignInOutcome =
	| { ok: true; user: SignedInUser; session: NewSession }
	| { ok: false; status: 401 | 429 | 503; message: string; retryAfterSeconds?: number };

export async function signInWithPassword(
	db: DbOrTx,
	input: { email: string; password: string; clientAddress: string },
	now: Date = new Date()
): Promise<SignInOutcome> {
	const { email, password } = input;
	const claim = await claimSignInAttempt(db, throttleKeys(email, input.clientAddress), now);
	if (!claim.ok) {
		return {
			ok: false,
			status: 429,
			message: `Too many attempts to sign in. Wait ${describeWait(claim.retryAfter)} and try again.`,
			retryAfterSeconds: claim.retryAfter
		};
	}
	const account = await findUserByEmail(db, email);
	let matches: boolean;
	try {
		matches = account?.password_hash ? await verifyPassword(account.password_hash, password) : await verifyAgainstNothing(password);
	} catch (error) {
		if (!(error instanceof PasswordChecksBusyError)) throw error;
		// Nothing was checked, so nothing counts against the person.
		await withdrawSignInAttempt(db, claim.attempt);
		return {
			ok: false,
			status: 503,
			message: 'Belonging is busy checking other sign-ins. Wait a few seconds and try again.',
			retryAfterSeconds: BUSY_RETRY_SECONDS
		};
	}
	if (!account || !matches || account.disabled_at) {
		await recordAudit(
			db,
			{ anonymous: email.toLowerCase().slice(0, 254) },
			{
				action: 'sign_in_failed',
				summary: account?.disabled_at && matches ? 'Refused: the account is switched off' : 'Wrong email address or password'
			},
			now
		);
		return { ok: false, status: 401, message: WRONG_DETAILS };
	}
	await clearSignInAttempt(db, claim.attempt);
	const session = await createSession(db, account.id, now);
	const user = await toSignedInUser(db, account);
	await recordAudit(db, user, { action: 'sign_in', summary: 'Signed in with email and password' }, now);
	return { ok: true, user, session };
}
