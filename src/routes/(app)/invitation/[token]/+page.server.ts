import { error, redirect } from '@sveltejs/kit';
import { formFailure, readForm } from '$lib/server/forms';
import { acceptInvitation, lookUpAccountLink, newPasswordSchema } from '$lib/server/people';
import { createSession, invalidateSession, setSessionCookie } from '$lib/server/sessions';
import type { Actions, PageServerLoad } from './$types';

/** Public: the link itself is the key. Unknown links get 404, used or expired ones 410, and no form. */
export const load = (async ({ locals, params, setHeaders }) => {
	// The page names the person: no shared cache may keep it, whoever is signed in.
	setHeaders({ 'cache-control': 'no-store' });
	const invitation = await lookUpAccountLink(locals.db, params.token, 'invitation');
	if (!invitation.ok) error(invitation.status, invitation.problems[0]!.message);
	const { displayName, email, roleName, expires } = invitation;
	return { invitation: { displayName, email, roleName, expires } };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ locals, params, request, cookies }) => {
		const form = await readForm(request, newPasswordSchema);
		if (!form.ok) return form.failure;
		const { db, config } = locals;
		const outcome = await acceptInvitation(db, params.token, form.data.password);
		if (!outcome.ok) {
			if (outcome.status === 404 || outcome.status === 410) error(outcome.status, outcome.problems[0]!.message);
			return formFailure(outcome.status, outcome.problems);
		}
		// Whoever was signed in on this browser before is not the person who just joined.
		if (locals.sessionId) await invalidateSession(db, locals.sessionId);
		const session = await createSession(db, outcome.user.id);
		setSessionCookie(cookies, session.token, session.expiresAt, config.secureCookies);
		redirect(303, '/');
	}
} satisfies Actions;
