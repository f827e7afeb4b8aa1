import { error, redirect } from '@sveltejs/kit';
import { setRetryAfter } from '$lib/server/platform/forms';
import { ukDate } from '$lib/dates';
import { instrumentsOf } from '$lib/server/surveys/instruments';
import { readSurveyPageFacts } from '$lib/server/surveys/survey-page';
import { newSubmissionKey } from '$lib/server/surveys/submission-keys';
import { receiveSurveyPost, setAnsweredCookie, SURVEY_NOT_FOUND, thanksPath } from '$lib/server/surveys/survey-posts';
import type { Actions, PageServerLoad } from './$types';

/** Plain HTML: the survey needs none of Svelte's JavaScript, only its own small script (static/survey.js). */
export const csr = false;

export const load = (async ({ params, locals, cookies }) => {
	// The page cache (hooks) has read the facts already, and has the page written with its marker for the key.
	const prepared = locals.surveyPage;
	const facts = prepared?.facts ?? (await readSurveyPageFacts(locals.db, params.token, { today: ukDate(), minResponses: locals.config.minResponses, cookies }));
	if (!facts) error(404, SURVEY_NOT_FOUND);
	const about = {
		practiceName: facts.practiceName,
		roundTitle: facts.roundTitle,
		opensOn: facts.opensOn,
		closesOn: facts.closesOn,
		closedOn: facts.closedOn,
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

export const actions = {
	// A plain form post has been answered by the hook (surveys/survey-posts.ts) unless it was refused there.
	default: async ({ request, params, locals, cookies, getClientAddress, setHeaders }) => {
		const outcome =
			locals.surveyPost ??
			(await receiveSurveyPost(request, {
				db: locals.db,
				token: params.token,
				cookies,
				clientAddress: getClientAddress(),
				limitKey: locals.config.surveyLimitKey,
				metrics: locals.metrics
			}));
		if (outcome.kind === 'not-found') error(404, SURVEY_NOT_FOUND);
		if (outcome.kind === 'refused') {
			setRetryAfter(setHeaders, outcome);
			return outcome.failure;
		}
		setAnsweredCookie(cookies, outcome.roundId, params.token);
		redirect(303, thanksPath(params.token));
	}
} satisfies Actions;
