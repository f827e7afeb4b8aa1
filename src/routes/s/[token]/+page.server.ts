import { error, redirect, type Cookies } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { checkSubmission, fieldName } from '$lib/npt/submission';
import { echo, formFailure, formRefusal, readFields, refusalFailure } from '$lib/server/platform/forms';
import { instrumentsOf } from '$lib/server/surveys/instruments';
import { findRoundToAnswer, submitResponse } from '$lib/server/surveys/responses';
import { answeredCookie, readSurveyPageFacts } from '$lib/server/surveys/survey-page';
import { surveyAvailability } from '$lib/npt/round-schedule';
import {
	SUBMISSION_KEY_FIELD,
	newSubmissionKey,
	submissionKeyOf
} from '$lib/server/surveys/submission-keys';
import type { Actions, PageServerLoad } from './$types';

/** Plain HTML: the survey needs none of Svelte's JavaScript, only its own small script (static/survey.js). */
export const csr = false;

/** Far above any honest submission (22 answers, 3 ratings and a 1,500-character comment). */
const MAX_BODY_BYTES = 64 * 1024;
/** Browsers cap cookie lifetimes at 400 days. */
const ANSWERED_COOKIE_MAX_AGE = 400 * 24 * 60 * 60;

const NOT_FOUND = 'We could not find this survey. Check that the link matches the one you were given.';

export const load = (async ({ params, locals, cookies }) => {
	// The page cache (hooks) has read the facts already, and has the page written with its marker for the key.
	const prepared = locals.surveyPage;
	const facts = prepared?.facts ?? (await readSurveyPageFacts(locals.db, params.token, { today: ukDate(), minResponses: locals.config.minResponses, cookies }));
	if (!facts) error(404, NOT_FOUND);
	const about = {
		practiceName: facts.practiceName,
		roundTitle: facts.roundTitle,
		opensOn: facts.opensOn,
		closesOn: facts.closesOn,
		availability: facts.availability,
		minResponses: facts.minResponses
	};
	if (facts.availability !== 'open') return { ...about, survey: null };
	const instrument = (await instrumentsOf(locals.db, [facts.instrumentVersionId])).get(facts.instrumentVersionId)!;
	return {
		...about,
		survey: {
			instrument,
			requiresCode: facts.requiresCode,
			alreadyAnswered: facts.alreadyAnswered,
			// A fresh single-use key for each page, so a retry of these answers is not stored twice.
			submissionKey: prepared?.submissionKey ?? newSubmissionKey()
		}
	};
}) satisfies PageServerLoad;

/** Stored (now or by an earlier try of the same page): remember it on this device and say thank you. */
function thank(cookies: Cookies, roundId: number, token: string): never {
	cookies.set(answeredCookie(roundId), '1', {
		path: `/s/${token}`,
		httpOnly: true,
		sameSite: 'lax',
		maxAge: ANSWERED_COOKIE_MAX_AGE
	});
	redirect(303, `/s/${token}/thanks`);
}

export const actions = {
	default: async ({ request, params, locals, cookies, getClientAddress, setHeaders }) => {
		const read = await readFields(request, MAX_BODY_BYTES, 'Your answers were too large to accept. Shorten your comment and send them again.');
		if (!read.ok) {
			if (!(await findRoundToAnswer(locals.db, params.token, undefined))) error(404, NOT_FOUND);
			return read.failure;
		}
		const { fields } = read;
		const submissionKey = submissionKeyOf(fields);
		const round = await findRoundToAnswer(locals.db, params.token, submissionKey ?? undefined);
		if (!round) error(404, NOT_FOUND);
		const answers = fields.filter(([name]) => name !== SUBMISSION_KEY_FIELD);
		// Echo back what the person chose, so nothing is lost on an error; never the invitation code.
		const values = echo(Object.fromEntries(answers.filter(([name]) => name !== fieldName.code))) as Record<string, string>;
		if (submissionKey === null) {
			return formRefusal(400, 'This survey page is out of date, so your answers were not saved. Reload the page and send them again.', values);
		}

		const today = ukDate();
		if (surveyAvailability(round, today) !== 'open') {
			return formRefusal(409, 'This survey is not taking answers at the moment, so your answers were not saved.');
		}
		// The same page sent again (its answer was lost on the way back): these answers are already in.
		if (round.keyUsed) thank(cookies, round.id, params.token);
		if (cookies.get(answeredCookie(round.id)) === '1') {
			return formRefusal(409, 'You have already answered this survey on this device, so these answers were not saved. Thank you for taking part.');
		}
		const instrument = (await instrumentsOf(locals.db, [round.instrument_version_id])).get(round.instrument_version_id)!;
		const checked = checkSubmission(instrument, answers, { codeRequired: round.requires_code === 1 });
		if (!checked.ok) return formFailure(400, checked.problems, values);

		const outcome = await submitResponse(locals.db, round.id, checked.submission, today, submissionKey, {
			clientAddress: getClientAddress(),
			limitKey: locals.config.surveyLimitKey,
			staffHeadcount: round.staff_headcount
		});
		if (!outcome.ok) {
			if (outcome.retryAfterSeconds !== undefined) setHeaders({ 'retry-after': String(outcome.retryAfterSeconds) });
			// A round that closed meanwhile refills nothing: there is nothing left to send again.
			return refusalFailure(outcome, outcome.status === 409 ? {} : values);
		}
		thank(cookies, round.id, params.token);
	}
} satisfies Actions;
