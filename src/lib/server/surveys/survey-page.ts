/**
 * What the survey page at /s/[token] shows, read in one query: everything the page depends on
 * but its single-use key and the instrument's content (fixed by its version: docs/scoring.md §1).
 * The page load renders from these facts, and the page's template cache (survey-page-cache.ts)
 * keys its templates by them, so whatever changes the page changes its key as well.
 */
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE } from '../accounts/sessions';
import { closeDateOf, surveyAvailability, type SurveyAvailability } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import { getRoundByToken } from './rounds';

/**
 * A request the survey's hooks answer themselves, as a browser without JavaScript makes it: the
 * page (GET) or its form's post (POST), to /s/[token] itself, by someone not signed in (a session
 * may need renewing, which only the full path does), not asking for Kit's data or the JSON answer
 * of an enhanced form. Everything else goes through the page as usual.
 */
export function isPlainSurveyRequest(event: RequestEvent, method: 'GET' | 'POST'): boolean {
	if (event.route.id !== '/s/[token]' || event.request.method !== method || event.isDataRequest) return false;
	if (event.cookies.get(SESSION_COOKIE) !== undefined) return false;
	const { headers } = event.request;
	if (method === 'POST' && (headers.get('x-sveltekit-action') !== null || /application\/json/.test(headers.get('accept') ?? ''))) return false;
	return event.url.search === '' && event.url.pathname === `/s/${event.params.token}`;
}

/** The cookie that remembers, on this device, that this round was answered. */
export const answeredCookie = (roundId: number) => `answered_r${roundId}`;

export interface SurveyPageFacts {
	roundId: number;
	practiceName: string;
	roundTitle: string;
	opensOn: string;
	closesOn: string;
	/** The day it really closed (perhaps early, by hand); null until it has. */
	closedOn: string | null;
	availability: SurveyAvailability;
	minResponses: number;
	instrumentVersionId: number;
	requiresCode: boolean;
	/** Only while the round is open: a closed page looks the same either way. */
	alreadyAnswered: boolean;
}

/** The facts of the survey behind a link, as of `today` (UK), or undefined for an unknown link. */
export async function readSurveyPageFacts(
	db: DbOrTx,
	token: string,
	{ today, minResponses, cookies }: { today: string; minResponses: number; cookies: Pick<Cookies, 'get'> }
): Promise<SurveyPageFacts | undefined> {
	const round = await getRoundByToken(db, token);
	if (!round) return undefined;
	const availability = surveyAvailability(round, today);
	return {
		roundId: round.id,
		practiceName: round.practice.name,
		roundTitle: round.title,
		opensOn: round.opens_on,
		closesOn: round.closes_on,
		closedOn: round.status === 'closed' ? closeDateOf(round) : null,
		availability,
		minResponses,
		instrumentVersionId: round.instrument_version_id,
		requiresCode: round.requires_code === 1,
		alreadyAnswered: availability === 'open' && cookies.get(answeredCookie(round.id)) === '1'
	};
}
