import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { eraseAccount, isErased, previewErasure } from '$lib/server/accounts/account-erasure';
import { getPersonFor } from '$lib/server/accounts/people-list';
import { NOT_FOUND } from '$lib/server/accounts/people-rules';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { idFromParam } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

/** Administrators only: a lead is refused (403) before any lookup, so the page says nothing about who exists. */
const ADMINS = ['admin'] as const;

function userIdOf({ params: { userId } }: { params: { userId: string } }): number {
	return idFromParam(userId) ?? error(404, NOT_FOUND);
}

export const load = (async (event) => {
	const admin = guard(event, { roles: ADMINS });
	const userId = userIdOf(event);
	const { db } = event.locals;
	// Erased already (just now, or before): say so, rather than "not found".
	if (await isErased(db, userId)) return { userId, erased: true as const };
	const person = await getPersonFor(db, admin, userId);
	if (!person) error(404, NOT_FOUND);
	return {
		userId,
		erased: false as const,
		person: { displayName: person.displayName, email: person.email, roleName: person.roleName },
		isSelf: admin.id === userId,
		stays: await previewErasure(db, userId)
	};
}) satisfies PageServerLoad;

const eraseSchema = z.object({
	confirm: z.literal('yes', 'Tick the box to confirm that you mean to erase this account')
});

export const actions = {
	default: async (event) => {
		const admin = guard(event, { roles: ADMINS });
		const userId = userIdOf(event);
		const form = await readForm(event.request, eraseSchema);
		if (!form.ok) return form.failure;
		const outcome = await eraseAccount(event.locals.db, admin, userId);
		if (!outcome.ok) return refusalFailure(outcome);
		redirect(303, `/users/${userId}/erase`);
	}
} satisfies Actions;
