/**
 * Everything Belonging holds about one account, as one JSON file an administrator downloads (for
 * a subject access request, or before erasing the account). It is read from every table that
 * names the person; it never holds a secret: no password hash, session or link token (or their
 * hashes), API token hash, authenticator secret or recovery code, and no mail body (a body may
 * carry a single-use link).
 *
 * Staff survey answers and comments are not in it and cannot be: a response holds no account,
 * address or time finer than its round (docs/scoring.md §6), so nothing links one to a person.
 */
import { sql } from 'kysely';
import { ukDate } from '../../dates';
import { checklistItem, checklistVersion } from '../../npt/infrastructure';
import { FLAG_STATE_LABELS } from '../../npt/flag-lifecycle';
import type { DbOrTx } from '../db';
import type { UserAccount } from '../db/schema';
import { ROLE_NAMES, type SignedInUser } from '../identity';
import { MAIL_KINDS, ROUND_NOTICES } from '../mail/kinds';
import { auditActionLabel, recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { containsPattern } from '../platform/paging';
import { NOT_FOUND, findTarget } from './people-rules';
import { organisationNames } from './people-list';

/** Bumped when a section changes shape, so whoever reads an old file can tell. */
export const EXPORT_FORMAT = 1;

/** Audit entries of each kind in one file: far more than a person makes in years, and a bound on memory. */
export const AUDIT_ENTRIES_MAX = 100_000;

/** What each section holds, in the file itself, so it reads without this code beside it. */
export const ABOUT = {
	what: 'Everything Belonging holds about one account, downloaded by an administrator. Times are UTC (ISO 8601); dates are calendar days.',
	profile: 'The account: email address, name, role, when it was created, when the invitation was accepted, whether it is switched off, whether a password is set and whether it is linked to single sign-on (and which provider). Never the password itself or its hash.',
	scope: 'The ICBs, PCNs or practices the account is given, with their ODS codes.',
	signIns: 'The sessions (signed-in browsers) the account has now: when each began and ends, and whether it came through single sign-on. Never the session key. Failed sign-ins are counted under a one-way hash of the email address, which this file leaves out; failed attempts that reached the audit log are under auditEntries.',
	twoStep: 'Whether two-step sign-in is on, since when, and how many unused recovery codes remain. Never the authenticator secret or the codes.',
	apiTokens: 'The API tokens the person made: name, when made, last used and revoked. Never the token or its hash.',
	mailPreferences: 'Reminder mails the person chose to have or not, where they differ from their role’s default.',
	accountLinks: 'Invitation and password-reset links made for the account: when made, until when they work and when used. Never the link itself.',
	auditEntries: 'byThem: what the audit log records the person doing. aboutThem: entries by someone else (or by someone not signed in, such as a failed sign-in with this address) whose text names the account; who did it is left out, as that is about another person.',
	linkWorkerAssessments: 'A link worker’s own, signed view of a practice in a survey round, with each answer (1 = strongly disagree … 5 = strongly agree, or a “not relevant” code). Staff answers are anonymous and are never here.',
	infrastructureChecklist: 'A link worker’s answers to the infrastructure checklist for each practice, with their notes.',
	flagsRaised: 'Infrastructure gaps the person flagged, with who may see each and where it stands.',
	flagEvents: 'Changes and comments the person made on any flag.',
	practiceActions: 'Actions the person recorded or marked done, with their notes.',
	surveyCalendars: 'Practices whose survey calendar the person changed last.',
	legalHolds: 'Legal holds the person placed or released.',
	mail: 'Mail addressed to the person that is still in the outbox: kind, subject, state and dates. Never the body, which may hold a single-use link.',
	notHeld: 'Anonymous staff survey responses, their answers and comments: they carry no account, so nothing in them points to anyone.'
} as const;

export interface AccountExport {
	file: string;
	filename: string;
}

const place = (name: string | null, odsCode: string | null) => (name === null ? null : { name, odsCode });

async function scopeOf(db: DbOrTx, account: UserAccount) {
	const [icbs, pcns, practices] = await Promise.all([
		db.selectFrom('user_icb').select('icb_id as id').where('user_id', '=', account.id).execute(),
		db.selectFrom('user_pcn').select('pcn_id as id').where('user_id', '=', account.id).execute(),
		db.selectFrom('user_practice').select('practice_id as id').where('user_id', '=', account.id).execute()
	]);
	const names = await organisationNames(db, { icbIds: icbs.map((r) => r.id), pcnIds: pcns.map((r) => r.id), practiceIds: practices.map((r) => r.id) });
	const plain = (list: readonly { name: string; odsCode: string }[]) => list.map(({ name, odsCode }) => ({ name, odsCode }));
	return { icbs: plain(names.icbs), pcns: plain(names.pcns), practices: plain(names.practices) };
}

function profileOf(account: UserAccount) {
	return {
		id: account.id,
		email: account.email,
		displayName: account.display_name,
		role: account.role,
		roleName: ROLE_NAMES[account.role],
		createdAt: account.created_at,
		acceptedAt: account.accepted_at,
		switchedOffAt: account.disabled_at,
		passwordSet: account.password_hash !== null,
		passwordChangedAt: account.password_changed_at,
		singleSignOn: { linked: account.sso_subject !== null, issuer: account.sso_issuer, requiredSince: account.sso_required_at }
	};
}

async function signInsOf(db: DbOrTx, userId: number) {
	const [sessions, factor, codes, tokens, preferences, links] = await Promise.all([
		db.selectFrom('session').select(['created_at', 'expires_at', 'single_sign_on']).where('user_id', '=', userId).orderBy('created_at').execute(),
		db.selectFrom('second_factor').select(['confirmed_at', 'created_at']).where('user_id', '=', userId).executeTakeFirst(),
		db.selectFrom('recovery_code').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow(),
		db.selectFrom('api_token').select(['name', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
		db.selectFrom('mail_preference').select(['kind', 'wanted']).where('user_id', '=', userId).orderBy('kind').execute(),
		db.selectFrom('account_link').select(['purpose', 'created_at', 'expires_at', 'used_at']).where('user_id', '=', userId).orderBy('created_at').execute()
	]);
	const confirmed = factor?.confirmed_at ?? null;
	return {
		signIns: { sessions: sessions.map((s) => ({ createdAt: s.created_at, expiresAt: s.expires_at, singleSignOn: Number(s.single_sign_on) === 1 })) },
		twoStep: { enabled: confirmed !== null, confirmedAt: confirmed, setUpStartedAt: factor && !confirmed ? factor.created_at : null, recoveryCodesLeft: confirmed ? Number(codes.n) : 0 },
		apiTokens: tokens.map((t) => ({ name: t.name, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at })),
		mailPreferences: preferences.map((p) => ({ kind: p.kind, about: (ROUND_NOTICES as Record<string, string>)[p.kind] ?? p.kind, wanted: Number(p.wanted) === 1 })),
		accountLinks: links.map((l) => ({ purpose: l.purpose, createdAt: l.created_at, expiresAt: l.expires_at, usedAt: l.used_at }))
	};
}

/** Entries the person made, and entries by others whose text names their address (or that a failed sign-in with it left). */
async function auditOf(db: DbOrTx, account: UserAccount) {
	const base = db
		.selectFrom('audit_event')
		.leftJoin('practice', 'practice.id', 'audit_event.practice_id')
		.leftJoin('pcn', 'pcn.id', 'audit_event.pcn_id')
		.select(['audit_event.occurred_at', 'audit_event.action', 'audit_event.summary', 'practice.name as practice_name', 'pcn.name as pcn_name'])
		.orderBy('audit_event.id', 'desc')
		.limit(AUDIT_ENTRIES_MAX);
	const [byThem, aboutThem] = await Promise.all([
		base.where('audit_event.actor_user_id', '=', account.id).execute(),
		base
			.where((eb) => eb.or([eb('audit_event.actor_user_id', 'is', null), eb('audit_event.actor_user_id', '!=', account.id)]))
			.where((eb) =>
				eb.or([
					eb(sql`lower(audit_event.summary)`, 'like', sql`${containsPattern(account.email)} escape '\\'`),
					eb.and([eb('audit_event.actor_user_id', 'is', null), eb(sql`lower(audit_event.actor_label)`, '=', account.email)])
				])
			)
			.execute()
	]);
	const entry = (e: (typeof byThem)[number]) => ({
		occurredAt: e.occurred_at,
		action: e.action,
		actionLabel: auditActionLabel(e.action),
		summary: e.summary,
		practice: e.practice_name,
		pcn: e.pcn_name
	});
	return { byThem: byThem.map(entry), aboutThem: aboutThem.map(entry) };
}

const gapOf = (version: string, itemId: string) => {
	const checklist = checklistVersion(version);
	return (checklist && checklistItem(checklist, itemId)?.gap) ?? itemId;
};

async function linkWorkOf(db: DbOrTx, userId: number) {
	const assessments = await db
		.selectFrom('link_worker_assessment as a')
		.innerJoin('round', 'round.id', 'a.round_id')
		.innerJoin('practice', 'practice.id', 'round.practice_id')
		.innerJoin('instrument_version as v', 'v.id', 'a.instrument_version_id')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.select(['a.id', 'a.submitted_at', 'a.updated_at', 'round.id as round_id', 'round.title', 'round.opens_on', 'round.closes_on', 'practice.name', 'practice.ods_code', 'i.title as instrument', 'v.version'])
		.where('a.user_id', '=', userId)
		.orderBy('round.opens_on')
		.orderBy('a.id')
		.execute();
	const answers = assessments.length
		? await db
				.selectFrom('link_worker_assessment_answer as x')
				.innerJoin('instrument_item as item', 'item.id', 'x.item_id')
				.select(['x.assessment_id', 'item.item_key', 'item.text', 'item.position', 'x.value', 'x.not_relevant'])
				.where('x.assessment_id', 'in', assessments.map((a) => a.id))
				.orderBy('x.assessment_id')
				.orderBy('item.position')
				.execute()
		: [];
	const checklist = await db
		.selectFrom('infrastructure_answer as c')
		.innerJoin('practice', 'practice.id', 'c.practice_id')
		.select(['practice.name', 'practice.ods_code', 'c.item_id', 'c.checklist_version', 'c.status', 'c.note', 'c.updated_at'])
		.where('c.user_id', '=', userId)
		.orderBy('practice.name')
		.orderBy('c.item_id')
		.execute();
	return {
		linkWorkerAssessments: assessments.map((a) => ({
			round: { title: a.title, opensOn: a.opens_on, closesOn: a.closes_on },
			practice: place(a.name, a.ods_code),
			instrument: { title: a.instrument, version: a.version },
			submittedAt: a.submitted_at,
			updatedAt: a.updated_at,
			answers: answers
				.filter((x) => x.assessment_id === a.id)
				.map((x) => ({ item: x.item_key, statement: x.text, answer: x.value, notRelevant: x.not_relevant }))
		})),
		infrastructureChecklist: checklist.map((c) => ({
			practice: place(c.name, c.ods_code),
			item: c.item_id,
			gap: gapOf(c.checklist_version, c.item_id),
			checklistVersion: c.checklist_version,
			status: c.status,
			note: c.note,
			updatedAt: c.updated_at
		}))
	};
}

async function flagsAndActionsOf(db: DbOrTx, userId: number) {
	const [flags, events, actions] = await Promise.all([
		db
			.selectFrom('flag')
			.innerJoin('practice', 'practice.id', 'flag.practice_id')
			.select(['flag.id', 'practice.name', 'practice.ods_code', 'flag.item_id', 'flag.checklist_version', 'flag.visibility', 'flag.state', 'flag.created_at', 'flag.updated_at'])
			.where('flag.raised_by', '=', userId)
			.orderBy('flag.id')
			.execute(),
		db
			.selectFrom('flag_event as e')
			.innerJoin('flag', 'flag.id', 'e.flag_id')
			.innerJoin('practice', 'practice.id', 'flag.practice_id')
			.select(['e.flag_id', 'practice.name', 'practice.ods_code', 'flag.item_id', 'flag.checklist_version', 'e.at', 'e.from_state', 'e.to_state', 'e.comment'])
			.where('e.actor_user_id', '=', userId)
			.orderBy('e.id')
			.execute(),
		db
			.selectFrom('practice_action as a')
			.innerJoin('practice', 'practice.id', 'a.practice_id')
			.selectAll('a')
			.select(['practice.name', 'practice.ods_code'])
			.where((eb) => eb.or([eb('a.created_by', '=', userId), eb('a.done_by', '=', userId)]))
			.orderBy('a.id')
			.execute()
	]);
	return {
		flagsRaised: flags.map((f) => ({
			flag: f.id,
			practice: place(f.name, f.ods_code),
			gap: gapOf(f.checklist_version, f.item_id),
			visibility: f.visibility === 'pcn_only' ? 'PCN lead only' : 'practice and PCN lead',
			state: FLAG_STATE_LABELS[f.state],
			createdAt: f.created_at,
			updatedAt: f.updated_at
		})),
		flagEvents: events.map((e) => ({
			flag: e.flag_id,
			practice: place(e.name, e.ods_code),
			gap: gapOf(e.checklist_version, e.item_id),
			at: e.at,
			from: e.from_state === null ? null : FLAG_STATE_LABELS[e.from_state],
			to: FLAG_STATE_LABELS[e.to_state],
			comment: e.comment
		})),
		practiceActions: actions.map((a) => ({
			action: a.id,
			practice: place(a.name, a.ods_code),
			flag: a.flag_id,
			construct: a.construct,
			what: a.what,
			owner: a.owner,
			dueOn: a.due_on,
			state: a.state,
			doneOn: a.done_on,
			doneNote: a.done_note,
			recordedByThem: a.created_by === userId,
			markedDoneByThem: a.done_by === userId,
			createdAt: a.created_at,
			updatedAt: a.updated_at
		}))
	};
}

async function recordsOf(db: DbOrTx, account: UserAccount) {
	const [calendars, holds, mail] = await Promise.all([
		db
			.selectFrom('survey_calendar as c')
			.innerJoin('practice', 'practice.id', 'c.practice_id')
			.select(['practice.name', 'practice.ods_code', 'c.updated_at'])
			.where('c.updated_by', '=', account.id)
			.orderBy('practice.name')
			.execute(),
		db
			.selectFrom('legal_hold as h')
			.leftJoin('practice', 'practice.id', 'h.practice_id')
			.leftJoin('round', 'round.id', 'h.round_id')
			.select(['h.id', 'practice.name', 'practice.ods_code', 'round.title', 'h.reason', 'h.placed_by', 'h.placed_at', 'h.released_by', 'h.released_at'])
			.where((eb) => eb.or([eb('h.placed_by', '=', account.id), eb('h.released_by', '=', account.id)]))
			.orderBy('h.id')
			.execute(),
		db
			.selectFrom('mail_outbox')
			.select(['kind', 'subject', 'status', 'created_at', 'sent_at'])
			.where('recipient', '=', account.email)
			.orderBy('id')
			.execute()
	]);
	return {
		surveyCalendars: calendars.map((c) => ({ practice: place(c.name, c.ods_code), updatedAt: c.updated_at })),
		legalHolds: holds.map((h) => ({
			hold: h.id,
			practice: place(h.name, h.ods_code),
			round: h.title,
			reason: h.reason,
			placedByThem: h.placed_by === account.id,
			placedAt: h.placed_at,
			releasedByThem: h.released_by === account.id,
			releasedAt: h.released_at
		})),
		mail: mail.map((m) => ({ kind: (MAIL_KINDS as Record<string, string>)[m.kind] ?? m.kind, subject: m.subject, status: m.status, createdAt: m.created_at, sentAt: m.sent_at }))
	};
}

/** Reads every section; the person and their rows as they are now. */
export async function readAccountExport(db: DbOrTx, account: UserAccount, now: Date) {
	const [scope, access, audit, linkWork, flagsAndActions, records] = await Promise.all([
		scopeOf(db, account),
		signInsOf(db, account.id),
		auditOf(db, account),
		linkWorkOf(db, account.id),
		flagsAndActionsOf(db, account.id),
		recordsOf(db, account)
	]);
	return {
		about: ABOUT,
		format: EXPORT_FORMAT,
		exportedAt: now.toISOString(),
		profile: profileOf(account),
		scope,
		...access,
		auditEntries: audit,
		...linkWork,
		...flagsAndActions,
		...records
	};
}

export type AccountExportData = Awaited<ReturnType<typeof readAccountExport>>;

/** How many of each kind the file holds: what the audit entry says, with no name, address or text. */
export function countsOf(data: AccountExportData): string {
	const counts: [string, number][] = [
		['sessions', data.signIns.sessions.length],
		['API tokens', data.apiTokens.length],
		['account links', data.accountLinks.length],
		['audit entries by them', data.auditEntries.byThem.length],
		['about them', data.auditEntries.aboutThem.length],
		['assessments', data.linkWorkerAssessments.length],
		['checklist answers', data.infrastructureChecklist.length],
		['flags', data.flagsRaised.length],
		['flag changes and comments', data.flagEvents.length],
		['actions', data.practiceActions.length],
		['mails', data.mail.length]
	];
	return counts.map(([what, n]) => `${n} ${what}`).join(', ');
}

/** An administrator downloads everything held about an account; audited with counts only. */
export async function exportAccount(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome<{ download: AccountExport }>> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can download what Belonging holds about someone.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	const data = await readAccountExport(db, target.account, now);
	await recordAudit(db, actor, { action: 'export_downloaded', summary: `Downloaded everything held about account #${userId}: ${countsOf(data)}` }, now);
	return {
		ok: true,
		download: { file: `${JSON.stringify(data, null, 2)}\n`, filename: `belonging-account-${userId}-${ukDate(now)}.json` }
	};
}
