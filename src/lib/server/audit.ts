/** The audit log: who did what, and when. Admins read and filter it. */
import { sql } from 'kysely';
import type { DbOrTx } from './db';
import type { AuditEvent } from './db/schema';
import type { SignedInUser } from './users';

export const AUDIT_ACTIONS = {
	sign_in: 'Signed in',
	sign_in_failed: 'Failed sign-in',
	sign_out: 'Signed out',
	sign_out_everywhere: 'Signed out everywhere',
	password_changed: 'Changed password',
	password_reset_issued: 'Password reset link issued',
	password_reset: 'Reset password',
	invitation_issued: 'Invited a user',
	invitation_accepted: 'Accepted invitation',
	user_changed: 'Changed a user',
	user_disabled: 'Switched off a user',
	user_enabled: 'Switched on a user',
	scope_changed: 'Changed a user’s scope',
	organisation_created: 'Added an organisation',
	organisation_changed: 'Changed an organisation',
	practice_moved: 'Moved a practice between PCNs',
	organisations_imported: 'Imported practices and PCNs',
	round_opened: 'Opened a round',
	round_closed: 'Closed a round',
	results_viewed: 'Viewed results',
	export_downloaded: 'Downloaded an export'
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Who did it: a signed-in user, the system itself (rounds closing on their date), or someone not signed in. */
export type Actor = SignedInUser | { system: string } | { anonymous: string };

export interface AuditEntry {
	action: AuditAction;
	summary: string;
	practiceId?: number | null;
	pcnId?: number | null;
}

function actorFields(actor: Actor): { actor_user_id: number | null; actor_label: string } {
	if ('system' in actor) return { actor_user_id: null, actor_label: actor.system };
	if ('anonymous' in actor) return { actor_user_id: null, actor_label: actor.anonymous };
	return { actor_user_id: actor.id, actor_label: actor.email };
}

export async function recordAudit(db: DbOrTx, actor: Actor, entry: AuditEntry, now: Date = new Date()): Promise<void> {
	await db
		.insertInto('audit_event')
		.values({
			occurred_at: now.toISOString(),
			...actorFields(actor),
			action: entry.action,
			summary: entry.summary.slice(0, 500),
			practice_id: entry.practiceId ?? null,
			pcn_id: entry.pcnId ?? null
		})
		.execute();
}

export interface AuditFilter {
	action?: AuditAction;
	/** Matches the start of the actor's email (or system label). */
	actor?: string;
	/** ISO dates, inclusive. */
	from?: string;
	to?: string;
	limit?: number;
	/** Show events older than this id (paging backwards in time). */
	before?: number;
}

export async function listAuditEvents(db: DbOrTx, filter: AuditFilter = {}): Promise<AuditEvent[]> {
	let query = db.selectFrom('audit_event').selectAll();
	if (filter.action) query = query.where('action', '=', filter.action);
	if (filter.actor) {
		const pattern = `${filter.actor.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
		query = query.where(sql<boolean>`lower(actor_label) like ${pattern} escape '\\'`);
	}
	if (filter.from) query = query.where('occurred_at', '>=', `${filter.from}T00:00:00.000Z`);
	if (filter.to) query = query.where('occurred_at', '<=', `${filter.to}T23:59:59.999Z`);
	if (filter.before) query = query.where('id', '<', filter.before);
	return query
		.orderBy('id', 'desc')
		.limit(filter.limit ?? 100)
		.execute();
}
