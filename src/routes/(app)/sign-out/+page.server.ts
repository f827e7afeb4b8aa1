import { redirect } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/platform/audit';
import { deleteSessionCookie, invalidateSession } from '$lib/server/accounts/sessions';
import type { Actions, PageServerLoad } from './$types';

/** Signing out is a POST (a link could be triggered by any page); a plain visit goes home. */
export const load = (() => redirect(303, '/')) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, cookies }) => {
		if (locals.user && locals.sessionId) {
			await invalidateSession(locals.db, locals.sessionId);
			await recordAudit(locals.db, locals.user, { action: 'sign_out', summary: 'Signed out' });
		}
		deleteSessionCookie(cookies, locals.config.secureCookies);
		redirect(303, '/sign-in?signed-out');
	}
} satisfies Actions;
