import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { afterResponse } from '$lib/server/platform/after-response';
import { readForm } from '$lib/server/platform/forms';
import { requestPasswordReset } from '$lib/server/accounts/invitations';
import { emailSchema } from '$lib/server/accounts/users';
import type { Actions, PageServerLoad } from './$types';
import { mailOrigin } from '$lib/server/platform/config';

export const load = (async ({ url }) => ({ sent: url.searchParams.has('sent') })) satisfies PageServerLoad;

const forgotSchema = z.object({
	email: z.string().trim().min(1, 'Enter your email address').pipe(emailSchema)
});

export const actions = {
	default: async ({ locals, request }) => {
		const form = await readForm(request, forgotSchema);
		if (!form.ok) return form.failure;
		const { email } = form.data;
		const options = { origin: mailOrigin(locals.config), mail: true };
		// Looked up, written and mailed after the answer has gone, so a known address takes no longer
		// to answer than an unknown one. The same answer either way, so the form cannot be used to find out.
		afterResponse('A forgotten-password request', async () => {
			await requestPasswordReset(locals.db, email, options);
			locals.mail.nudge();
		});
		redirect(303, '/forgot-password?sent');
	}
} satisfies Actions;
