/**
 * People with accounts, as administrators and PCN leads manage them: inviting, changing,
 * switching off, and the single-use links with which someone chooses a password. Every rule
 * about who may do what to whom lives here, so no route can forget one:
 *
 * - administrators (and the command line) may do anything to anyone;
 * - a PCN lead sees the people whose PCNs or practices overlap their own PCNs (never
 *   administrators), may invite PCN leads for their own PCNs and practice managers and link
 *   workers for the practices in them, and may take away someone's access to practices in
 *   their PCNs, but nothing outside them;
 * - acting on an account as a whole (sending its invitation again, which shows a link that
 *   signs in as that person) needs the person's *whole* scope inside the actor's PCNs: seeing
 *   someone because their scope overlaps is not managing them;
 * - nobody else manages anyone.
 */
import { z } from 'zod';
import type { FieldProblem } from '../../npt/submission';
import { LINK_PROBLEMS, checkAccountLink, issueAccountLink, useAccountLink } from './account-links';
import { recordAudit, type AuditEntry } from '../platform/audit';
import { atomically, isUniqueViolation, type DbOrTx } from '../db';
import type { AccountLinkPurpose, UserAccount } from '../db/schema';
import type { Mailer, MailMessage } from '../platform/mail';
import { MAX_PASSWORD_LENGTH, RECOMMENDED_COST, hashPassword, passwordProblem, type ScryptCost } from './passwords';
import { invalidateUserSessions } from './sessions';
import { checkPasswordCounted } from './sign-in';
import { clearSignInAttempt, describeWait, throttleKeys } from './sign-in-throttle';
import {
	DuplicateEmailError,
	ROLES,
	ROLE_NAMES,
	SCOPE_KIND,
	createUser,
	displayNameSchema,
	emailSchema,
	findUserByEmail,
	getScope,
	getUser,
	replaceScope,
	scopeProblem,
	setDisabled,
	setPassword,
	toSignedInUser,
	type Role,
	type Scope,
	type SignedInUser
} from './users';

/** Who manages people: a signed-in user, or the command line that creates the first administrator. */
export type Manager = SignedInUser | { system: string };

export interface Refusal {
	ok: false;
	status: 400 | 401 | 403 | 404 | 409 | 410 | 429 | 503;
	problems: FieldProblem[];
}
export type Outcome<T extends object = object> = ({ ok: true } & T) | Refusal;

function refuse(status: Refusal['status'], message: string, field = 'form'): Refusal {
	return { ok: false, status, problems: [{ field, message }] };
}

const NOT_FOUND = 'We could not find that person.';
const NOT_YOURS = 'This person also has access outside your PCN. Ask an administrator.';


const unique = (ids: readonly number[]) => [...new Set(ids)];

/** Only the part of a scope that the role uses: a form may send both lists whatever role was chosen. */
export function scopeForRole(role: Role, scope: Partial<Scope>): Scope {
	const kind = SCOPE_KIND[role];
	return {
		pcnIds: kind === 'pcn' ? unique(scope.pcnIds ?? []) : [],
		practiceIds: kind === 'practice' ? unique(scope.practiceIds ?? []) : []
	};
}

const ukTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });

/** "14 March 2026 at 10:05", UK time. */
export function formatWhen(instant: Date): string {
	return ukTime.format(instant);
}

// ---------------------------------------------------------------------------------------------
// Who may do what

function isSystem(actor: Manager): actor is { system: string } {
	return 'system' in actor;
}

function isAdmin(actor: Manager): boolean {
	return isSystem(actor) || actor.role === 'admin';
}

/** The roles an actor may give; an empty list means they manage nobody. */
export function grantableRoles(actor: Manager): readonly Role[] {
	if (isAdmin(actor)) return ROLES;
	if ((actor as SignedInUser).role === 'pcn_lead') return ['pcn_lead', 'practice_manager', 'link_worker'];
	return [];
}

const overlaps = (a: readonly number[], b: readonly number[]) => a.some((id) => b.includes(id));

/** Whether a viewer may see (and so learn of) a person with this role and scope. */
export function canSeePerson(viewer: SignedInUser, role: Role, scope: Scope): boolean {
	if (viewer.role === 'admin') return true;
	if (viewer.role !== 'pcn_lead' || role === 'admin') return false;
	return overlaps(scope.pcnIds, viewer.pcnIds) || overlaps(scope.practiceIds, viewer.practiceIds);
}

const within = (a: readonly number[], b: readonly number[]) => a.every((id) => b.includes(id));

/**
 * Whether an actor may act on a person's account as a whole: administrators on anyone; a PCN
 * lead only on someone they can see whose every PCN and practice is inside the lead's PCNs.
 * A pending account shared with another PCN could otherwise be taken over by either lead.
 */
export function canManagePerson(viewer: SignedInUser, role: Role, scope: Scope): boolean {
	if (viewer.role === 'admin') return true;
	return (
		canSeePerson(viewer, role, scope) && within(scope.pcnIds, viewer.pcnIds) && within(scope.practiceIds, viewer.practiceIds)
	);
}

