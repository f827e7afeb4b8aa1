/**
 * Links that are shown once and mailed: invitations, sending them again, and password resets,
 * whether an administrator issues them or the person asks on the forgotten-password form.
 */
import { formatWhen } from '../../dates';
import { issueAccountLink } from './account-links';
import { recordAudit, type Actor, type AuditEntry } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { atomically, isUniqueViolation, lockFor, type DbOrTx } from '../db';
import type { AccountLinkPurpose, UserAccount } from '../db/schema';
import type { MailMessage } from '../mail/mailer';
import { composeMail, type MailBlock } from '../mail/compose';
import { enqueueMail } from '../mail/outbox';
import { DuplicateEmailError, createUser, displayNameSchema, emailSchema, findUserByEmail, type Scope } from './users';
import { ROLE_NAMES, SCOPE_KIND, type Role, type SignedInUser } from '../identity';
import {
	type Manager,
	NOT_FOUND,
	NOT_YOURS,
	scopeForRole,
	grantableRoles,
	findTarget,
	grantProblem,
	yourArea,
	nameOf,
	personLabel,
	auditPlace
} from './people-rules';
import { organisationNames, SCOPE_NAMED, scopeInWords, type ScopeNames } from './people-list';

export interface LinkOptions {
	/** The address people use, for the absolute link: config.origin, or the request's own origin. */
	origin: string;
	/** Whether to mail the link too (through the outbox); the command line prints it instead. */
	mail: boolean;
	now?: Date;
}

export interface SentLink {
	url: string;
	expiresAt: Date;
	/** Whether a copy went into the outbox; the link is shown on screen either way. */
	mailed: boolean;
}

const ROLE_WITH_ARTICLE: Record<Role, string> = {
	admin: 'an administrator',
	icb_lead: 'an ICB lead',
	pcn_lead: 'a PCN lead',
	practice_manager: 'a practice manager',
	link_worker: 'a link worker'
};

const IGNORE = 'If you were not expecting this mail, you can ignore it: nothing changes unless the link is used.';

const PLACE_NOUNS = { icb: ['ICB', 'ICBs'], pcn: ['PCN', 'PCNs'], practice: ['practice', 'practices'] } as const;

/**
 * What the invitation says the person will see: the organisations of their own scope, and nothing
 * of anyone else's. A long list is cut at SCOPE_NAMED, with a count of the rest.
 */
function invitedTo(role: Role, names: ScopeNames): MailBlock[] {
	const kind = SCOPE_KIND[role];
	if (kind === 'none') return [{ paragraph: 'As an administrator you look after the accounts and organisations of the whole service.' }];
	const all = (kind === 'icb' ? names.icbs : kind === 'pcn' ? names.pcns : names.practices).map((o) => o.name);
	const [one, many] = PLACE_NOUNS[kind];
	if (all.length === 0) return [{ paragraph: `No ${many} have been added to your account yet: whoever invited you can add them.` }];
	if (all.length === 1) return [{ paragraph: `Your account is for the ${one} ${all[0]}.` }];
	const shown = all.slice(0, SCOPE_NAMED);
	const more = all.length - shown.length;
	return [
		{ paragraph: `Your account is for these ${many}:` },
		{ list: more === 0 ? shown : [...shown, `and ${more.toLocaleString('en-GB')} more`] }
	];
}

/** The invitation: who invited them, as what, to which practices or PCNs, and the link to choose a password. */
export function invitationMessage(user: UserAccount, names: ScopeNames, url: string, expiresAt: Date, from: string): MailMessage {
	return composeMail({
		to: user.email,
		subject: 'You are invited to Belonging',
		greeting: `Hello ${user.display_name},`,
		body: [
			{ paragraph: `${from} has invited you to Belonging as ${ROLE_WITH_ARTICLE[user.role]}.` },
			...invitedTo(user.role, names),
			{ paragraph: 'Belonging helps GP practices see how well their link worker is embedded in the team.' },
			{ link: { label: `Choose your password (the link works once, until ${formatWhen(expiresAt)})`, url } },
			{ paragraph: IGNORE }
		],
		reason: `You are getting this mail because ${from} entered your address to give you an account.`
	});
}

export function passwordResetMessage(user: UserAccount, url: string, expiresAt: Date): MailMessage {
	return composeMail({
		to: user.email,
		subject: 'Reset your Belonging password',
		greeting: `Hello ${user.display_name},`,
		body: [
			{ paragraph: 'Someone asked to reset the password for your Belonging account.' },
			{ link: { label: `Choose a new password (the link works once, until ${formatWhen(expiresAt)})`, url } },
			{ paragraph: IGNORE }
		],
		reason: 'You are getting this mail because a new password was asked for on your Belonging account.'
	});
}

