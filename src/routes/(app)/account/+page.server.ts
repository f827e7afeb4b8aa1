import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { formFailure, readForm } from '$lib/server/forms';
import { MAX_PASSWORD_LENGTH } from '$lib/server/passwords';
import { changePassword, describeAccess, newPasswordSchema, signOutEverywhere } from '$lib/server/people';
import { createSession, deleteSessionCookie, setSessionCookie } from '$lib/server/sessions';
import { ROLE_NAMES } from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

const DONE: Record<string, string> = {
	'password-changed': 'Your password has been changed. You have been signed out on every other computer and phone.',
	'password-reset': 'Your new password is saved and you are signed in. You have been signed out everywhere else.'
};

export const load = (async (event) => {
	const user = guard(event);
	const access = await describeAccess(event.locals.db, user);
	return {
		me: { displayName: user.displayName, email: user.email, role: user.role, roleName: ROLE_NAMES[user.role] },
		access,
		done: DONE[event.url.searchParams.get('done') ?? ''] ?? null
	};
}) satisfies PageServerLoad;

const changePasswordSchema = z
	.object({ current: z.string().min(1, 'Enter your current password').max(MAX_PASSWORD_LENGTH, 'Your current password is not right.') })
	.and(newPasswordSchema);

export const actions = {
	changePassword: async (event) => {
		const user = guard(event);
		const { locals, request, cookies } = event;
		const form = await readForm(request, changePasswordSchema);
		if (!form.ok) return form.failure;
		const outcome = await changePassword(
			locals.db,
			user,
			{ current: form.data.current, password: form.data.password },
			{ clientAddress: event.getClientAddress() }
		);
		if (!outcome.ok) return formFailure(outcome.status, outcome.problems);
		// Every session ended with the change, this one too: this browser, which knew the password, starts afresh.
		const session = await createSession(locals.db, user.id);
		setSessionCookie(cookies, session.token, session.expiresAt, locals.config.secureCookies);
		redirect(303, '/account?done=password-changed');
	},

	signOutEverywhere: async (event) => {
		const user = guard(event);
		const { locals, cookies } = event;
		await signOutEverywhere(locals.db, user, user.id);
		deleteSessionCookie(cookies, locals.config.secureCookies);
		redirect(303, '/sign-in?signed-out');
	}
} satisfies Actions;
