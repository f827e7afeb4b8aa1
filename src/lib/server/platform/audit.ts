/** The audit log: who did what, and when. Admins read, filter and download it. */
import { sql } from 'kysely';
import { z } from 'zod';
import { addDays, isIsoDate } from '../../dates';
import type { FieldProblem } from '../../npt/submission';
import { column, tableToCsv, type Table } from '../../tables';
import type { DbOrTx } from '../db';
import type { AuditEvent } from '../db/schema';
import type { SignedInUser } from '../identity';
import { idTextSchema } from './ids';

export const AUDIT_ACTIONS = {
	sign_in: 'Signed in',
	sign_in_failed: 'Failed sign-in',
	sign_out: 'Signed out',
	sign_out_everywhere: 'Signed out everywhere',
	password_changed: 'Changed password',
	password_reset_issued: 'Password reset link issued',
	password_reset: 'Reset password',
	admin_reset_acknowledged: 'Read of an administrator’s reset',
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
	round_changed: 'Changed a round',
	round_deleted: 'Deleted a draft round',
	codes_issued: 'Created single-use codes',
	results_viewed: 'Viewed results',
	export_downloaded: 'Downloaded an export',
	api_token_created: 'Created an API token',
	api_token_revoked: 'Revoked an API token',
	api_read: 'Read results through the API',
	flag_raised: 'Raised an infrastructure flag',
	flag_changed: 'Changed an infrastructure flag',
	assessment_saved: 'Saved a link worker assessment',
	action_recorded: 'Recorded an action',
	action_changed: 'Changed an action',
	mail_failed: 'Could not deliver a mail',
	mail_retried: 'Sent a mail again',
	calendar_changed: 'Changed a survey calendar',
	round_planned: 'Planned a round',
	mail_preferences_changed: 'Chose reminder mails',
	second_factor_on: 'Turned on two-step sign-in',
	second_factor_off: 'Turned off two-step sign-in',
	second_factor_reset: 'Reset someone’s two-step sign-in',
	second_factor_policy: 'Changed who must use two-step sign-in',
	sso_required: 'Required single sign-on for someone',
	sso_not_required: 'Allowed someone password sign-in again',
	sso_unlinked: 'Unlinked someone’s single sign-on identity',
	retention_comments_deleted: 'Deleted a round’s comments (retention)',
	retention_round_reduced: 'Reduced a round to its summary (retention)',
	retention_audit_deleted: 'Deleted old audit entries (retention)',
	legal_hold_placed: 'Placed a legal hold',
	legal_hold_released: 'Released a legal hold',
	job_run_requested: 'Asked for a job to run now',
	account_erased: 'Erased an account',
	instrument_imported: 'Imported an instrument version',
	instrument_edited: 'Made a new instrument version from edits',
	instrument_offered: 'Changed to whom an instrument version is offered'
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

const ACTION_KEYS = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

/** The label people read; an action recorded by an older version keeps its stored name. */
export function auditActionLabel(action: string): string {
	return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}

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
	/** Matches the start of the actor's email (or system label), ignoring case. */
	actor?: string;
	/** ISO dates, inclusive, as calendar days in UK time. */
	from?: string;
	to?: string;
	limit?: number;
	/** Show events older than this id (paging backwards in time). */
	before?: number;
}

/** An event with the names of the practice and PCN it is about, when it is about one. */
export interface AuditLogEvent extends AuditEvent {
	practice_name: string | null;
	pcn_name: string | null;
}

const londonClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });

/**
 * The instant a UK calendar day starts, as an ISO timestamp. The clocks change at 01:00 UTC, so
 * UK midnight is never ambiguous: it is 00:00 UTC in winter and 23:00 UTC the day before in summer.
 */
export function ukDayStart(isoDate: string): string {
	const utcMidnight = new Date(`${isoDate}T00:00:00.000Z`);
	const offsetHours = Number(londonClock.format(utcMidnight));
	return new Date(utcMidnight.getTime() - offsetHours * 3_600_000).toISOString();
}

