/**
 * Single sign-on with the organisation's OpenID Connect provider (NHSmail's is Microsoft Entra ID).
 *
 * The rules, each enforced here and tested:
 * - It never creates an account or changes anyone's scope. It signs in an existing account that
 *   is switched on and whose email is the one the provider vouches for (sso-identity.ts).
 * - The first single sign-on links the account to the provider's identity (issuer and subject);
 *   every later one must come from that same identity, and one identity opens one account. An
 *   address the provider later gives to someone else therefore opens nothing. An administrator
 *   can clear the link (people-changes.ts).
 * - An invited person can accept through the provider instead of choosing a password, from
 *   their invitation link or from the sign-in button while their invitation is live.
 * - Each attempt is single-use and bound to the browser that started it: the cookie's key finds
 *   the attempt, which holds the state, nonce and PKCE verifier the answer must match.
 * - The provider does the second step (its own multi-factor authentication), so Belonging's own
 *   two-step sign-in, which protects passwords, is not asked for.
 */
import type { Cookies } from '@sveltejs/kit';
import { recordAudit } from '../platform/audit';
import { refuse, refuseForNow, type Outcome, type Refusal } from '../platform/outcome';
import type { SingleSignOnConfig } from '../platform/config';
import { log } from '../platform/logging';
import { atomically, lockFor, type DbOrTx } from '../db';
import { lookUpAccountLink } from './choosing-password';
import { hashToken, newToken, type NewSession } from './sessions';
import { passSingleSignOnGate } from './sign-in-gate';
import { findUserByEmail, getUser, toSignedInUser } from './users';
import { authorisationUrl, exchangeAnswer, newAuthorisationChecks, ProviderUnavailableError } from './sso-provider';
import { vouchedEmail } from './sso-identity';
import type { SignedInUser } from '../identity';

export const SSO_COOKIE = 'belonging_sso';
const SSO_COOKIE_PATH = '/sign-in/sso';
/** Time to sign in at the provider and come back. */
const ATTEMPT_MS = 10 * 60 * 1000;
const UNAVAILABLE_RETRY_SECONDS = 30;

