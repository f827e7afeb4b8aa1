/**
 * Table types for Kysely. SQL names are snake_case; dates are ISO `YYYY-MM-DD` text and
 * booleans are 0/1 integers, so the same schema carries over to Postgres.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Audience } from '../../npt/instrument';
import type { NotRelevantCode } from '../../npt/answers';
import type { FlagState } from '../../npt/flag-lifecycle';
import type { ChecklistStatus } from '../../npt/infrastructure';
import type { Construct, ScoreKey } from '../../npt/constructs';
import type { RoundStatus } from '../../npt/round-schedule';
import type { Role } from '../identity';

export type { RoundStatus };

export interface AppMetaTable {
	key: string;
	value: string;
}

export interface IcbTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
}

export interface PcnTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
	icb_id: number;
}

export interface PracticeTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
	pcn_id: number | null;
}

export interface InstrumentTable {
	id: Generated<number>;
	key: string;
	audience: Audience;
	title: string;
	/** The ICB that owns an imported instrument; null: the whole service (every built-in one). */
	owner_icb_id: number | null;
}

export interface InstrumentVersionTable {
	id: Generated<number>;
	instrument_id: number;
	version: string;
	/** The validated definition as JSON; never changed once stored. */
	definition: string;
	content_hash: string;
	source: 'built_in' | 'imported';
	created_at: string;
	/** Who imported (or edited) this version; null for a built-in one. */
	imported_by_user_id: number | null;
	/** Offered for new rounds to every practice, or to the practices of the ICBs in instrument_version_icb. */
	offered_to: Generated<'everywhere' | 'icbs'>;
}

/** The ICBs whose practices may choose an instrument version offered to 'icbs'. */
export interface InstrumentVersionIcbTable {
	instrument_version_id: number;
	icb_id: number;
}

export interface InstrumentItemTable {
	id: Generated<number>;
	instrument_version_id: number;
	item_key: string;
	position: number;
	construct: string;
	sub_construct: string;
	reversed: number;
	text: string;
}

export interface InstrumentGeneralItemTable {
	id: Generated<number>;
	instrument_version_id: number;
	item_key: string;
	position: number;
	text: string;
}

export interface RoundTable {
	id: Generated<number>;
	practice_id: number;
	instrument_version_id: number;
	title: string;
	opens_on: string;
	closes_on: string;
	closed_on: string | null;
	staff_headcount: number | null;
	status: Generated<RoundStatus>;
	public_token: string;
	requires_code: Generated<number>;
	created_at: string;
	/** 1 for a draft the survey calendar made: it opens on its opening date by itself. */
	planned_by_calendar: Generated<number>;
	/** When retention deleted the round's comments (retention.ts). */
	comments_deleted_on: Generated<string | null>;
	/** When retention reduced the round's answers to its summary: no response row remains. */
	answers_reduced_on: Generated<string | null>;
}

export interface ResponseTable {
	id: string;
	round_id: number;
	role_group: string | null;
}

export interface AnswerTable {
	response_id: string;
	item_id: number;
	value: number | null;
	not_relevant: NotRelevantCode | null;
}

export interface GeneralAnswerTable {
	response_id: string;
	general_item_id: number;
	value: number;
}

export interface CommentTable {
	id: string;
	round_id: number;
	body: string;
}

export interface SubmissionDayTable {
	round_id: number;
	day: string;
	submissions: number;
}

/**
 * Survey submissions per network, round and day (submission-limits.ts): the day's keyed hash, the
 * day and its count, and the current hour's keyed hash and its count.
 */
export interface SurveyThrottleTable {
	key_hash: string;
	day: string;
	submissions: number;
	hour_hash: string;
	hour_submissions: number;
}

/** The single-use key of a survey page whose answers were stored (hashed), until the round closes. */
export interface SurveySubmissionKeyTable {
	key_hash: string;
	round_id: number;
}

/** A closed round's answers summed up (npt/round-summary.ts), as JSON. */
export interface RoundSummaryTable {
	round_id: number;
	format: number;
	summary: string;
}

/** The four columns of one score in round_score: its mean, interval and the people behind it. */
type ScoreColumns = { [K in ScoreKey as `${K}_mean` | `${K}_lower` | `${K}_upper`]: number | null } & { [K in ScoreKey as `${K}_n`]: number };

