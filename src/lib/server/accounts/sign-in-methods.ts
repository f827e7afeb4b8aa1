/**
 * An administrator decides how someone signs in: requiring single sign-on (no password sign-in),
 * allowing passwords again, and clearing the provider identity an account is linked to. Each
 * change is audited and ends the sessions it no longer allows.
 */
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { atomically, type DbOrTx } from '../db';
import { NOT_FOUND, NOT_YOURS, findTarget, personLabel } from './people-rules';
import type { SignedInUser } from '../identity';
import type { UserAccount } from '../db/schema';

async function adminTarget(db: DbOrTx, actor: SignedInUser, userId: number): Promise<Outcome<{ account: UserAccount }>> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can change how someone signs in.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	return { ok: true, account: target.account };
}

/**
 * Requires (or stops requiring) single sign-on. Required: password sign-in is refused, password
 * sessions end, and unused reset links stop working. Not for one's own account, so an
 * administrator cannot shut themselves out if the provider fails.
 */
export async function setSingleSignOnRequired(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	required: boolean,
	options: { ssoConfigured: boolean; now?: Date }
): Promise<Outcome> {
	const now = options.now ?? new Date();
	const found = await adminTarget(db, actor, userId);
	if (!found.ok) return found;
	const { account } = found;
	if (account.id === actor.id) return refuse(400, 'You cannot change how you sign in yourself. Ask another administrator.');
	if (required && !options.ssoConfigured) return refuse(409, 'Single sign-on is not set up on this server, so nobody can be required to use it.');
	if (required === (account.sso_required_at !== null)) {
		return refuse(409, required ? `${account.display_name} already signs in through single sign-on only.` : `${account.display_name} can already sign in with a password.`);
	}
	await atomically(db, async (tx) => {
		await tx.updateTable('user_account').set({ sso_required_at: required ? now.toISOString() : null }).where('id', '=', account.id).execute();
		if (required) {
			await tx.deleteFrom('session').where('user_id', '=', account.id).where('single_sign_on', '=', 0).execute();
			await tx.deleteFrom('sign_in_challenge').where('user_id', '=', account.id).execute();
			await tx.deleteFrom('account_link').where('user_id', '=', account.id).where('purpose', '=', 'password_reset').where('used_at', 'is', null).execute();
		}
		await recordAudit(
			tx,
			actor,
			required
				? { action: 'sso_required', summary: `Required single sign-on for ${personLabel(account)}; password sessions ended` }
				: { action: 'sso_not_required', summary: `Allowed ${personLabel(account)} to sign in with a password again` },
			now
		);
	});
	return { ok: true };
}

/**
 * Clears the provider identity an account is linked to (the provider gave the person a new one,
 * or the link was made in error): sessions opened through the provider end, and the next single
 * sign-on with the account's address links again.
 */
export async function unlinkSingleSignOn(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	const found = await adminTarget(db, actor, userId);
	if (!found.ok) return found;
	const { account } = found;
	if (account.sso_subject === null) return refuse(409, `${account.display_name} is not linked to a single sign-on identity.`);
	await atomically(db, async (tx) => {
		await tx.updateTable('user_account').set({ sso_issuer: null, sso_subject: null }).where('id', '=', account.id).execute();
		await tx.deleteFrom('session').where('user_id', '=', account.id).where('single_sign_on', '=', 1).execute();
		await recordAudit(tx, actor, { action: 'sso_unlinked', summary: `Cleared ${personLabel(account)}’s single sign-on link; sessions opened through it ended` }, now);
	});
	return { ok: true };
}

/** How many accounts have signed in through the provider (are linked), and how many must. */
export async function singleSignOnCounts(db: DbOrTx): Promise<{ linked: number; required: number }> {
	const row = await db
		.selectFrom('user_account')
		.select((eb) => [
			eb.fn.count<number>('sso_subject').as('linked'),
			eb.fn.count<number>('sso_required_at').as('required')
		])
		.executeTakeFirstOrThrow();
	return { linked: Number(row.linked), required: Number(row.required) };
}