interface Target {
	account: UserAccount;
	scope: Scope;
	/** Whether the viewer may act on the whole account (canManagePerson). */
	manageable: boolean;
}

async function findTarget(db: DbOrTx, viewer: SignedInUser, userId: number): Promise<Target | undefined> {
	const account = await getUser(db, userId);
	if (!account) return undefined;
	const scope = await getScope(db, account.id);
	if (!canSeePerson(viewer, account.role, scope)) return undefined;
	return { account, scope, manageable: canManagePerson(viewer, account.role, scope) };
}

/**
 * Whether the actor may give this role and scope. The scope must already be trimmed to the role
 * (scopeForRole). Unknown organisations are a 400; organisations outside a PCN lead's own a 403.
 */
async function grantProblem(db: DbOrTx, actor: Manager, role: Role, scope: Scope): Promise<Refusal | undefined> {
	if (!grantableRoles(actor).includes(role)) {
		return refuse(
			403,
			role === 'admin'
				? 'Only an administrator can make someone an administrator.'
				: 'You cannot give people this role. Ask an administrator.',
			'role'
		);
	}
	const field = SCOPE_KIND[role] === 'pcn' ? 'pcnIds' : 'practiceIds';
	const problem = scopeProblem(role, scope);
	if (problem) return refuse(400, problem, field);
	const [pcns, practices] = await Promise.all([
		scope.pcnIds.length ? db.selectFrom('pcn').select('id').where('id', 'in', scope.pcnIds).execute() : [],
		scope.practiceIds.length ? db.selectFrom('practice').select('id').where('id', 'in', scope.practiceIds).execute() : []
	]);
	if (pcns.length !== scope.pcnIds.length || practices.length !== scope.practiceIds.length) {
		return refuse(400, 'One of the organisations you chose no longer exists. Choose again from the list.', field);
	}
	if (isAdmin(actor)) return undefined;
	const lead = actor as SignedInUser;
	if (!scope.pcnIds.every((id) => lead.pcnIds.includes(id))) {
		return refuse(403, 'You can only give access to the PCNs you lead.', 'pcnIds');
	}
	if (!scope.practiceIds.every((id) => lead.practiceIds.includes(id))) {
		return refuse(403, 'You can only give access to practices in your PCN.', 'practiceIds');
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading people

export interface OrganisationName {
	id: number;
	odsCode: string;
	name: string;
}

export interface PracticeName extends OrganisationName {
	pcnId: number | null;
}

async function organisationNames(db: DbOrTx, scope: Scope): Promise<{ pcns: OrganisationName[]; practices: PracticeName[] }> {
	const [pcns, practices] = await Promise.all([
		scope.pcnIds.length
			? db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', 'in', scope.pcnIds).orderBy('name').execute()
			: [],
		scope.practiceIds.length
			? db
					.selectFrom('practice')
					.select(['id', 'ods_code', 'name', 'pcn_id'])
					.where('id', 'in', scope.practiceIds)
					.orderBy('name')
					.execute()
			: []
	]);
	return {
		pcns: pcns.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name })),
		practices: practices.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, pcnId: p.pcn_id }))
	};
}

export type PersonStatus = 'active' | 'invited' | 'invitation_expired' | 'switched_off';

export const STATUS_NAMES: Record<PersonStatus, string> = {
	active: 'Active',
	invited: 'Invitation pending',
	invitation_expired: 'Invitation expired',
	switched_off: 'Switched off'
};

/** A person as a particular viewer may see them: scope outside a PCN lead's own is only counted. */
export interface Person {
	id: number;
	email: string;
	displayName: string;
	role: Role;
	roleName: string;
	status: PersonStatus;
	statusName: string;
	/** When the pending invitation stops working, in words; null unless an invitation is pending. */
	invitationExpires: string | null;
	pcns: OrganisationName[];
	practices: PracticeName[];
	/** PCNs or practices in the person's scope that the viewer does not see. */
	elsewhere: number;
	/** Whether the viewer may act on the whole account (send its invitation again). */
	manageable: boolean;
	scopeInWords: string;
	createdOn: string;
	passwordChangedOn: string | null;
	switchedOffOn: string | null;
}

