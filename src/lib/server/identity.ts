/**
 * Who someone is to Belonging: the five roles, what each role's scope is made of, and the
 * signed-in person as every server module sees them. At the bottom of lib/server: it imports
 * nothing, so the database types, the access guard and every area can depend on it.
 */

export const ROLES = ['admin', 'icb_lead', 'pcn_lead', 'practice_manager', 'link_worker'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
	admin: 'Administrator',
	icb_lead: 'ICB lead',
	pcn_lead: 'PCN lead',
	practice_manager: 'Practice manager',
	link_worker: 'Link worker'
};

/** Which kind of organisation a role's scope is made of; admins have none. */
export const SCOPE_KIND: Record<Role, 'icb' | 'pcn' | 'practice' | 'none'> = {
	admin: 'none',
	icb_lead: 'icb',
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
	/** The ICBs an ICB lead oversees; empty for every other role. */
	icbIds: number[];
	/** The PCNs a PCN lead leads, or those now in an ICB lead's ICBs. */
	pcnIds: number[];
	/**
	 * Every practice whose pages the user may open: assigned practices, or all practices now in a
	 * PCN lead's PCNs. None for an ICB lead, who reads PCN-level views and never a practice's own pages.
	 */
	practiceIds: number[];
}
