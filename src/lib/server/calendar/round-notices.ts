/**
 * The reminder mails a round sends to the people who run it: who gets them, and what they say.
 *
 * What a notice may say (docs/scoring.md §6): the round's title, practice and dates, its links, and
 * in the progress note the number who have answered, only once it reaches MIN_RESPONSES (below
 * that, only that there are not enough yet). Never a score, a distribution, a comment, or a
 * count of a staff group: for results, the mail says they are ready and links to the dashboard,
 * where the usual disclosure rules apply to whoever signs in.
 */
import { formatDate } from '../../dates';
import { canShow } from '../../npt/disclosure';
import type { RoundNotice } from '../../npt/survey-calendar';
import type { DbOrTx } from '../db';
import { composeMail, type MailBlock } from '../mail/compose';
import type { MailMessage } from '../mail/mailer';
import { wantedByDefault } from '../accounts/mail-preferences';
import { surveyUrl } from '../surveys/sharing';
import type { Role } from '../identity';

export interface NoticeRound {
	id: number;
	title: string;
	opensOn: string;
	closesOn: string;
	staffHeadcount: number | null;
	publicToken: string;
	/** A calendar draft, which opens by itself on its opening date. */
	isCalendarDraft: boolean;
	practice: { id: number; name: string; pcnId: number | null; pcnName: string | null };
}

export interface Recipient {
	email: string;
	displayName: string;
	role: Role;
}

/**
 * The practice's managers, and the leads of its PCN, who have an active account and want this
 * kind of notice (by their own choice, or their role's default).
 */
export async function noticeRecipients(db: DbOrTx, round: NoticeRound, kind: RoundNotice): Promise<Recipient[]> {
	const people = db
		.selectFrom('user_account')
		.leftJoin('mail_preference', (join) => join.onRef('mail_preference.user_id', '=', 'user_account.id').on('mail_preference.kind', '=', kind))
		.select(['user_account.email', 'user_account.display_name', 'user_account.role', 'mail_preference.wanted'])
		.where('user_account.disabled_at', 'is', null)
		.where('user_account.accepted_at', 'is not', null);
	const [managers, leads] = await Promise.all([
		people
			.innerJoin('user_practice', 'user_practice.user_id', 'user_account.id')
			.where('user_practice.practice_id', '=', round.practice.id)
			.where('user_account.role', '=', 'practice_manager')
			.execute(),
		round.practice.pcnId === null
			? Promise.resolve([])
			: people
					.innerJoin('user_pcn', 'user_pcn.user_id', 'user_account.id')
					.where('user_pcn.pcn_id', '=', round.practice.pcnId)
					.where('user_account.role', '=', 'pcn_lead')
					.execute()
	]);
	return [...managers, ...leads]
		.filter((p) => (p.wanted === null ? wantedByDefault(p.role) : p.wanted === 1))
		.map((p) => ({ email: p.email, displayName: p.display_name, role: p.role }))
		.sort((a, b) => a.email.localeCompare(b.email));
}

export interface NoticeFacts {
	/** Responses so far; only its comparison with minResponses is used below MIN_RESPONSES. */
	responses: number;
	minResponses: number;
	origin: string;
}

const SUBJECTS: Record<RoundNotice, (round: NoticeRound) => string> = {
	round_opening_soon: (r) => `${r.practice.name}: “${r.title}” opens on ${formatDate(r.opensOn)}`,
	round_opened: (r) => `${r.practice.name}: “${r.title}” is open`,
	round_progress: (r) => `${r.practice.name}: halfway through “${r.title}”`,
	round_closing_soon: (r) => `${r.practice.name}: “${r.title}” closes on ${formatDate(r.closesOn)}`,
	round_results_ready: (r) => `${r.practice.name}: “${r.title}” has closed`
};

function enoughAnswered(facts: Pick<NoticeFacts, 'responses' | 'minResponses'>): boolean {
	return canShow({ respondents: facts.responses }, { minResponses: facts.minResponses });
}

