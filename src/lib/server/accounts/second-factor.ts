/**
 * Two-step sign-in for password accounts: an authenticator app (time-based one-time passwords,
 * RFC 6238, through otpauth) and ten single-use recovery codes, kept only as hashes.
 *
 * Setting up: a new secret is shown as a QR code (and as text), and only a first matching code
 * turns it on, so nobody is locked out by a secret their app never took. Signing in goes through
 * the gate (sign-in-gate.ts), which asks for a code before any session starts. Every code typed
 * anywhere (at sign-in, setting up, turning it off) is checked by checkCode alone, which counts it
 * against the same limits as a password, by account and by network, before it is checked: codes
 * cannot be guessed without end on any page, and a code works once.
 */
import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import { atomically, lockFor, type Db, type DbOrTx } from '../db';
import { ROLES, ROLE_NAMES, type Role, type SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { claimSignInAttempt, clearSignInAttempt, refuseTooManyTries, throttleKeys, withdrawSignInAttempt } from './sign-in-throttle';
import { getUser } from './users';

const REQUIRED_ROLES_KEY = 'two_step_required_roles';
const RECOVERY_CODES = 10;
/** No 0/o, 1/l/i: read off paper and typed by hand. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ISSUER = 'Belonging';
export const WRONG_CODE = 'That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.';

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
 * recovery codes, returned this once (only hashes are kept). The code counts towards the code limit.
 */
export async function confirmSecondFactor(
	db: Db,
	user: SignedInUser,
	input: { code: string; clientAddress: string },
	now = new Date()
): Promise<Outcome<{ recoveryCodes: string[] }>> {
	return checkCode(db, user, { ...input, factor: 'waiting' }, now, async (tx, used): Promise<Outcome<{ recoveryCodes: string[] }>> => {
		if (used === 'none') return refuse(409, 'There is no set-up waiting. Start again from your account page.');
		if (used === 'wrong') return refuse(400, 'That code does not match. Check the app shows Belonging and enter the code it shows now.', 'code');
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

/** The person turns it off themselves, proving it with a current code or a recovery code (counted like any code). */
export async function turnOffSecondFactor(db: Db, user: SignedInUser, input: { code: string; clientAddress: string }, now = new Date()): Promise<Outcome> {
	if ((await rolesRequiringSecondStep(db)).includes(user.role)) {
		return refuse(409, `Two-step sign-in is required for ${ROLE_NAMES[user.role]}s, so it cannot be turned off. To move it to a new phone, ask an administrator to reset it.`);
	}
	return checkCode(db, user, { ...input, factor: 'on' }, now, async (tx, used): Promise<Outcome> => {
		if (used === 'none') return refuse(409, 'Two-step sign-in is not on.');
		if (used === 'wrong') return refuse(400, WRONG_CODE, 'code');
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
 * Uses a code once. With two-step sign-in on: an authenticator code newer than the last one used
 * (the row is updated only if it still is, so two uses at once cannot both pass), or an unused
 * recovery code. With a set-up waiting: the app's first code, which turns it on.
 */
async function useCode(tx: DbOrTx, person: CodeHolder, code: string, factor: 'on' | 'waiting', now: Date): Promise<CodeUse> {
	const row = await tx.selectFrom('second_factor').selectAll().where('user_id', '=', person.id).executeTakeFirst();
	if (!row || (row.confirmed_at === null) !== (factor === 'waiting')) return 'none';
	const counter = matchingCounter(totpFor(row.secret, person.email), code.replace(/\s/g, ''), now);
	if (factor === 'waiting') {
		if (counter === null) return 'wrong';
		await tx.updateTable('second_factor').set({ confirmed_at: now.toISOString(), last_counter: counter }).where('user_id', '=', person.id).execute();
		return 'app';
	}
	if (counter !== null) {
		const used = await tx
			.updateTable('second_factor')
			.set({ last_counter: counter })
			.where('user_id', '=', person.id)
			.where((eb) => eb.or([eb('last_counter', 'is', null), eb('last_counter', '<', counter)]))
			.executeTakeFirst();
		return Number(used.numUpdatedRows) === 1 ? 'app' : 'wrong';
	}
	if (normalise(code).length !== 10) return 'wrong';
	const recovered = await tx
		.updateTable('recovery_code')
		.set({ used_at: now.toISOString() })
		.where('user_id', '=', person.id)
		.where('code_hash', '=', hashRecoveryCode(code))
		.where('used_at', 'is', null)
		.executeTakeFirst();
	return Number(recovered.numUpdatedRows) === 1 ? 'recovery' : 'wrong';
}

type CodeHolder = { id: number; email: string };
/** What a typed code turned out to be: no factor in the state asked for, wrong, or used. */
export type CodeUse = 'none' | 'wrong' | 'app' | 'recovery';

/**
 * The one place a typed code is checked, wherever it is typed: the try is counted first, against
 * the account's second step and the network, in the same limit as sign-in codes (so the pages
 * share one allowance); then, under the account's lock, the code is used (useCode) and `then`
 * decides the answer in the same transaction. A right code (an `ok` answer) takes the account's
 * count off again, as a right password does.
 */
export async function checkCode<T extends object>(
	db: Db,
	person: CodeHolder,
	input: { code: string; clientAddress: string; factor: 'on' | 'waiting' },
	now: Date,
	then: (tx: DbOrTx, used: CodeUse) => Promise<Outcome<T>>
): Promise<Outcome<T>> {
	const keys = { ...throttleKeys(person.email, input.clientAddress), account: `second-step:${person.id}` };
	const claim = await claimSignInAttempt(db, keys, now);
	if (!claim.ok) return refuseTooManyTries('Too many codes tried.', claim.retryAfter);
	return atomically(db, async (tx) => {
		await lockFor(tx, `second-factor:${person.id}`);
		const used = await useCode(tx, person, input.code, input.factor, now);
		const answer = await then(tx, used);
		if (answer.ok) await clearSignInAttempt(tx, claim.attempt);
		// With no factor to check it against, nothing was guessed: the try does not count.
		else if (used === 'none') await withdrawSignInAttempt(tx, claim.attempt);
		return answer;
	});
}

/** Whether this account must give a code after its password. */
export async function needsSecondStep(db: DbOrTx, userId: number): Promise<boolean> {
	const row = await db.selectFrom('second_factor').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
	return row?.confirmed_at != null;
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
