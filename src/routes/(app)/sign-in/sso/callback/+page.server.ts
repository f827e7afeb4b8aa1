import { error, redirect } from '@sveltejs/kit';
import { safeNextPath } from '$lib/server/access';
import { invalidateSession, setSessionCookie } from '$lib/server/accounts/sessions';
import { SSO_COOKIE, deleteAttemptCookie, finishSingleSignOn } from '$lib/server/accounts/single-sign-on';
import type { PageServerLoad } from './$types';

/**
 * Where the provider sends the browser back. The attempt cookie is used up on every visit; a
 * refusal sends the browser on to the sign-in page, which says why in words.
 */
export const load = (async ({ locals, cookies, url, setHeaders }) => {
	const { db, config } = locals;
	if (!config.sso) error(404, 'Single sign-on is not set up on this server. Sign in with your email address and password.');
	setHeaders({ 'cache-control': 'no-store' });
	const key = cookies.get(SSO_COOKIE);
	deleteAttemptCookie(cookies, config.secureCookies);
	const outcome = await finishSingleSignOn(db, config.sso, { key, query: url.searchParams });
	// Refused: to the sign-in page, which says why from the reason's fixed key, so the provider's
	// code and state leave the address bar and a reload asks nothing of the provider again.
	if (!outcome.ok) redirect(303, `/sign-in?sso=${outcome.reason}`);
	// Whoever was signed in on this browser before is not necessarily the person who came back.
	if (locals.sessionId) await invalidateSession(db, locals.sessionId);
	setSessionCookie(cookies, outcome.session.token, outcome.session.expiresAt, config.secureCookies);
	redirect(303, safeNextPath(outcome.next));
}) satisfies PageServerLoad;
