/** What each mail is about: the outbox records it, the admin page and the audit log name it. */
export const ROUND_NOTICES = {
	round_opening_soon: 'A week before a round opens',
	round_opened: 'When a round opens',
	round_progress: 'Halfway through a round: how many have answered',
	round_closing_soon: 'Two days before a round closes',
	round_results_ready: 'When a round has closed and its results are ready'
} as const;
export type RoundNoticeKind = keyof typeof ROUND_NOTICES;
export const ROUND_NOTICE_KINDS = Object.keys(ROUND_NOTICES) as RoundNoticeKind[];

export const MAIL_KINDS = {
	invitation: 'invitation',
	password_reset: 'password reset link',
	round_opening_soon: 'round opening soon',
	round_opened: 'round opened',
	round_progress: 'round progress',
	round_closing_soon: 'round closing soon',
	round_results_ready: 'round results ready'
} as const satisfies Record<string, string> & Record<RoundNoticeKind, string>;
export type MailKind = keyof typeof MAIL_KINDS;
