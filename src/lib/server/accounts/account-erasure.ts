/**
 * Erasing an account: what the person did stays where the practice's record needs it, who they
 * were goes. In one transaction:
 *
 * - every way in goes: sessions, sign-ins waiting for a code, invitation and reset links, API
 *   tokens, the authenticator and recovery codes, the single sign-on link, the password, and the
 *   failed sign-ins counted under their address;
 * - what only served them goes: scope, reminder choices, and every mail addressed to them;
 * - the account row stays as a tombstone, because flags, link-worker assessments, actions, flag
 *   histories, calendars and legal holds point at it (a flag's raiser and an assessment's link
 *   worker may not be empty, and would take the practice's history with them if deleted). Its
 *   name becomes "A former user" and its address one that cannot receive mail;
 * - the audit log keeps every entry: entries by them are signed "A former user", and entries that
 *   name them have the name and address written out;
 * - the erasure itself is audited by the administrator with counts only.
 *
 * What they wrote in the practice's record (flag comments, checklist notes, action notes, their
 * signed answers in past rounds) stays, signed "A former user", as part of that practice's history.
 */
import { sql } from 'kysely';
import { atomically, lockFor, type DbOrTx } from '../db';
import type { UserAccount } from '../db/schema';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { containsPattern } from '../platform/paging';
import { NOT_FOUND } from './people-rules';
import { throttleKeys } from './sign-in-throttle';
import { getUser } from './users';

/** The name an erased account reads as everywhere, the same words the flag and action pages use for a missing person. */
export const FORMER_USER = 'A former user';

/** An address in the reserved `.invalid` domain: unique, and never deliverable. */
export const erasedEmail = (userId: number) => `erased-${userId}@erased.invalid`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The names a rename recorded (“name from “A” to “B””), so they can be written out too. */
export function namesInRenames(summaries: readonly string[]): string[] {
	return summaries.flatMap((summary) => [...summary.matchAll(/name from “([^”]*)” to “([^”]*)”/g)].flatMap((m) => [m[1]!, m[2]!]));
}

/**
 * An audit summary with the person written out: “Name (address)” and the address become “a
 * former user” (capitalised at the start), a recorded rename loses its names, and any of their
 * names left standing alone goes too.
 */
export function withoutPerson(summary: string, email: string, names: readonly string[]): string {
	const former = FORMER_USER.toLowerCase();
	const known = [...new Set(names.map((n) => n.trim()).filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
	let text = summary.replace(/name from “[^”]*” to “[^”]*”/g, 'name changed');
	const address = escapeRegExp(email);
	for (const name of known) text = text.replace(new RegExp(`${escapeRegExp(name)} \\(${address}\\)`, 'giu'), former);
	text = text.replace(new RegExp(address, 'giu'), former);
	for (const name of known) text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'gu'), former);
	return text.startsWith(former) ? FORMER_USER + text.slice(former.length) : text;
}

