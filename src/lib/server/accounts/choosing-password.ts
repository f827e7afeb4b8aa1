/**
 * Choosing a password: with an invitation or reset link, or by changing it while signed in; and
 * the notice a person sees after an administrator's reset link was used on their account.
 */
import { z } from 'zod';
import { formatWhen } from '../../dates';
import { LINK_PROBLEMS, checkAccountLink, useAccountLink } from './account-links';
import { recordAudit } from '../platform/audit';
import { refuse, refuseForNow, type Outcome } from '../platform/outcome';
import { atomically, type DbOrTx } from '../db';
import type { AccountLinkPurpose } from '../db/schema';
import { MAX_PASSWORD_LENGTH, RECOMMENDED_COST, hashPassword, passwordProblem, type ScryptCost } from './passwords';
import { checkPasswordCounted } from './sign-in';
import { BUSY_RETRY_SECONDS, clearSignInAttempt, refuseTooManyTries, throttleKeys } from './sign-in-throttle';
import { getUser, setPassword, toSignedInUser } from './users';
import { ROLE_NAMES, type SignedInUser } from '../identity';


/** The new-password fields every password form shares: the password, typed twice. */
export const newPasswordSchema = z
	.object({
		password: z
			.string()
			.min(1, 'Enter a password')
			.max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`),
		confirm: z.string().min(1, 'Type the password again')
	})
	.refine((form) => form.password === form.confirm, {
		message: 'The two passwords are not the same. Type the same password in both boxes.',
		path: ['confirm']
	});

export const SIGNS_IN_WITH_SSO_ONLY =
	'Your account signs in through single sign-on only, so it has no password to choose. Use the single sign-on button instead.';

export interface PasswordOptions {
	now?: Date;
	/** Tests pass a cheaper cost; real hashes use the recommended one. */
	cost?: ScryptCost;
}

const LINK_STATUS = { unknown: 404, used: 410, expired: 410 } as const;

/** Looks a link up for its page: who it is for, or why it cannot be used (with the status to answer). */
export async function lookUpAccountLink(
	db: DbOrTx,
	token: string,
	purpose: AccountLinkPurpose,
	now: Date = new Date()
): Promise<Outcome<{ displayName: string; email: string; roleName: string; expires: string; ssoRequired: boolean }>> {
	const check = await checkAccountLink(db, token, purpose, now);
	if (!check.ok) return refuse(LINK_STATUS[check.reason], LINK_PROBLEMS[check.reason]);
	return {
		ok: true,
		displayName: check.user.display_name,
		email: check.user.email,
		roleName: ROLE_NAMES[check.user.role],
		expires: formatWhen(check.expiresAt),
		ssoRequired: check.user.sso_required_at !== null
	};
}

async function setPasswordWithLink(
	db: DbOrTx,
	token: string,
	purpose: AccountLinkPurpose,
	password: string,
	options: PasswordOptions
): Promise<Outcome<{ user: SignedInUser; issuedByAdmin: boolean }>> {
	const now = options.now ?? new Date();
	const check = await checkAccountLink(db, token, purpose, now);
	if (!check.ok) return refuse(LINK_STATUS[check.reason], LINK_PROBLEMS[check.reason]);
	if (check.user.sso_required_at) return refuse(409, SIGNS_IN_WITH_SSO_ONLY, 'password');
	const problem = passwordProblem(password, [check.user.email, check.user.display_name]);
	if (problem) return refuse(400, problem, 'password');
	// Hashed before the transaction: scrypt takes a while and must not hold the database.
	const hash = await hashPassword(password, options.cost ?? RECOMMENDED_COST);
	const done = await atomically(db, async (tx) => {
		// Of two uses of one link at the same moment, only one gets past this line.
		if (!(await useAccountLink(tx, token, purpose, now))) return false;
		await setPassword(tx, check.user.id, hash, now);
		if (purpose === 'password_reset' && check.createdBy !== null) {
			await tx
				.updateTable('user_account')
				.set({ admin_reset_notice: await adminResetNotice(tx, check.createdBy, check.createdAt, now), admin_reset_session: null })
				.where('id', '=', check.user.id)
				.execute();
		}
		const user = await toSignedInUser(tx, (await getUser(tx, check.user.id))!);
		await recordAudit(
			tx,
			user,
			purpose === 'invitation'
				? { action: 'invitation_accepted', summary: 'Accepted the invitation and chose a password' }
				: { action: 'password_reset', summary: 'Chose a new password with a reset link' },
			now
		);
		return user;
	});
	if (!done) return refuse(410, LINK_PROBLEMS.used);
	return { ok: true, user: done, issuedByAdmin: purpose === 'password_reset' && check.createdBy !== null };
}

/** What the person is told after an administrator's reset link was used on their account. */
async function adminResetNotice(db: DbOrTx, adminId: number, issuedAt: Date, usedAt: Date): Promise<string> {
	const admin = await getUser(db, adminId);
	const who = admin ? `${admin.display_name} (${admin.email}), an administrator,` : 'An administrator';
	return `${who} created a password reset link for your account on ${formatWhen(issuedAt)}, and it was used to choose a new password on ${formatWhen(usedAt)}.`;
}

/** The person has read the notice. */
export async function dismissAdminResetNotice(db: DbOrTx, user: SignedInUser, now: Date = new Date()): Promise<void> {
	await atomically(db, async (tx) => {
		const cleared = await tx
			.updateTable('user_account')
			.set({ admin_reset_notice: null, admin_reset_session: null })
			.where('id', '=', user.id)
			.where('admin_reset_notice', 'is not', null)
			.executeTakeFirst();
		if (Number(cleared.numUpdatedRows) === 1) {
			await recordAudit(tx, user, { action: 'admin_reset_acknowledged', summary: 'Read that an administrator had reset their password' }, now);
		}
	});
}

/** Sets the first password with an invitation link; the caller signs the person in. */
export function acceptInvitation(db: DbOrTx, token: string, password: string, options: PasswordOptions = {}) {
	return setPasswordWithLink(db, token, 'invitation', password, options);
}

/** Sets a new password with a reset link, ending every session the account had. */
export function resetPassword(db: DbOrTx, token: string, password: string, options: PasswordOptions = {}) {
	return setPasswordWithLink(db, token, 'password_reset', password, options);
}

/**
 * A signed-in person changes their own password. The current one is checked first, and wrong
 * guesses count towards the sign-in limit, so a session left open cannot be used to guess it.
 * Every session ends, including this one: the caller starts a new one for this browser.
 */
export async function changePassword(
	db: DbOrTx,
	user: SignedInUser,
	input: { current: string; password: string },
	options: PasswordOptions & { clientAddress: string }
): Promise<Outcome> {
	const now = options.now ?? new Date();
	const account = await getUser(db, user.id);
	// Counted like a sign-in, so a session left open cannot be used to guess the password.
	const check = await checkPasswordCounted(db, throttleKeys(user.email, options.clientAddress), account?.password_hash, input.current, now);
	if (check.outcome === 'throttled') {
		return refuseTooManyTries('Too many wrong passwords.', check.retryAfterSeconds, 'current');
	}
	if (check.outcome === 'busy') {
		return refuseForNow(503, 'Belonging is busy checking other passwords. Wait a few seconds and try again.', BUSY_RETRY_SECONDS, 'current');
	}
	if (!account || !check.matches) return refuse(401, 'Your current password is not right.', 'current');
	if (account.sso_required_at) return refuse(409, SIGNS_IN_WITH_SSO_ONLY, 'password');
	// The current password was right: this attempt is not a guess.
	await clearSignInAttempt(db, check.attempt);
	if (input.password === input.current) return refuse(400, 'Choose a password that is different from your current one.', 'password');
	const problem = passwordProblem(input.password, [account.email, account.display_name]);
	if (problem) return refuse(400, problem, 'password');
	const hash = await hashPassword(input.password, options.cost ?? RECOMMENDED_COST);
	await atomically(db, async (tx) => {
		await setPassword(tx, account.id, hash, now);
		await recordAudit(tx, user, { action: 'password_changed', summary: 'Changed their own password; every session ended' }, now);
	});
	return { ok: true };
}
