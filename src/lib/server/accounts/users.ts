/** People with accounts, their role and their scope (which ICBs, PCNs or practices they cover). */
import { z } from 'zod';
import type { DbOrTx } from '../db';
import type { UserAccount } from '../db/schema';
import { ROLES, SCOPE_KIND, type Role, type SignedInUser } from '../identity';
import { lineText } from '../../text';
import { pcnsInScope, practicesInScope } from './scope';

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.max(254, 'Keep the email address under 254 characters')
	.pipe(z.email('Enter an email address like name@example.nhs.uk'));

export const displayNameSchema = lineText({ max: 120, tooLong: 'Keep the name under 120 characters', required: 'Enter the person’s name' });

export const roleSchema = z.enum(ROLES, 'Choose a role');

export const scopeSchema = z.object({
	icbIds: z.array(z.int().positive()).default([]),
	pcnIds: z.array(z.int().positive()).default([]),
	practiceIds: z.array(z.int().positive()).default([])
});
export type Scope = z.output<typeof scopeSchema>;

/**
 * A role's scope must match its kind: ICB leads cover ICBs, PCN leads PCNs, managers and link
 * workers practices, and nobody holds a kind their role does not use.
 */
export function scopeProblem(role: Role, scope: Scope): string | undefined {
	const kind = SCOPE_KIND[role];
	const held = { icb: scope.icbIds.length, pcn: scope.pcnIds.length, practice: scope.practiceIds.length };
	const others = Object.entries(held).some(([k, n]) => k !== kind && n > 0);
	if (kind === 'none' && others) return 'Administrators manage the whole system and are not given ICBs, PCNs or practices.';
	if (kind === 'icb' && (held.icb === 0 || others)) return 'Choose at least one ICB.';
	if (kind === 'pcn' && (held.pcn === 0 || others)) return 'Choose at least one PCN.';
	if (kind === 'practice' && (held.practice === 0 || others)) return 'Choose at least one practice.';
	return undefined;
}

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserAccount | undefined> {
	return db.selectFrom('user_account').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function getUser(db: DbOrTx, id: number): Promise<UserAccount | undefined> {
	return db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: DbOrTx): Promise<number> {
	const row = await db
		.selectFrom('user_account')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export interface NewUser {
	email: string;
	displayName: string;
	role: Role;
	scope?: Partial<Scope>;
	passwordHash?: string | null;
}

export class DuplicateEmailError extends Error {
	name = 'DuplicateEmailError';
	constructor() {
		super('Someone already has an account with this email address.');
	}
}

/** Creates the account and its scope. Without a password hash the account waits for an invitation to be accepted. */
export async function createUser(db: DbOrTx, input: NewUser, now: Date = new Date()): Promise<UserAccount> {
	const email = emailSchema.parse(input.email);
	const displayName = displayNameSchema.parse(input.displayName);
	const scope = scopeSchema.parse(input.scope ?? {});
	const problem = scopeProblem(input.role, scope);
	if (problem) throw new Error(problem);
	if (await findUserByEmail(db, email)) throw new DuplicateEmailError();
	const user = await db
		.insertInto('user_account')
		.values({
			email,
			display_name: displayName,
			role: input.role,
			password_hash: input.passwordHash ?? null,
			password_changed_at: input.passwordHash ? now.toISOString() : null,
			accepted_at: input.passwordHash ? now.toISOString() : null,
			created_at: now.toISOString()
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	await replaceScope(db, user.id, scope);
	return user;
}

export async function replaceScope(db: DbOrTx, userId: number, scope: Scope): Promise<void> {
	await db.deleteFrom('user_icb').where('user_id', '=', userId).execute();
	await db.deleteFrom('user_pcn').where('user_id', '=', userId).execute();
	await db.deleteFrom('user_practice').where('user_id', '=', userId).execute();
	if (scope.icbIds.length) {
		await db
			.insertInto('user_icb')
			.values([...new Set(scope.icbIds)].map((icb_id) => ({ user_id: userId, icb_id })))
			.execute();
	}
	if (scope.pcnIds.length) {
		await db
			.insertInto('user_pcn')
			.values([...new Set(scope.pcnIds)].map((pcn_id) => ({ user_id: userId, pcn_id })))
			.execute();
	}
	if (scope.practiceIds.length) {
		await db
			.insertInto('user_practice')
			.values([...new Set(scope.practiceIds)].map((practice_id) => ({ user_id: userId, practice_id })))
			.execute();
	}
}

export async function getScope(db: DbOrTx, userId: number): Promise<Scope> {
	const [icbs, pcns, practices] = await Promise.all([
		db.selectFrom('user_icb').select('icb_id').where('user_id', '=', userId).execute(),
		db.selectFrom('user_pcn').select('pcn_id').where('user_id', '=', userId).execute(),
		db.selectFrom('user_practice').select('practice_id').where('user_id', '=', userId).execute()
	]);
	return { icbIds: icbs.map((r) => r.icb_id), pcnIds: pcns.map((r) => r.pcn_id), practiceIds: practices.map((r) => r.practice_id) };
}

/**
 * What a user's scope rows give them: their own ICBs, PCNs and practices, the PCNs now in those
 * ICBs and the practices now in those PCNs.
 */
export interface ScopeRows {
	icbIds: readonly number[];
	pcnIds: readonly number[];
	practiceIds: readonly number[];
	pcnsInIcbs: readonly number[];
	practicesInPcns: readonly number[];
}

const sortedIds = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

/**
 * What a user may see, from their scope rows. PCN leads see the practices that are in their PCNs
 * today, and ICB leads the PCNs that are in their ICBs today, so a practice or PCN that moves
 * moves out of the old lead's sight. ICB leads open no practice's own pages.
 */
export function signedInUserOf(user: Pick<UserAccount, 'id' | 'email' | 'display_name' | 'role'>, scope: ScopeRows): SignedInUser {
	const kind = SCOPE_KIND[user.role];
	return {
		id: user.id,
		email: user.email,
		displayName: user.display_name,
		role: user.role,
		icbIds: kind === 'icb' ? sortedIds(scope.icbIds) : [],
		pcnIds: kind === 'icb' ? sortedIds(scope.pcnsInIcbs) : kind === 'pcn' ? [...scope.pcnIds] : [],
		practiceIds: sortedIds(kind === 'pcn' ? scope.practicesInPcns : kind === 'practice' ? scope.practiceIds : [])
	};
}

/** Resolves what a user may see (signedInUserOf), reading their scope. */
export async function toSignedInUser(db: DbOrTx, user: UserAccount): Promise<SignedInUser> {
	const scope = await getScope(db, user.id);
	const practicesInPcns = user.role === 'pcn_lead' ? (await practicesInScope(db, user).execute()).map((r) => r.id) : [];
	const pcnsInIcbs = user.role === 'icb_lead' ? (await pcnsInScope(db, user).execute()).map((r) => r.id) : [];
	return signedInUserOf(user, { ...scope, pcnsInIcbs, practicesInPcns });
}

/**
 * Sets a new password and ends every session of the account, and every sign-in still waiting for
 * its second step (a changed password must lock out old devices, and whoever knew the old one).
 * A first password accepts the invitation.
 */
export async function setPassword(db: DbOrTx, userId: number, passwordHash: string, now: Date = new Date()): Promise<void> {
	await db
		.updateTable('user_account')
		.set((eb) => ({
			password_hash: passwordHash,
			password_changed_at: now.toISOString(),
			accepted_at: eb.fn.coalesce('accepted_at', eb.val(now.toISOString()))
		}))
		.where('id', '=', userId)
		.execute();
	await db.deleteFrom('session').where('user_id', '=', userId).execute();
	await db.deleteFrom('sign_in_challenge').where('user_id', '=', userId).execute();
}

export async function setDisabled(db: DbOrTx, userId: number, disabled: boolean, now: Date = new Date()): Promise<void> {
	await db
		.updateTable('user_account')
		.set({ disabled_at: disabled ? now.toISOString() : null })
		.where('id', '=', userId)
		.execute();
	if (disabled) await db.deleteFrom('session').where('user_id', '=', userId).execute();
}

/** Accounts by state: in use, invited but not yet accepted, switched off (erased ones are not accounts any more). */
export async function countAccounts(db: DbOrTx): Promise<{ active: number; invited: number; disabled: number }> {
	const rows = await db
		.selectFrom('user_account')
		.select((eb) => [
			eb
				.case()
				.when('disabled_at', 'is not', null)
				.then('disabled')
				.when('accepted_at', 'is', null)
				.then('invited')
				.else('active')
				.end()
				.as('state'),
			eb.fn.countAll<number>().as('n')
		])
		.where('erased_at', 'is', null)
		.groupBy('state')
		.execute();
	const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
	return { active: count('active'), invited: count('invited'), disabled: count('disabled') };
}