/** Whether taking this account away would leave nobody able to administer Belonging. */
async function isLastAdministrator(db: DbOrTx, account: UserAccount): Promise<boolean> {
	if (account.role !== 'admin' || account.disabled_at !== null || account.accepted_at === null) return false;
	const others = await db
		.selectFrom('user_account')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('role', '=', 'admin')
		.where('id', '!=', account.id)
		.where('disabled_at', 'is', null)
		.where('accepted_at', 'is not', null)
		.where('erased_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(others.n) === 0;
}

/** Rows a delete removed. */
async function removed(query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }): Promise<number> {
	return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** Takes away every way in and everything that served only them; the counts, by kind, for the audit entry. */
async function removeAccess(tx: DbOrTx, account: UserAccount): Promise<Record<string, number>> {
	const id = account.id;
	const tokens = tx.selectFrom('api_token').select('id').where('user_id', '=', id);
	await tx.deleteFrom('api_rate_window').where('token_id', 'in', tokens).execute();
	// Only the account half of a throttle key is theirs; the address given here makes no row.
	const failureKey = throttleKeys(account.email, '192.0.2.0').account;
	return {
		sessions: await removed(tx.deleteFrom('session').where('user_id', '=', id)),
		'sign-ins waiting for a code': await removed(tx.deleteFrom('sign_in_challenge').where('user_id', '=', id)),
		'account links': await removed(tx.deleteFrom('account_link').where('user_id', '=', id)),
		'API tokens': await removed(tx.deleteFrom('api_token').where('user_id', '=', id)),
		'second factors': await removed(tx.deleteFrom('second_factor').where('user_id', '=', id)),
		'recovery codes': await removed(tx.deleteFrom('recovery_code').where('user_id', '=', id)),
		'mail choices': await removed(tx.deleteFrom('mail_preference').where('user_id', '=', id)),
		'scope rows':
			(await removed(tx.deleteFrom('user_icb').where('user_id', '=', id))) +
			(await removed(tx.deleteFrom('user_pcn').where('user_id', '=', id))) +
			(await removed(tx.deleteFrom('user_practice').where('user_id', '=', id))),
		mails: await removed(tx.deleteFrom('mail_outbox').where('recipient', '=', account.email)),
		'failed sign-ins': await removed(tx.deleteFrom('sign_in_failure').where('throttle_key', '=', failureKey))
	};
}

/** Signs their audit entries "A former user" and writes them out of entries that name them; returns how many changed. */
async function rewriteAudit(tx: DbOrTx, account: UserAccount): Promise<number> {
	const signed = await tx
		.updateTable('audit_event')
		.set({ actor_label: FORMER_USER })
		.where((eb) =>
			eb.or([eb('actor_user_id', '=', account.id), eb.and([eb('actor_user_id', 'is', null), eb(sql`lower(actor_label)`, '=', account.email)])])
		)
		.executeTakeFirst();
	const naming = await tx
		.selectFrom('audit_event')
		.select(['id', 'summary'])
		.where(sql`lower(summary)`, 'like', sql`${containsPattern(account.email)} escape '\\'`)
		.execute();
	const names = [account.display_name, ...namesInRenames(naming.map((e) => e.summary))];
	let changed = 0;
	for (const entry of naming) {
		const summary = withoutPerson(entry.summary, account.email, names);
		if (summary === entry.summary) continue;
		await tx.updateTable('audit_event').set({ summary }).where('id', '=', entry.id).execute();
		changed += 1;
	}
	return Number(signed.numUpdatedRows) + changed;
}

/** The row that stays: nobody's name or address, no way in, and marked erased. */
async function leaveTombstone(tx: DbOrTx, account: UserAccount, now: Date): Promise<void> {
	await tx
		.updateTable('user_account')
		.set({
			email: erasedEmail(account.id),
			display_name: FORMER_USER,
			password_hash: null,
			password_changed_at: null,
			disabled_at: account.disabled_at ?? now.toISOString(),
			admin_reset_notice: null,
			admin_reset_session: null,
			sso_issuer: null,
			sso_subject: null,
			sso_required_at: null,
			erased_at: now.toISOString()
		})
		.where('id', '=', account.id)
		.execute();
	// A practice's move history names who recorded it by address; an empty "by" reads better than the tombstone's.
	await tx.updateTable('practice_pcn_move').set({ recorded_by: null }).where('recorded_by', '=', account.id).execute();
}

/** Counts only: the audit entry names the account by number, never by name or address. */
function erasureSummary(userId: number, gone: Record<string, number>, rewritten: number): string {
	const counts = Object.entries(gone)
		.filter(([, n]) => n > 0)
		.map(([what, n]) => `${n} ${what}`);
	return `Erased account #${userId}: removed ${counts.length ? counts.join(', ') : 'no sign-in or scope rows'}; ${rewritten} audit entries rewritten`;
}

export type ErasureOutcome = Outcome<{ alreadyErased: boolean }>;

/**
 * An administrator erases someone else's account, unless it is the last administrator who can
 * sign in. Erasing an erased account again changes nothing and says so.
 */
export async function eraseAccount(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<ErasureOutcome> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can erase an account.');
	if (userId === actor.id) return refuse(400, 'You cannot erase your own account. Ask another administrator.');
	return atomically(db, async (tx): Promise<ErasureOutcome> => {
		// One erasure at a time, so two administrators cannot each erase the other's last colleague.
		await lockFor(tx, 'account-erasure');
		const account = await getUser(tx, userId);
		if (!account) return refuse(404, NOT_FOUND);
		if (account.erased_at !== null) return { ok: true, alreadyErased: true };
		if (await isLastAdministrator(tx, account)) {
			return refuse(409, 'This is the only administrator who can sign in. Make someone else an administrator first.');
		}
		const gone = await removeAccess(tx, account);
		const rewritten = await rewriteAudit(tx, account);
		await leaveTombstone(tx, account, now);
		await recordAudit(tx, actor, { action: 'account_erased', summary: erasureSummary(account.id, gone, rewritten) }, now);
		return { ok: true, alreadyErased: false };
	});
}

/** Whether the account is an erased one, for the pages that say so rather than "not found". */
export async function isErased(db: DbOrTx, userId: number): Promise<boolean> {
	const row = await db.selectFrom('user_account').select('erased_at').where('id', '=', userId).executeTakeFirst();
	return row?.erased_at != null;
}

/** What stays in the practices' records, signed "A former user", so the confirmation page can say so. */
export interface ErasurePreview {
	flagsRaised: number;
	flagChanges: number;
	assessments: number;
	actions: number;
	auditEntries: number;
}

export async function previewErasure(db: DbOrTx, userId: number): Promise<ErasurePreview> {
	const count = async (query: Promise<{ n: number | string | bigint }>) => Number((await query).n);
	const [flagsRaised, flagChanges, assessments, actions, auditEntries] = await Promise.all([
		count(db.selectFrom('flag').select((eb) => eb.fn.countAll<number>().as('n')).where('raised_by', '=', userId).executeTakeFirstOrThrow()),
		count(db.selectFrom('flag_event').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_user_id', '=', userId).executeTakeFirstOrThrow()),
		count(db.selectFrom('link_worker_assessment').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()),
		count(
			db
				.selectFrom('practice_action')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where((eb) => eb.or([eb('created_by', '=', userId), eb('done_by', '=', userId)]))
				.executeTakeFirstOrThrow()
		),
		count(db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_user_id', '=', userId).executeTakeFirstOrThrow())
	]);
	return { flagsRaised, flagChanges, assessments, actions, auditEntries };
}
