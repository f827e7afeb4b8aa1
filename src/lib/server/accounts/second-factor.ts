/**
 * Two-step sign-in for password accounts: an authenticator app (time-based one-time passwords,
 * RFC 6238, through otpauth) and ten single-use recovery codes, kept only as hashes.
 *
 * Setting up: a new secret is shown as a QR code (and as text), and only a first matching code
 * turns it on, so nobody is locked out by a secret their app never took. Signing in: a right
 * password makes a five-minute challenge instead of a session; a right code (or an unused
 * recovery code) completes it. The second step counts against the same limits as the first, by
 * account and by network, so codes cannot be guessed without end, and a code works once.
 */
import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import type { Cookies } from '@sveltejs/kit';
import { atomically, lockFor, type Db, type DbOrTx } from '../db';
import { ROLES, ROLE_NAMES, type Role, type SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, refuseForNow, type Outcome } from '../platform/outcome';
import { createSession, hashToken, newToken, type NewSession } from './sessions';
import { claimSignInAttempt, clearSignInAttempt, describeWait, throttleKeys, type SignInAttempt } from './sign-in-throttle';
import { getUser, toSignedInUser } from './users';

export const CHALLENGE_COOKIE = 'belonging_second_step';
const CHALLENGE_MS = 5 * 60 * 1000;
/** Setting up an app at sign-in takes longer than typing a code. */
const SETUP_CHALLENGE_MS = 15 * 60 * 1000;
const REQUIRED_ROLES_KEY = 'two_step_required_roles';
const RECOVERY_CODES = 10;
/** No 0/o, 1/l/i: read off paper and typed by hand. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ISSUER = 'Belonging';
const WRONG_CODE = 'That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.';

function totpFor(secret: string, label: string): TOTP {
	return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** The time step a code belongs to, or null: one step either side allows for a clock a little out. */
function matchingCounter(totp: TOTP, code: string, now: Date): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
	return delta === null ? null : TOTP.counter({ period: 30, timestamp: now.getTime() }) + delta;
}

const normalise = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const hashRecoveryCode = (code: string) => createHash('sha256').update(`recovery\u0000${normalise(code)}`).digest('hex');

function newRecoveryCode(): string {
	const pick = () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]!;
	const half = () => Array.from({ length: 5 }, pick).join('');
	return `${half()}-${half()}`;
}

export type SecondFactorState = { state: 'off' } | { state: 'pending' } | { state: 'on'; since: string; recoveryCodesLeft: number };