/** A closed round's group scores before disclosure (migrations/20261206_02_round_scores.ts). */
export type RoundScoreTable = ScoreColumns & {
	round_id: number;
	closed_on: string;
	respondents: number;
	/** The count in app_meta (round_scores_version) when the row was written. */
	version: number;
};

export interface RoundCodeTable {
	round_id: number;
	code_hash: string;
	used: Generated<number>;
}

export interface UserAccountTable {
	id: Generated<number>;
	/** Stored lower-case and trimmed, so sign-in is case-insensitive. */
	email: string;
	display_name: string;
	role: Role;
	/** Null until the invitation is accepted. */
	password_hash: string | null;
	password_changed_at: string | null;
	created_at: string;
	disabled_at: string | null;
	/** Set when a reset link an administrator issued was used; cleared once the person has read it. */
	admin_reset_notice: Generated<string | null>;
	/** The session that reset link opened, which is not shown the notice. */
	admin_reset_session: Generated<string | null>;
	/** When the invitation was accepted, by choosing a password or by single sign-on; null while invited. */
	accepted_at: Generated<string | null>;
	/** The provider identity the account is linked to at its first single sign-on. */
	sso_issuer: Generated<string | null>;
	sso_subject: Generated<string | null>;
	/** Set when an administrator requires single sign-on: password sign-in is refused. */
	sso_required_at: Generated<string | null>;
	/** When an administrator erased the account (account-erasure.ts): the row stays only as what records point at. */
	erased_at: Generated<string | null>;
}

export interface UserPcnTable {
	user_id: number;
	pcn_id: number;
}

export interface UserIcbTable {
	user_id: number;
	icb_id: number;
}

export interface UserPracticeTable {
	user_id: number;
	practice_id: number;
}

export interface SessionTable {
	/** SHA-256 (hex) of the cookie token. */
	id: string;
	user_id: number;
	created_at: string;
	expires_at: string;
	/** 1 when the session was opened through the organisation's identity provider. */
	single_sign_on: Generated<number>;
}

export type AccountLinkPurpose = 'invitation' | 'password_reset';

export interface AccountLinkTable {
	token_hash: string;
	user_id: number;
	purpose: AccountLinkPurpose;
	created_by: number | null;
	created_at: string;
	expires_at: string;
	used_at: string | null;
}

export interface SignInFailureTable {
	id: Generated<number>;
	throttle_key: string;
	failed_at: string;
}

export interface AuditEventTable {
	id: Generated<number>;
	occurred_at: string;
	actor_user_id: number | null;
	actor_label: string;
	action: string;
	summary: string;
	practice_id: number | null;
	pcn_id: number | null;
}

export interface PracticePcnMoveTable {
	id: Generated<number>;
	practice_id: number;
	pcn_id: number | null;
	effective_on: string;
	applied: Generated<number>;
	recorded_at: string;
	recorded_by: number | null;
}

/** A token's current window of the API rate limit (api/rate-limit.ts). */
export interface ApiRateWindowTable {
	token_id: number;
	/** When the window began, in milliseconds since 1970. */
	started_ms: number;
	requests: number;
}

export interface ApiTokenTable {
	id: Generated<number>;
	user_id: number;
	/** What the person called it, so they can tell their tokens apart. */
	name: string;
	/** SHA-256 (hex) of the token: the token itself is shown once and never stored. */
	token_hash: string;
	created_at: string;
	/** Updated at most once a minute, to spare a write on every request. */
	last_used_at: string | null;
	revoked_at: string | null;
}

/** A link worker's own, signed view of a practice in a round: kept apart from staff responses. */
export interface LinkWorkerAssessmentTable {
	id: Generated<number>;
	round_id: number;
	user_id: number;
	/** The link worker instrument version the answers belong to (not the round's staff version). */
	instrument_version_id: number;
	submitted_at: string;
	updated_at: string;
}

export interface LinkWorkerAssessmentAnswerTable {
	assessment_id: number;
	item_id: number;
	value: number | null;
	not_relevant: NotRelevantCode | null;
}

/** A link worker's answer to one infrastructure checklist item for one practice. */
export interface InfrastructureAnswerTable {
	user_id: number;
	practice_id: number;
	/** Item id from the checklist data file (src/lib/npt/infrastructure). */
	item_id: string;
	checklist_version: string;
	status: ChecklistStatus;
	note: string | null;
	updated_at: string;
}

