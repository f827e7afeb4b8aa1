/**
 * Signing in with an email address and a password, and signing out. Every wrong combination gets the same
 * answer and takes the same time, so nothing reveals whether an email has an account; each
 * attempt is counted before the (slow) password check, so a burst of guesses cannot all be
 * checked (throttle.ts); and the checks themselves queue at a bounded gate (passwords.ts).
 */
import { recordAudit } from '../platform/audit';
import { refuse, refuseForNow, type Outcome } from '../platform/outcome';
import { atomically, type DbOrTx } from '../db';
import { PasswordChecksBusyError, verifyAgainstNothing, verifyPassword } from './passwords';
import { invalidateSession } from './sessions';
import { passSignInGate, type AtGate } from './sign-in-gate';
import {
	claimSignInAttempt,
	clearSignInAttempt,
	BUSY_RETRY_SECONDS,
	refuseTooManyTries,
	throttleKeys,
	withdrawSignInAttempt,
	type SignInAttempt,
	type ThrottleKeys
} from './sign-in-throttle';
import { findUserByEmail, toSignedInUser } from './users';
import type { SignedInUser } from '../identity';

/** One message for every wrong combination, so the form never reveals whether an email has an account. */
export const WRONG_DETAILS = 'The email address or password is not right. Check them and try again.';
/**
 * Through the gate (sign-in-gate.ts): signed in with a session; or, with two-step sign-in on, a
 * challenge that a code completes; or, when the role requires it and the person has none yet, a
 * challenge that setting it up completes.
 */
export type SignInOutcome = Outcome<AtGate>;

export type CountedCheck =
	| { outcome: 'throttled'; retryAfterSeconds: number }
	| { outcome: 'busy' }
	| { outcome: 'checked'; matches: boolean; attempt: SignInAttempt };

/**
 * A password check that counts towards the sign-in limit: the attempt is claimed first (or the
 * wait returned), then the password checked (against nothing when there is no hash, taking the
 * same time). When the checks are all busy nothing was checked, so the attempt is withdrawn.
 * The caller clears the attempt once the password proves right.
 */
export async function checkPasswordCounted(
	db: DbOrTx,
	keys: ThrottleKeys,
	hash: string | null | undefined,
	password: string,
	now: Date = new Date()
): Promise<CountedCheck> {
	const claim = await claimSignInAttempt(db, keys, now);
	if (!claim.ok) return { outcome: 'throttled', retryAfterSeconds: claim.retryAfter };
	try {
		const matches = hash ? await verifyPassword(hash, password) : await verifyAgainstNothing(password);
		return { outcome: 'checked', matches, attempt: claim.attempt };
	} catch (error) {
		if (!(error instanceof PasswordChecksBusyError)) throw error;
		await withdrawSignInAttempt(db, claim.attempt);
		return { outcome: 'busy' };
	}
}

export async function signInWithPassword(
	db: DbOrTx,
	input: { email: string; password: string; clientAddress: string; ssoName?: string },
	now: Date = new Date()
): Promise<SignInOutcome> {
	const { email, password } = input;
	const account = await findUserByEmail(db, email);
	const check = await checkPasswordCounted(db, throttleKeys(email, input.clientAddress), account?.password_hash, password, now);
	if (check.outcome === 'throttled') {
		return refuseTooManyTries('Too many attempts to sign in.', check.retryAfterSeconds);
	}
	if (check.outcome === 'busy') {
		return refuseForNow(503, 'Belonging is busy checking other sign-ins. Wait a few seconds and try again.', BUSY_RETRY_SECONDS);
	}
	const { matches } = check;
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
		return refuse(401, WRONG_DETAILS);
	}
	await clearSignInAttempt(db, check.attempt);
	if (account.sso_required_at) {
		// The password was right, so saying why reveals nothing its holder does not know.
		await recordAudit(db, { anonymous: account.email }, { action: 'sign_in_failed', summary: 'Refused: the account signs in through single sign-on only' }, now);
		return refuse(
			403,
			input.ssoName
				? `Your account signs in with ${input.ssoName}, not a password. Use the “Sign in with ${input.ssoName}” button.`
				: 'Your account signs in through single sign-on, which is not set up on this server just now. Ask your Belonging administrator.'
		);
	}
	return { ok: true, ...(await passSignInGate(db, await toSignedInUser(db, account), { kind: 'password' }, now)) };
}

/**
 * Ends this session (the browser's cookie is the route's to clear), with its audit entry; says
 * whether it had been opened through the identity provider, whose own sign-out may then be offered.
 */
export async function signOut(db: DbOrTx, user: SignedInUser, sessionId: string): Promise<{ singleSignOn: boolean }> {
	return atomically(db, async (tx) => {
		const ended = await invalidateSession(tx, sessionId);
		await recordAudit(tx, user, { action: 'sign_out', summary: 'Signed out' });
		return ended;
	});
}