export function setAttemptCookie(cookies: Cookies, key: string, expiresAt: Date, secure: boolean): void {
	// Lax, not strict: the provider sends the browser back with a top-level GET from its own site.
	cookies.set(SSO_COOKIE, key, { path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

export function deleteAttemptCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(SSO_COOKIE, { path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure });
}

/**
 * Why a single sign-on was refused, in words, by a fixed key: the callback sends the browser to
 * the sign-in page with the key (`/sign-in?sso=no-account`), never with text of its own, so the
 * address bar loses the provider's code and state and a reload shows the same words. `name` is
 * the provider's configured name; `email` the address it vouched for, when known.
 */
export const SSO_REFUSALS = {
	ended: () =>
		'This sign-in has ended: it lasts ten minutes, works once, and must finish in the browser that started it. Start again from the sign-in page.',
	unavailable: (name: string) => `Signing in with ${name} is not working just now. Wait a minute and try again, or sign in with your password if you have one.`,
	declined: (name: string) => `${capitalised(name)} did not sign you in, so neither has Belonging. Start again if you meant to sign in.`,
	unconfirmed: (name: string) => `Belonging could not confirm the answer from ${name}, so you are not signed in. Start again from the sign-in page.`,
	'no-email': (name: string) =>
		`${capitalised(name)} did not tell Belonging a verified email address for you, so Belonging cannot tell which account is yours. Ask your administrator.`,
	'no-account': (name: string, email?: string) =>
		`There is no Belonging account you can use for ${email ?? `the address ${name} gave`}. Accounts are by invitation: ask your PCN lead or Belonging administrator to invite this address. If you were invited at another address, sign in with that one.`,
	'other-invitation': (name: string, email?: string) =>
		`This invitation is for someone else, not ${email ?? `the person you signed in to ${name} as`}. Sign in to ${name} as the person it was sent to, or open your own invitation.`,
	'invitation-expired': () => 'Your invitation to Belonging has expired. Ask the person who invited you to send it again.',
	'linked-elsewhere': (name: string) =>
		`Your Belonging account is linked to a different ${name} identity from the one you signed in with. Ask a Belonging administrator to clear the link, then sign in again.`,
	'identity-taken': (name: string) => `Your ${name} identity is already linked to another Belonging account. Ask a Belonging administrator to sort it out.`,
	'invitation-used': () => 'This invitation has just been used. Sign in from the sign-in page.'
} satisfies Record<string, (name: string, email?: string) => string>;

export type SsoRefusalReason = keyof typeof SSO_REFUSALS;

/** A refused single sign-on: the usual refusal, and which of SSO_REFUSALS it is. */
export type SsoRefusal = Refusal & { reason: SsoRefusalReason };

export function isSsoRefusalReason(key: string | null): key is SsoRefusalReason {
	return key !== null && Object.hasOwn(SSO_REFUSALS, key);
}

function refuseSso(status: Refusal['status'], reason: SsoRefusalReason, sso: SingleSignOnConfig, email?: string): SsoRefusal {
	return { ...refuse(status, SSO_REFUSALS[reason](sso.name, email)), reason };
}

function unavailable(sso: SingleSignOnConfig, error: unknown): SsoRefusal {
	log.warn({ err: error instanceof Error ? (error.cause ?? error) : error }, `Belonging: ${sso.issuer} could not be reached for single sign-on`);
	return { ...refuseForNow(503, SSO_REFUSALS.unavailable(sso.name), UNAVAILABLE_RETRY_SECONDS), reason: 'unavailable' };
}

/**
 * Starts a sign-in at the provider: records what its answer must match and returns where to
 * send the browser. With an invitation token, the sign-in also accepts that invitation.
 */
export async function startSingleSignOn(
	db: DbOrTx,
	sso: SingleSignOnConfig,
	input: { next: string; invitation?: string },
	now = new Date()
): Promise<Outcome<{ key: string; expiresAt: Date; url: string }>> {
	if (input.invitation !== undefined) {
		const invitation = await lookUpAccountLink(db, input.invitation, 'invitation', now);
		if (!invitation.ok) return invitation;
	}
	const checks = newAuthorisationChecks();
	let url: URL;
	try {
		url = await authorisationUrl(sso, checks);
	} catch (error) {
		if (error instanceof ProviderUnavailableError) return unavailable(sso, error);
		throw error;
	}
	const key = newToken();
	const expiresAt = new Date(now.getTime() + ATTEMPT_MS);
	await atomically(db, async (tx) => {
		await tx.deleteFrom('sso_attempt').where('expires_at', '<', now.toISOString()).execute();
		await tx
			.insertInto('sso_attempt')
			.values({
				key_hash: hashToken(key),
				state: checks.state,
				nonce: checks.nonce,
				code_verifier: checks.codeVerifier,
				next_path: input.next,
				invitation_hash: input.invitation === undefined ? null : hashToken(input.invitation),
				expires_at: expiresAt.toISOString()
			})
			.execute();
	});
	return { ok: true, key, expiresAt, url: url.toString() };
}

export const ATTEMPT_ENDED = SSO_REFUSALS.ended();

export type SingleSignOnOutcome = Outcome<{ user: SignedInUser; session: NewSession; next: string; acceptedInvitation: boolean }, SsoRefusal>;

/**
 * Finishes a sign-in with the provider's answer (the callback's query string): the attempt is
 * used up whatever happens, the answer checked, the account matched, and a session started.
 */
export async function finishSingleSignOn(
	db: DbOrTx,
	sso: SingleSignOnConfig,
	input: { key: string | undefined; query: URLSearchParams },
	now = new Date()
): Promise<SingleSignOnOutcome> {
	if (!input.key) return refuseSso(400, 'ended', sso);
	const attempt = await db.deleteFrom('sso_attempt').where('key_hash', '=', hashToken(input.key)).returningAll().executeTakeFirst();
	if (!attempt || attempt.expires_at <= now.toISOString()) return refuseSso(400, 'ended', sso);

	let answer;
	try {
		answer = await exchangeAnswer(sso, input.query, { state: attempt.state, nonce: attempt.nonce, codeVerifier: attempt.code_verifier });
	} catch (error) {
		if (error instanceof ProviderUnavailableError) return unavailable(sso, error);
		throw error;
	}
	if (!answer.ok) {
		await failed(db, 'single sign-on', `Single sign-on refused: ${answer.reason === 'declined' ? 'the provider did not sign the person in' : 'the answer did not check out'} (${answer.detail})`, now);
		if (answer.reason === 'declined') return refuseSso(401, 'declined', sso);
		log.warn(`Belonging: a single sign-on answer was refused: ${answer.detail}`);
		return refuseSso(401, 'unconfirmed', sso);
	}

	const { claims } = answer;
	const vouched = vouchedEmail(claims);
	if (!vouched.ok) {
		await failed(db, 'single sign-on', `Single sign-on refused: the provider vouched for no email address (${vouched.reason})`, now);
		return refuseSso(403, 'no-email', sso);
	}
	const { email } = vouched;
	const subject = String(claims.sub);
	const noAccount = refuseSso(403, 'no-account', sso, email);
	const account = await findUserByEmail(db, email);
	if (!account || account.disabled_at) {
		await failed(db, email, account ? 'Single sign-on refused: the account is switched off' : 'Single sign-on refused: no account has this address', now);
		return noAccount;
	}
	// An invitation: the one the attempt came from, or the live one an invited person holds.
	const invitationHash = attempt.invitation_hash ?? (account.accepted_at ? null : await liveInvitationHash(db, account.id, now));
	if (attempt.invitation_hash !== null) {
		const invitation = await db.selectFrom('account_link').select('user_id').where('token_hash', '=', attempt.invitation_hash).where('purpose', '=', 'invitation').executeTakeFirst();
		if (invitation?.user_id !== account.id) {
			await failed(db, email, 'Single sign-on refused: the invitation is for someone else', now);
			return refuseSso(403, 'other-invitation', sso, email);
		}
	}
	if (!account.accepted_at && invitationHash === null) {
		await failed(db, email, 'Single sign-on refused: the invitation had expired', now);
		return refuseSso(403, 'invitation-expired', sso);
	}

	const done = await atomically(db, async (tx) => {
		// Both sides of the link are checked under lock, so two sign-ins at once cannot each link
		// the same account to a different identity, or the same identity to two accounts.
		await lockFor(tx, `sso-identity:${claims.iss}:${subject}`, `sso-account:${account.id}`);
		const linked = await tx.selectFrom('user_account').select(['sso_issuer', 'sso_subject']).where('id', '=', account.id).executeTakeFirstOrThrow();
		if (linked.sso_subject !== null && (linked.sso_issuer !== claims.iss || linked.sso_subject !== subject)) return 'linked_elsewhere' as const;
		const holder = await tx
			.selectFrom('user_account')
			.select('id')
			.where('sso_issuer', '=', claims.iss)
			.where('sso_subject', '=', subject)
			.executeTakeFirst();
		if (holder && holder.id !== account.id) return 'identity_taken' as const;
		if (invitationHash !== null) {
			const used = await tx
				.updateTable('account_link')
				.set({ used_at: now.toISOString() })
				.where('token_hash', '=', invitationHash)
				.where('purpose', '=', 'invitation')
				.where('used_at', 'is', null)
				.where('expires_at', '>', now.toISOString())
				.executeTakeFirst();
			// Used a moment ago (by a password, or another sign-in): accepted already, unless it was not.
			if (Number(used.numUpdatedRows) !== 1 && !(await getUser(tx, account.id))?.accepted_at) return 'invitation_used' as const;
		}
		await tx
			.updateTable('user_account')
			.set((eb) => ({ sso_issuer: claims.iss, sso_subject: subject, accepted_at: eb.fn.coalesce('accepted_at', eb.val(now.toISOString())) }))
			.where('id', '=', account.id)
			.execute();
		const user = await toSignedInUser(tx, account);
		if (invitationHash !== null && !account.accepted_at) {
			await recordAudit(tx, user, { action: 'invitation_accepted', summary: `Accepted the invitation by signing in with ${sso.name}` }, now);
		}
		const session = await passSingleSignOnGate(tx, user, sso.name, now);
		return { user, session };
	});
	if (done === 'linked_elsewhere') {
		await failed(db, email, 'Single sign-on refused: the account is linked to another identity at the provider', now);
		return refuseSso(403, 'linked-elsewhere', sso);
	}
	if (done === 'identity_taken') {
		await failed(db, email, 'Single sign-on refused: the identity is linked to another account', now);
		return refuseSso(409, 'identity-taken', sso);
	}
	if (done === 'invitation_used') return refuseSso(410, 'invitation-used', sso);
	return { ok: true, ...done, next: attempt.next_path, acceptedInvitation: invitationHash !== null && !account.accepted_at };
}

/** The invitation link an invited person holds now, if it is live. */
async function liveInvitationHash(db: DbOrTx, userId: number, now: Date): Promise<string | null> {
	const link = await db
		.selectFrom('account_link')
		.select('token_hash')
		.where('user_id', '=', userId)
		.where('purpose', '=', 'invitation')
		.where('used_at', 'is', null)
		.where('expires_at', '>', now.toISOString())
		.executeTakeFirst();
	return link?.token_hash ?? null;
}

async function failed(db: DbOrTx, who: string, summary: string, now: Date): Promise<void> {
	await recordAudit(db, { anonymous: who.slice(0, 254) }, { action: 'sign_in_failed', summary }, now);
}

function capitalised(name: string): string {
	return name.charAt(0).toUpperCase() + name.slice(1);
}
