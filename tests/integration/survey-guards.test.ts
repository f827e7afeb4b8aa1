/**
 * Issue 12, items 5 and 10: a limit on survey submissions per client address and round, sized
 * from the headcount so a whole practice behind one address is never refused; and a single-use
 * key per survey page, so a retried post is thanked, not stored twice.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { issueCodes } from '../../src/lib/server/surveys/codes';
import { newSubmissionKey, forgetKeysOfClosedRounds } from '../../src/lib/server/surveys/submission-keys';
import { claimSurveySubmission, submissionLimits } from '../../src/lib/server/surveys/submission-limits';
import { purgeExpired } from '../../src/lib/server/retention/purges';
import { refuseRequestsWithoutAddress } from '../../src/lib/server/platform/client-address';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { actions, load } from '../../src/routes/s/[token]/+page.server';
import {
	addRound,
	countRows,
	createPracticeWithRound,
	createTestDatabase,
	type PracticeFixture,
	type TestDatabase
} from '../helpers/database';
import { fakeEvent, outcomeOf, TEST_SURVEY_LIMIT_KEY, type CookieJar } from '../helpers/events';

const today = ukDate();
const openWindow = { opensOn: addDays(today, -3), closesOn: addDays(today, 10) };

describe('survey guards', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db, { ...openWindow, staffHeadcount: 4 });
	});
	afterEach(() => t.close());

	/** A post from a new browser (no cookies) at `address`. */
	function post(form: Record<string, string>, options: { address?: string; token?: string; cookies?: CookieJar } = {}) {
		const token = options.token ?? fixture.round.public_token;
		const event = fakeEvent({ db: t.db, path: `/s/${token}`, params: { token }, form, clientAddress: options.address ?? '203.0.113.50', cookies: options.cookies });
		return outcomeOf(() => actions.default(event as never));
	}
	const statusOf = ({ result, thrown }: { result?: unknown; thrown?: unknown }) =>
		isRedirect(thrown) ? thrown.status : (result as { status?: number } | undefined)?.status;

	describe('the limit per address and round', () => {
		it('is one and a half times the headcount an hour (at least 10), and twice that a day', () => {
			expect(submissionLimits(4)).toEqual({ perHour: 10, perDay: 20 });
			expect(submissionLimits(20)).toEqual({ perHour: 30, perDay: 60 });
			expect(submissionLimits(45)).toEqual({ perHour: 68, perDay: 136 });
			// No headcount entered: sized for a practice of 50.
			expect(submissionLimits(null)).toEqual({ perHour: 75, perDay: 150 });
		});

		it('stores a whole practice answering from one address in the same hour, then refuses the stuffing with 429 and stores nothing', async () => {
			// Headcount 4: 10 an hour. Every post comes from a browser without cookies, as a script's would.
			for (let i = 0; i < 10; i++) expect(statusOf(await post({ 'item-CO1': '4' }))).toBe(303);
			const refused = await post({ 'item-CO1': '4', comment: 'again' });
			expect(statusOf(refused)).toBe(429);
			expect(JSON.stringify(refused.result)).toContain('invitation code');
			expect(await countRows(t.db, 'response')).toBe(10);
			expect(await countRows(t.db, 'comment')).toBe(0);
			// Another address, or another practice's round from the same address, is counted apart.
			expect(statusOf(await post({ 'item-CO1': '4' }, { address: '198.51.100.9' }))).toBe(303);
			const practice = await createPractice(t.db, { odsCode: 'A10002', name: 'Next Door Surgery', pcnId: fixture.pcn.id });
			const other = await createRound(t.db, { practiceId: practice.id, instrumentVersionId: fixture.versionId, title: 'Next door', ...openWindow, staffHeadcount: 4, status: 'open' });
			expect(statusOf(await post({ 'item-CO1': '4' }, { token: other.public_token }))).toBe(303);
		});

		it('counts the addresses of one IPv6 /64 as one, and an IPv4-mapped address as its IPv4 address (issue 24, item 10)', async () => {
			// Headcount 4: 10 an hour, shared by every address of 2001:db8:5:6::/64, each post from a fresh one.
			for (let i = 1; i <= 10; i++) expect(statusOf(await post({ 'item-CO1': '4' }, { address: `2001:db8:5:6:${i.toString(16)}::${i}` }))).toBe(303);
			expect(statusOf(await post({ 'item-CO1': '4' }, { address: '2001:0DB8:0005:0006:ffff:ffff:ffff:ffff' }))).toBe(429);
			expect(await countRows(t.db, 'response')).toBe(10);
			// The next /64 has its own allowance.
			expect(statusOf(await post({ 'item-CO1': '4' }, { address: '2001:db8:5:7::1' }))).toBe(303);
			// 203.0.113.50 written as IPv6 (as a dual-stack socket reports it) shares that address's count.
			for (let i = 0; i < 10; i++) expect(statusOf(await post({ 'item-CO1': '4' }))).toBe(303);
			expect(statusOf(await post({ 'item-CO1': '4' }, { address: '::ffff:203.0.113.50' }))).toBe(429);
			expect(await countRows(t.db, 'response')).toBe(21);
		});

		it('refuses with 400, storing nothing, a post whose address cannot be known (ADDRESS_HEADER set, header missing)', async () => {
			const token = fixture.round.public_token;
			const event = fakeEvent({ db: t.db, path: `/s/${token}`, params: { token }, form: { 'item-CO1': '4' } });
			// What adapter-node does when the header ADDRESS_HEADER names is not in the request.
			event.getClientAddress = () => {
				throw new Error('Address header was specified with ADDRESS_HEADER=x-forwarded-for but is absent from request');
			};
			const answer = await outcomeOf(() => refuseRequestsWithoutAddress({ event: event as never, resolve: () => actions.default(event as never) as never }));
			expect(isHttpError(answer.thrown) && answer.thrown.status).toBe(400);
			expect(isHttpError(answer.thrown) && answer.thrown.body.message).toContain('could not tell where this request came from');
			expect(await countRows(t.db, 'response')).toBe(0);
			expect(await countRows(t.db, 'survey_throttle')).toBe(0);
		});

		it('never lets a practice of 40 behind one gateway be refused in the same hour', async () => {
			const big = await addRound(t.db, fixture, { title: 'Big', ...openWindow, staffHeadcount: 40, status: 'draft' });
			// A draft takes no answers; count claims directly, as the action does before storing.
			const claims = await Promise.all(Array.from({ length: 40 }, () => claimSurveySubmission(t.db, { id: big.id, staffHeadcount: 40 }, { clientAddress: '203.0.113.77', limitKey: TEST_SURVEY_LIMIT_KEY })));
			expect(claims.every((c) => c.ok)).toBe(true);
		});

		it('counts atomically: of 30 concurrent posts from one address, exactly 10 are stored', async () => {
			const answers = await Promise.all(Array.from({ length: 30 }, () => post({ 'item-CO1': '3' })));
			expect(answers.filter((a) => statusOf(a) === 303)).toHaveLength(10);
			expect(answers.filter((a) => statusOf(a) === 429)).toHaveLength(20);
			expect(await countRows(t.db, 'response')).toBe(10);
		});

		it('counts a wrong code against the limit, so codes cannot be guessed without end, and stores nothing for it', async () => {
			await t.db.updateTable('round').set({ status: 'closed' }).where('id', '=', fixture.round.id).execute();
			const coded = await addRound(t.db, fixture, { ...openWindow, title: 'Codes', staffHeadcount: 4, status: 'open', requiresCode: true });
			const [code] = await issueCodes(t.db, coded.id, 1);
			const guesses = [];
			// Well-formed guesses, each a code nobody was given.
			for (const last of 'ABCDEFGHJK') guesses.push(await post({ 'item-CO1': '3', code: `ZZZZ222${last}` }, { token: coded.public_token }));
			expect(guesses.map(statusOf)).toEqual(Array(10).fill(400));
			// The hour's ten are used up by the guesses: even the right code now waits.
			expect(statusOf(await post({ 'item-CO1': '3', code: code! }, { token: coded.public_token }))).toBe(429);
			expect(await countRows(t.db, 'response')).toBe(0);
			expect(await countRows(t.db, 'survey_submission_key')).toBe(0);
			expect((await t.db.selectFrom('round_code').select('used').execute()).map((c) => c.used)).toEqual([0]);
		});

		it('keeps one row per network, round and day: keyed hashes, the day and two counts, and drops the rows of days gone by', async () => {
			await post({ 'item-CO1': '4' });
			await post({ 'item-CO1': '4' });
			const rows = await t.db.selectFrom('survey_throttle').selectAll().execute();
			expect(rows).toHaveLength(1);
			const [row] = rows;
			expect(Object.keys(row!).sort()).toEqual(['day', 'hour_hash', 'hour_submissions', 'key_hash', 'submissions']);
			expect(row!.key_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(row!.hour_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(row!.hour_hash).not.toBe(row!.key_hash);
			for (const hash of [row!.key_hash, row!.hour_hash]) expect(hash).not.toContain('203.0.113');
			expect(row!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(Number(row!.submissions)).toBe(2);
			expect(Number(row!.hour_submissions)).toBe(2);
			const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
			await claimSurveySubmission(t.db, { id: fixture.round.id, staffHeadcount: 4 }, { clientAddress: '203.0.113.50', limitKey: TEST_SURVEY_LIMIT_KEY }, tomorrow);
			// A submission never deletes (nothing dated runs in a request): the daily purge job does.
			expect(await countRows(t.db, 'survey_throttle')).toBe(2);
			const report = await purgeExpired(t.db, ukDate(tomorrow), tomorrow);
			expect(report.surveyLimitDays).toBe(1);
			const days = (await t.db.selectFrom('survey_throttle').select('day').execute()).map((r) => r.day);
			expect(days).toEqual([tomorrow.toISOString().slice(0, 10)]);
		});

		describe('counted by the hour and by the day in one row (headcount 4: 10 an hour, 20 a day)', () => {
			const from = (clientAddress: string) => ({ clientAddress, limitKey: TEST_SURVEY_LIMIT_KEY });
			const claim = (at: string, address = '203.0.113.60') =>
				claimSurveySubmission(t.db, { id: fixture.round.id, staffHeadcount: 4 }, from(address), new Date(at));
			const claimTimes = async (n: number, at: string, address?: string) => {
				const outcomes = [];
				for (let i = 0; i < n; i++) outcomes.push(await claim(at, address));
				return outcomes;
			};
			const counts = async () =>
				(await t.db.selectFrom('survey_throttle').select(['submissions', 'hour_submissions']).orderBy('submissions').execute()).map((r) => [
					Number(r.submissions),
					Number(r.hour_submissions)
				]);

			it("refuses the hour's eleventh until the next hour, changing no count", async () => {
				expect((await claimTimes(10, '2026-03-02T09:45:00Z')).every((c) => c.ok)).toBe(true);
				// 09:45:00 → 10:00:00 is 900 s; again at 09:59:59, 1 s.
				expect(await claim('2026-03-02T09:45:00Z')).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 900 });
				expect(await claim('2026-03-02T09:59:59Z')).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 1 });
				expect(await counts()).toEqual([[10, 10]]);
			});

			it('starts a new hour at 1 while the day goes on counting, and refuses at the day limit even in a fresh hour', async () => {
				expect((await claimTimes(5, '2026-03-02T09:50:00Z')).every((c) => c.ok)).toBe(true);
				// 10:10: the hour starts afresh, so ten more pass (fifteen in the day), not five.
				expect((await claimTimes(10, '2026-03-02T10:10:00Z')).every((c) => c.ok)).toBe(true);
				expect(await counts()).toEqual([[15, 10]]);
				// The hour answers: 10:10:00 → 11:00:00 is 3,000 s.
				expect(await claim('2026-03-02T10:10:00Z')).toMatchObject({ ok: false, retryAfterSeconds: 3000 });
				// 11:20, a fresh hour: five more reach the day's 20, then the day answers with five used in the hour.
				expect((await claimTimes(5, '2026-03-02T11:20:00Z')).every((c) => c.ok)).toBe(true);
				expect(await counts()).toEqual([[20, 5]]);
				// 11:20:00 → midnight is 86,400 − 40,800 = 45,600 s.
				expect(await claim('2026-03-02T11:20:00Z')).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 45_600 });
				// 12:00, another fresh hour with nothing used in it: still the day, 43,200 s to midnight.
				expect(await claim('2026-03-02T12:00:00Z')).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 43_200 });
				expect(await counts()).toEqual([[20, 5]]);
				// The next day starts afresh, and the daily purge removes the day before's row.
				expect((await claim('2026-03-03T00:00:00Z')).ok).toBe(true);
				await purgeExpired(t.db, '2026-03-03', new Date('2026-03-03T00:05:00Z'));
				expect(await t.db.selectFrom('survey_throttle').select(['day', 'submissions', 'hour_submissions']).execute()).toEqual([
					{ day: '2026-03-03', submissions: 1, hour_submissions: 1 }
				]);
			});

			it('counts two networks apart', async () => {
				expect((await claimTimes(10, '2026-03-02T14:30:00Z', '198.51.100.1')).every((c) => c.ok)).toBe(true);
				expect((await claim('2026-03-02T14:30:00Z', '198.51.100.1')).ok).toBe(false);
				// Another network has its own ten in the same hour.
				expect((await claimTimes(10, '2026-03-02T14:30:00Z', '198.51.100.2')).every((c) => c.ok)).toBe(true);
				expect(await claim('2026-03-02T14:30:00Z', '198.51.100.2')).toMatchObject({ ok: false, retryAfterSeconds: 1800 });
				expect(await counts()).toEqual([
					[10, 10],
					[10, 10]
				]);
			});
		});
	});

	describe('the single-use key of each survey page', () => {
		it('gives each page load a fresh key', async () => {
			const token = fixture.round.public_token;
			const page = async () => ((await load(fakeEvent({ db: t.db, path: `/s/${token}`, params: { token } }) as never)) as { survey: { submissionKey: string } }).survey.submissionKey;
			const [a, b] = [await page(), await page()];
			expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
			expect(a).not.toBe(b);
		});

		it('thanks a retry of the same page (whose answer was lost) without storing it again', async () => {
			const submission = newSubmissionKey();
			const first = await post({ 'item-CO1': '5', comment: 'Once only', submission });
			// The post timed out on the way back: no cookie reached the browser, and it sends the same page again.
			const retry = await post({ 'item-CO1': '5', comment: 'Once only', submission });
			expect([statusOf(first), statusOf(retry)]).toEqual([303, 303]);
			expect(isRedirect(retry.thrown) && retry.thrown.location).toBe(`/s/${fixture.round.public_token}/thanks`);
			expect(await countRows(t.db, 'response')).toBe(1);
			expect(await countRows(t.db, 'comment')).toBe(1);
			// A different page (a new key) is a new answer.
			expect(statusOf(await post({ 'item-CO1': '5', submission: newSubmissionKey() }))).toBe(303);
			expect(await countRows(t.db, 'response')).toBe(2);
		});

		it('stores two simultaneous posts of one page once', async () => {
			const submission = newSubmissionKey();
			const both = await Promise.all([post({ 'item-CO1': '2', submission }), post({ 'item-CO1': '2', submission })]);
			expect(both.map(statusOf)).toEqual([303, 303]);
			expect(await countRows(t.db, 'response')).toBe(1);
		});

		it.each([['too short', 'abc'], ['a bad character', `${'a'.repeat(21)}!`], ['twice', '']])('refuses a key that is %s, storing nothing', async (_label, key) => {
			const form = key === '' ? `item-CO1=4&submission=${newSubmissionKey()}&submission=${newSubmissionKey()}` : { 'item-CO1': '4', submission: key };
			const token = fixture.round.public_token;
			const event = fakeEvent({ db: t.db, path: `/s/${token}`, params: { token }, form });
			const { result } = await outcomeOf(() => actions.default(event as never));
			expect(result).toMatchObject({ status: 400, data: { problems: [{ message: expect.stringContaining('out of date') }] } });
			expect(await countRows(t.db, 'response')).toBe(0);
		});

		it('forgets the keys of a round once it has closed', async () => {
			await post({ 'item-CO1': '5', submission: newSubmissionKey() });
			expect(await countRows(t.db, 'survey_submission_key')).toBe(1);
			await forgetKeysOfClosedRounds(t.db, today);
			expect(await countRows(t.db, 'survey_submission_key')).toBe(1);
			await forgetKeysOfClosedRounds(t.db, addDays(openWindow.closesOn, 1));
			expect(await countRows(t.db, 'survey_submission_key')).toBe(0);
		});
	});
});
