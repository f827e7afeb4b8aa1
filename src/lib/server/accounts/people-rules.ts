/**
 * Who may do what to whom, for everything done to people with accounts:
 *
 * - administrators (and the command line) may do anything to anyone;
 * - a PCN lead sees the people whose PCNs or practices overlap their own PCNs (never
 *   administrators or ICB leads), may invite PCN leads for their own PCNs and practice managers
 *   and link workers for the practices in them, and may take away someone's access to practices
 *   in their PCNs, but nothing outside them;
 * - an ICB lead sees the PCN leads whose PCNs overlap the PCNs now in their ICBs, and may invite
 *   PCN leads for those PCNs, but nobody else (practices are the PCN lead's to staff), and never
 *   takes away anyone's access to a practice;
 * - acting on an account as a whole (sending its invitation again, which shows a link that
 *   signs in as that person) needs the person's *whole* scope inside the actor's PCNs: seeing
 *   someone because their scope overlaps is not managing them;
 * - nobody else manages anyone.
 *
 * Every module under accounts/ that acts on a person asks these functions, so no route can forget one.
 */
import { type AuditEntry } from '../platform/audit';
import { refuse, type Refusal } from '../platform/outcome';
import { type DbOrTx } from '../db';
import type { UserAccount } from '../db/schema';
import { getScope, getUser, scopeProblem, type Scope } from './users';
import { ROLES, SCOPE_KIND, type Role, type SignedInUser } from '../identity';


/** Who manages people: a signed-in user, or the command line that creates the first administrator. */
export type Manager = SignedInUser | { system: string };

export const NOT_FOUND = 'We could not find that person.';
export const NOT_YOURS = 'This person also has access outside your PCN. Ask an administrator.';

/** Where a lead's own scope ends, in words: "your ICB" for an ICB lead, "your PCN" for a PCN lead. */
export const yourArea = (actor: Pick<SignedInUser, 'role'>) => (actor.role === 'icb_lead' ? 'your ICB' : 'your PCN');


export const unique = (ids: readonly number[]) => [...new Set(ids)];

/** Only the part of a scope that the role uses: a form may send both lists whatever role was chosen. */
export function scopeForRole(role: Role, scope: Partial<Scope>): Scope {
	const kind = SCOPE_KIND[role];
	return {
		icbIds: kind === 'icb' ? unique(scope.icbIds ?? []) : [],
		pcnIds: kind === 'pcn' ? unique(scope.pcnIds ?? []) : [],
		practiceIds: kind === 'practice' ? unique(scope.practiceIds ?? []) : []
	};
}


export function isSystem(actor: Manager): actor is { system: string } {
	return 'system' in actor;
}

export function isAdmin(actor: Manager): boolean {
	return isSystem(actor) || actor.role === 'admin';
}

/** The roles an actor may give; an empty list means they manage nobody. */
export function grantableRoles(actor: Manager): readonly Role[] {
	if (isAdmin(actor)) return ROLES;
	if ((actor as SignedInUser).role === 'pcn_lead') return ['pcn_lead', 'practice_manager', 'link_worker'];
	if ((actor as SignedInUser).role === 'icb_lead') return ['pcn_lead'];
	return [];
}

/** Whether an actor may take away someone's access to practices: those who give practices. */
export function takesAwayPractices(actor: Manager): boolean {
	return grantableRoles(actor).some((role) => SCOPE_KIND[role] === 'practice');
}

/** The roles of the people a viewer may see at all (canSeePerson narrows them by scope). */
export function visibleRoles(viewer: SignedInUser): readonly Role[] {
	if (viewer.role === 'admin') return ROLES;
	if (viewer.role === 'pcn_lead') return ['pcn_lead', 'practice_manager', 'link_worker'];
	if (viewer.role === 'icb_lead') return ['pcn_lead'];
	return [];
}

const overlaps = (a: readonly number[], b: readonly number[]) => a.some((id) => b.includes(id));

/** Whether a viewer may see (and so learn of) a person with this role and scope. */
export function canSeePerson(viewer: SignedInUser, role: Role, scope: Scope): boolean {
	if (viewer.role === 'admin') return true;
	if (!visibleRoles(viewer).includes(role)) return false;
	if (viewer.role === 'icb_lead') return overlaps(scope.pcnIds, viewer.pcnIds);
	return overlaps(scope.pcnIds, viewer.pcnIds) || overlaps(scope.practiceIds, viewer.practiceIds);
}

