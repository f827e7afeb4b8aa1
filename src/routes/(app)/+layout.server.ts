import { ROLE_NAMES } from '$lib/server/identity';
import type { LayoutServerLoad } from './$types';

/**
 * Only what the header needs: a name and a role, never the scope; and a notice the person must
 * read. The one exception is a person with exactly one practice, whose Flags, Actions and Calendar
 * links go straight to that practice's pages: its id, which the session has already resolved.
 */
export const load = (({ locals }) => ({
	signedIn: locals.user
		? {
				displayName: locals.user.displayName,
				role: locals.user.role,
				roleName: ROLE_NAMES[locals.user.role],
				onlyPracticeId: locals.user.role !== 'icb_lead' && locals.user.practiceIds.length === 1 ? locals.user.practiceIds[0]! : null
			}
		: null,
	adminResetNotice: locals.user ? locals.adminResetNotice : null
})) satisfies LayoutServerLoad;