/** What one link is for, who gives it, how the audit log records it and the mail that carries it. */
interface LinkToSend {
	account: UserAccount;
	purpose: AccountLinkPurpose;
	actor: Actor;
	audit: AuditEntry;
	message: (url: string, expiresAt: Date) => MailMessage;
}

/**
 * Issues a single-use link (any earlier one of its kind stops working), records it in the audit
 * log and puts its mail in the outbox when mail is wanted, all in the caller's transaction: the
 * link, its entry and its mail are made together or not at all.
 */
async function sendAccountLink(tx: DbOrTx, link: LinkToSend, options: LinkOptions, now: Date): Promise<SentLink> {
	const issued = await issueAccountLink(tx, link.account.id, link.purpose, 'id' in link.actor ? link.actor.id : null, now);
	await recordAudit(tx, link.actor, link.audit, now);
	const url = `${options.origin}${issued.path}`;
	if (options.mail) await enqueueMail(tx, link.purpose, link.message(url, issued.expiresAt), now);
	return { url, expiresAt: issued.expiresAt, mailed: options.mail };
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
			const audit = {
				action: 'invitation_issued' as const,
				summary: `Invited ${personLabel(user)} as ${ROLE_NAMES[user.role]}: ${scopeInWords(user.role, names)}`,
				...auditPlace(scope)
			};
			const message = (url: string, expiresAt: Date) => invitationMessage(user, names, url, expiresAt, nameOf(inviter));
			const link = await sendAccountLink(tx, { account: user, purpose: 'invitation', actor: inviter, audit, message }, options, now);
			return { user, link };
		});
	} catch (error) {
		// Two invitations for the same address at once: the unique index lets only one through.
		if (error instanceof DuplicateEmailError || isUniqueViolation(error, 'user_account', 'email')) return duplicate;
		throw error;
	}
	return { ok: true, user: created.user, link: created.link };
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
			`${account.display_name} also has access outside ${yourArea(actor)}, so only an administrator can send their invitation again.`
		);
	}
	if (account.accepted_at) {
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
	const names = await organisationNames(db, target.scope);
	const link = await atomically(db, (tx) =>
		sendAccountLink(
			tx,
			{
				account,
				purpose: 'invitation',
				actor,
				audit: { action: 'invitation_issued', summary: `Sent a new invitation to ${personLabel(account)}` },
				message: (url, expiresAt) => invitationMessage(account, names, url, expiresAt, actor.displayName)
			},
			options,
			now
		)
	);
	return { ok: true, user: account, link };
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
	if (account.sso_required_at) {
		return refuse(409, `${account.display_name} signs in through single sign-on only, so there is no password to reset.`);
	}
	// Someone who accepted through single sign-on has no password yet: the link lets them choose one.
	if (!account.accepted_at) {
		return refuse(409, `${account.display_name} has not accepted their invitation yet. Send their invitation again instead.`);
	}
	const link = await atomically(db, (tx) =>
		sendAccountLink(
			tx,
			{
				account,
				purpose: 'password_reset',
				actor,
				audit: { action: 'password_reset_issued', summary: `Issued a password reset link for ${personLabel(account)}` },
				message: (url, expiresAt) => passwordResetMessage(account, url, expiresAt)
			},
			options,
			now
		)
	);
	return { ok: true, user: account, link };
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
	if (!account || !account.password_hash || account.disabled_at || account.sso_required_at) return;
	// The audit log already records every link this form issues, so it doubles as the counter.
	// Counted and written in one transaction holding the account's lock, so requests at once (on
	// one instance or several) cannot all pass the count before any is recorded.
	await atomically(db, async (tx) => {
		await lockFor(tx, `password-reset:${account.id}`);
		const recent = await tx
			.selectFrom('audit_event')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('action', '=', 'password_reset_issued')
			.where('actor_user_id', 'is', null)
			.where('actor_label', '=', RESET_REQUEST_ACTOR)
			.where('summary', '=', resetRequestSummary(account))
			.where('occurred_at', '>', new Date(now.getTime() - RESET_REQUEST_WINDOW_MS).toISOString())
			.executeTakeFirstOrThrow();
		if (Number(recent.n) >= MAX_RESET_REQUESTS_PER_HOUR) return;
		const audit = { action: 'password_reset_issued' as const, summary: resetRequestSummary(account) };
		const message = (url: string, expiresAt: Date) => passwordResetMessage(account, url, expiresAt);
		await sendAccountLink(tx, { account, purpose: 'password_reset', actor: { anonymous: RESET_REQUEST_ACTOR }, audit, message }, options, now);
	});
}

/** Names the account by email alone, which does not change, because the hourly count matches on it. */
function resetRequestSummary(account: Pick<UserAccount, 'email'>): string {
	return `Sent a password reset link to ${account.email}`;
}
