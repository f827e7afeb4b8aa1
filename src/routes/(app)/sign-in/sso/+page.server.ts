import { error, redirect } from '@sveltejs/kit';
import { safeNextPath } from '$lib/server/access';
import { setRetryAfter } from '$lib/server/platform/forms';
import { setAttemptCookie, startSingleSignOn } from '$lib/server/accounts/single-sign-on';
import type { PageServerLoad } from './$types';

const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Sends the browser to the provider. A link, not a form: the pages' Content-Security-Policy lets
 * forms post only to Belonging itself, and a form's redirect onwards to the provider counts too.
 * Starting an attempt changes nothing but the attempt, so a GET is safe; the links carry
 * `data-sveltekit-reload` so the browser itself follows the redirect, and nothing preloads them.
 */
export const load = (async ({ locals, url, cookies, setHeaders }) => {
	const { sso } = locals.config;
	if (!sso) error(404, 'Single sign-on is not set up on this server. Sign in with your email address and password.');
	setHeaders({ 'cache-control': 'no-store' });
	const next = safeNextPath(url.searchParams.get('next'));
	const invitation = url.searchParams.get('invitation') ?? undefined;
	if (invitation !== undefined && !TOKEN.test(invitation)) error(404, 'This link is not valid. Check that you copied all of it, or ask for a new one.');
	if (locals.user && invitation === undefined) redirect(303, next);
	const outcome = await startSingleSignOn(locals.db, sso, { next: invitation === undefined ? next : '/', invitation });
	if (!outcome.ok) {
		setRetryAfter(setHeaders, outcome);
		error(outcome.status, outcome.problems[0]!.message);
	}
	setAttemptCookie(cookies, outcome.key, outcome.expiresAt, locals.config.secureCookies);
	redirect(303, outcome.url);
}) satisfies PageServerLoad;