export async function secondFactorState(db: DbOrTx, userId: number): Promise<SecondFactorState> {
	const row = await db.selectFrom('second_factor').select(['confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
	if (!row) return { state: 'off' };
	if (!row.confirmed_at) return { state: 'pending' };
	const left = await db
		.selectFrom('recovery_code')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('user_id', '=', userId)
		.where('used_at', 'is', null)
		.executeTakeFirstOrThrow();
	return { state: 'on', since: row.confirmed_at, recoveryCodesLeft: Number(left.n) };
}

export interface SetupKey {
	/** The secret in groups of four, for typing into an app that cannot scan. */
	secret: string;
	/** The otpauth:// address the QR code carries. */
	uri: string;
	qrSvg: string;
}

/** A new secret waiting for its first code; refused while two-step sign-in is on. */
export async function beginSecondFactorSetup(db: Db, user: SignedInUser, now = new Date()): Promise<Outcome<{ key: SetupKey }>> {
	if (!(await signsInWithPassword(db, user.id))) return refuse(409, 'Your account signs in through your organisation, which has its own second step.');
	const secret = new Secret({ size: 20 }).base32;
	const saved = await db
		.insertInto('second_factor')
		.values({ user_id: user.id, secret, confirmed_at: null, last_counter: null, created_at: now.toISOString() })
		.onConflict((oc) => oc.column('user_id').doUpdateSet({ secret, created_at: now.toISOString() }).where('second_factor.confirmed_at', 'is', null))
		.returning('user_id')
		.executeTakeFirst();
	if (!saved) return refuse(409, 'Two-step sign-in is already on. Turn it off first to move it to another app.');
	return { ok: true, key: setupKey(secret, user.email) };
}

/** The waiting secret again (after a wrong first code), or undefined when none is waiting. */
export async function pendingSetupKey(db: DbOrTx, user: SignedInUser): Promise<SetupKey | undefined> {
	const row = await db.selectFrom('second_factor').select(['secret', 'confirmed_at']).where('user_id', '=', user.id).executeTakeFirst();
	return row && !row.confirmed_at ? setupKey(row.secret, user.email) : undefined;
}

function setupKey(secret: string, email: string): SetupKey {
	const uri = totpFor(secret, email).toString();
	return { secret: secret.replace(/(.{4})/g, '$1 ').trim(), uri, qrSvg: renderSVG(uri, { border: 4, ecc: 'M' }) };
}

/** Two-step sign-in protects password sign-in; an account without it relies on the provider's own second step. */
async function signsInWithPassword(db: DbOrTx, userId: number): Promise<boolean> {
	const account = await getUser(db, userId);
	return account?.password_hash != null && account.sso_required_at === null;
}

/** Abandons a set-up under way (the waiting secret goes); two-step sign-in already on is untouched. */
export async function cancelSecondFactorSetup(db: DbOrTx, user: SignedInUser): Promise<void> {
	await db.deleteFrom('second_factor').where('user_id', '=', user.id).where('confirmed_at', 'is', null).execute();
}

/**
 * Turns two-step sign-in on once the app's first code matches the waiting secret, and makes ten
 * recovery codes, returned this once (only hashes are kept).
 */
export async function confirmSecondFactor(db: Db, user: SignedInUser, code: string, now = new Date()): Promise<Outcome<{ recoveryCodes: string[] }>> {
	return db.transaction().execute(async (tx): Promise<Outcome<{ recoveryCodes: string[] }>> => {
		await lockFor(tx, `second-factor:${user.id}`);
		const row = await tx.selectFrom('second_factor').selectAll().where('user_id', '=', user.id).executeTakeFirst();
		if (!row || row.confirmed_at) return refuse(409, 'There is no set-up waiting. Start again from your account page.');
		const counter = matchingCounter(totpFor(row.secret, user.email), code.replace(/\s/g, ''), now);
		if (counter === null) return refuse(400, 'That code does not match. Check the app shows Belonging and enter the code it shows now.', 'code');
		await tx.updateTable('second_factor').set({ confirmed_at: now.toISOString(), last_counter: counter }).where('user_id', '=', user.id).execute();
		const recoveryCodes = await replaceRecoveryCodes(tx, user.id);
		await recordAudit(tx, user, { action: 'second_factor_on', summary: 'Turned on two-step sign-in with an authenticator app' }, now);
		return { ok: true, recoveryCodes };
	});
}

async function replaceRecoveryCodes(tx: DbOrTx, userId: number): Promise<string[]> {
	await tx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
	const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
	await tx
		.insertInto('recovery_code')
		.values(codes.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(code), used_at: null })))
		.execute();
	return codes;
}

/** The person turns it off themselves, proving it with a current code or a recovery code. */
export async function turnOffSecondFactor(db: Db, user: SignedInUser, code: string, now = new Date()): Promise<Outcome> {
	return db.transaction().execute(async (tx): Promise<Outcome> => {
		await lockFor(tx, `second-factor:${user.id}`);
		if ((await rolesRequiringSecondStep(tx)).includes(user.role)) {
			return refuse(409, `Two-step sign-in is required for ${ROLE_NAMES[user.role]}s, so it cannot be turned off. To move it to a new phone, ask an administrator to reset it.`);
		}
		const proof = await useCode(tx, user.id, user.email, code, now);
		if (proof === 'none') return refuse(409, 'Two-step sign-in is not on.');
		if (proof === 'wrong') return refuse(400, WRONG_CODE, 'code');
		await removeSecondFactor(tx, user.id);
		await recordAudit(tx, user, { action: 'second_factor_off', summary: 'Turned off two-step sign-in' }, now);
		return { ok: true };
	});
}

