/**
 * The outbox: a mail is written here in the same transaction as the change that causes it, so a
 * change never happens without its mail and a mail never goes out for a change that was undone.
 * The worker sends due mail later, so a slow or broken mail server never holds up a request.
 *
 * A worker claims mail by moving it to 'sending' with a lease, in one statement that skips rows
 * another worker holds; two workers, on one instance or several, never both send a mail. A
 * worker that dies mid-send leaves its lease to run out, and the mail is tried again: a mail may,
 * rarely, arrive twice, but it is never lost. A failed attempt is retried with growing waits; a
 * mail the server refuses for good (5xx), or one that has failed MAX_ATTEMPTS times, is kept as
 * 'failed', in the audit log and on the admin's mail page, where it can be sent again.
 */
import { sql } from 'kysely';
import { engineOf, type Db, type DbOrTx } from '../db';
import type { MailOutboxTable } from '../db/schema';
import type { Selectable } from 'kysely';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import type { SignedInUser } from '../identity';
import { MailError, type Mailer, type MailMessage } from './mailer';
import { MAIL_KINDS, type MailKind } from './kinds';

export type OutboxMail = Selectable<MailOutboxTable>;

export const MAX_ATTEMPTS = 8;
/** How long a claim holds: longer than the mailer's own time-outs, so a live worker keeps its mail. */
export const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 60_000;
const LONGEST_WAIT_MS = 6 * 60 * 60_000;
const OUTBOX_ACTOR = { system: 'mail outbox' };

/** The wait before the next try after `attempts` failed ones: 1, 2, 4 … minutes, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
	return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_WAIT_MS);
}

/** Puts a mail in the outbox; call it inside the transaction of the change the mail is about. */
export async function enqueueMail(db: DbOrTx, kind: MailKind, message: MailMessage, now = new Date()): Promise<void> {
	await db
		.insertInto('mail_outbox')
		.values({
			kind,
			recipient: message.to,
			subject: message.subject,
			text_body: message.text,
			html_body: message.html,
			headers: JSON.stringify(message.headers),
			status: 'waiting',
			next_attempt_at: now.toISOString(),
			created_at: now.toISOString()
		})
		.execute();
}

/**
 * Claims up to `limit` due mails for this worker: waiting ones whose time has come, and ones
 * whose sender's lease ran out. One statement; on PostgreSQL rows locked by another worker's
 * claim are skipped, and the outer condition is checked again on each row it updates.
 */
export async function claimDueMail(db: Db, now: Date, limit: number): Promise<OutboxMail[]> {
	const at = now.toISOString();
	const due = sql<boolean>`((status = 'waiting' and next_attempt_at <= ${at}) or (status = 'sending' and claimed_until < ${at}))`;
	let pick = db.selectFrom('mail_outbox').select('id').where(due).orderBy('id').limit(limit);
	if (engineOf(db) === 'postgres') pick = pick.forUpdate().skipLocked();
	return db
		.updateTable('mail_outbox')
		.set({ status: 'sending', claimed_until: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: sql`attempts + 1` })
		.where('id', 'in', pick)
		.where(due)
		.returningAll()
		.execute();
}

export interface DeliveryReport {
	sent: number;
	retrying: number;
	failed: number;
}

/**
 * Sends the mail that is due, a batch at a time, until none is left. `clock` gives the time for
 * each step, so tests can move it.
 */
export async function deliverDueMail(
	db: Db,
	mailer: Mailer,
	clock: () => Date = () => new Date(),
	batch = 20
): Promise<DeliveryReport> {
	const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
	for (;;) {
		const claimed = await claimDueMail(db, clock(), batch);
		const outcomes = await Promise.all(claimed.map((mail) => deliverOne(db, mailer, mail, clock)));
		for (const outcome of outcomes) report[outcome]++;
		if (claimed.length < batch) return report;
	}
}

