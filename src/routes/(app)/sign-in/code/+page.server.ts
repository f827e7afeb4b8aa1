import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { safeNextPath } from '$lib/server/access';
import { CHALLENGE_COOKIE, challengeIsLive, completeSecondStep, deleteChallengeCookie } from '$lib/server/accounts/sign-in-gate';
import { setSessionCookie } from '$lib/server/accounts/sessions';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import type { Actions, PageServerLoad } from './$types';

/** The second step of signing in, for accounts with two-step sign-in on. */
export const load = (async ({ locals, url, cookies }) => {
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	// Without a live challenge there is nothing to complete: back to the password.
	if (!(await challengeIsLive(locals.db, cookies.get(CHALLENGE_COOKIE)))) redirect(303, `/sign-in?code-ended&next=${encodeURIComponent(next)}`);
	return { next };
}) satisfies PageServerLoad;

const codeSchema = z.object({
	code: z.string().trim().min(1, 'Enter the code from your authenticator app, or a recovery code').max(40, 'Enter the 6-digit code, or a recovery code'),
	next: z.string().max(2000).optional()
});

export const actions = {
	default: async ({ request, locals, cookies, getClientAddress, setHeaders }) => {
		const form = await readForm(request, codeSchema);
		if (!form.ok) return form.failure;
		const outcome = await completeSecondStep(locals.db, { token: cookies.get(CHALLENGE_COOKIE), code: form.data.code, clientAddress: getClientAddress() });
		if (!outcome.ok) {
			if (outcome.status === 410) deleteChallengeCookie(cookies, locals.config.secureCookies);
			return refusalFailure(outcome, {}, { notFoundInForm: true, setHeaders });
		}
		deleteChallengeCookie(cookies, locals.config.secureCookies);
		setSessionCookie(cookies, outcome.session.token, outcome.session.expiresAt, locals.config.secureCookies);
		redirect(303, safeNextPath(form.data.next));
	}
} satisfies Actions;