/** An administrator clears someone's second factor (a lost phone and lost codes); audited. */
export async function resetSecondFactor(db: Db, admin: SignedInUser, userId: number, now = new Date()): Promise<Outcome> {
	if (admin.role !== 'admin') return refuse(403, 'Only an administrator can reset two-step sign-in.');
	return db.transaction().execute(async (tx): Promise<Outcome> => {
		const account = await getUser(tx, userId);
		if (!account) return refuse(404, 'We could not find that person.');
		const removed = await removeSecondFactor(tx, userId);
		if (!removed) return refuse(409, `${account.display_name} does not have two-step sign-in on.`);
		await recordAudit(tx, admin, { action: 'second_factor_reset', summary: `Reset two-step sign-in for ${account.display_name} (${account.email})` }, now);
		return { ok: true };
	});
}

async function removeSecondFactor(tx: DbOrTx, userId: number): Promise<boolean> {
	await tx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
	await tx.deleteFrom('sign_in_challenge').where('user_id', '=', userId).execute();
	const removed = await tx.deleteFrom('second_factor').where('user_id', '=', userId).executeTakeFirst();
	return Number(removed.numDeletedRows) > 0;
}

/**
 * Uses a code once: an authenticator code newer than the last one used (the row is updated only
 * if it still is, so two uses at once cannot both pass), or an unused recovery code.
 */
