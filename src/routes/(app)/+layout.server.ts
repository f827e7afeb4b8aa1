import { ROLE_NAMES } from '$lib/server/identity';
import type { LayoutServerLoad } from './$types';

/** Only what the header needs: a name and a role, never the scope; and a notice the person must read. */
export const load = (({ locals }) => ({
	signedIn: locals.user ? { displayName: locals.user.displayName, role: locals.user.role, roleName: ROLE_NAMES[locals.user.role] } : null,
	adminResetNotice: locals.user ? locals.adminResetNotice : null
})) satisfies LayoutServerLoad;
