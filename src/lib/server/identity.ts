/**
 * Who someone is to Belonging: the four roles, what each role's scope is made of, and the
 * signed-in person as every server module sees them. At the bottom of lib/server: it imports
 * nothing, so the database types, the access guard and every area can depend on it.
 */

export const ROLES = ['admin', 'pcn_lead', 'practice_manager', 'link_worker'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
	admin: 'Administrator',
	pcn_lead: 'PCN lead',
	practice_manager: 'Practice manager',
	link_worker: 'Link worker'
};

/** Which kind of organisation a role's scope is made of; admins have none. */
export const SCOPE_KIND: Record<Role, 'pcn' | 'practice' | 'none'> = {
	admin: 'none',
	pcn_lead: 'pcn',
	practice_manager: 'practice',
	link_worker: 'practice'
};

/** The signed-in person as routes see them, with the practices they may see resolved once. */
export interface SignedInUser {
	id: number;
	email: string;
	displayName: string;
	role: Role;
	pcnIds: number[];
	/** Every practice in scope: assigned practices, or all practices now in the user's PCNs. */
	practiceIds: number[];
}
