/**
 * Closing a round by hand asks first (issue 28, item 3): the question states the answers so far,
 * whether results will be shown and what the practice dashboard will lead with, worked out by the
 * dashboard's own rules; the close itself refuses a post without the confirmation, with a
 * confirmation that no longer holds, for a round already closed and for a round out of scope,
 * and changes nothing then. Afterwards the survey link says the day it really closed.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { closeRound } from '../../src/lib/server/surveys/round-lifecycle';
import { readSurveyPageFacts } from '../../src/lib/server/surveys/survey-page';
import { actions, load } from '../../src/routes/(app)/rounds/[roundId]/close/+page.server';
import { addRound, createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const everyoneAgrees: SurveySubmission = {
	roleGroup: null,
	agreement: Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, 4])) as SurveySubmission['agreement'],
	general: {},
	comment: '',
	code: null
};

type ClosePage = Exclude<Awaited<ReturnType<typeof load>>, void>;

describe('closing a round by hand', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	let manager: SignedInUser;
	let today: string;
	/** The spring round: 24 answered of 26 staff, closed months ago. */
	let springId: number;

	async function answer(roundId: number, times: number, day = today) {
		for (let i = 0; i < times; i++) expect((await submitResponse(t.db, roundId, everyoneAgrees, day)).ok).toBe(true);
	}

	async function openRoundWith(responses: number, title = 'Winter') {
		const round = await addRound(t.db, fixture, {
			title,
			opensOn: addDays(today, -5),
			closesOn: addDays(today, 17),
			staffHeadcount: 28,
			status: 'open'
		});
		await answer(round.id, responses);
		return round;
	}

	const params = (roundId: number) => ({ roundId: String(roundId) });

	async function page(roundId: number, user: SignedInUser = manager): Promise<ClosePage> {
		return (await load(fakeEvent({ db: t.db, user, params: params(roundId), path: `/rounds/${roundId}/close` }) as never)) as ClosePage;
	}

	async function post(roundId: number, form: Record<string, string>, user: SignedInUser = manager) {
		const { result, thrown } = await outcomeOf(() =>
			actions.close(fakeEvent({ db: t.db, user, form, params: params(roundId), path: `/rounds/${roundId}/close?/close` }) as never)
		);
		if (isRedirect(thrown)) return { status: thrown.status, location: thrown.location };
		if (isHttpError(thrown)) return { status: thrown.status };
		if (thrown) throw thrown;
		const failure = result as { status: number; data: { problems: { field: string; message: string }[] } };
		return { status: failure.status, problems: failure.data.problems };
	}

	async function statusOf(roundId: number) {
		return t.db.selectFrom('round').select(['status', 'closes_on', 'closed_on']).where('id', '=', roundId).executeTakeFirstOrThrow();
	}

	beforeEach(async () => {
		t = await createTestDatabase();
		today = ukDate();
		fixture = await createPracticeWithRound(t.db, {
			title: 'Spring',
			opensOn: addDays(today, -200),
			closesOn: addDays(today, -180),
			staffHeadcount: 26,
			status: 'open'
		});
		springId = fixture.round.id;
		await answer(springId, 24, addDays(today, -190));
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
		expect((await closeRound(t.db, springId, manager, addDays(today, -170))).ok).toBe(true);
	});
	afterEach(() => t.close());

	it('states 6 of 28 staff (21%), shown results, and that it replaces the 24-person headline', async () => {
		const winter = await openRoundWith(6);
		const { view } = await page(winter.id);
		expect(view!.preview).toEqual({
			closesOn: today,
			dueOn: addDays(today, 17),
			progress: { respondentsNeeded: 0, sofar: { shown: true, respondents: 6, responseRate: 6 / 28 } },
			staffHeadcount: 28,
			resultsShown: true,
			headlineNow: { id: springId, title: 'Spring', shown: true, respondents: 24 },
			headlineAfter: { id: winter.id, title: 'Winter', shown: true, respondents: 6 }
		});
		// Nothing has changed by asking.
		expect(await statusOf(winter.id)).toMatchObject({ status: 'open', closed_on: null });
	});

	it('says a round below the minimum shows nothing, and still leads the dashboard (a withheld round is never skipped)', async () => {
		const winter = await openRoundWith(3);
		const { view } = await page(winter.id);
		expect(view!.preview).toMatchObject({
			progress: { respondentsNeeded: 2, sofar: { shown: false } },
			resultsShown: false,
			headlineNow: { id: springId, respondents: 24 },
			headlineAfter: { id: winter.id, shown: false, respondents: null }
		});
		// The count below the minimum is not in what the page is given.
		expect(JSON.stringify(view!.preview)).not.toMatch(/"respondents":3/);
		// What it said is what the dashboard then does.
		expect((await post(winter.id, { confirm: 'close', stated: view!.stated })).status).toBe(303);
		const dashboard = await getPracticeDashboard(t.db, fixture.practice.id, { minResponses: 5 }, today);
		expect(dashboard!.latest!.round.id).toBe(winter.id);
		expect(dashboard!.latest!.results.shown).toBe(false);
	});

	it('refuses a post without the confirmation, or with another, and closes nothing', async () => {
		const winter = await openRoundWith(6);
		const { view } = await page(winter.id);
		const forms: Record<string, string>[] = [{}, { stated: view!.stated }, { confirm: 'yes', stated: view!.stated }, { confirm: 'close' }];
		for (const form of forms) {
			expect((await post(winter.id, form)).status, JSON.stringify(form)).toBe(400);
		}
		expect(await statusOf(winter.id)).toMatchObject({ status: 'open', closed_on: null });
	});

	it('refuses a stale confirmation: the answer that brings results past the minimum arrived after the page was shown', async () => {
		const winter = await openRoundWith(4);
		const { view } = await page(winter.id);
		expect(view!.preview.resultsShown).toBe(false);
		await answer(winter.id, 1);
		const refused = await post(winter.id, { confirm: 'close', stated: view!.stated });
		expect(refused.status).toBe(409);
		expect(refused.problems![0]!.message).toMatch(/Nothing was closed/);
		expect(await statusOf(winter.id)).toMatchObject({ status: 'open', closed_on: null });
		// Asked again, it says so, and the new confirmation closes it.
		const again = await page(winter.id);
		expect(again.view!.preview.resultsShown).toBe(true);
		expect(await post(winter.id, { confirm: 'close', stated: again.view!.stated })).toEqual({ status: 303, location: `/rounds/${winter.id}?closed` });
	});

	it('closes on confirming, records today, and the survey link then says it closed today, not on its planned date', async () => {
		const winter = await openRoundWith(6);
		const { view } = await page(winter.id);
		expect(await post(winter.id, { confirm: 'close', stated: view!.stated })).toEqual({ status: 303, location: `/rounds/${winter.id}?closed` });
		expect(await statusOf(winter.id)).toEqual({ status: 'closed', closes_on: addDays(today, 17), closed_on: today });
		const facts = await readSurveyPageFacts(t.db, winter.public_token, { today, minResponses: 5, cookies: { get: () => undefined } });
		expect(facts).toMatchObject({ availability: 'closed', closedOn: today, closesOn: addDays(today, 17) });
		// A second close, from the same page left open, changes nothing.
		const twice = await post(winter.id, { confirm: 'close', stated: view!.stated });
		expect(twice.status).toBe(409);
		expect(twice.problems![0]!.message).toMatch(/already closed/);
		// And the question, asked again, has nothing to ask.
		expect(await page(winter.id)).toMatchObject({ view: null, refusal: expect.stringMatching(/already closed/) });
	});

	it('refuses a draft, another practice’s round and a link worker, closing nothing', async () => {
		const draft = await addRound(t.db, fixture, { title: 'Draft', opensOn: addDays(today, 30), closesOn: addDays(today, 50), staffHeadcount: 28 });
		expect((await post(draft.id, { confirm: 'close', stated: 'x' })).status).toBe(409);
		expect(await page(draft.id)).toMatchObject({ view: null, refusal: expect.stringMatching(/still a draft/) });

		const elsewhere = await createPractice(t.db, { odsCode: 'A10009', name: 'Elsewhere', pcnId: null });
		const theirs = await addRound(t.db, { practice: elsewhere, versionId: fixture.versionId }, {
			title: 'Theirs',
			opensOn: addDays(today, -5),
			closesOn: addDays(today, 17),
			staffHeadcount: 10,
			status: 'open'
		});
		expect((await post(theirs.id, { confirm: 'close', stated: 'x' })).status).toBe(404);
		expect((await outcomeOf(() => page(theirs.id))).thrown).toSatisfy((thrown) => isHttpError(thrown) && thrown.status === 404);

		const winter = await openRoundWith(6);
		const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] });
		const { view } = await page(winter.id);
		expect((await post(winter.id, { confirm: 'close', stated: view!.stated }, linkWorker)).status).toBe(403);
		for (const id of [draft.id, theirs.id, winter.id]) expect((await statusOf(id)).status).not.toBe('closed');
	});
});
