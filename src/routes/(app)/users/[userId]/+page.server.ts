import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import {
	disableUser,
	enableUser,
	removePracticeAccess,
	signOutEverywhere,
	updateUser
} from '$lib/server/accounts/people-changes';
import { getPersonFor, listGrantableChoices } from '$lib/server/accounts/people-list';
import { NOT_FOUND, takesAwayPractices, yourArea } from '$lib/server/accounts/people-rules';
import { issuePasswordReset, reissueInvitation, type SentLink } from '$lib/server/accounts/invitations';
import { displayNameSchema, roleSchema } from '$lib/server/accounts/users';
import { addScopeCodes } from '$lib/server/accounts/scope-codes';
import { SCOPE_FIELDS, idList, scopeFields } from '../schemas';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import type { SignedInUser } from '$lib/server/identity';
import type { Outcome } from '$lib/server/platform/outcome';
import { formatWhen } from '$lib/dates';
import { needsSecondStep, resetSecondFactor } from '$lib/server/accounts/second-factor';
import { setSingleSignOnRequired, unlinkSingleSignOn } from '$lib/server/accounts/sign-in-methods';
import { idFromParam } from '$lib/server/platform/ids';
import { mailOrigin } from '$lib/server/platform/config';
import { confirmationSchema } from '$lib/server/platform/confirm';

/** Who sees people's pages and sends invitations again: administrators and leads (people-rules). */
const MANAGERS = ['admin', 'icb_lead', 'pcn_lead'] as const;
/** Who takes away access to practices: those who give practices (takesAwayPractices). */
const PRACTICE_GIVERS = ['admin', 'pcn_lead'] as const;

/** A malformed id is as unknown as a missing one; so is someone the viewer may not see. */
function userIdOf({ params: { userId } }: { params: { userId: string } }): number {
	return idFromParam(userId) ?? error(404, NOT_FOUND);
}

const DONE: Record<string, (name: string) => string> = {
	saved: () => 'Changes saved.',
	'switched-off': (name) => `${name}’s account is switched off. They have been signed out and cannot sign in.`,
	'switched-on': (name) => `${name}’s account is switched on again.`,
	'signed-out': (name) => `${name} has been signed out on every device.`,
	'access-removed': () => 'Access removed.',
	'two-step-reset': (name) => `${name}’s two-step sign-in is reset. They sign in with their password alone until they set it up again.`,
	'sso-required': (name) => `${name} now signs in through single sign-on only. Their password sessions have ended.`,
	'sso-not-required': (name) => `${name} can sign in with a password again.`,
	'sso-unlinked': (name) => `${name}’s single sign-on link is cleared. Their next single sign-on links their account again.`
};

/**
 * The administrator's changes that end sessions or take a way of signing in away: each is asked
 * about first, on this page with `?confirm=<its action>`, and its action refuses a post without it.
 */
const CONFIRMED = ['switchOff', 'signOut', 'resetTwoStep', 'requireSso', 'unlinkSso'] as const;
type Confirmed = (typeof CONFIRMED)[number];

function confirmedAction(key: string | null): Confirmed | null {
	return CONFIRMED.find((action) => action === key) ?? null;
}

export const load = (async (event) => {
	const viewer = guard(event, { roles: MANAGERS });
	const { db } = event.locals;
	const person = await getPersonFor(db, viewer, userIdOf(event));
	if (!person) error(404, NOT_FOUND);
	const key = event.url.searchParams.get('done') ?? '';
	// Own keys only: `?done=constructor` must not reach Object.prototype.
	const done = Object.hasOwn(DONE, key) ? DONE[key] : undefined;
	const twoStepOn = viewer.role === 'admin' ? await needsSecondStep(db, person.id) : false;
	const sso = event.locals.config.sso ? { name: event.locals.config.sso.name } : null;
	// Only a question that fits the account as it is now; any other key shows the page as usual.
	const asked = viewer.role === 'admin' && viewer.id !== person.id ? confirmedAction(event.url.searchParams.get('confirm')) : null;
	const fits: Record<Confirmed, boolean> = {
		switchOff: person.status !== 'switched_off',
		signOut: person.status === 'active',
		resetTwoStep: person.status === 'active' && twoStepOn,
		requireSso: person.status === 'active' && sso !== null && !person.ssoRequired,
		unlinkSso: person.status === 'active' && person.ssoLinked
	};
	return {
		person,
		isAdmin: viewer.role === 'admin',
		isSelf: viewer.id === person.id,
		canRemoveAccess: takesAwayPractices(viewer),
		yourArea: yourArea(viewer),
		twoStepOn,
		sso,
		confirm: asked && fits[asked] ? asked : null,
		choices: viewer.role === 'admin' ? await listGrantableChoices(db, viewer) : null,
		done: done ? done(person.displayName) : null
	};
}) satisfies PageServerLoad;

