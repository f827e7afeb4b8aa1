/**
 * The two public pages behind a single-use link, invitation and password reset, share their
 * rules: the link itself is the key; unknown links get 404, used or expired ones 410 and no
 * form; a password set through the link takes this browser to the sign-in gate (sign-in-gate.ts),
 * which starts a session only once every step the account needs is done.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { AccountLinkPurpose } from '../db/schema';
import { refusalFailure, readForm } from '../platform/forms';
import { acceptInvitation, lookUpAccountLink, newPasswordSchema, resetPassword } from './choosing-password';
import { invalidateSession } from './sessions';
import { leaveGate, passSignInGate } from './sign-in-gate';

export async function loadLinkPage(event: RequestEvent, purpose: AccountLinkPurpose) {
	// The page names the person: no shared cache may keep it, whoever is signed in.
	event.setHeaders({ 'cache-control': 'no-store' });
	// The link's token is in the page (the single sign-on link, the page's own parameters).
	event.locals.carriesSecret = true;
	const link = await lookUpAccountLink(event.locals.db, event.params.token ?? '', purpose);
	if (!link.ok) error(link.status, link.problems[0]!.message);
	const { displayName, email, roleName, expires, ssoRequired } = link;
	return { displayName, email, roleName, expires, ssoRequired };
}

/**
 * Sets the password (the link is used up), then goes through the gate: signed in and on to
 * `destination`, or on to the code or set-up step first, which then goes to `destination`.
 */
export async function setPasswordFromLink(event: RequestEvent, purpose: AccountLinkPurpose, destination: string) {
	const { locals, params, request, cookies } = event;
	const form = await readForm(request, newPasswordSchema);
	if (!form.ok) return form.failure;
	const { db, config } = locals;
	const setPassword = purpose === 'invitation' ? acceptInvitation : resetPassword;
	const outcome = await setPassword(db, params.token ?? '', form.data.password);
	if (!outcome.ok) return refusalFailure(outcome);
	// Whoever was signed in on this browser before may not be the person who holds the link;
	// a reset has already ended every session of the account itself.
	if (locals.sessionId) await invalidateSession(db, locals.sessionId);
	const wayIn = purpose === 'invitation' ? { kind: 'invitation' as const } : { kind: 'reset-link' as const, issuedByAdmin: outcome.issuedByAdmin };
	const atGate = await passSignInGate(db, outcome.user, wayIn);
	redirect(303, leaveGate(cookies, atGate, destination, config.secureCookies));
}