/** The progress line: a count only once it reaches MIN_RESPONSES. */
export function progressLine(round: Pick<NoticeRound, 'staffHeadcount'>, facts: Pick<NoticeFacts, 'responses' | 'minResponses'>): string {
	if (!enoughAnswered(facts)) {
		return `Not enough staff have answered yet to give a number. A round needs at least ${facts.minResponses} responses before any results can be shown.`;
	}
	const of = round.staffHeadcount === null ? '' : ` of the ${round.staffHeadcount} staff you expect`;
	return `${facts.responses} staff have answered so far${of}.`;
}

function body(kind: RoundNotice, round: NoticeRound, facts: NoticeFacts): MailBlock[] {
	const link = surveyUrl(facts.origin, round.publicToken);
	const roundPage = `${facts.origin}/rounds/${round.id}`;
	const sharePage = `${roundPage}/share`;
	const dates = `from ${formatDate(round.opensOn)} to ${formatDate(round.closesOn)}`;
	const p = (paragraph: string): MailBlock => ({ paragraph });
	const a = (label: string, url: string): MailBlock => ({ link: { label, url } });
	switch (kind) {
		case 'round_opening_soon':
			return [
				p(`The staff survey “${round.title}” for ${round.practice.name} runs ${dates}.`),
				p(
					round.isCalendarDraft
						? 'The survey calendar planned it as a draft, and it opens by itself on its opening day. You can still change its dates or headcount, or delete it, before then.'
						: 'It opens by itself on its opening day.'
				),
				a('The survey, for staff to answer from its opening day', link),
				a('The poster with its QR code, to print or put on a screen', `${roundPage}/poster`),
				p('The round’s sharing page has a message to send to staff.'),
				a('See the round and its poster', sharePage)
			];
		case 'round_opened':
			return [
				p(`The staff survey “${round.title}” for ${round.practice.name} is open until ${formatDate(round.closesOn)}.`),
				a('The survey, for staff to answer', link),
				p('The sharing page has a message ready to paste into an email or your team chat, and the poster.'),
				a('Share the survey', sharePage)
			];
		case 'round_progress':
			return [
				p(`“${round.title}” for ${round.practice.name} is halfway through: it closes on ${formatDate(round.closesOn)}.`),
				p(progressLine(round, facts)),
				p('A reminder from you in a team meeting or message is what brings most answers in.'),
				a('See the round', roundPage)
			];
		case 'round_closing_soon':
			return [
				p(`“${round.title}” for ${round.practice.name} closes on ${formatDate(round.closesOn)}.`),
				p('There is still time for a last reminder to staff who have not answered yet.'),
				a('Share the survey again', sharePage)
			];
		case 'round_results_ready':
			return enoughAnswered(facts)
				? [p(`“${round.title}” for ${round.practice.name} has closed, and its results are ready.`), a('See the results', roundPage)]
				: [
						p(`“${round.title}” for ${round.practice.name} has closed.`),
						p(`Fewer staff answered than the ${facts.minResponses} needed to keep answers anonymous, so it has no results to show.`),
						a('See the round', roundPage)
					];
	}
}

/** Where a person chooses their reminder mails: the footer's link and the List-Unsubscribe address. */
export function reminderSettingsUrl(origin: string): string {
	return `${origin}/account#reminders`;
}

export function noticeMail(kind: RoundNotice, round: NoticeRound, to: Recipient, facts: NoticeFacts): MailMessage {
	const why =
		to.role === 'practice_manager'
			? `You are getting this mail because you are a practice manager for ${round.practice.name} in Belonging.`
			: `You are getting this mail because you lead ${round.practice.pcnName ?? 'the PCN'}, which ${round.practice.name} belongs to, and chose to get round reminders.`;
	return composeMail({
		to: to.email,
		subject: SUBJECTS[kind](round),
		greeting: `Hello ${to.displayName},`,
		body: body(kind, round, facts),
		reason: why,
		stop: { label: 'Choose which reminders you get, or stop them', url: reminderSettingsUrl(facts.origin) }
	});
}
