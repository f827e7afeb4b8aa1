import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { safeNextPath } from '$lib/server/access';
import { beginSecondFactorSetup, pendingSetupKey } from '$lib/server/accounts/second-factor';
import { CHALLENGE_COOKIE, challengeHolder, completeRequiredSetup, deleteChallengeCookie } from '$lib/server/accounts/sign-in-gate';
import { setSessionCookie } from '$lib/server/accounts/sessions';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import type { Actions, PageServerLoad } from './$types';

/** Signing in when the role requires two-step sign-in and the person has not set it up yet. */
export const load = (async ({ locals, url, cookies, request }) => {
	locals.carriesSecret = true;
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	const holder = await challengeHolder(locals.db, cookies.get(CHALLENGE_COOKIE));
	if (!holder) {
		// Straight after the set-up succeeded the challenge is spent: the page shows the action's recovery codes.
		if (request.method === 'POST') return { next, key: null };
		redirect(303, `/sign-in?code-ended&next=${encodeURIComponent(next)}`);
	}
	let key = await pendingSetupKey(locals.db, holder);
	if (!key) {
		const begun = await beginSecondFactorSetup(locals.db, holder);
		if (!begun.ok) redirect(303, `/sign-in?code-ended&next=${encodeURIComponent(next)}`);
		key = begun.key;
	}
	return { next, key };
}) satisfies PageServerLoad;

const codeSchema = z.object({
	code: z.string().trim().min(1, 'Enter the code your authenticator app shows').max(40, 'Enter the 6-digit code your app shows'),
	next: z.string().max(2000).optional()
});

export const actions = {
	default: async ({ request, locals, cookies, getClientAddress, setHeaders }) => {
		locals.carriesSecret = true;
		const form = await readForm(request, codeSchema);
		if (!form.ok) return form.failure;
		const outcome = await completeRequiredSetup(locals.db, { token: cookies.get(CHALLENGE_COOKIE), code: form.data.code, clientAddress: getClientAddress() });
		if (!outcome.ok) {
			return refusalFailure(outcome, {}, { notFoundInForm: true, setHeaders });
		}
		deleteChallengeCookie(cookies, locals.config.secureCookies);
		setSessionCookie(cookies, outcome.session.token, outcome.session.expiresAt, locals.config.secureCookies);
		// No redirect: the recovery codes exist in readable form in this response only.
		return { recoveryCodes: outcome.recoveryCodes, next: safeNextPath(form.data.next) };
	}
} satisfies Actions;
