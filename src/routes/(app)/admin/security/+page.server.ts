import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { rolesRequiringSecondStep, setRolesRequiringSecondStep } from '$lib/server/accounts/second-factor';
import { singleSignOnCounts } from '$lib/server/accounts/sign-in-methods';
import { ROLES, ROLE_NAMES } from '$lib/server/identity';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const required = await rolesRequiringSecondStep(event.locals.db);
	return {
		roles: ROLES.map((role) => ({ role, name: ROLE_NAMES[role], required: required.includes(role) })),
		saved: event.url.searchParams.has('saved'),
		sso: event.locals.config.sso
			? { name: event.locals.config.sso.name, issuer: new URL(event.locals.config.sso.issuer).host, ...(await singleSignOnCounts(event.locals.db)) }
			: null
	};
}) satisfies PageServerLoad;

const policySchema = z.object({ roles: z.array(z.enum(ROLES, { error: 'Choose roles from the list' })).max(ROLES.length) });

export const actions = {
	default: async (event) => {
		const admin = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, policySchema, { multiple: ['roles'] });
		if (!form.ok) return form.failure;
		const outcome = await setRolesRequiringSecondStep(event.locals.db, admin, form.data.roles);
		if (!outcome.ok) return refusalFailure(outcome);
		redirect(303, '/admin/security?saved');
	}
} satisfies Actions;