function listInWords(names: readonly string[]): string {
	if (names.length <= 1) return names[0] ?? '';
	return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function scopeInWords(role: Role, pcns: readonly OrganisationName[], practices: readonly OrganisationName[], elsewhere = 0): string {
	const kind = SCOPE_KIND[role];
	if (kind === 'none') return 'All organisations and accounts';
	const shown = (kind === 'pcn' ? pcns : practices).map((o) => o.name);
	const noun = kind === 'pcn' ? 'PCN' : 'practice';
	const other =
		elsewhere === 0
			? []
			: [kind === 'pcn' ? `${elsewhere} other ${elsewhere === 1 ? 'PCN' : 'PCNs'}` : `${elsewhere} ${elsewhere === 1 ? 'practice' : 'practices'} in other PCNs`];
	if (shown.length + other.length === 0) return `No ${noun}s`;
	return listInWords([...shown, ...other]);
}

const ukDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' });
const dayOf = (iso: string | null) => (iso ? ukDay.format(new Date(iso)) : null);

/** Status, names and scope for a batch of accounts, trimmed to what the viewer may see. */
async function describePeople(db: DbOrTx, accounts: readonly UserAccount[], viewer: SignedInUser | null, now: Date): Promise<Person[]> {
	if (accounts.length === 0) return [];
	const ids = accounts.map((a) => a.id);
	const [pcnRows, practiceRows, invitations] = await Promise.all([
		db
			.selectFrom('user_pcn')
			.innerJoin('pcn', 'pcn.id', 'user_pcn.pcn_id')
			.select(['user_pcn.user_id', 'pcn.id', 'pcn.ods_code', 'pcn.name'])
			.where('user_pcn.user_id', 'in', ids)
			.orderBy('pcn.name')
			.execute(),
		db
			.selectFrom('user_practice')
			.innerJoin('practice', 'practice.id', 'user_practice.practice_id')
			.select(['user_practice.user_id', 'practice.id', 'practice.ods_code', 'practice.name', 'practice.pcn_id'])
			.where('user_practice.user_id', 'in', ids)
			.orderBy('practice.name')
			.execute(),
		db
			.selectFrom('account_link')
			.select(['user_id', (eb) => eb.fn.max('expires_at').as('expires_at')])
			.where('user_id', 'in', ids)
			.where('purpose', '=', 'invitation')
			.where('used_at', 'is', null)
			.groupBy('user_id')
			.execute()
	]);
	const seesAll = !viewer || viewer.role === 'admin';
	return accounts.map((account) => {
		const allPcns = pcnRows.filter((r) => r.user_id === account.id);
		const allPractices = practiceRows.filter((r) => r.user_id === account.id);
		const pcns = allPcns
			.filter((r) => seesAll || viewer.pcnIds.includes(r.id))
			.map((r) => ({ id: r.id, odsCode: r.ods_code, name: r.name }));
		const practices = allPractices
			.filter((r) => seesAll || viewer.practiceIds.includes(r.id))
			.map((r) => ({ id: r.id, odsCode: r.ods_code, name: r.name, pcnId: r.pcn_id }));
		const elsewhere = allPcns.length - pcns.length + (allPractices.length - practices.length);
		const invitationEnds = invitations.find((i) => i.user_id === account.id)?.expires_at;
		let status: PersonStatus = 'active';
		if (account.disabled_at) status = 'switched_off';
		else if (!account.password_hash) status = invitationEnds && new Date(invitationEnds) > now ? 'invited' : 'invitation_expired';
		return {
			id: account.id,
			email: account.email,
			displayName: account.display_name,
			role: account.role,
			roleName: ROLE_NAMES[account.role],
			status,
			statusName: STATUS_NAMES[status],
			invitationExpires: status === 'invited' && invitationEnds ? formatWhen(new Date(invitationEnds)) : null,
			pcns,
			practices,
			elsewhere,
			manageable:
				seesAll ||
				canManagePerson(viewer, account.role, { pcnIds: allPcns.map((r) => r.id), practiceIds: allPractices.map((r) => r.id) }),
			scopeInWords: scopeInWords(account.role, pcns, practices, elsewhere),
			createdOn: dayOf(account.created_at)!,
			passwordChangedOn: dayOf(account.password_changed_at),
			switchedOffOn: dayOf(account.disabled_at)
		};
	});
}

const byName = (a: Person, b: Person) =>
	a.displayName.localeCompare(b.displayName, 'en-GB', { sensitivity: 'base' }) || a.email.localeCompare(b.email);

/** Administrators see everyone; a PCN lead sees the people whose scope touches their PCNs, never administrators. */
export async function listPeopleFor(db: DbOrTx, viewer: SignedInUser, now: Date = new Date()): Promise<Person[]> {
	let accounts: UserAccount[];
	if (viewer.role === 'admin') {
		accounts = await db.selectFrom('user_account').selectAll().execute();
	} else if (viewer.role === 'pcn_lead' && viewer.pcnIds.length) {
		const inPcns = db.selectFrom('user_pcn').select('user_id').where('pcn_id', 'in', viewer.pcnIds);
		const inPractices = viewer.practiceIds.length
			? db.selectFrom('user_practice').select('user_id').where('practice_id', 'in', viewer.practiceIds)
			: undefined;
		accounts = await db
			.selectFrom('user_account')
			.selectAll()
			.where('role', '!=', 'admin')
			.where((eb) => (inPractices ? eb.or([eb('id', 'in', inPcns), eb('id', 'in', inPractices)]) : eb('id', 'in', inPcns)))
			.execute();
	} else {
		return [];
	}
	return (await describePeople(db, accounts, viewer, now)).sort(byName);
}

/** One person, or undefined when they do not exist or the viewer may not see them (both become a 404). */
export async function getPersonFor(db: DbOrTx, viewer: SignedInUser, userId: number, now: Date = new Date()): Promise<Person | undefined> {
	const target = await findTarget(db, viewer, userId);
	if (!target) return undefined;
	return (await describePeople(db, [target.account], viewer, now))[0];
}

export interface PracticeGroup {
	/** Null for practices that are not in any PCN. */
	pcn: OrganisationName | null;
	practices: PracticeName[];
}

export interface GrantableChoices {
	roles: { value: Role; label: string }[];
	pcns: OrganisationName[];
	practiceGroups: PracticeGroup[];
}

/** The roles, PCNs and practices an actor may give someone: the options an invitation form offers. */
export async function listGrantableChoices(db: DbOrTx, actor: Manager): Promise<GrantableChoices> {
	const roles = grantableRoles(actor).map((value) => ({ value, label: ROLE_NAMES[value] }));
	if (roles.length === 0) return { roles, pcns: [], practiceGroups: [] };
	let pcnQuery = db.selectFrom('pcn').select(['id', 'ods_code', 'name']).orderBy('name');
	let practiceQuery = db.selectFrom('practice').select(['id', 'ods_code', 'name', 'pcn_id']).orderBy('name');
	if (!isAdmin(actor)) {
		const lead = actor as SignedInUser;
		if (lead.pcnIds.length === 0) return { roles, pcns: [], practiceGroups: [] };
		pcnQuery = pcnQuery.where('id', 'in', lead.pcnIds);
		practiceQuery = practiceQuery.where('pcn_id', 'in', lead.pcnIds);
	}
	const [pcnRows, practiceRows] = await Promise.all([pcnQuery.execute(), practiceQuery.execute()]);
	const pcns = pcnRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name }));
	const practices = practiceRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, pcnId: p.pcn_id }));
	const practiceGroups: PracticeGroup[] = pcns
		.map((pcn) => ({ pcn, practices: practices.filter((p) => p.pcnId === pcn.id) }))
		.filter((group) => group.practices.length > 0);
	const unattached = practices.filter((p) => p.pcnId === null || !pcns.some((pcn) => pcn.id === p.pcnId));
	if (unattached.length) practiceGroups.push({ pcn: null, practices: unattached });
	return { roles, pcns, practiceGroups };
}

