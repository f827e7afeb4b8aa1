/**
 * What is waiting for an administrator, at the top of /admin: mail that could not be delivered or
 * has waited too long, invitations not accepted (and those that ran out), and jobs whose last run
 * failed. Counts and names only, read with a handful of grouped queries whatever the country holds.
 */
import { plural } from '../../format';
import type { ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../db';
import type { Database } from '../db/schema';
import type { TodoItem, TodoList } from '../../views/todo';

/** Mail still queued this long after it was written is stuck, not just waiting its turn. */
export const MAIL_STUCK_MS = 60 * 60_000;

export async function listAdminTodo(db: DbOrTx, now: Date): Promise<TodoList> {
	const stuckBefore = new Date(now.getTime() - MAIL_STUCK_MS).toISOString();
	const nowIso = now.toISOString();
	const [mail, invitations, jobs] = await Promise.all([
		db
			.selectFrom('mail_outbox')
			.select((eb) => [
				eb.fn.countAll<number>().filterWhere('status', '=', 'failed').as('failed'),
				eb.fn.countAll<number>().filterWhere('status', '!=', 'failed').as('stuck')
			])
			.where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', 'in', ['waiting', 'sending']), eb('created_at', '<', stuckBefore)])]))
			.executeTakeFirstOrThrow(),
		// As the people list tells them apart: pending while an unused invitation link is still valid.
		db
			.selectFrom('user_account')
			.select((eb) => [
				eb.fn
					.countAll<number>()
					.filterWhere((e) => validInvitation(e, nowIso))
					.as('pending'),
				eb.fn
					.countAll<number>()
					.filterWhere((e) => e.not(validInvitation(e, nowIso)))
					.as('expired')
			])
			.where('accepted_at', 'is', null)
			.where('disabled_at', 'is', null)
			.where('erased_at', 'is', null)
			.executeTakeFirstOrThrow(),
		db.selectFrom('job_state').select('name').where('last_outcome', '=', 'failed').orderBy('name').execute()
	]);
	const items: TodoItem[] = [];
	const failed = Number(mail.failed ?? 0);
	const stuck = Number(mail.stuck ?? 0);
	if (failed > 0)
		items.push({
			key: 'mail-failed',
			kind: 'mail',
			text: `${plural(failed, 'mail')} could not be delivered and will not be tried again unless you send ${failed === 1 ? 'it' : 'them'} again.`,
			href: '/admin/mail',
			action: 'See the undelivered mail'
		});
	if (stuck > 0)
		items.push({
			key: 'mail-stuck',
			kind: 'mail',
			text: `${plural(stuck, 'mail')} ${stuck === 1 ? 'has' : 'have'} been waiting to go for more than an hour.`,
			href: '/admin/mail',
			action: 'See the mail waiting to go'
		});
	const expired = Number(invitations.expired ?? 0);
	const pending = Number(invitations.pending ?? 0);
	if (expired > 0)
		items.push({
			key: 'invitations-expired',
			kind: 'invitation',
			text: `${plural(expired, 'invitation')} ran out before ${expired === 1 ? 'it was' : 'they were'} accepted: send a new one or switch the account off.`,
			href: '/users',
			action: 'See the people with an expired invitation'
		});
	if (pending > 0)
		items.push({
			key: 'invitations-pending',
			kind: 'invitation',
			text: `${plural(pending, 'invitation')} ${pending === 1 ? 'has' : 'have'} not been accepted yet.`,
			href: '/users',
			action: 'See the people invited'
		});
	for (const job of jobs)
		items.push({
			key: `job-${job.name}`,
			kind: 'job',
			text: `The job “${job.name}” failed on its last run.`,
			href: '/admin/jobs',
			action: `See what went wrong with ${job.name}`
		});
	return { items, cut: [] };
}

function validInvitation(eb: ExpressionBuilder<Database, 'user_account'>, nowIso: string) {
	return eb.exists(
		eb
			.selectFrom('account_link')
			.select('account_link.token_hash')
			.whereRef('account_link.user_id', '=', 'user_account.id')
			.where('account_link.purpose', '=', 'invitation')
			.where('account_link.used_at', 'is', null)
			.where('account_link.expires_at', '>', nowIso)
	);
}