async function useCode(tx: DbOrTx, userId: number, email: string, code: string, now: Date): Promise<'none' | 'wrong' | 'app' | 'recovery'> {
	const row = await tx.selectFrom('second_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
	if (!row?.confirmed_at) return 'none';
	const counter = matchingCounter(totpFor(row.secret, email), code.replace(/\s/g, ''), now);
	if (counter !== null) {
		const used = await tx
			.updateTable('second_factor')
			.set({ last_counter: counter })
			.where('user_id', '=', userId)
			.where((eb) => eb.or([eb('last_counter', 'is', null), eb('last_counter', '<', counter)]))
			.executeTakeFirst();
		return Number(used.numUpdatedRows) === 1 ? 'app' : 'wrong';
	}
	if (normalise(code).length !== 10) return 'wrong';
	const recovered = await tx
		.updateTable('recovery_code')
		.set({ used_at: now.toISOString() })
		.where('user_id', '=', userId)
		.where('code_hash', '=', hashRecoveryCode(code))
		.where('used_at', 'is', null)
		.executeTakeFirst();
	return Number(recovered.numUpdatedRows) === 1 ? 'recovery' : 'wrong';
}

/** Whether this account must give a code after its password. */
export async function needsSecondStep(db: DbOrTx, userId: number): Promise<boolean> {
	const row = await db.selectFrom('second_factor').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
	return row?.confirmed_at != null;
}

/**
 * After a right password, the challenge the browser keeps in a cookie until the second step
 * completes it: five minutes to give a code, or fifteen to set up an app first.
 */
export async function startChallenge(db: DbOrTx, userId: number, step: 'code' | 'set-up', now = new Date()): Promise<{ token: string; expiresAt: Date }> {
	const token = newToken();
	const expiresAt = new Date(now.getTime() + (step === 'code' ? CHALLENGE_MS : SETUP_CHALLENGE_MS));
	await db.deleteFrom('sign_in_challenge').where('expires_at', '<', now.toISOString()).execute();
	await db.insertInto('sign_in_challenge').values({ token_hash: hashToken(token), user_id: userId, expires_at: expiresAt.toISOString() }).execute();
	return { token, expiresAt };
}

export function setChallengeCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
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

/** A code is counted like a password, against the account's second step and the network, before it is checked. */
async function claimCodeAttempt(db: Db, person: { id: number; email: string }, clientAddress: string, now: Date): Promise<Outcome<{ attempt: SignInAttempt }>> {
	const keys = { ...throttleKeys(person.email, clientAddress), account: `second-step:${person.id}` };
	const claim = await claimSignInAttempt(db, keys, now);
	if (!claim.ok) return refuseForNow(429, `Too many codes tried. Wait ${describeWait(claim.retryAfter)} and try again.`, claim.retryAfter);
	return { ok: true, attempt: claim.attempt };
}

export const CHALLENGE_GONE = 'Your sign-in took longer than five minutes, or has already been used. Sign in again with your password.';

/**
 * The second step: completes the sign-in the challenge belongs to with a code. Counted like a
 * password attempt (against the account and the network); a wrong code is audited.
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
	const claim = await claimCodeAttempt(db, account, input.clientAddress, now);
	if (!claim.ok) return claim;
	return atomically(db, async (tx) => {
		await lockFor(tx, `second-factor:${account.id}`);
		const used = await useCode(tx, account.id, account.email, input.code, now);
		if (used === 'none' || used === 'wrong') {
			await recordAudit(tx, { anonymous: account.email }, { action: 'sign_in_failed', summary: 'Wrong code at the second step' }, now);
			return refuse(401, WRONG_CODE, 'code');
		}
		// The challenge goes with its use: a replayed cookie finds nothing.
		const taken = await tx.deleteFrom('sign_in_challenge').where('token_hash', '=', challenge.token_hash).executeTakeFirst();
		if (Number(taken.numDeletedRows) !== 1) return refuse(410, CHALLENGE_GONE);
		await clearSignInAttempt(tx, claim.attempt);
		const session = await createSession(tx, account.id, now);
		const user = await toSignedInUser(tx, account);
		const left = used === 'recovery' ? (await secondFactorState(tx, account.id)) : null;
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

/** The roles an administrator has said must use two-step sign-in. */
export async function rolesRequiringSecondStep(db: DbOrTx): Promise<Role[]> {
	const row = await db.selectFrom('app_meta').select('value').where('key', '=', REQUIRED_ROLES_KEY).executeTakeFirst();
	const listed = (row?.value ?? '').split(',');
	return ROLES.filter((role) => listed.includes(role));
}

export async function setRolesRequiringSecondStep(db: Db, admin: SignedInUser, roles: readonly Role[], now = new Date()): Promise<Outcome> {
	if (admin.role !== 'admin') return refuse(403, 'Only an administrator can change who must use two-step sign-in.');
	const value = ROLES.filter((role) => roles.includes(role)).join(',');
	await db.transaction().execute(async (tx) => {
		await tx
			.insertInto('app_meta')
			.values({ key: REQUIRED_ROLES_KEY, value })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
			.execute();
		const names = value ? value.split(',').map((role) => ROLE_NAMES[role as Role]).join(', ') : 'nobody';
		await recordAudit(tx, admin, { action: 'second_factor_policy', summary: `Two-step sign-in required for: ${names}` }, now);
	});
	return { ok: true };
}

/** Whether this account's role must use two-step sign-in (and it has no second factor yet). */
export async function mustSetUpSecondStep(db: DbOrTx, userId: number, role: Role): Promise<boolean> {
	return (await rolesRequiringSecondStep(db)).includes(role) && !(await needsSecondStep(db, userId));
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
 * Completes a sign-in that had to set up two-step sign-in first: the first code turns it on (as on
 * the account page), the challenge is used up, and the session starts.
 */
export async function completeRequiredSetup(
	db: Db,
	input: { token: string | undefined; code: string; clientAddress: string },
	now = new Date()
): Promise<Outcome<{ user: SignedInUser; session: NewSession; recoveryCodes: string[] }>> {
	const holder = await challengeHolder(db, input.token, now);
	if (!holder || !input.token) return refuse(410, CHALLENGE_GONE);
	const claim = await claimCodeAttempt(db, holder, input.clientAddress, now);
	if (!claim.ok) return claim;
	const confirmed = await confirmSecondFactor(db, holder, input.code, now);
	if (!confirmed.ok) return confirmed;
	return atomically(db, async (tx) => {
		const taken = await tx.deleteFrom('sign_in_challenge').where('token_hash', '=', hashToken(input.token!)).executeTakeFirst();
		if (Number(taken.numDeletedRows) !== 1) return refuse(410, CHALLENGE_GONE);
		await clearSignInAttempt(tx, claim.attempt);
		const session = await createSession(tx, holder.id, now);
		await recordAudit(tx, holder, { action: 'sign_in', summary: 'Signed in with email and password, setting up two-step sign-in as their role requires' }, now);
		return { ok: true, user: holder, session, recoveryCodes: confirmed.recoveryCodes };
	});
}