/** The names of what a signed-in user can see, for their account page. */
export async function describeAccess(db: DbOrTx, user: SignedInUser): Promise<{ pcns: OrganisationName[]; practices: PracticeName[] }> {
	return organisationNames(db, { pcnIds: user.pcnIds, practiceIds: user.practiceIds });
}

// ---------------------------------------------------------------------------------------------
// Links that are shown once and mailed

export interface LinkOptions {
	/** The address people use, for the absolute link: config.origin, or the request's own origin. */
	origin: string;
	/** Null when nobody is to be mailed (the command line prints the link instead). */
	mailer: Mailer | null;
	now?: Date;
}

export interface SentLink {
	url: string;
	expiresAt: Date;
	/** Whether the mailer accepted the message; the link is shown on screen either way. */
	mailed: boolean;
}

async function deliver(mailer: Mailer | null, message: MailMessage): Promise<boolean> {
	if (!mailer) return false;
	try {
		await mailer.send(message);
		return true;
	} catch (error) {
		// The link is on the screen of the person who asked for it, so a mail failure is not fatal.
		console.error(`Could not send mail to ${message.to}: ${(error as Error).message}`);
		return false;
	}
}

const ROLE_WITH_ARTICLE: Record<Role, string> = {
	admin: 'an administrator',
	pcn_lead: 'a PCN lead',
	practice_manager: 'a practice manager',
	link_worker: 'a link worker'
};

function linkMessage(purpose: AccountLinkPurpose, user: UserAccount, url: string, expiresAt: Date, from: string): MailMessage {
	const until = formatWhen(expiresAt);
	const ignore = 'If you were not expecting this message, you can ignore it: nothing changes unless the link is used.';
	if (purpose === 'invitation') {
		return {
			to: user.email,
			subject: 'You are invited to Belonging',
			text: [
				`Hello ${user.display_name},`,
				'',
				`${from} has invited you to Belonging as ${ROLE_WITH_ARTICLE[user.role]}.`,
				'Belonging helps GP practices see how well their link worker is embedded in the team.',
				'',
				`Open this link to choose your password. It works once, until ${until}:`,
				url,
				'',
				ignore
			].join('\n')
		};
	}
	return {
		to: user.email,
		subject: 'Reset your Belonging password',
		text: [
			`Hello ${user.display_name},`,
			'',
			'Someone asked to reset the password for your Belonging account.',
			`Open this link to choose a new password. It works once, until ${until}:`,
			url,
			'',
			ignore
		].join('\n')
	};
}

const nameOf = (actor: Manager) => (isSystem(actor) ? 'A Belonging administrator' : actor.displayName);
const personLabel = (user: Pick<UserAccount, 'display_name' | 'email'>) => `${user.display_name} (${user.email})`;

/** The practice or PCN an audit entry is about, when the scope names exactly one. */
function auditPlace(scope: Scope): Pick<AuditEntry, 'practiceId' | 'pcnId'> {
	return {
		practiceId: scope.practiceIds.length === 1 ? scope.practiceIds[0] : null,
		pcnId: scope.pcnIds.length === 1 ? scope.pcnIds[0] : null
	};
}

