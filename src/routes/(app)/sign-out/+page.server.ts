import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie } from '$lib/server/accounts/sessions';
import { signOut } from '$lib/server/accounts/sign-in';
import type { Actions, PageServerLoad } from './$types';

/** Signing out is a POST (a link could be triggered by any page); a plain visit goes home. */
export const load = (() => redirect(303, '/')) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, cookies }) => {
		const ended = locals.user && locals.sessionId ? await signOut(locals.db, locals.user, locals.sessionId) : undefined;
		deleteSessionCookie(cookies, locals.config.secureCookies);
		redirect(303, ended?.singleSignOn && locals.config.sso ? '/sign-in?signed-out=sso' : '/sign-in?signed-out');
	}
} satisfies Actions;