/** `%`, `_` and the escape character itself match only themselves. */
function startsWithPattern(text: string): string {
	return `${text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
}

export async function listAuditEvents(db: DbOrTx, filter: AuditFilter = {}): Promise<AuditLogEvent[]> {
	let query = db
		.selectFrom('audit_event')
		.leftJoin('practice', 'practice.id', 'audit_event.practice_id')
		.leftJoin('pcn', 'pcn.id', 'audit_event.pcn_id')
		.selectAll('audit_event')
		.select(['practice.name as practice_name', 'pcn.name as pcn_name']);
	if (filter.action) query = query.where('audit_event.action', '=', filter.action);
	if (filter.actor) {
		query = query.where(sql<boolean>`lower(audit_event.actor_label) like ${startsWithPattern(filter.actor)} escape '\\'`);
	}
	if (filter.from) query = query.where('audit_event.occurred_at', '>=', ukDayStart(filter.from));
	if (filter.to) query = query.where('audit_event.occurred_at', '<', ukDayStart(addDays(filter.to, 1)));
	if (filter.before) query = query.where('audit_event.id', '<', filter.before);
	return query
		.orderBy('audit_event.id', 'desc')
		.limit(filter.limit ?? 100)
		.execute();
}

export interface AuditPage {
	events: AuditLogEvent[];
	/** The `before` value that shows the next, older page; null on the last page. */
	olderBefore: number | null;
}

/** One page of the log, newest first, asking for one more row to learn whether older ones exist. */
export async function listAuditPage(db: DbOrTx, filter: AuditFilter, pageSize: number): Promise<AuditPage> {
	const rows = await listAuditEvents(db, { ...filter, limit: pageSize + 1 });
	const events = rows.slice(0, pageSize);
	return { events, olderBefore: rows.length > pageSize ? events[events.length - 1]!.id : null };
}

/** Query-string values arrive as strings; an empty field means "no filter". */
const blankAsMissing = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Date fields send `2026-03-14`; a browser without a date picker lets people type `14/3/2026`. */
function toIsoDate(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
	return uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : text;
}

const dateField = (name: string) =>
	z.preprocess(
		(value) => toIsoDate(blankAsMissing(value)),
		z.string().refine(isIsoDate, `Enter a real date for ‘${name}’, for example 14/03/2026`).optional()
	);

export const auditFilterSchema = z
	.object({
		action: z.preprocess(blankAsMissing, z.enum(ACTION_KEYS, 'Choose an action from the list').optional()),
		actor: z.preprocess(
			blankAsMissing,
			z.string().trim().max(254, 'Enter no more than 254 characters of the email address').optional()
		),
		from: dateField('From'),
		to: dateField('To'),
		before: z.preprocess(
			blankAsMissing,
			idTextSchema('The page link is not right. Start again from the newest events.').optional()
		)
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, {
		message: 'The ‘From’ date must be the same as or before the ‘To’ date',
		path: ['to']
	});

export type AuditFilterValues = Record<'action' | 'actor' | 'from' | 'to', string>;

export type ParsedAuditFilter =
	| { ok: true; filter: AuditFilter; values: AuditFilterValues }
	| { ok: false; problems: FieldProblem[]; values: AuditFilterValues };

/** Reads the filter from a query string; the raw values come back so the form can show them again. */
export function parseAuditFilter(params: URLSearchParams): ParsedAuditFilter {
	const raw = (name: string) => (params.get(name) ?? '').slice(0, 300);
	const values: AuditFilterValues = { action: raw('action'), actor: raw('actor'), from: raw('from'), to: raw('to') };
	const parsed = auditFilterSchema.safeParse({ ...values, before: raw('before') });
	if (!parsed.success) {
		return {
			ok: false,
			values,
			problems: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), message: issue.message }))
		};
	}
	return { ok: true, values, filter: parsed.data };
}

/** The filter as a query string, without paging, for links to other pages and to the download. */
export function auditFilterQuery(filter: AuditFilter): URLSearchParams {
	const query = new URLSearchParams();
	for (const name of ['action', 'actor', 'from', 'to'] as const) {
		const value = filter[name];
		if (value) query.set(name, value);
	}
	return query;
}

/** In words, for the audit entry a download leaves behind. */
export function describeAuditFilter(filter: AuditFilter): string {
	const parts = [
		filter.action ? `action “${AUDIT_ACTIONS[filter.action]}”` : null,
		filter.actor ? `email starting “${filter.actor}”` : null,
		filter.from ? `from ${filter.from}` : null,
		filter.to ? `to ${filter.to}` : null
	].filter(Boolean);
	return parts.length ? parts.join(', ') : 'no filter';
}

const AUDIT_COLUMNS = [
	column('id', 'integer', 'The entry’s number: later entries have higher numbers.'),
	column('occurred_at', 'datetime', 'When it happened, in UTC.'),
	column('actor', 'text', 'Who did it: the person’s name and email address as they were then, or the system.'),
	column('actor_user_id', 'integer', 'The person’s account number; empty for the system or an erased account.'),
	column('action', 'text', 'What was done, as a code that never changes.'),
	column('action_label', 'text', 'What was done, in words.'),
	column('summary', 'text', 'What was done, to what, in a sentence.'),
	column('practice', 'text', 'The practice it concerned, if any.'),
	column('pcn', 'text', 'The PCN it concerned, if any.')
];

/** The log as a table for the downloads: times stay ISO 8601 in UTC. */
export function auditTable(events: readonly AuditLogEvent[]): Table {
	return {
		columns: AUDIT_COLUMNS,
		rows: events.map((e) => [e.id, e.occurred_at, e.actor_label, e.actor_user_id, e.action, auditActionLabel(e.action), e.summary, e.practice_name, e.pcn_name])
	};
}

/** The log as a spreadsheet-friendly CSV (see csv.ts); times stay ISO 8601 in UTC. */
export function auditEventsToCsv(events: readonly AuditLogEvent[]): string {
	return tableToCsv(auditTable(events));
}
