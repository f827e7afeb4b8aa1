/**
 * A staff member's answers, posted from the survey page at /s/[token] without JavaScript, as
 * every phone in a practice may send them in the same few minutes. What the post is answered
 * with is decided here once, for both ways a post arrives: the hook (answerSurveyPosts) stores a
 * plain form post and answers the thank-you redirect itself, without Kit's page machinery, and
 * hands anything else (a refusal to show on the page, a post it does not take) to the page's
 * action with what it decided, so the page refills the form exactly as before.
 */
import type { ActionFailure, Cookies, Handle } from '@sveltejs/kit';
import { ukDate } from '../../dates';
import { surveyAvailability } from '../../npt/round-schedule';
import { checkSubmission, fieldName, type FieldProblem } from '../../npt/submission';
import type { Db } from '../db';
import type { Metrics } from '../platform/metrics';
import { echo, formFailure, formRefusal, readFields, refusalFailure } from '../platform/forms';
import { instrumentsOf } from './instruments';
import { findRoundToAnswer, inSubmissionTransaction, storeSubmission, type SubmitOutcome } from './responses';
import { SUBMISSION_KEY_FIELD, submissionKeyHash, submissionKeyOf } from './submission-keys';
import { answeredCookie, isPlainSurveyRequest } from './survey-page';

/** Far above any honest submission (22 answers, 3 ratings and a 1,500-character comment). */
const MAX_BODY_BYTES = 64 * 1024;
/** Browsers cap cookie lifetimes at 400 days. */
const ANSWERED_COOKIE_MAX_AGE = 400 * 24 * 60 * 60;

export const SURVEY_NOT_FOUND = 'We could not find this survey. Check that the link matches the one you were given.';

/** What a survey post comes to: thanks (stored now or by an earlier try of the same page), no such survey, or a refusal for the page to show. */
export type SurveyPostOutcome =
	| { kind: 'stored'; roundId: number }
	| { kind: 'not-found' }
	| { kind: 'refused'; failure: Failure; retryAfterSeconds?: number };

/** Every value a survey form sends is a single string (the fields were read as pairs). */
type Failure = ActionFailure<{ values: Record<string, string>; problems: FieldProblem[] }>;
const refused = (failure: Failure): SurveyPostOutcome => ({ kind: 'refused', failure });

export interface SurveyPost {
	db: Db;
	token: string;
	cookies: Cookies;
	clientAddress: string;
	limitKey: Uint8Array;
	/** Counts the submission once it is in (platform/metrics.ts); absent in tests that call this directly. */
	metrics?: Pick<Metrics, 'submissionStored'>;
}

/**
 * Reads, checks and stores one post of the survey, all or nothing. Once the body is read, every
 * read and write of the post is one transaction: the round behind the link is read once, and
 * holds as read until the answers are in.
 */
export async function receiveSurveyPost(request: Request, { db, token, cookies, clientAddress, limitKey, metrics }: SurveyPost): Promise<SurveyPostOutcome> {
	const read = await readFields(request, MAX_BODY_BYTES, 'Your answers were too large to accept. Shorten your comment and send them again.');
	if (!read.ok) {
		if (!(await findRoundToAnswer(db, token, undefined))) return { kind: 'not-found' };
		return refused(read.failure);
	}
	const { fields } = read;
	const submissionKey = submissionKeyOf(fields);
	const keyHash = submissionKey ? submissionKeyHash(submissionKey) : undefined;
	const answers = fields.filter(([name]) => name !== SUBMISSION_KEY_FIELD);
	// Echo back what the person chose, so nothing is lost on an error; never the invitation code.
	const values = () => echo(Object.fromEntries(answers.filter(([name]) => name !== fieldName.code))) as Record<string, string>;

	let roundId = 0;
	let storedNow = false;
	const outcome = await inSubmissionTransaction(db, async (tx): Promise<SurveyPostOutcome | SubmitOutcome> => {
		const round = await findRoundToAnswer(tx, token, keyHash);
		if (!round) return { kind: 'not-found' };
		roundId = round.id;
		if (submissionKey === null) {
			return refused(formRefusal(400, 'This survey page is out of date, so your answers were not saved. Reload the page and send them again.', values()));
		}
		const today = ukDate();
		if (surveyAvailability(round, today) !== 'open') {
			return refused(formRefusal(409, 'This survey is not taking answers at the moment, so your answers were not saved.'));
		}
		// The same page sent again (its answer was lost on the way back): these answers are already in.
		if (round.keyUsed) return { kind: 'stored', roundId: round.id };
		if (cookies.get(answeredCookie(round.id)) === '1') {
			return refused(formRefusal(409, 'You have already answered this survey on this device, so these answers were not saved. Thank you for taking part.'));
		}
		const instrument = (await instrumentsOf(tx, [round.instrument_version_id])).get(round.instrument_version_id)!;
		const checked = checkSubmission(instrument, answers, { codeRequired: round.requires_code === 1 });
		if (!checked.ok) return refused(formFailure(400, checked.problems, values()));
		const stored = await storeSubmission(tx, round, checked.submission, today, keyHash, { clientAddress, limitKey, staffHeadcount: round.staff_headcount });
		storedNow = stored.ok;
		return stored.ok ? { kind: 'stored', roundId: round.id } : stored;
	});
	// Committed: the transaction above has returned rather than thrown.
	if (storedNow && 'kind' in outcome && outcome.kind === 'stored') metrics?.submissionStored();
	if ('kind' in outcome) return outcome;
	// Stored by an earlier try of the same page, found only as this one's key went in.
	if (outcome.ok) return { kind: 'stored', roundId };
	// A refusal: the round closed meanwhile refills nothing, as there is nothing left to send again.
	const failure = refusalFailure(outcome, outcome.status === 409 ? {} : values(), { notFoundInForm: true });
	return { kind: 'refused', failure, retryAfterSeconds: outcome.retryAfterSeconds };
}

/** Remembers on this device that the round was answered, so its page says so. */
export function setAnsweredCookie(cookies: Cookies, roundId: number, token: string): void {
	cookies.set(answeredCookie(roundId), '1', thanksCookieOptions(token));
}

const thanksCookieOptions = (token: string) =>
	({ path: `/s/${token}`, httpOnly: true, sameSite: 'lax', maxAge: ANSWERED_COOKIE_MAX_AGE }) as const;

export const thanksPath = (token: string) => `/s/${token}/thanks`;

/**
 * Stores a plain survey post and answers its redirect to the thank-you page here, at about half
 * the cost of the page's action through Kit; every other outcome goes on to the action, which
 * answers it from `locals.surveyPost` without reading the body again.
 */
export const answerSurveyPosts: Handle = async ({ event, resolve }) => {
	if (!isPlainSurveyRequest(event, 'POST')) return resolve(event);
	const { db, config } = event.locals;
	const token = event.params.token!;
	const outcome = await receiveSurveyPost(event.request, {
		db,
		token,
		cookies: event.cookies,
		clientAddress: event.getClientAddress(),
		limitKey: config.surveyLimitKey,
		metrics: event.locals.metrics
	});
	if (outcome.kind !== 'stored') {
		event.locals.surveyPost = outcome;
		return resolve(event);
	}
	return new Response(null, {
		status: 303,
		headers: {
			location: thanksPath(token),
			'set-cookie': event.cookies.serialize(answeredCookie(outcome.roundId), '1', thanksCookieOptions(token))
		}
	});
};
