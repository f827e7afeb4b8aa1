/**
 * Changing people: their name, role and scope, switching an account off and on, signing out
 * everywhere, and taking away access to one practice.
 */
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { atomically, type DbOrTx } from '../db';
import { invalidateUserSessions } from './sessions';
import { displayNameSchema, getUser, replaceScope, setDisabled, type Scope } from './users';
import { ROLE_NAMES, SCOPE_KIND, type Role, type SignedInUser } from '../identity';
import {
	NOT_FOUND,
	NOT_YOURS,
	unique,
	scopeForRole,
	takesAwayPractices,
	findTarget,
	grantProblem,
	personLabel,
	auditPlace
} from './people-rules';
import { organisationNames, listInWords, scopeInWords } from './people-list';

export interface PersonChanges {
	displayName: string;
	role: Role;
	scope: Partial<Scope>;
}

const sameIds = (a: readonly number[], b: readonly number[]) =>
	a.length === b.length && [...a].sort((x, y) => x - y).every((id, i) => id === [...b].sort((x, y) => x - y)[i]);

/** An administrator changes someone's name, role and scope. */
export async function updateUser(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	changes: PersonChanges,
	now: Date = new Date()
): Promise<Outcome> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can change someone’s details or role.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	const { account } = target;
	const displayName = displayNameSchema.safeParse(changes.displayName);
	if (!displayName.success) return refuse(400, displayName.error.issues[0]!.message, 'displayName');
	if (account.id === actor.id && changes.role !== account.role) {
		return refuse(400, 'You cannot change your own role. Ask another administrator to do it.', 'role');
	}
	const scope = scopeForRole(changes.role, changes.scope);
	const refusal = await grantProblem(db, actor, changes.role, scope);
	if (refusal) return refusal;
	const scopeChanged =
		!sameIds(scope.icbIds, target.scope.icbIds) ||
		!sameIds(scope.pcnIds, target.scope.pcnIds) ||
		!sameIds(scope.practiceIds, target.scope.practiceIds);
	const names = await organisationNames(db, scope);
	await atomically(db, async (tx) => {
		const details: string[] = [];
		if (displayName.data !== account.display_name) details.push(`name from “${account.display_name}” to “${displayName.data}”`);
		if (changes.role !== account.role) details.push(`role from ${ROLE_NAMES[account.role]} to ${ROLE_NAMES[changes.role]}`);
		if (details.length) {
			await tx
				.updateTable('user_account')
				.set({ display_name: displayName.data, role: changes.role })
				.where('id', '=', account.id)
				.execute();
			await recordAudit(tx, actor, { action: 'user_changed', summary: `Changed ${account.email}: ${details.join('; ')}` }, now);
		}
		if (scopeChanged) {
			await replaceScope(tx, account.id, scope);
			await recordAudit(
				tx,
				actor,
				{
					action: 'scope_changed',
					summary: `${personLabel(account)} can now see: ${scopeInWords(changes.role, names)}`,
					...auditPlace(scope)
				},
				now
			);
		}
	});
	return { ok: true };
}

async function switchAccount(db: DbOrTx, actor: SignedInUser, userId: number, off: boolean, now: Date): Promise<Outcome> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can switch accounts off or on.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	const { account } = target;
	if (off && account.id === actor.id) return refuse(400, 'You cannot switch off your own account. Ask another administrator.');
	if (Boolean(account.disabled_at) === off) return { ok: true };
	await atomically(db, async (tx) => {
		await setDisabled(tx, account.id, off, now);
		await recordAudit(
			tx,
			actor,
			off
				? { action: 'user_disabled', summary: `Switched off ${personLabel(account)}; their sessions ended` }
				: { action: 'user_enabled', summary: `Switched on ${personLabel(account)}` },
			now
		);
	});
	return { ok: true };
}

/** Switches an account off: the person is signed out everywhere and cannot sign in or use a link. */
export function disableUser(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	return switchAccount(db, actor, userId, true, now);
}

export function enableUser(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	return switchAccount(db, actor, userId, false, now);
}

/** Ends every session of an account: anyone may do it to their own, administrators to anyone's. */
export async function signOutEverywhere(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	if (actor.id !== userId && actor.role !== 'admin') return refuse(403, 'Only an administrator can sign someone else out.');
	const found = actor.id === userId ? undefined : await findTarget(db, actor, userId);
	if (found && !found.manageable) return refuse(403, NOT_YOURS);
	const target = actor.id === userId ? await getUser(db, userId) : found?.account;
	if (!target) return refuse(404, NOT_FOUND);
	await atomically(db, async (tx) => {
		await invalidateUserSessions(tx, target.id);
		await recordAudit(
			tx,
			actor,
			{
				action: 'sign_out_everywhere',
				summary: actor.id === userId ? 'Signed out on every device' : `Signed ${personLabel(target)} out on every device`
			},
			now
		);
	});
	return { ok: true };
}

/**
 * Takes away someone's access to some practices. A PCN lead may only take away practices in
 * their own PCNs, from practice managers and link workers; the rest of the person's scope is
 * left exactly as it was. An ICB lead, who gives no practices, takes none away. Someone left with
 * no practices at all can no longer use a pending invitation either.
 */
export async function removePracticeAccess(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	practiceIds: readonly number[],
	now: Date = new Date()
): Promise<Outcome<{ practicesLeft: number }>> {
	if (!takesAwayPractices(actor)) return refuse(403, 'You cannot change who can see a practice.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	const { account, scope } = target;
	if (SCOPE_KIND[account.role] !== 'practice') {
		return refuse(400, 'Only practice managers and link workers are given practices. Ask an administrator to change anything else.');
	}
	const removable = actor.role === 'admin' ? scope.practiceIds : scope.practiceIds.filter((id) => actor.practiceIds.includes(id));
	const chosen = unique(practiceIds);
	if (chosen.length === 0) return refuse(400, 'Choose at least one practice to remove.', 'practiceIds');
	if (!chosen.every((id) => removable.includes(id))) {
		return refuse(403, 'You can only remove access to practices in your PCN.', 'practiceIds');
	}
	const remaining = scope.practiceIds.filter((id) => !chosen.includes(id));
	const names = await organisationNames(db, { icbIds: [], pcnIds: [], practiceIds: chosen });
	await atomically(db, async (tx) => {
		await replaceScope(tx, account.id, { icbIds: [], pcnIds: [], practiceIds: remaining });
		if (remaining.length === 0) {
			await tx.deleteFrom('account_link').where('user_id', '=', account.id).where('used_at', 'is', null).execute();
		}
		await recordAudit(
			tx,
			actor,
			{
				action: 'scope_changed',
				summary: `Removed ${personLabel(account)}’s access to ${listInWords(names.practices.map((p) => p.name))}`,
				practiceId: chosen.length === 1 ? chosen[0] : null
			},
			now
		);
	});
	return { ok: true, practicesLeft: remaining.length };
}