export type FlagVisibility = 'practice_and_pcn' | 'pcn_only';

/** A gap a link worker marked partly in place or missing, with who may see it. */
export interface FlagTable {
	id: Generated<number>;
	practice_id: number;
	raised_by: number;
	item_id: string;
	checklist_version: string;
	visibility: FlagVisibility;
	state: FlagState;
	created_at: string;
	updated_at: string;
}

/** One change or comment on a flag; from_state null when raised, equal to to_state for a comment. */
export interface FlagEventTable {
	id: Generated<number>;
	flag_id: number;
	at: string;
	actor_user_id: number | null;
	from_state: FlagState | null;
	to_state: FlagState;
	comment: string | null;
}

export type PracticeActionState = 'planned' | 'done';

/** Something a practice manager or PCN lead set out to do about a flag or a weak construct. */
export interface PracticeActionTable {
	id: Generated<number>;
	practice_id: number;
	/** Null when the action is for a construct rather than a flag. */
	flag_id: number | null;
	/** The construct it is meant to help: the flag's checklist item's, or the one chosen. */
	construct: Construct;
	what: string;
	/** Who will do it, in the recorder's words (often someone without an account). */
	owner: string;
	due_on: string;
	state: PracticeActionState;
	done_on: string | null;
	done_note: string | null;
	created_by: number | null;
	done_by: number | null;
	created_at: string;
	updated_at: string;
}

export type MailStatus = 'waiting' | 'sending' | 'sent' | 'failed';

/** A mail on its way: written with the change that causes it, sent by the outbox worker. */
export interface MailOutboxTable {
	id: Generated<number>;
	/** What the mail is about, e.g. 'invitation' or 'round_opened' (see mail/kinds.ts). */
	kind: string;
	recipient: string;
	subject: string;
	/** Cleared once sent: a body may carry a single-use link. */
	text_body: string | null;
	html_body: string | null;
	/** The mail's own headers as a JSON object (Auto-Submitted, List-Unsubscribe); null on mail queued before they were kept. */
	headers: string | null;
	status: MailStatus;
	attempts: Generated<number>;
	next_attempt_at: string;
	/** While 'sending': when the worker's claim runs out and another may take the mail. */
	claimed_until: string | null;
	last_error: string | null;
	created_at: string;
	sent_at: string | null;
}

export type CalendarCadence = 'every' | 'months';

/** A practice's survey calendar: when its rounds run, so they can be planned and opened by themselves. */
export interface SurveyCalendarTable {
	practice_id: number;
	cadence: CalendarCadence;
	/** 'every': the number of months between openings, from anchor_on. */
	every_months: number | null;
	anchor_on: string | null;
	/** 'months': the months of the year rounds open in, e.g. "3,9", on open_day. */
	months: string | null;
	open_day: number | null;
	length_days: number;
	/** Null: the headcount of the practice's last round. */
	fixed_headcount: number | null;
	requires_code: Generated<number>;
	/** The last opening date the calendar has planned (or skipped). */
	planned_through: string | null;
	updated_at: string;
	updated_by: number | null;
}

/** A reminder mail a round has had, so each goes once. */
export interface RoundNoticeTable {
	round_id: number;
	kind: string;
	sent_on: string;
}

/** A person's choice about one kind of reminder mail, where it differs from their role's default. */
export interface MailPreferenceTable {
	user_id: number;
	kind: string;
	wanted: number;
}

/** A password account's authenticator app: confirmed once a first code has matched. */
export interface SecondFactorTable {
	user_id: number;
	/** Base32, as the authenticator app was given it. */
	secret: string;
	confirmed_at: string | null;
	/** The time step of the last code accepted, so no code works twice. */
	last_counter: number | null;
	created_at: string;
}

/** A single-use recovery code, as a hash only. */
export interface RecoveryCodeTable {
	user_id: number;
	code_hash: string;
	used_at: string | null;
}

/** Between a right password and the code that completes the sign-in. */
export interface SignInChallengeTable {
	token_hash: string;
	user_id: number;
	expires_at: string;
}

/** A sign-in sent to the identity provider: what its answer must match, for ten minutes. */
export interface SsoAttemptTable {
	key_hash: string;
	state: string;
	nonce: string;
	code_verifier: string;
	next_path: string;
	/** The hash of the invitation link being accepted through the provider, if any. */
	invitation_hash: string | null;
	expires_at: string;
}

