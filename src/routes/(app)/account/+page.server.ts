import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { viewAccount } from '$lib/server/accounts/account-page';
import { API_TOKEN_ROLES, createApiToken, revokeApiToken, TOKEN_NOT_FOUND } from '$lib/server/api/tokens';
import { idTextSchema } from '$lib/server/platform/ids';
import { confirmationSchema, NOT_CONFIRMED } from '$lib/server/platform/confirm';
import { readForm, refusalFailure, type FormValues } from '$lib/server/platform/forms';
import { refuse, type Refusal } from '$lib/server/platform/outcome';
import { MAX_PASSWORD_LENGTH } from '$lib/server/accounts/passwords';
import { changePassword, dismissAdminResetNotice, newPasswordSchema } from '$lib/server/accounts/choosing-password';
import { signOutEverywhere } from '$lib/server/accounts/people-changes';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/accounts/sessions';
import { continueAfterPasswordChange } from '$lib/server/accounts/sign-in-gate';
import { NOTICE_ROLES, saveNoticeChoices } from '$lib/server/accounts/mail-preferences';
import { beginSecondFactorSetup, confirmSecondFactor, cancelSecondFactorSetup, turnOffSecondFactor } from '$lib/server/accounts/second-factor';
import { ROUND_NOTICE_KINDS } from '$lib/server/mail/kinds';
import type { Actions, PageServerLoad } from './$types';

const DONE: Record<string, string> = {
	'password-changed': 'Your password has been changed. You have been signed out on every other computer and phone.',
	'password-reset': 'Your new password is saved and you are signed in. You have been signed out everywhere else.',
	'token-revoked': 'The token has been revoked. Anything still using it can no longer read your data.',
	'reminders-saved': 'Your choice of reminder mails is saved.',
	'two-step-off': 'Two-step sign-in is off. You sign in with your password alone.',
	'two-step-cancelled': 'Set-up cancelled. Remove Belonging from your authenticator app if you added it.'
};

/** `?done=constructor` must not reach Object.prototype. */
const doneMessage = (key: string | null) => (key !== null && Object.hasOwn(DONE, key) ? DONE[key]! : null);

export const load = (async (event) => {
	const user = guard(event);
	// The waiting authenticator key, and after an action recovery codes or a new API token.
	event.locals.carriesSecret = true;
	const { searchParams } = event.url;
	const view = await viewAccount(event.locals.db, user, event.locals.config, { confirm: searchParams.get('confirm'), token: searchParams.get('token') });
	return { ...view, done: doneMessage(searchParams.get('done')) };
}) satisfies PageServerLoad;

const changePasswordSchema = z
	.object({ current: z.string().min(1, 'Enter your current password').max(MAX_PASSWORD_LENGTH, 'Your current password is not right.') })
	.and(newPasswordSchema);

/** The token forms' failures are shown there, not by the password form; a token not found is said in place. */
const TOKEN_FORMS = { extra: { section: 'tokens' as const }, notFoundInForm: true };

const TWO_STEP_FORMS = { extra: { section: 'two-step' as const } };
/** A refused code, in the two-step section; too many tries say when to try again. */
function codeRefusal(event: { setHeaders: (headers: Record<string, string>) => void }, refusal: Refusal) {
	return refusalFailure(refusal, {}, { ...TWO_STEP_FORMS, setHeaders: event.setHeaders });
}
const twoStepCodeSchema = z.object({
	code: z.string().trim().min(1, 'Enter the code your authenticator app shows').max(40, 'Enter the 6-digit code, or a recovery code')
});

const remindersSchema = z.object({
	notices: z.array(z.enum(ROUND_NOTICE_KINDS, { error: 'Choose reminders from the list' })).max(ROUND_NOTICE_KINDS.length, 'Choose each reminder once')
});

const revokeTokenSchema = z.object({ tokenId: idTextSchema('Choose a token to revoke') });
const revokeConfirmed = confirmationSchema('revokeToken');