async function deliverOne(db: Db, mailer: Mailer, mail: OutboxMail, clock: () => Date): Promise<keyof DeliveryReport> {
	const claim = (eb: any) => eb('id', '=', mail.id).and('status', '=', 'sending').and('claimed_until', '=', mail.claimed_until);
	try {
		await mailer.send({ to: mail.recipient, subject: mail.subject, text: mail.text_body ?? '', html: mail.html_body ?? '', headers: headersOf(mail) });
	} catch (error) {
		const reason = oneLine((error as Error).message);
		const permanent = error instanceof MailError && error.permanent;
		const now = clock();
		if (permanent || mail.attempts >= MAX_ATTEMPTS) {
			await db.transaction().execute(async (tx) => {
				await tx
					.updateTable('mail_outbox')
					.set({ status: 'failed', claimed_until: null, last_error: reason })
					.where(claim)
					.execute();
				await recordAudit(
					tx,
					OUTBOX_ACTOR,
					{
						action: 'mail_failed',
						summary: `Could not deliver mail ${mail.id} (${MAIL_KINDS[mail.kind as MailKind] ?? mail.kind}) to ${mail.recipient} after ${mail.attempts} ${mail.attempts === 1 ? 'try' : 'tries'}: ${reason}`
					},
					now
				);
			});
			return 'failed';
		}
		await db
			.updateTable('mail_outbox')
			.set({
				status: 'waiting',
				claimed_until: null,
				last_error: reason,
				next_attempt_at: new Date(now.getTime() + retryDelayMs(mail.attempts)).toISOString()
			})
			.where(claim)
			.execute();
		return 'retrying';
	}
	// The bodies go: they may carry single-use links, and the mail is the person's now.
	await db
		.updateTable('mail_outbox')
		.set({ status: 'sent', sent_at: clock().toISOString(), claimed_until: null, last_error: null, text_body: null, html_body: null })
		.where(claim)
		.execute();
	return 'sent';
}

function headersOf(mail: OutboxMail): Record<string, string> {
	return mail.headers ? (JSON.parse(mail.headers) as Record<string, string>) : {};
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'no reason given';
}

export interface OutboxOverview {
	counts: Record<'waiting' | 'sending' | 'sent' | 'failed', number>;
	/** Failed, waiting and sending mail, oldest first. */
	pending: OutboxMail[];
	/** The latest mail sent. */
	recent: OutboxMail[];
}

const LISTED = 100;

export async function outboxOverview(db: DbOrTx): Promise<OutboxOverview> {
	const columns = ['id', 'kind', 'recipient', 'subject', 'status', 'attempts', 'next_attempt_at', 'claimed_until', 'last_error', 'created_at', 'sent_at'] as const;
	const [counted, pending, recent] = await Promise.all([
		db.selectFrom('mail_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
		db.selectFrom('mail_outbox').select(columns).where('status', '!=', 'sent').orderBy('id').limit(LISTED).execute(),
		db.selectFrom('mail_outbox').select(columns).where('status', '=', 'sent').orderBy('id', 'desc').limit(LISTED).execute()
	]);
	const counts = { waiting: 0, sending: 0, sent: 0, failed: 0 };
	for (const row of counted) counts[row.status] = Number(row.n);
	const withoutBodies = (rows: typeof pending) => rows.map((row) => ({ ...row, text_body: null, html_body: null, headers: null }));
	return { counts, pending: withoutBodies(pending), recent: withoutBodies(recent) };
}

/** An admin sends a failed mail again: it goes back to the queue, due now. */
export async function retryFailedMail(db: Db, actor: SignedInUser, mailId: number, now = new Date()): Promise<Outcome<{ mail: OutboxMail }>> {
	return db.transaction().execute(async (tx): Promise<Outcome<{ mail: OutboxMail }>> => {
		const mail = await tx
			.updateTable('mail_outbox')
			.set({ status: 'waiting', attempts: 0, next_attempt_at: now.toISOString() })
			.where('id', '=', mailId)
			.where('status', '=', 'failed')
			.returningAll()
			.executeTakeFirst();
		if (!mail) {
			const exists = await tx.selectFrom('mail_outbox').select('status').where('id', '=', mailId).executeTakeFirst();
			return exists ? refuse(409, 'That mail has not failed, so there is nothing to send again.') : refuse(404, 'We could not find that mail.');
		}
		await recordAudit(tx, actor, { action: 'mail_retried', summary: `Put mail ${mail.id} to ${mail.recipient} back in the outbox` }, now);
		return { ok: true, mail };
	});
}

/** Sent mail is kept for a month, for the admin's page, and then forgotten. */
export async function forgetOldSentMail(db: DbOrTx, now = new Date()): Promise<number> {
	const before = new Date(now.getTime() - 30 * 24 * 60 * 60_000).toISOString();
	const deleted = await db.deleteFrom('mail_outbox').where('status', '=', 'sent').where('sent_at', '<', before).executeTakeFirst();
	return Number(deleted.numDeletedRows);
}