export interface NewPerson {
	email: string;
	displayName: string;
	role: Role;
	scope: Partial<Scope>;
}

/**
 * Creates an account without a password, with its scope and a 7-day invitation link; mails the
 * link and returns it so the page can show it once.
 */
export async function inviteUser(
	db: DbOrTx,
	inviter: Manager,
	input: NewPerson,
	options: LinkOptions
): Promise<Outcome<{ user: UserAccount; link: SentLink }>> {
	const now = options.now ?? new Date();
	const email = emailSchema.safeParse(input.email);
	if (!email.success) return refuse(400, email.error.issues[0]!.message, 'email');
	const displayName = displayNameSchema.safeParse(input.displayName);
	if (!displayName.success) return refuse(400, displayName.error.issues[0]!.message, 'displayName');
	const scope = scopeForRole(input.role, input.scope);
	const refusal = await grantProblem(db, inviter, input.role, scope);
	if (refusal) return refusal;
	const duplicate = refuse(409, new DuplicateEmailError().message, 'email');
	if (await findUserByEmail(db, email.data)) return duplicate;
	const names = await organisationNames(db, scope);
	let created;
	try {
		created = await atomically(db, async (tx) => {
			const user = await createUser(tx, { email: email.data, displayName: displayName.data, role: input.role, scope }, now);
			const link = await issueAccountLink(tx, user.id, 'invitation', isSystem(inviter) ? null : inviter.id, now);
			await recordAudit(
				tx,
				inviter,
				{
					action: 'invitation_issued',
					summary: `Invited ${personLabel(user)} as ${ROLE_NAMES[user.role]}: ${scopeInWords(user.role, names.pcns, names.practices)}`,
					...auditPlace(scope)
				},
				now
			);
			return { user, link };
		});
	} catch (error) {
		// Two invitations for the same address at once: the unique index lets only one through.
		if (error instanceof DuplicateEmailError || isUniqueViolation(error, 'user_account', 'email')) return duplicate;
		throw error;
	}
	const url = `${options.origin}${created.link.path}`;
	const mailed = await deliver(options.mailer, linkMessage('invitation', created.user, url, created.link.expiresAt, nameOf(inviter)));
	return { ok: true, user: created.user, link: { url, expiresAt: created.link.expiresAt, mailed } };
}