const within = (a: readonly number[], b: readonly number[]) => a.every((id) => b.includes(id));

/**
 * Whether an actor may act on a person's account as a whole: administrators on anyone; a PCN or
 * ICB lead only on someone they can see whose every ICB, PCN and practice is inside the lead's
 * own (for an ICB lead, the PCNs now in their ICBs). A pending account shared with another PCN
 * or ICB could otherwise be taken over by either lead.
 */
export function canManagePerson(viewer: SignedInUser, role: Role, scope: Scope): boolean {
	if (viewer.role === 'admin') return true;
	return (
		canSeePerson(viewer, role, scope) &&
		within(scope.icbIds, viewer.icbIds) &&
		within(scope.pcnIds, viewer.pcnIds) &&
		within(scope.practiceIds, viewer.practiceIds)
	);
}

export interface Target {
	account: UserAccount;
	scope: Scope;
	/** Whether the viewer may act on the whole account (canManagePerson). */
	manageable: boolean;
}

/** An erased account (account-erasure.ts) is nobody to act on: it reads as not there, to everyone. */
export async function findTarget(db: DbOrTx, viewer: SignedInUser, userId: number): Promise<Target | undefined> {
	const account = await getUser(db, userId);
	if (!account || account.erased_at !== null) return undefined;
	const scope = await getScope(db, account.id);
	if (!canSeePerson(viewer, account.role, scope)) return undefined;
	return { account, scope, manageable: canManagePerson(viewer, account.role, scope) };
}

/**
 * Whether the actor may give this role and scope. The scope must already be trimmed to the role
 * (scopeForRole). Unknown organisations are a 400; organisations outside a PCN lead's own a 403.
 */
export async function grantProblem(db: DbOrTx, actor: Manager, role: Role, scope: Scope): Promise<Refusal | undefined> {
	if (!grantableRoles(actor).includes(role)) {
		return refuse(
			403,
			role === 'admin'
				? 'Only an administrator can make someone an administrator.'
				: 'You cannot give people this role. Ask an administrator.',
			'role'
		);
	}
	const kind = SCOPE_KIND[role];
	const field = kind === 'icb' ? 'icbIds' : kind === 'pcn' ? 'pcnIds' : 'practiceIds';
	const problem = scopeProblem(role, scope);
	if (problem) return refuse(400, problem, field);
	const [icbs, pcns, practices] = await Promise.all([
		scope.icbIds.length ? db.selectFrom('icb').select('id').where('id', 'in', scope.icbIds).execute() : [],
		scope.pcnIds.length ? db.selectFrom('pcn').select('id').where('id', 'in', scope.pcnIds).execute() : [],
		scope.practiceIds.length ? db.selectFrom('practice').select('id').where('id', 'in', scope.practiceIds).execute() : []
	]);
	if (icbs.length !== scope.icbIds.length || pcns.length !== scope.pcnIds.length || practices.length !== scope.practiceIds.length) {
		return refuse(400, 'One of the organisations you chose no longer exists. Choose again from the list.', field);
	}
	if (isAdmin(actor)) return undefined;
	const lead = actor as SignedInUser;
	// Only administrators make ICB leads (grantableRoles), and scopeProblem refuses an ICB in any other role's scope.
	if (!scope.pcnIds.every((id) => lead.pcnIds.includes(id))) {
		return refuse(403, lead.role === 'icb_lead' ? 'You can only give access to PCNs in your ICB.' : 'You can only give access to the PCNs you lead.', 'pcnIds');
	}
	if (!scope.practiceIds.every((id) => lead.practiceIds.includes(id))) {
		return refuse(403, 'You can only give access to practices in your PCN.', 'practiceIds');
	}
	return undefined;
}

export const nameOf = (actor: Manager) => (isSystem(actor) ? 'A Belonging administrator' : actor.displayName);
export const personLabel = (user: Pick<UserAccount, 'display_name' | 'email'>) => `${user.display_name} (${user.email})`;

/** The practice or PCN an audit entry is about, when the scope names exactly one. */
export function auditPlace(scope: Scope): Pick<AuditEntry, 'practiceId' | 'pcnId'> {
	return {
		practiceId: scope.practiceIds.length === 1 ? scope.practiceIds[0] : null,
		pcnId: scope.pcnIds.length === 1 ? scope.pcnIds[0] : null
	};
}
