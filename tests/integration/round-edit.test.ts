import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import type { Round } from '../../src/lib/server/db/schema';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load as roundLoad } from '../../src/routes/(app)/rounds/[roundId]/+page.server';
import { actions as editActions, load as editLoad } from '../../src/routes/(app)/rounds/[roundId]/edit/+page.server';
import {
	addRound,
	createPracticeWithRound,
	createTestDatabase,
	closeAsOf,
	lastYearsRound,
	type PracticeFixture,
	type TestDatabase
} from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const LINK_WORKER_INSTRUMENT = BUILT_IN_INSTRUMENTS.find((i) => i.audience === 'link_worker')!;

type Failure = { status: number; data: { values?: Record<string, string>; problems?: { field: string; message: string }[] } };
type EditPage = Exclude<Awaited<ReturnType<typeof editLoad>>, void>;

const redirectOf = (thrown: unknown) => (isRedirect(thrown) ? { status: thrown.status, location: thrown.location } : thrown);
const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);

describe('changing a round’s details', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	let manager: SignedInUser;
	let today: string;
	/** Taking answers: opened five days ago, closes in ten. */
	let open: Round;

	beforeEach(async () => {
		t = await createTestDatabase();
		today = ukDate();
		fixture = await createPracticeWithRound(t.db, lastYearsRound(today));
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
		open = await roundAt({ title: 'Winter staff survey', opensOn: addDays(today, -5), closesOn: addDays(today, 10), staffHeadcount: 28, status: 'open' });
	});
	afterEach(() => t.close());

	const roundAt = (round: Parameters<typeof addRound>[2]) => addRound(t.db, fixture, round);

	async function submit(roundId: number | string, form: Record<string, string>, user: SignedInUser = manager) {
		return outcomeOf(() =>
			editActions.default(fakeEvent({ db: t.db, user, form, params: { roundId: String(roundId) }, path: `/rounds/${roundId}/edit` }) as never)
		);
	}

	async function editPage(roundId: number | string, user: SignedInUser = manager) {
		return outcomeOf(async () => (await editLoad(fakeEvent({ db: t.db, user, params: { roundId: String(roundId) }, path: `/rounds/${roundId}/edit` }) as never)) as EditPage);
	}

	async function stored(roundId: number): Promise<Round> {
		return t.db.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirstOrThrow();
	}

	const changedEvents = () => listAuditEvents(t.db, { action: 'round_changed' });

	describe('a round that is taking answers', () => {
		it('offers its details in the form, with the opening date fixed', async () => {
			const { result } = await editPage(open.id);
			expect(result!.editability).toBe('opened');
			expect(result!.round).toMatchObject({
				id: open.id,
				title: 'Winter staff survey',
				opensOn: addDays(today, -5),
				closesOn: addDays(today, 10),
				staffHeadcount: '28'
			});
		});

		it('extends the closing date and changes the headcount, audited with what changed, and says so on the round page', async () => {
			const { thrown } = await submit(open.id, { title: 'Winter staff survey', closesOn: addDays(today, 31), staffHeadcount: '30' });
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${open.id}?changed` });
			expect(await stored(open.id)).toEqual({ ...open, closes_on: addDays(today, 31), staff_headcount: 30 });

			const audit = await changedEvents();
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: manager.id, actor_label: manager.email, practice_id: fixture.practice.id });
			expect(audit[0]!.summary).toBe(
				`Changed round ${open.id} “Winter staff survey”: closing date ${addDays(today, 10)} → ${addDays(today, 31)}, headcount 28 → 30`
			);

			const page = await roundLoad(fakeEvent({ db: t.db, user: manager, params: { roundId: String(open.id) }, path: `/rounds/${open.id}?changed` }) as never);
			expect((page as { changed: string | null }).changed).toBe('changed');
		});

		it('shortens it to close at the end of today, renames it and clears the headcount', async () => {
			const { thrown } = await submit(open.id, { title: '  Short winter survey ', closesOn: today, staffHeadcount: '' });
			expect(redirectOf(thrown)).toMatchObject({ status: 303 });
			expect(await stored(open.id)).toMatchObject({ title: 'Short winter survey', opens_on: open.opens_on, closes_on: today, staff_headcount: null, status: 'open' });
			expect((await changedEvents())[0]!.summary).toBe(
				`Changed round ${open.id} “Winter staff survey”: title “Winter staff survey” → “Short winter survey”, closing date ${addDays(today, 10)} → ${today}, headcount 28 → none`
			);
		});

		it('refuses a different opening date (400) and changes nothing; the same date is accepted', async () => {
			const { result } = await submit(open.id, { title: 'Renamed', opensOn: addDays(today, 1), closesOn: addDays(today, 20), staffHeadcount: '28' });
			expect((result as Failure).status).toBe(400);
			expect((result as Failure).data.problems).toEqual([{ field: 'opensOn', message: expect.stringContaining('opening date cannot change') }]);
			expect(await stored(open.id)).toEqual(open);
			expect(await changedEvents()).toHaveLength(0);

			const same = await submit(open.id, { title: 'Renamed', opensOn: open.opens_on, closesOn: addDays(today, 20), staffHeadcount: '28' });
			expect(redirectOf(same.thrown)).toMatchObject({ status: 303 });
			expect(await stored(open.id)).toMatchObject({ title: 'Renamed', opens_on: open.opens_on, closes_on: addDays(today, 20) });
		});

		it('never changes the survey version, whatever the form sends: a post that asks is refused whole', async () => {
			const linkWorkerVersion = (await versionIdOf(t.db, LINK_WORKER_INSTRUMENT))!;
			const { result } = await submit(open.id, {
				title: 'Winter staff survey',
				closesOn: addDays(today, 12),
				staffHeadcount: '28',
				instrumentVersionId: String(linkWorkerVersion)
			});
			const failure = result as Failure;
			expect(failure.status).toBe(409);
			expect(failure.data.problems!.map((p) => p.field)).toEqual(['instrumentVersionId']);
			expect(await stored(open.id)).toEqual(open);
		});

		it('saves nothing and records nothing when nothing changed', async () => {
			const { thrown } = await submit(open.id, { title: 'Winter staff survey', closesOn: addDays(today, 10), staffHeadcount: '28' });
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${open.id}?changed` });
			expect(await stored(open.id)).toEqual(open);
			expect(await changedEvents()).toHaveLength(0);
		});

		const invalid: [string, Record<string, string>, string][] = [
			['a closing date in the past', { closesOn: addDays(ukDate(), -1) }, 'closesOn'],
			['a missing title', { title: '   ' }, 'title'],
			['a title over 120 characters', { title: 'x'.repeat(121) }, 'title'],
			['a closing date that does not exist', { closesOn: '2027-02-30' }, 'closesOn'],
			['a closing date in another format', { closesOn: '01/03/2027' }, 'closesOn'],
			['a headcount of 0', { staffHeadcount: '0' }, 'staffHeadcount'],
			['a headcount over 5,000', { staffHeadcount: '5001' }, 'staffHeadcount'],
			['a headcount that is not a whole number', { staffHeadcount: '12.5' }, 'staffHeadcount'],
			['a headcount in words', { staffHeadcount: 'twelve' }, 'staffHeadcount'],
			['an empty opening date', { opensOn: '' }, 'opensOn']
		];
		it.each(invalid)('refuses %s (400) and changes nothing', async (_, overrides, field) => {
			const { result } = await submit(open.id, { title: 'Winter staff survey', closesOn: addDays(today, 20), staffHeadcount: '30', ...overrides });
			const failure = result as Failure;
			expect(failure.status).toBe(400);
			expect(failure.data.problems!.map((p) => p.field)).toEqual([field]);
			expect(failure.data.values).toMatchObject(overrides);
			expect(await stored(open.id)).toEqual(open);
			expect(await changedEvents()).toHaveLength(0);
		});

		it('refuses a form with fields missing (400) and changes nothing', async () => {
			const { result } = await submit(open.id, {});
			expect((result as Failure).status).toBe(400);
			expect((result as Failure).data.problems!.map((p) => p.field).sort()).toEqual(['closesOn', 'staffHeadcount', 'title']);
			expect(await stored(open.id)).toEqual(open);
			expect(await changedEvents()).toHaveLength(0);
		});
	});

	describe('a round that has closed', () => {
		it('explains instead of offering the form, and refuses a change (409), changing nothing', async () => {
			expect((await editPage(fixture.round.id)).result!.editability).toBe('closed');
			const { result } = await submit(fixture.round.id, { title: 'Rewritten history', closesOn: addDays(today, 5), staffHeadcount: '40' });
			expect((result as Failure).status).toBe(409);
			expect((result as Failure).data.problems).toEqual([{ field: 'form', message: expect.stringContaining('can no longer change') }]);
			expect(await stored(fixture.round.id)).toEqual(fixture.round);
			expect(await changedEvents()).toHaveLength(0);
		});

		it('treats a round past its closing date as closed, before it is marked closed', async () => {
			await closeAsOf(t.db, open.id, today);
			const due = await roundAt({ title: 'Due', opensOn: addDays(today, -20), closesOn: addDays(today, -1), staffHeadcount: null, status: 'open' });
			expect((await editPage(due.id)).result!.editability).toBe('closed');
			const { result } = await submit(due.id, { title: 'Due', closesOn: addDays(today, 7), staffHeadcount: '' });
			expect((result as Failure).status).toBe(409);
			expect(await stored(due.id)).toEqual(due);
		});
	});

	describe('a round that has not opened', () => {
		it('moves a draft’s opening and closing dates, audited', async () => {
			const draft = await roundAt({ title: 'Spring', opensOn: addDays(today, 5), closesOn: addDays(today, 26), staffHeadcount: null });
			expect((await editPage(draft.id)).result!.editability).toBe('not_opened');
			const { thrown } = await submit(draft.id, { title: 'Spring', opensOn: addDays(today, 10), closesOn: addDays(today, 31), staffHeadcount: '' });
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${draft.id}?changed` });
			expect(await stored(draft.id)).toEqual({ ...draft, opens_on: addDays(today, 10), closes_on: addDays(today, 31) });
			expect((await changedEvents()).map((e) => e.summary)).toEqual([
				`Changed round ${draft.id} “Spring”: opening date ${addDays(today, 5)} → ${addDays(today, 10)}, closing date ${addDays(today, 26)} → ${addDays(today, 31)}`
			]);
		});

		it('moves the opening date of a round waiting to open, but not into the past', async () => {
			await closeAsOf(t.db, open.id, today);
			const waiting = await roundAt({ title: 'Waiting', opensOn: addDays(today, 3), closesOn: addDays(today, 24), staffHeadcount: 28, status: 'open' });
			expect((await editPage(waiting.id)).result!.editability).toBe('not_opened');
			const past = await submit(waiting.id, { title: 'Waiting', opensOn: addDays(today, -1), closesOn: addDays(today, 24), staffHeadcount: '28' });
			expect((past.result as Failure).status).toBe(400);
			expect((past.result as Failure).data.problems).toEqual([{ field: 'opensOn', message: 'The opening date cannot be in the past' }]);
			expect(await stored(waiting.id)).toEqual(waiting);

			const { thrown } = await submit(waiting.id, { title: 'Waiting', opensOn: today, closesOn: addDays(today, 24), staffHeadcount: '28' });
			expect(redirectOf(thrown)).toMatchObject({ status: 303 });
			expect(await stored(waiting.id)).toMatchObject({ opens_on: today, status: 'open' });
		});

		const refused: [string, Record<string, string>, string][] = [
			['a closing date before the opening date', { opensOn: addDays(ukDate(), 10), closesOn: addDays(ukDate(), 9) }, 'closesOn'],
			['an opening date in the past', { opensOn: addDays(ukDate(), -1) }, 'opensOn'],
			['no opening date', { opensOn: '' }, 'opensOn'],
			['a draft’s opening date left out', {}, 'opensOn']
		];
		it.each(refused)('refuses %s for a draft (400) and changes nothing', async (_, overrides, field) => {
			const draft = await roundAt({ title: 'Spring', opensOn: addDays(today, 5), closesOn: addDays(today, 26), staffHeadcount: null });
			const form: Record<string, string> = { title: 'Spring', closesOn: addDays(today, 20), staffHeadcount: '', ...overrides };
			const { result } = await submit(draft.id, form);
			expect((result as Failure).status).toBe(400);
			expect((result as Failure).data.problems!.map((p) => p.field)).toEqual([field]);
			expect(await stored(draft.id)).toEqual(draft);
			expect(await changedEvents()).toHaveLength(0);
		});
	});

	describe('who may change a round', () => {
		const change = () => ({ title: 'Taken over', closesOn: addDays(today, 20), staffHeadcount: '5' });

		it('a PCN lead of the practice’s PCN may', async () => {
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [fixture.pcn.id] });
			expect((await editPage(open.id, lead)).result!.editability).toBe('opened');
			expect(redirectOf((await submit(open.id, change(), lead)).thrown)).toMatchObject({ status: 303 });
			expect((await changedEvents())[0]).toMatchObject({ actor_user_id: lead.id });
		});

		it('a link worker of the practice gets 403, and nothing changes', async () => {
			const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] });
			expect(statusOf((await editPage(open.id, linkWorker)).thrown)).toBe(403);
			expect(statusOf((await submit(open.id, change(), linkWorker)).thrown)).toBe(403);
			expect(await stored(open.id)).toEqual(open);
		});

		it('a manager of another practice gets 404, and nothing changes', async () => {
			const elsewhere = await createPractice(t.db, { odsCode: 'A10009', name: 'Elsewhere', pcnId: null });
			const stranger = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [elsewhere.id] });
			expect(statusOf((await editPage(open.id, stranger)).thrown)).toBe(404);
			expect(statusOf((await submit(open.id, change(), stranger)).thrown)).toBe(404);
			expect(await stored(open.id)).toEqual(open);
			expect(await changedEvents()).toHaveLength(0);
		});

		it('an unknown or malformed round reads as 404', async () => {
			for (const roundId of ['99999', 'abc', '0', '-1', '1.5']) {
				expect(statusOf((await editPage(roundId)).thrown)).toBe(404);
				expect(statusOf((await submit(roundId, change())).thrown)).toBe(404);
			}
		});
	});
});