/** A fresh invitation for someone who has not chosen a password yet; the old link stops working. */
export async function reissueInvitation(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	options: LinkOptions
): Promise<Outcome<{ user: UserAccount; link: SentLink }>> {
	const now = options.now ?? new Date();
	if (grantableRoles(actor).length === 0) return refuse(403, 'You cannot send invitations.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	const { account } = target;
	if (!target.manageable) {
		return refuse(
			403,
			`${account.display_name} also has access outside your PCN, so only an administrator can send their invitation again.`
		);
	}
	if (account.password_hash) {
		return refuse(409, `${account.display_name} has already accepted their invitation, so there is nothing to send again.`);
	}
	if (account.disabled_at) {
		return refuse(
			409,
			actor.role === 'admin'
				? `${account.display_name}’s account is switched off. Switch it on before sending the invitation again.`
				: `${account.display_name}’s account is switched off. Ask an administrator if they need access again.`
		);
	}
	const link = await atomically(db, async (tx) => {
		const issued = await issueAccountLink(tx, account.id, 'invitation', actor.id, now);
		await recordAudit(tx, actor, { action: 'invitation_issued', summary: `Sent a new invitation to ${personLabel(account)}` }, now);
		return issued;
	});
	const url = `${options.origin}${link.path}`;
	const mailed = await deliver(options.mailer, linkMessage('invitation', account, url, link.expiresAt, actor.displayName));
	return { ok: true, user: account, link: { url, expiresAt: link.expiresAt, mailed } };
}

/** An administrator's one-hour reset link for someone who has a password; shown once and mailed. */
export async function issuePasswordReset(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	options: LinkOptions
): Promise<Outcome<{ user: UserAccount; link: SentLink }>> {
	const now = options.now ?? new Date();
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can issue a password reset link.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	const { account } = target;
	if (account.disabled_at) return refuse(409, `${account.display_name}’s account is switched off. Switch it on first.`);
	if (!account.password_hash) {
		return refuse(409, `${account.display_name} has not chosen a password yet. Send their invitation again instead.`);
	}
	const link = await atomically(db, async (tx) => {
		const issued = await issueAccountLink(tx, account.id, 'password_reset', actor.id, now);
		await recordAudit(tx, actor, { action: 'password_reset_issued', summary: `Issued a password reset link for ${personLabel(account)}` }, now);
		return issued;
	});
	const url = `${options.origin}${link.path}`;
	const mailed = await deliver(options.mailer, linkMessage('password_reset', account, url, link.expiresAt, actor.displayName));
	return { ok: true, user: account, link: { url, expiresAt: link.expiresAt, mailed } };
}

/** Reset links the forgotten-password form may send for one account in an hour. */
export const MAX_RESET_REQUESTS_PER_HOUR = 3;
const RESET_REQUEST_WINDOW_MS = 60 * 60 * 1000;
export const RESET_REQUEST_ACTOR = 'forgotten password form';

/**
 * The forgotten-password form. Mails a reset link only to an active account that has a password,
 * at most three an hour, and tells the caller nothing: the page gives the same answer whatever
 * happened, so it cannot be used to learn who has an account.
 */
export async function requestPasswordReset(db: DbOrTx, email: string, options: LinkOptions): Promise<void> {
	const now = options.now ?? new Date();
	const account = await findUserByEmail(db, email);
	if (!account || !account.password_hash || account.disabled_at) return;
	// The audit log already records every link this form issues, so it doubles as the counter.
	const recent = await db
		.selectFrom('audit_event')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('action', '=', 'password_reset_issued')
		.where('actor_user_id', 'is', null)
		.where('actor_label', '=', RESET_REQUEST_ACTOR)
		.where('summary', '=', resetRequestSummary(account))
		.where('occurred_at', '>', new Date(now.getTime() - RESET_REQUEST_WINDOW_MS).toISOString())
		.executeTakeFirstOrThrow();
	if (Number(recent.n) >= MAX_RESET_REQUESTS_PER_HOUR) return;
	const link = await atomically(db, async (tx) => {
		const issued = await issueAccountLink(tx, account.id, 'password_reset', null, now);
		await recordAudit(tx, { anonymous: RESET_REQUEST_ACTOR }, { action: 'password_reset_issued', summary: resetRequestSummary(account) }, now);
		return issued;
	});
	await deliver(options.mailer, linkMessage('password_reset', account, `${options.origin}${link.path}`, link.expiresAt, ''));
}

/** Names the account by email alone, which does not change, because the hourly count matches on it. */
function resetRequestSummary(account: Pick<UserAccount, 'email'>): string {
	return `Sent a password reset link to ${account.email}`;
}

// ---------------------------------------------------------------------------------------------
// Choosing a password

/** The new-password fields every password form shares: the password, typed twice. */
export const newPasswordSchema = z
	.object({
		password: z
			.string()
			.min(1, 'Enter a password')
			.max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`),
		confirm: z.string().min(1, 'Type the password again')
	})
	.refine((form) => form.password === form.confirm, {
		message: 'The two passwords are not the same. Type the same password in both boxes.',
		path: ['confirm']
	});

export interface PasswordOptions {
	now?: Date;
	/** Tests pass a cheaper cost; real hashes use the recommended one. */
	cost?: ScryptCost;
}

const LINK_STATUS = { unknown: 404, used: 410, expired: 410 } as const;

/** Looks a link up for its page: who it is for, or why it cannot be used (with the status to answer). */
export async function lookUpAccountLink(
	db: DbOrTx,
	token: string,
	purpose: AccountLinkPurpose,
	now: Date = new Date()
): Promise<Outcome<{ displayName: string; email: string; roleName: string; expires: string }>> {
	const check = await checkAccountLink(db, token, purpose, now);
	if (!check.ok) return refuse(LINK_STATUS[check.reason], LINK_PROBLEMS[check.reason]);
	return {
		ok: true,
		displayName: check.user.display_name,
		email: check.user.email,
		roleName: ROLE_NAMES[check.user.role],
		expires: formatWhen(check.expiresAt)
	};
}

async function setPasswordWithLink(
	db: DbOrTx,
	token: string,
	purpose: AccountLinkPurpose,
	password: string,
	options: PasswordOptions
): Promise<Outcome<{ user: SignedInUser; issuedByAdmin: boolean }>> {
	const now = options.now ?? new Date();
	const check = await checkAccountLink(db, token, purpose, now);
	if (!check.ok) return refuse(LINK_STATUS[check.reason], LINK_PROBLEMS[check.reason]);
	const problem = passwordProblem(password, [check.user.email, check.user.display_name]);
	if (problem) return refuse(400, problem, 'password');
	// Hashed before the transaction: scrypt takes a while and must not hold the database.
	const hash = await hashPassword(password, options.cost ?? RECOMMENDED_COST);
	const done = await atomically(db, async (tx) => {
		// Of two uses of one link at the same moment, only one gets past this line.
		if (!(await useAccountLink(tx, token, purpose, now))) return false;
		await setPassword(tx, check.user.id, hash, now);
		if (purpose === 'password_reset' && check.createdBy !== null) {
			await tx
				.updateTable('user_account')
				.set({ admin_reset_notice: await adminResetNotice(tx, check.createdBy, check.createdAt, now), admin_reset_session: null })
				.where('id', '=', check.user.id)
				.execute();
		}
		const user = await toSignedInUser(tx, (await getUser(tx, check.user.id))!);
		await recordAudit(
			tx,
			user,
			purpose === 'invitation'
				? { action: 'invitation_accepted', summary: 'Accepted the invitation and chose a password' }
				: { action: 'password_reset', summary: 'Chose a new password with a reset link' },
			now
		);
		return user;
	});
	if (!done) return refuse(410, LINK_PROBLEMS.used);
	return { ok: true, user: done, issuedByAdmin: purpose === 'password_reset' && check.createdBy !== null };
}

/** What the person is told after an administrator's reset link was used on their account. */
async function adminResetNotice(db: DbOrTx, adminId: number, issuedAt: Date, usedAt: Date): Promise<string> {
	const admin = await getUser(db, adminId);
	const who = admin ? `${admin.display_name} (${admin.email}), an administrator,` : 'An administrator';
	return `${who} created a password reset link for your account on ${formatWhen(issuedAt)}, and it was used to choose a new password on ${formatWhen(usedAt)}.`;
}

/** The session a reset link opened is not told of the reset it made. */
export async function excludeFromAdminResetNotice(db: DbOrTx, userId: number, sessionId: string): Promise<void> {
	await db.updateTable('user_account').set({ admin_reset_session: sessionId }).where('id', '=', userId).execute();
}

/** The person has read the notice. */
export async function dismissAdminResetNotice(db: DbOrTx, user: SignedInUser, now: Date = new Date()): Promise<void> {
	await atomically(db, async (tx) => {
		const cleared = await tx
			.updateTable('user_account')
			.set({ admin_reset_notice: null, admin_reset_session: null })
			.where('id', '=', user.id)
			.where('admin_reset_notice', 'is not', null)
			.executeTakeFirst();
		if (Number(cleared.numUpdatedRows) === 1) {
			await recordAudit(tx, user, { action: 'admin_reset_acknowledged', summary: 'Read that an administrator had reset their password' }, now);
		}
	});
}

/** Sets the first password with an invitation link; the caller signs the person in. */
export function acceptInvitation(db: DbOrTx, token: string, password: string, options: PasswordOptions = {}) {
	return setPasswordWithLink(db, token, 'invitation', password, options);
}

/** Sets a new password with a reset link, ending every session the account had. */
export function resetPassword(db: DbOrTx, token: string, password: string, options: PasswordOptions = {}) {
	return setPasswordWithLink(db, token, 'password_reset', password, options);
}

/**
 * A signed-in person changes their own password. The current one is checked first, and wrong
 * guesses count towards the sign-in limit, so a session left open cannot be used to guess it.
 * Every session ends, including this one: the caller starts a new one for this browser.
 */
export async function changePassword(
	db: DbOrTx,
	user: SignedInUser,
	input: { current: string; password: string },
	options: PasswordOptions & { clientAddress: string }
): Promise<Outcome> {
	const now = options.now ?? new Date();
	const account = await getUser(db, user.id);
	// Counted like a sign-in, so a session left open cannot be used to guess the password.
	const check = await checkPasswordCounted(db, throttleKeys(user.email, options.clientAddress), account?.password_hash, input.current, now);
	if (check.outcome === 'throttled') {
		return refuse(429, `Too many wrong passwords. Wait ${describeWait(check.retryAfterSeconds)} and try again.`, 'current');
	}
	if (check.outcome === 'busy') return refuse(503, 'Belonging is busy checking other passwords. Wait a few seconds and try again.', 'current');
	if (!account || !check.matches) return refuse(401, 'Your current password is not right.', 'current');
	// The current password was right: this attempt is not a guess.
	await clearSignInAttempt(db, check.attempt);
	if (input.password === input.current) return refuse(400, 'Choose a password that is different from your current one.', 'password');
	const problem = passwordProblem(input.password, [account.email, account.display_name]);
	if (problem) return refuse(400, problem, 'password');
	const hash = await hashPassword(input.password, options.cost ?? RECOMMENDED_COST);
	await atomically(db, async (tx) => {
		await setPassword(tx, account.id, hash, now);
		await recordAudit(tx, user, { action: 'password_changed', summary: 'Changed their own password; every session ended' }, now);
	});
	return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Changing people

export interface PersonChanges {
	displayName: string;
	role: Role;
	scope: Partial<Scope>;
}

const sameIds = (a: readonly number[], b: readonly number[]) =>
	a.length === b.length && [...a].sort((x, y) => x - y).every((id, i) => id === [...b].sort((x, y) => x - y)[i]);

/** An administrator changes someone's name, role and scope. */
export async function updateUser(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	changes: PersonChanges,
	now: Date = new Date()
): Promise<Outcome> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can change someone’s details or role.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	const { account } = target;
	const displayName = displayNameSchema.safeParse(changes.displayName);
	if (!displayName.success) return refuse(400, displayName.error.issues[0]!.message, 'displayName');
	if (account.id === actor.id && changes.role !== account.role) {
		return refuse(400, 'You cannot change your own role. Ask another administrator to do it.', 'role');
	}
	const scope = scopeForRole(changes.role, changes.scope);
	const refusal = await grantProblem(db, actor, changes.role, scope);
	if (refusal) return refusal;
	const scopeChanged = !sameIds(scope.pcnIds, target.scope.pcnIds) || !sameIds(scope.practiceIds, target.scope.practiceIds);
	const names = await organisationNames(db, scope);
	await atomically(db, async (tx) => {
		const details: string[] = [];
		if (displayName.data !== account.display_name) details.push(`name from “${account.display_name}” to “${displayName.data}”`);
		if (changes.role !== account.role) details.push(`role from ${ROLE_NAMES[account.role]} to ${ROLE_NAMES[changes.role]}`);
		if (details.length) {
			await tx
				.updateTable('user_account')
				.set({ display_name: displayName.data, role: changes.role })
				.where('id', '=', account.id)
				.execute();
			await recordAudit(tx, actor, { action: 'user_changed', summary: `Changed ${account.email}: ${details.join('; ')}` }, now);
		}
		if (scopeChanged) {
			await replaceScope(tx, account.id, scope);
			await recordAudit(
				tx,
				actor,
				{
					action: 'scope_changed',
					summary: `${personLabel(account)} can now see: ${scopeInWords(changes.role, names.pcns, names.practices)}`,
					...auditPlace(scope)
				},
				now
			);
		}
	});
	return { ok: true };
}

async function switchAccount(db: DbOrTx, actor: SignedInUser, userId: number, off: boolean, now: Date): Promise<Outcome> {
	if (actor.role !== 'admin') return refuse(403, 'Only an administrator can switch accounts off or on.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	if (!target.manageable) return refuse(403, NOT_YOURS);
	const { account } = target;
	if (off && account.id === actor.id) return refuse(400, 'You cannot switch off your own account. Ask another administrator.');
	if (Boolean(account.disabled_at) === off) return { ok: true };
	await atomically(db, async (tx) => {
		await setDisabled(tx, account.id, off, now);
		await recordAudit(
			tx,
			actor,
			off
				? { action: 'user_disabled', summary: `Switched off ${personLabel(account)}; their sessions ended` }
				: { action: 'user_enabled', summary: `Switched on ${personLabel(account)}` },
			now
		);
	});
	return { ok: true };
}

/** Switches an account off: the person is signed out everywhere and cannot sign in or use a link. */
export function disableUser(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	return switchAccount(db, actor, userId, true, now);
}

export function enableUser(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	return switchAccount(db, actor, userId, false, now);
}

/** Ends every session of an account: anyone may do it to their own, administrators to anyone's. */
export async function signOutEverywhere(db: DbOrTx, actor: SignedInUser, userId: number, now: Date = new Date()): Promise<Outcome> {
	if (actor.id !== userId && actor.role !== 'admin') return refuse(403, 'Only an administrator can sign someone else out.');
	const found = actor.id === userId ? undefined : await findTarget(db, actor, userId);
	if (found && !found.manageable) return refuse(403, NOT_YOURS);
	const target = actor.id === userId ? await getUser(db, userId) : found?.account;
	if (!target) return refuse(404, NOT_FOUND);
	await atomically(db, async (tx) => {
		await invalidateUserSessions(tx, target.id);
		await recordAudit(
			tx,
			actor,
			{
				action: 'sign_out_everywhere',
				summary: actor.id === userId ? 'Signed out on every device' : `Signed ${personLabel(target)} out on every device`
			},
			now
		);
	});
	return { ok: true };
}

/**
 * Takes away someone's access to some practices. A PCN lead may only take away practices in
 * their own PCNs, from practice managers and link workers; the rest of the person's scope is
 * left exactly as it was. Someone left with no practices at all can no longer use a pending
 * invitation either.
 */
export async function removePracticeAccess(
	db: DbOrTx,
	actor: SignedInUser,
	userId: number,
	practiceIds: readonly number[],
	now: Date = new Date()
): Promise<Outcome<{ practicesLeft: number }>> {
	if (grantableRoles(actor).length === 0) return refuse(403, 'You cannot change who can see a practice.');
	const target = await findTarget(db, actor, userId);
	if (!target) return refuse(404, NOT_FOUND);
	const { account, scope } = target;
	if (SCOPE_KIND[account.role] !== 'practice') {
		return refuse(400, 'Only practice managers and link workers are given practices. Ask an administrator to change anything else.');
	}
	const removable = actor.role === 'admin' ? scope.practiceIds : scope.practiceIds.filter((id) => actor.practiceIds.includes(id));
	const chosen = unique(practiceIds);
	if (chosen.length === 0) return refuse(400, 'Choose at least one practice to remove.', 'practiceIds');
	if (!chosen.every((id) => removable.includes(id))) {
		return refuse(403, 'You can only remove access to practices in your PCN.', 'practiceIds');
	}
	const remaining = scope.practiceIds.filter((id) => !chosen.includes(id));
	const names = await organisationNames(db, { pcnIds: [], practiceIds: chosen });
	await atomically(db, async (tx) => {
		await replaceScope(tx, account.id, { pcnIds: [], practiceIds: remaining });
		if (remaining.length === 0) {
			await tx.deleteFrom('account_link').where('user_id', '=', account.id).where('used_at', 'is', null).execute();
		}
		await recordAudit(
			tx,
			actor,
			{
				action: 'scope_changed',
				summary: `Removed ${personLabel(account)}’s access to ${listInWords(names.practices.map((p) => p.name))}`,
				practiceId: chosen.length === 1 ? chosen[0] : null
			},
			now
		);
	});
	return { ok: true, practicesLeft: remaining.length };
}
