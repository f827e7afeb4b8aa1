import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { safeNextPath } from '$lib/server/access';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '$lib/server/demo/accounts';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { lineText } from '$lib/text';
import { MAX_PASSWORD_LENGTH } from '$lib/server/accounts/passwords';
import { leaveGate } from '$lib/server/accounts/sign-in-gate';
import { WRONG_DETAILS, signInWithPassword } from '$lib/server/accounts/sign-in';
import { ROLE_NAMES } from '$lib/server/identity';
import { isLoopbackHost } from '$lib/server/platform/config';
import { providerSignOutUrl } from '$lib/server/accounts/sso-provider';
import { isSsoRefusalReason, SSO_REFUSALS } from '$lib/server/accounts/single-sign-on';
import type { Actions, PageServerLoad } from './$types';

function ssoRefusal(key: string | null, providerName: string | undefined): string | null {
	return providerName !== undefined && isSsoRefusalReason(key) ? SSO_REFUSALS[key](providerName) : null;
}

export const load = (async ({ locals, url }) => {
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return {
		next,
		signedOut: url.searchParams.has('signed-out'),
		// After signing out of a session opened through the provider: its own sign-out, if it has one.
		providerSignOut: url.searchParams.get('signed-out') === 'sso' && locals.config.sso ? await providerSignOutUrl(locals.config.sso) : null,
		sso: locals.config.sso ? { name: locals.config.sso.name } : null,
		codeEnded: url.searchParams.has('code-ended'),
		// After a refused single sign-on: the words for the reason's key, never text from the address.
		ssoRefused: ssoRefusal(url.searchParams.get('sso'), locals.config.sso?.name),
		// Published only in the demo, whose database is the only place these accounts exist.
		demoAccounts: locals.config.demo
			? {
					password: DEMO_PASSWORD,
					// Where the demo answers: this computer only (npm run demo's default), or a network.
					thisComputerOnly: isLoopbackHost(locals.config.listenHost ?? '0.0.0.0') || locals.config.listenHost === '::1',
					listenHost: locals.config.listenHost ?? '0.0.0.0',
					accounts: DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.displayName, role: ROLE_NAMES[a.role], sees: a.sees }))
				}
			: null
	};
}) satisfies PageServerLoad;

const signInSchema = z.object({
	// Typed, not yet checked against any account, and written to the audit log when it fails: free text.
	email: lineText({ max: 254, tooLong: 'Enter your email address', required: 'Enter your email address' }),
	password: z.string().min(1, 'Enter your password').max(MAX_PASSWORD_LENGTH, WRONG_DETAILS),
	next: z.string().max(2000).optional()
});

export const actions = {
	default: async ({ request, locals, cookies, getClientAddress, setHeaders }) => {
		const form = await readForm(request, signInSchema);
		if (!form.ok) return form.failure;
		const { email, password, next } = form.data;
		const outcome = await signInWithPassword(locals.db, { email, password, clientAddress: getClientAddress(), ssoName: locals.config.sso?.name });
		if (!outcome.ok) {
			const wait = outcome.retryAfterSeconds;
			const values = { email, ...(wait !== undefined && outcome.status === 429 ? { retryAfterSeconds: String(wait) } : {}) };
			return refusalFailure(outcome, values, { setHeaders });
		}
		redirect(303, leaveGate(cookies, outcome, next, locals.config.secureCookies));
	}
} satisfies Actions;