const updateSchema = z.object({
	displayName: displayNameSchema,
	role: roleSchema,
	...scopeFields
});
const removeSchema = z.object({ practiceIds: idList });

function shownLink(locals: App.Locals, kind: 'invitation' | 'reset', email: string, link: SentLink) {
	locals.mail.nudge();
	locals.carriesSecret = true;
	return { link: { kind, email, url: link.url, expires: formatWhen(link.expiresAt), mailed: link.mailed && locals.mail.bySmtp } };
}

/**
 * An administrator's change to an account: the guard, the confirmation for those asked about
 * first (`confirmed`), the change, then the page again saying what was done.
 */
function adminChange(
	change: (db: App.Locals['db'], admin: SignedInUser, userId: number, config: App.Locals['config']) => Promise<Outcome>,
	done: keyof typeof DONE,
	confirmed?: Confirmed
) {
	return async (event: RequestEvent) => {
		const admin = guard(event, { roles: ['admin'] });
		const userId = userIdOf(event);
		if (confirmed) {
			const form = await readForm(event.request, confirmationSchema(confirmed));
			if (!form.ok) return refusalFailure(form.refusal, {}, { fields: { confirm: 'form' } });
		}
		const outcome = await change(event.locals.db, admin, userId, event.locals.config);
		if (!outcome.ok) return refusalFailure(outcome);
		redirect(303, `/users/${userId}?done=${done}`);
	};
}

export const actions = {
	update: async (event) => {
		const viewer = guard(event, { roles: ['admin'] });
		const userId = userIdOf(event);
		const form = await readForm(event.request, updateSchema, { multiple: SCOPE_FIELDS });
		if (!form.ok) return form.failure;
		const { displayName, role, icbIds, pcnIds, practiceIds, icbCodes, pcnCodes, practiceCodes } = form.data;
		const scope = await addScopeCodes(event.locals.db, viewer, role, { icbIds, pcnIds, practiceIds }, { icbCodes, pcnCodes, practiceCodes });
		if (!scope.ok) return refusalFailure(scope, form.values);
		const outcome = await updateUser(event.locals.db, viewer, userId, { displayName, role, scope: scope.scope });
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/users/${userId}?done=saved`);
	},

	switchOff: adminChange((db, admin, id) => disableUser(db, admin, id), 'switched-off', 'switchOff'),

	switchOn: adminChange((db, admin, id) => enableUser(db, admin, id), 'switched-on'),

	signOut: adminChange((db, admin, id) => signOutEverywhere(db, admin, id), 'signed-out', 'signOut'),

	reset: async (event) => {
		const viewer = guard(event, { roles: ['admin'] });
		const { locals } = event;
		const outcome = await issuePasswordReset(locals.db, viewer, userIdOf(event), {
			origin: mailOrigin(locals.config),
			mail: true
		});
		if (!outcome.ok) return refusalFailure(outcome);
		return shownLink(locals, 'reset', outcome.user.email, outcome.link);
	},

	resetTwoStep: adminChange((db, admin, id) => resetSecondFactor(db, admin, id), 'two-step-reset', 'resetTwoStep'),

	requireSso: adminChange(
		(db, admin, id, config) => setSingleSignOnRequired(db, admin, id, true, { ssoConfigured: config.sso !== undefined }),
		'sso-required',
		'requireSso'
	),

	allowPassword: adminChange((db, admin, id, config) => setSingleSignOnRequired(db, admin, id, false, { ssoConfigured: config.sso !== undefined }), 'sso-not-required'),

	unlinkSso: adminChange((db, admin, id) => unlinkSingleSignOn(db, admin, id), 'sso-unlinked', 'unlinkSso'),

	reinvite: async (event) => {
		const viewer = guard(event, { roles: MANAGERS });
		const { locals } = event;
		const outcome = await reissueInvitation(locals.db, viewer, userIdOf(event), {
			origin: mailOrigin(locals.config),
			mail: true
		});
		if (!outcome.ok) return refusalFailure(outcome);
		return shownLink(locals, 'invitation', outcome.user.email, outcome.link);
	},

	removeAccess: async (event) => {
		const viewer = guard(event, { roles: PRACTICE_GIVERS });
		const userId = userIdOf(event);
		const form = await readForm(event.request, removeSchema, { multiple: ['practiceIds'] });
		if (!form.ok) return form.failure;
		const { db } = event.locals;
		const outcome = await removePracticeAccess(db, viewer, userId, form.data.practiceIds);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		// Once none of their practices is in the lead's PCNs, the person is out of the lead's sight.
		const stillVisible = await getPersonFor(db, viewer, userId);
		redirect(303, stillVisible ? `/users/${userId}?done=access-removed` : '/users?access-removed');
	}
} satisfies Actions;