export type JobOutcome = 'ok' | 'failed';

/** A named job's record (jobs/job-runner.ts): its runs, its last run, and the lease while one runs it. */
export interface JobStateTable {
	name: string;
	runs: Generated<number>;
	failures: Generated<number>;
	last_started_at: string | null;
	last_finished_at: string | null;
	last_duration_ms: number | null;
	last_outcome: JobOutcome | null;
	/** What the last run did, in counts only (JSON), or why it failed. */
	last_report: string | null;
	/** When a run last finished well. */
	last_succeeded_at: Generated<string | null>;
	/** The instance running it now, and until when its lease holds. */
	lease_holder: string | null;
	lease_until: string | null;
}

/** A practice or a round (one of the two) retention must leave alone until the hold is released. */
export interface LegalHoldTable {
	id: Generated<number>;
	practice_id: number | null;
	round_id: number | null;
	reason: string;
	placed_by: number | null;
	placed_at: string;
	released_by: number | null;
	released_at: string | null;
}

export interface Database {
	job_state: JobStateTable;
	legal_hold: LegalHoldTable;
	app_meta: AppMetaTable;
	icb: IcbTable;
	pcn: PcnTable;
	practice: PracticeTable;
	instrument: InstrumentTable;
	instrument_version: InstrumentVersionTable;
	instrument_version_icb: InstrumentVersionIcbTable;
	instrument_item: InstrumentItemTable;
	instrument_general_item: InstrumentGeneralItemTable;
	round: RoundTable;
	response: ResponseTable;
	answer: AnswerTable;
	general_answer: GeneralAnswerTable;
	comment: CommentTable;
	submission_day: SubmissionDayTable;
	round_summary: RoundSummaryTable;
	round_score: RoundScoreTable;
	round_code: RoundCodeTable;
	survey_throttle: SurveyThrottleTable;
	survey_submission_key: SurveySubmissionKeyTable;
	user_account: UserAccountTable;
	user_icb: UserIcbTable;
	user_pcn: UserPcnTable;
	user_practice: UserPracticeTable;
	session: SessionTable;
	account_link: AccountLinkTable;
	sign_in_failure: SignInFailureTable;
	audit_event: AuditEventTable;
	practice_pcn_move: PracticePcnMoveTable;
	api_token: ApiTokenTable;
	api_rate_window: ApiRateWindowTable;
	infrastructure_answer: InfrastructureAnswerTable;
	flag: FlagTable;
	flag_event: FlagEventTable;
	link_worker_assessment: LinkWorkerAssessmentTable;
	link_worker_assessment_answer: LinkWorkerAssessmentAnswerTable;
	practice_action: PracticeActionTable;
	mail_outbox: MailOutboxTable;
	survey_calendar: SurveyCalendarTable;
	round_notice: RoundNoticeTable;
	mail_preference: MailPreferenceTable;
	second_factor: SecondFactorTable;
	recovery_code: RecoveryCodeTable;
	sign_in_challenge: SignInChallengeTable;
	sso_attempt: SsoAttemptTable;
}

export type Icb = Selectable<IcbTable>;
export type NewIcb = Insertable<IcbTable>;
export type Pcn = Selectable<PcnTable>;
export type NewPcn = Insertable<PcnTable>;
export type Practice = Selectable<PracticeTable>;
export type NewPractice = Insertable<PracticeTable>;
export type PracticeUpdate = Updateable<PracticeTable>;
export type InstrumentVersionRow = Selectable<InstrumentVersionTable>;
export type Round = Selectable<RoundTable>;
export type NewRound = Insertable<RoundTable>;
export type RoundUpdate = Updateable<RoundTable>;
export type UserAccount = Selectable<UserAccountTable>;
export type NewUserAccount = Insertable<UserAccountTable>;
export type UserAccountUpdate = Updateable<UserAccountTable>;
export type Session = Selectable<SessionTable>;
export type AccountLink = Selectable<AccountLinkTable>;
export type AuditEvent = Selectable<AuditEventTable>;
export type ApiToken = Selectable<ApiTokenTable>;
export type PracticePcnMove = Selectable<PracticePcnMoveTable>;
export type Flag = Selectable<FlagTable>;
export type FlagEvent = Selectable<FlagEventTable>;
export type PracticeAction = Selectable<PracticeActionTable>;
