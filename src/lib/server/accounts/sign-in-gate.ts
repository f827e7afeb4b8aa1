/**
 * The gate every way into a session goes through: a password at the sign-in form, a password
 * chosen with a reset link or an invitation, single sign-on, and any way added later. Nothing
 * else starts a session. A session starts only after every step the account needs: with two-step
 * sign-in on, a code (or a recovery code) comes next; with it required for the role and not yet
 * set up, setting it up comes next. Until then the browser holds a short-lived challenge, never a
 * session. Single sign-on trusts the provider's own second step, as /admin/security says.
 */
import type { Cookies } from '@sveltejs/kit';
import { safeNextPath } from '../access';
import { atomically, type Db, type DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { checkCode, confirmSecondFactor, mustSetUpSecondStep, needsSecondStep, secondFactorState, WRONG_CODE } from './second-factor';
import { createSession, hashToken, newToken, setSessionCookie, type NewSession } from './sessions';
import { getUser, toSignedInUser } from './users';

export const CHALLENGE_COOKIE = 'belonging_second_step';
const CHALLENGE_MS = 5 * 60 * 1000;
/** Setting up an app at sign-in takes longer than typing a code. */
const SETUP_CHALLENGE_MS = 15 * 60 * 1000;

export const CHALLENGE_GONE = 'Your sign-in took longer than five minutes, or has already been used. Sign in again with your password.';

/** How the person proved who they are before reaching the gate; each needs two-step sign-in after it. */
export type WayIn = { kind: 'password' } | { kind: 'invitation' } | { kind: 'reset-link'; issuedByAdmin: boolean };

const SIGNED_IN: Record<WayIn['kind'], string> = {
	password: 'Signed in with email and password',
	invitation: 'Signed in after accepting the invitation and choosing a password',
	'reset-link': 'Signed in after choosing a new password with a reset link'
};

export interface NextStep {
	token: string;
	expiresAt: Date;
	/** The role requires two-step sign-in and it is not set up yet: setting it up is the step. */
	setUp: boolean;
}

/** Through the gate: a session; or, while a step remains, the challenge that step completes. */
export type AtGate = { user: SignedInUser; session: NewSession; secondStep?: undefined } | { user: SignedInUser; session?: undefined; secondStep: NextStep };

/**
 * The gate for every way in but single sign-on. The account is known and has just proved its
 * password (or chosen one with a link): a session starts here only when no step remains.
 */
export async function passSignInGate(db: DbOrTx, user: SignedInUser, wayIn: WayIn, now: Date = new Date()): Promise<AtGate> {
	const step = (await needsSecondStep(db, user.id)) ? 'code' : (await mustSetUpSecondStep(db, user.id, user.role)) ? 'set-up' : null;
	if (step) {
		// The sign-in and its audit entry wait for the step.
		const challenge = await startChallenge(db, user.id, step, now);
		if (wayIn.kind === 'reset-link' && wayIn.issuedByAdmin) await markAdminResetSignIn(db, user.id, hashToken(challenge.token));
		return { user, secondStep: { ...challenge, setUp: step === 'set-up' } };
	}
	const session = await createSession(db, user.id, now);
	if (wayIn.kind === 'reset-link' && wayIn.issuedByAdmin) await markAdminResetSignIn(db, user.id, hashToken(session.token));
	await recordAudit(db, user, { action: 'sign_in', summary: SIGNED_IN[wayIn.kind] }, now);
	return { user, session };
}

/** Single sign-on: the provider asked for its own second step, so Belonging asks for none. */
export async function passSingleSignOnGate(db: DbOrTx, user: SignedInUser, provider: string, now: Date = new Date()): Promise<NewSession> {
	const session = await createSession(db, user.id, now, true);
	await recordAudit(db, user, { action: 'sign_in', summary: `Signed in with ${provider} (single sign-on)` }, now);
	return session;
}

/**
 * Changing one's own password ends every session, this one too; this browser, already through
 * the gate and having just proved the password again, carries on in a fresh session.
 */
export async function continueAfterPasswordChange(db: DbOrTx, user: SignedInUser, now: Date = new Date()): Promise<NewSession> {
	return createSession(db, user.id, now);
}

/**
 * The session (or the challenge that will become one) that an administrator's reset link opened
 * is the one not told of that reset: it is the person who used the link. The mark is the
 * session's id, or the challenge's token hash until the step turns it into a session.
 */
async function markAdminResetSignIn(db: DbOrTx, userId: number, id: string): Promise<void> {
	await db.updateTable('user_account').set({ admin_reset_session: id }).where('id', '=', userId).execute();
}

/** After the last step: the session the gate held back starts, taking over any mark its challenge had. */
async function startHeldSession(tx: DbOrTx, userId: number, challengeHash: string, now: Date): Promise<NewSession> {
	const session = await createSession(tx, userId, now);
	await tx
		.updateTable('user_account')
		.set({ admin_reset_session: hashToken(session.token) })
		.where('id', '=', userId)
		.where('admin_reset_session', '=', challengeHash)
		.execute();
	return session;
}

/** The challenge the browser keeps in a cookie until the step completes it: five minutes to give a code, or fifteen to set up an app first. */
async function startChallenge(db: DbOrTx, userId: number, step: 'code' | 'set-up', now: Date): Promise<{ token: string; expiresAt: Date }> {
	const token = newToken();
	const expiresAt = new Date(now.getTime() + (step === 'code' ? CHALLENGE_MS : SETUP_CHALLENGE_MS));
	await db.deleteFrom('sign_in_challenge').where('expires_at', '<', now.toISOString()).execute();
	await db.insertInto('sign_in_challenge').values({ token_hash: hashToken(token), user_id: userId, expires_at: expiresAt.toISOString() }).execute();
	return { token, expiresAt };
}

/**
 * What the browser is given at the gate, and where it goes next: the session cookie and `next`;
 * or the challenge cookie and the step's page, which goes on to `next` once the step is done.
 */
export function leaveGate(cookies: Cookies, atGate: AtGate, next: string | null | undefined, secure: boolean): string {
	const destination = safeNextPath(next);
	if (atGate.secondStep) {
		setChallengeCookie(cookies, atGate.secondStep.token, atGate.secondStep.expiresAt, secure);
		return `/sign-in/${atGate.secondStep.setUp ? 'set-up' : 'code'}?next=${encodeURIComponent(destination)}`;
	}
	setSessionCookie(cookies, atGate.session.token, atGate.session.expiresAt, secure);
	return destination;
}

function setChallengeCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(CHALLENGE_COOKIE, token, { path: '/sign-in', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

export function deleteChallengeCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(CHALLENGE_COOKIE, { path: '/sign-in', httpOnly: true, sameSite: 'lax', secure });
}

/** Whether the token is a live challenge (for the code page: without one, back to the password). */
export async function challengeIsLive(db: DbOrTx, token: string | undefined, now = new Date()): Promise<boolean> {
	if (!token) return false;
	const row = await db.selectFrom('sign_in_challenge').select('expires_at').where('token_hash', '=', hashToken(token)).executeTakeFirst();
	return row !== undefined && row.expires_at > now.toISOString();
}

/** The person a live challenge belongs to, for the set-up page. */
export async function challengeHolder(db: DbOrTx, token: string | undefined, now = new Date()): Promise<SignedInUser | undefined> {
	if (!token) return undefined;
	const row = await db.selectFrom('sign_in_challenge').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
	if (!row || row.expires_at <= now.toISOString()) return undefined;
	const account = await getUser(db, row.user_id);
	return account && !account.disabled_at ? toSignedInUser(db, account) : undefined;
}

/**
 * The code step: completes the sign-in the challenge belongs to with a code (checked and counted
 * by checkCode, like every code); a wrong code is audited.
 */
export async function completeSecondStep(
	db: Db,
	input: { token: string | undefined; code: string; clientAddress: string },
	now = new Date()
): Promise<Outcome<{ user: SignedInUser; session: NewSession }>> {
	if (!input.token) return refuse(410, CHALLENGE_GONE);
	const challenge = await db.selectFrom('sign_in_challenge').selectAll().where('token_hash', '=', hashToken(input.token)).executeTakeFirst();
	if (!challenge || challenge.expires_at <= now.toISOString()) return refuse(410, CHALLENGE_GONE);
	const account = await getUser(db, challenge.user_id);
	if (!account || account.disabled_at) return refuse(410, CHALLENGE_GONE);
	return checkCode(db, account, { code: input.code, clientAddress: input.clientAddress, factor: 'on' }, now, async (tx, used): Promise<Outcome<{ user: SignedInUser; session: NewSession }>> => {
		if (used === 'none' || used === 'wrong') {
			await recordAudit(tx, { anonymous: account.email }, { action: 'sign_in_failed', summary: 'Wrong code at the second step' }, now);
			return refuse(401, WRONG_CODE, 'code');
		}
		// The challenge goes with its use: a replayed cookie finds nothing.
		const taken = await tx.deleteFrom('sign_in_challenge').where('token_hash', '=', challenge.token_hash).executeTakeFirst();
		if (Number(taken.numDeletedRows) !== 1) return refuse(410, CHALLENGE_GONE);
		const session = await startHeldSession(tx, account.id, challenge.token_hash, now);
		const user = await toSignedInUser(tx, account);
		const left = used === 'recovery' ? await secondFactorState(tx, account.id) : null;
		await recordAudit(
			tx,
			user,
			{
				action: 'sign_in',
				summary:
					left?.state === 'on'
						? `Signed in with email, password and a recovery code (${left.recoveryCodesLeft} left)`
						: 'Signed in with email, password and an authenticator code'
			},
			now
		);
		return { ok: true, user, session };
	});
}

/**
 * The set-up step, for a role that requires two-step sign-in: the first code turns it on (as on
 * the account page), the challenge is used up, and the session starts.
 */
export async function completeRequiredSetup(
	db: Db,
	input: { token: string | undefined; code: string; clientAddress: string },
	now = new Date()
): Promise<Outcome<{ user: SignedInUser; session: NewSession; recoveryCodes: string[] }>> {
	const holder = await challengeHolder(db, input.token, now);
	if (!holder || !input.token) return refuse(410, CHALLENGE_GONE);
	const confirmed = await confirmSecondFactor(db, holder, { code: input.code, clientAddress: input.clientAddress }, now);
	if (!confirmed.ok) return confirmed;
	const challengeHash = hashToken(input.token);
	return atomically(db, async (tx) => {
		const taken = await tx.deleteFrom('sign_in_challenge').where('token_hash', '=', challengeHash).executeTakeFirst();
		if (Number(taken.numDeletedRows) !== 1) return refuse(410, CHALLENGE_GONE);
		const session = await startHeldSession(tx, holder.id, challengeHash, now);
		await recordAudit(tx, holder, { action: 'sign_in', summary: 'Signed in with email and password, setting up two-step sign-in as their role requires' }, now);
		return { ok: true, user: holder, session, recoveryCodes: confirmed.recoveryCodes };
	});
}
