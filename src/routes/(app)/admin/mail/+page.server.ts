import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatWhen } from '$lib/dates';
import { guard } from '$lib/server/access';
import { MAIL_KINDS, type MailKind } from '$lib/server/mail/kinds';
import { outboxOverview, retryFailedMail, type OutboxMail } from '$lib/server/mail/outbox';
import { idTextSchema } from '$lib/server/platform/ids';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import type { Actions, PageServerLoad } from './$types';

const STATUS_WORDS = { waiting: 'Waiting', sending: 'Sending', sent: 'Sent', failed: 'Could not be delivered' } as const;

/** A row for the page: who, what and when; never the body, which may carry a single-use link. */
function listed(mail: OutboxMail) {
	return {
		id: mail.id,
		kind: MAIL_KINDS[mail.kind as MailKind] ?? mail.kind,
		recipient: mail.recipient,
		subject: mail.subject,
		status: mail.status,
		statusWords: STATUS_WORDS[mail.status],
		attempts: mail.attempts,
		queued: formatWhen(new Date(mail.created_at)),
		nextAttempt: mail.status === 'waiting' ? formatWhen(new Date(mail.next_attempt_at)) : null,
		sent: mail.sent_at ? formatWhen(new Date(mail.sent_at)) : null,
		lastError: mail.last_error
	};
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const overview = await outboxOverview(event.locals.db);
	return {
		description: event.locals.mail.description,
		bySmtp: event.locals.mail.bySmtp,
		counts: overview.counts,
		pending: overview.pending.map(listed),
		recent: overview.recent.map(listed),
		retried: event.url.searchParams.has('retried')
	};
}) satisfies PageServerLoad;

const retrySchema = z.object({ mailId: idTextSchema('Choose a mail to send again') });

export const actions = {
	retry: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, retrySchema);
		if (!form.ok) return form.failure;
		const outcome = await retryFailedMail(event.locals.db, user, form.data.mailId);
		if (!outcome.ok) return refusalFailure(outcome, form.values, { notFoundInForm: true });
		event.locals.mail.nudge();
		redirect(303, '/admin/mail?retried');
	}
} satisfies Actions;
