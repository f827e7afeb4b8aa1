import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { safeNextPath } from '$lib/server/access';
import { recordAudit } from '$lib/server/audit';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '$lib/server/demo';
import { formFailure, readForm } from '$lib/server/forms';
import { MAX_PASSWORD_LENGTH, verifyAgainstNothing, verifyPassword } from '$lib/server/passwords';
import { createSession, setSessionCookie } from '$lib/server/sessions';
import {
	clearSignInFailures,
	describeWait,
	recordSignInFailure,
	signInRetryAfter,
	throttleKeys
} from '$lib/server/throttle';
import { ROLE_NAMES, findUserByEmail, getUser, toSignedInUser } from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

/** One message for every wrong combination, so the form never reveals whether an email has an account. */
const WRONG_DETAILS = 'The email address or password is not right. Check them and try again.';

export const load = (async ({ locals, url }) => {
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return {
		next,
		signedOut: url.searchParams.has('signed-out'),
		// Published only in the demo, whose database is the only place these accounts exist.
		demoAccounts: locals.config.demo
			? {
					password: DEMO_PASSWORD,
					accounts: DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.displayName, role: ROLE_NAMES[a.role], sees: a.sees }))
				}
			: null
	};
}) satisfies PageServerLoad;

const signInSchema = z.object({
	email: z.string().trim().min(1, 'Enter your email address').max(254, 'Enter your email address'),
	password: z.string().min(1, 'Enter your password').max(MAX_PASSWORD_LENGTH, WRONG_DETAILS),
	next: z.string().max(2000).optional()
});

export const actions = {
	default: async ({ request, locals, cookies, getClientAddress, setHeaders }) => {
		const form = await readForm(request, signInSchema);
		if (!form.ok) return form.failure;
		const { email, password, next } = form.data;
		const { db, config } = locals;
		const keys = throttleKeys(email, getClientAddress());

		const wait = await signInRetryAfter(db, keys);
		if (wait !== undefined) {
			setHeaders({ 'retry-after': String(wait) });
			return formFailure(
				429,
				[{ field: 'form', message: `Too many attempts to sign in. Wait ${describeWait(wait)} and try again.` }],
				{ email, retryAfterSeconds: String(wait) }
			);
		}

		const account = await findUserByEmail(db, email);
		const matches = account?.password_hash
			? await verifyPassword(account.password_hash, password)
			: await verifyAgainstNothing(password);
		if (!account || !matches || account.disabled_at) {
			await recordSignInFailure(db, keys);
			await recordAudit(db, { anonymous: email.toLowerCase().slice(0, 254) }, {
				action: 'sign_in_failed',
				summary: account?.disabled_at && matches ? 'Refused: the account is switched off' : 'Wrong email address or password'
			});
			return formFailure(401, [{ field: 'form', message: WRONG_DETAILS }], { email });
		}

		await clearSignInFailures(db, keys);
		const session = await createSession(db, account.id);
		setSessionCookie(cookies, session.token, session.expiresAt, config.secureCookies);
		await recordAudit(db, await toSignedInUser(db, (await getUser(db, account.id))!), {
			action: 'sign_in',
			summary: 'Signed in with email and password'
		});
		redirect(303, safeNextPath(next));
	}
} satisfies Actions;
