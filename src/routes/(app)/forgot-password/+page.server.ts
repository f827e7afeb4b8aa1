import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { readForm } from '$lib/server/forms';
import { requestPasswordReset } from '$lib/server/people';
import { emailSchema } from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ url }) => ({ sent: url.searchParams.has('sent') })) satisfies PageServerLoad;

const forgotSchema = z.object({
	email: z.string().trim().min(1, 'Enter your email address').pipe(emailSchema)
});

export const actions = {
	default: async ({ locals, request, url }) => {
		const form = await readForm(request, forgotSchema);
		if (!form.ok) return form.failure;
		await requestPasswordReset(locals.db, form.data.email, {
			origin: locals.config.origin ?? url.origin,
			mailer: locals.mailer
		});
		// The same answer whether or not the address has an account, so the form cannot be used to find out.
		redirect(303, '/forgot-password?sent');
	}
} satisfies Actions;