export const actions = {
	reminders: async (event) => {
		const user = guard(event, { roles: NOTICE_ROLES });
		const form = await readForm(event.request, remindersSchema, { multiple: ['notices'] });
		if (!form.ok) return form.failure;
		await saveNoticeChoices(event.locals.db, user, [...new Set(form.data.notices)]);
		redirect(303, '/account?done=reminders-saved');
	},

	twoStepBegin: async (event) => {
		const user = guard(event);
		const outcome = await beginSecondFactorSetup(event.locals.db, user);
		if (!outcome.ok) return refusalFailure(outcome, {}, TWO_STEP_FORMS);
		redirect(303, '/account#two-step');
	},

	twoStepConfirm: async (event) => {
		const user = guard(event);
		const form = await readForm(event.request, twoStepCodeSchema);
		if (!form.ok) return refusalFailure(form.refusal, {}, TWO_STEP_FORMS);
		const outcome = await confirmSecondFactor(event.locals.db, user, { code: form.data.code, clientAddress: event.getClientAddress() });
		if (!outcome.ok) return codeRefusal(event, outcome);
		event.locals.carriesSecret = true;
		// No redirect: the recovery codes exist in readable form in this response only.
		return { section: 'two-step' as const, recoveryCodes: outcome.recoveryCodes };
	},

	twoStepCancel: async (event) => {
		const user = guard(event);
		await cancelSecondFactorSetup(event.locals.db, user);
		redirect(303, '/account?done=two-step-cancelled');
	},

	twoStepOff: async (event) => {
		const user = guard(event);
		const form = await readForm(event.request, twoStepCodeSchema);
		if (!form.ok) return refusalFailure(form.refusal, {}, TWO_STEP_FORMS);
		const outcome = await turnOffSecondFactor(event.locals.db, user, { code: form.data.code, clientAddress: event.getClientAddress() });
		if (!outcome.ok) return codeRefusal(event, outcome);
		redirect(303, '/account?done=two-step-off');
	},

	dismissResetNotice: async (event) => {
		const user = guard(event);
		await dismissAdminResetNotice(event.locals.db, user);
		redirect(303, '/account');
	},

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
		if (!outcome.ok) return refusalFailure(outcome, {}, { setHeaders: event.setHeaders });
		// Every session ended with the change, this one too: this browser, which knew the password, starts afresh.
		const session = await continueAfterPasswordChange(locals.db, user);
		setSessionCookie(cookies, session.token, session.expiresAt, locals.config.secureCookies);
		redirect(303, '/account?done=password-changed');
	},

	signOutEverywhere: async (event) => {
		const user = guard(event);
		const { locals, cookies } = event;
		const form = await readForm(event.request, confirmationSchema('signOutEverywhere'));
		// `confirm` is also the new password's second box: this refusal belongs to the page as a whole.
		if (!form.ok) return refusalFailure(form.refusal, {}, { fields: { confirm: 'form' } });
		await signOutEverywhere(locals.db, user, user.id);
		deleteSessionCookie(cookies, locals.config.secureCookies);
		redirect(303, '/sign-in?signed-out');
	},

	/**
	 * Not a redirect, unlike other actions: the token is in the response and nowhere else, so it
	 * can be shown exactly once. A reload does not resend it; it asks to post the form again.
	 */
	createToken: async (event) => {
		const user = guard(event, { roles: API_TOKEN_ROLES });
		const form = await readForm(event.request, z.object({ name: z.string().default('') }));
		if (!form.ok) return refusalFailure(form.refusal, form.values, TOKEN_FORMS);
		const outcome = await createApiToken(event.locals.db, user, form.data.name);
		if (!outcome.ok) return refusalFailure(outcome, form.values, TOKEN_FORMS);
		event.locals.carriesSecret = true;
		return { section: 'tokens' as const, created: outcome.token };
	},

	revokeToken: async (event) => {
		const user = guard(event, { roles: API_TOKEN_ROLES });
		const form = await readForm(event.request, revokeTokenSchema.extend(revokeConfirmed.shape));
		const unconfirmed = !form.ok && form.refusal.problems.every((p) => p.field === 'confirm');
		if (unconfirmed) return refusalFailure<FormValues>(refuse(400, NOT_CONFIRMED), {}, TOKEN_FORMS);
		// A missing or malformed id names no token of theirs: the same "not there" as someone else's.
		const outcome = form.ok ? await revokeApiToken(event.locals.db, user, form.data.tokenId) : refuse(404, TOKEN_NOT_FOUND);
		if (!outcome.ok) return refusalFailure<FormValues>(outcome, {}, TOKEN_FORMS);
		redirect(303, '/account?done=token-revoked#tokens-heading');
	}
} satisfies Actions;
