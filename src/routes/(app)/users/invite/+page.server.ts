import { z } from 'zod';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { inviteUser } from '$lib/server/accounts/invitations';
import { listGrantableChoices } from '$lib/server/accounts/people-list';
import { displayNameSchema, emailSchema, roleSchema } from '$lib/server/accounts/users';
import { ROLE_NAMES } from '$lib/server/identity';
import { addScopeCodes } from '$lib/server/accounts/scope-codes';
import { SCOPE_FIELDS, scopeFields } from '../schemas';
import type { Actions, PageServerLoad } from './$types';
import { formatWhen } from '$lib/dates';
import { mailOrigin } from '$lib/server/platform/config';

/** Those who invite people: administrators, and leads for their own PCNs (grantableRoles). */
const INVITERS = ['admin', 'icb_lead', 'pcn_lead'] as const;

export const load = (async (event) => {
	const viewer = guard(event, { roles: INVITERS });
	return { choices: await listGrantableChoices(event.locals.db, viewer) };
}) satisfies PageServerLoad;

const inviteSchema = z.object({
	displayName: displayNameSchema,
	email: emailSchema,
	role: roleSchema,
	...scopeFields
});

export const actions = {
	default: async (event) => {
		const viewer = guard(event, { roles: INVITERS });
		const { locals, request } = event;
		const form = await readForm(request, inviteSchema, { multiple: SCOPE_FIELDS });
		if (!form.ok) return form.failure;
		const { email, displayName, role, icbIds, pcnIds, practiceIds, icbCodes, pcnCodes, practiceCodes } = form.data;
		const scope = await addScopeCodes(locals.db, viewer, role, { icbIds, pcnIds, practiceIds }, { icbCodes, pcnCodes, practiceCodes });
		if (!scope.ok) return refusalFailure(scope, form.values);
		const outcome = await inviteUser(
			locals.db,
			viewer,
			{ email, displayName, role, scope: scope.scope },
			{ origin: mailOrigin(locals.config), mail: true }
		);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		locals.mail.nudge();
		locals.carriesSecret = true;
		return {
			invited: {
				id: outcome.user.id,
				displayName: outcome.user.display_name,
				email: outcome.user.email,
				roleName: ROLE_NAMES[outcome.user.role],
				url: outcome.link.url,
				expires: formatWhen(outcome.link.expiresAt),
				mailed: outcome.link.mailed && locals.mail.bySmtp
			}
		};
	}
} satisfies Actions;
