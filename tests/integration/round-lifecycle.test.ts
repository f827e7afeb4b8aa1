import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, addMonths, ukDate } from '../../src/lib/dates';
import { BUILT_IN_INSTRUMENTS, DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import type { Round } from '../../src/lib/server/db/schema';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { closeDueRounds } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import {
	actions as newRoundActions,
	load as newRoundLoad
} from '../../src/routes/(app)/practices/[practiceId]/rounds/new/+page.server';
import { actions as roundActions, load as roundLoad } from '../../src/routes/(app)/rounds/[roundId]/+page.server';
import { actions as closeActions, load as closeLoad } from '../../src/routes/(app)/rounds/[roundId]/close/+page.server';
import {
	addRound,
	countRows,
	createPracticeWithRound,
	createTestDatabase,
	lastYearsRound,
	type PracticeFixture,
	type TestDatabase
} from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const LINK_WORKER_INSTRUMENT = BUILT_IN_INSTRUMENTS.find((i) => i.audience === 'link_worker')!;

type Failure = { status: number; data: { values?: Record<string, string>; problems?: { field: string; message: string }[]; message?: string } };

const redirectOf = (thrown: unknown) => (isRedirect(thrown) ? { status: thrown.status, location: thrown.location } : thrown);
const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);

function answers(point: AgreementPoint): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = point;
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

describe('the round life-cycle', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	let manager: SignedInUser;
	let today: string;

	beforeEach(async () => {
		t = await createTestDatabase();
		today = ukDate();
		fixture = await createPracticeWithRound(t.db, lastYearsRound(today));
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
	});
	afterEach(() => t.close());

	const practiceParams = () => ({ practiceId: String(fixture.practice.id) });

	function validForm(overrides: Record<string, string> = {}): Record<string, string> {
		return {
			title: 'Spring staff survey',
			opensOn: today,
			closesOn: addDays(today, 21),
			staffHeadcount: '25',
			instrumentVersionId: String(fixture.versionId),
			start: 'draft',
			...overrides
		};
	}

	async function submitNewRound(form: Record<string, string>, user: SignedInUser = manager, params = practiceParams()) {
		return outcomeOf(() =>
			newRoundActions.default(fakeEvent({ db: t.db, user, form, params, path: `/practices/${params.practiceId}/rounds/new` }) as never)
		);
	}

	async function roundsOfPractice(practiceId = fixture.practice.id): Promise<Round[]> {
		return t.db.selectFrom('round').selectAll().where('practice_id', '=', practiceId).orderBy('id').execute();
	}

	/** Opening, deleting (confirmed) or closing (from its confirmation page, confirming what it states). */
	async function roundAction(name: 'open' | 'close' | 'delete', roundId: number, user: SignedInUser = manager) {
		const params = { roundId: String(roundId) };
		if (name === 'close') {
			const page = await outcomeOf(() => closeLoad(fakeEvent({ db: t.db, user, params, path: `/rounds/${roundId}/close` }) as never));
			const stated = (page.result as { view: { stated: string } | null } | undefined)?.view?.stated ?? '';
			return outcomeOf(() => closeActions.close(fakeEvent({ db: t.db, user, form: { confirm: 'close', stated }, params, path: `/rounds/${roundId}/close?/close` }) as never));
		}
		const form: Record<string, string> = name === 'delete' ? { confirm: 'delete' } : {};
		return outcomeOf(() => roundActions[name](fakeEvent({ db: t.db, user, form, params, path: `/rounds/${roundId}?/${name}` }) as never));
	}

	async function roundPage(roundId: number, user: SignedInUser = manager) {
		return (await roundLoad(fakeEvent({ db: t.db, user, params: { roundId: String(roundId) }, path: `/rounds/${roundId}` }) as never)) as Exclude<
			Awaited<ReturnType<typeof roundLoad>>,
			void
		>;
	}

	describe('creating a round from the form', () => {
		it('offers sensible defaults: today, three weeks, the last headcount and the built-in staff survey', async () => {
			const page = (await newRoundLoad(fakeEvent({ db: t.db, user: manager, params: practiceParams() }) as never)) as Exclude<
				Awaited<ReturnType<typeof newRoundLoad>>,
				void
			>;
			expect(page.defaults).toMatchObject({
				opensOn: today,
				closesOn: addDays(today, 21),
				staffHeadcount: '23',
				instrumentVersionId: String(fixture.versionId)
			});
			expect(page.defaults.title).toMatch(/^(Winter|Spring|Summer|Autumn) \d{4}(–\d{2})? staff survey$/);
			// Only staff surveys are offered: a link worker's version cannot run a round.
			const linkWorkerVersion = await versionIdOf(t.db, LINK_WORKER_INSTRUMENT);
			expect(page.versions.map((v) => v.value)).toEqual([String(fixture.versionId)]);
			expect(page.versions.map((v) => v.value)).not.toContain(String(linkWorkerVersion));
		});

		it('stores a draft and goes to its page, without an audit entry for opening', async () => {
			const { thrown } = await submitNewRound(validForm({ requiresCode: 'yes' }));
			const rounds = await roundsOfPractice();
			expect(rounds).toHaveLength(2);
			const created = rounds[1]!;
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${created.id}` });
			expect(created).toMatchObject({
				title: 'Spring staff survey',
				opens_on: today,
				closes_on: addDays(today, 21),
				staff_headcount: 25,
				status: 'draft',
				requires_code: 1,
				closed_on: null,
				instrument_version_id: fixture.versionId
			});
			expect((await listAuditEvents(t.db, { action: 'round_opened' }))).toHaveLength(0);
		});

		it('opens it straight away when asked, audited with the manager as actor; an empty headcount is allowed', async () => {
			const { thrown } = await submitNewRound(validForm({ start: 'open', staffHeadcount: '' }));
			const created = (await roundsOfPractice())[1]!;
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${created.id}` });
			expect(created).toMatchObject({ status: 'open', staff_headcount: null, requires_code: 0 });
			const opened = (await listAuditEvents(t.db, { action: 'round_opened' }));
			expect(opened).toHaveLength(1);
			expect(opened[0]).toMatchObject({ actor_user_id: manager.id, practice_id: fixture.practice.id });
			expect(opened[0]!.summary).toContain('Spring staff survey');
		});

		const invalid: [string, Record<string, string>, string][] = [
			['a missing title', { title: '  ' }, 'title'],
			['a date that does not exist', { opensOn: '2027-02-30' }, 'opensOn'],
			['a date in another format', { closesOn: '01/03/2027' }, 'closesOn'],
			['an opening date in the past', { opensOn: addDays(ukDate(), -1) }, 'opensOn'],
			['a closing date before the opening date', { opensOn: addDays(ukDate(), 10), closesOn: addDays(ukDate(), 9) }, 'closesOn'],
			['a headcount of 0', { staffHeadcount: '0' }, 'staffHeadcount'],
			['a headcount over 5,000', { staffHeadcount: '5001' }, 'staffHeadcount'],
			['a headcount that is not a whole number', { staffHeadcount: '12.5' }, 'staffHeadcount'],
			['a headcount in words', { staffHeadcount: 'twelve' }, 'staffHeadcount'],
			['an instrument version that is not a number', { instrumentVersionId: 'latest' }, 'instrumentVersionId'],
			['an unknown start choice', { start: 'sometime' }, 'start'],
			['a checkbox with a strange value', { requiresCode: 'perhaps' }, 'requiresCode']
		];
		it.each(invalid)('refuses %s and stores nothing', async (_, overrides, field) => {
			const before = await countRows(t.db, 'round');
			const { result } = await submitNewRound(validForm(overrides));
			const failure = result as Failure;
			expect(failure.status).toBe(400);
			expect(failure.data.problems!.map((p) => p.field)).toContain(field);
			expect(failure.data.values).toMatchObject(overrides);
			expect(await countRows(t.db, 'round')).toBe(before);
		});

		it('refuses a missing field and stores nothing', async () => {
			const form = validForm();
			delete form.closesOn;
			const { result } = await submitNewRound(form);
			expect((result as Failure).status).toBe(400);
			expect((result as Failure).data.problems!.map((p) => p.field)).toEqual(['closesOn']);
			expect(await countRows(t.db, 'round')).toBe(1);
		});

		it('refuses an instrument version that does not exist, or is not a staff survey', async () => {
			const linkWorkerVersion = (await versionIdOf(t.db, LINK_WORKER_INSTRUMENT))!;
			for (const id of ['99999', String(linkWorkerVersion)]) {
				const { result } = await submitNewRound(validForm({ instrumentVersionId: id }));
				expect((result as Failure).status).toBe(400);
				expect((result as Failure).data.problems).toEqual([
					{ field: 'instrumentVersionId', message: 'Choose which version of the staff survey to use' }
				]);
			}
			expect(await countRows(t.db, 'round')).toBe(1);
		});
	});

	describe('survey fatigue', () => {
		it('warns when the round opens less than four months after the last one, and stores it once confirmed', async () => {
			await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Autumn round',
				opensOn: addMonths(today, -3),
				closesOn: addDays(addMonths(today, -3), 21),
				status: 'closed'
			});
			const first = await submitNewRound(validForm());
			const failure = first.result as Failure;
			expect(failure.status).toBe(409);
			expect(failure.data.problems).toHaveLength(1);
			expect(failure.data.problems![0]!.field).toBe('confirmFatigue');
			expect(failure.data.problems![0]!.message).toContain('“Autumn round”');
			expect(await countRows(t.db, 'round')).toBe(2);

			const confirmed = await submitNewRound(validForm({ confirmFatigue: 'yes' }));
			expect(redirectOf(confirmed.thrown)).toMatchObject({ status: 303 });
			expect(await countRows(t.db, 'round')).toBe(3);
		});

		it('also warns about a round planned for shortly after the new one', async () => {
			await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Planned',
				opensOn: addMonths(today, 2),
				closesOn: addDays(addMonths(today, 2), 21)
			});
			const { result } = await submitNewRound(validForm());
			expect((result as Failure).data.problems![0]!.field).toBe('confirmFatigue');
		});

		it('does not warn at exactly four months, start to start', async () => {
			await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Four months ago',
				opensOn: addMonths(today, -4),
				closesOn: addDays(addMonths(today, -4), 21),
				status: 'closed'
			});
			const { thrown } = await submitNewRound(validForm());
			expect(redirectOf(thrown)).toMatchObject({ status: 303 });
		});
	});

	describe('one open round per practice', () => {
		let scheduled: Round;

		beforeEach(async () => {
			// Opened, but not taking answers until next month: it still counts as the open round.
			scheduled = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Scheduled',
				opensOn: addMonths(today, 1),
				closesOn: addDays(addMonths(today, 1), 21),
				status: 'open'
			});
		});

		it('refuses to create a second round that opens now, storing nothing', async () => {
			const { result } = await submitNewRound(validForm({ start: 'open', confirmFatigue: 'yes' }));
			expect((result as Failure).status).toBe(409);
			expect((result as Failure).data.problems![0]).toMatchObject({ field: 'start' });
			expect((result as Failure).data.problems![0]!.message).toContain('“Scheduled”');
			expect(await countRows(t.db, 'round')).toBe(2);
		});

		it('lets a draft wait, refuses to open it while the other is open, and opens it once the other has closed', async () => {
			await submitNewRound(validForm({ confirmFatigue: 'yes' }));
			const draft = (await roundsOfPractice()).at(-1)!;
			expect(draft.status).toBe('draft');

			const refused = await roundAction('open', draft.id);
			expect((refused.result as Failure).status).toBe(409);
			expect((refused.result as Failure).data.problems![0]!.message).toContain('“Scheduled”');
			expect((await roundsOfPractice()).map((r) => r.status)).toEqual(['closed', 'open', 'draft']);
			expect((await listAuditEvents(t.db, { action: 'round_opened' }))).toHaveLength(0);

			expect(redirectOf((await roundAction('close', scheduled.id)).thrown)).toEqual({ status: 303, location: `/rounds/${scheduled.id}?closed` });
			const opened = await roundAction('open', draft.id);
			expect(redirectOf(opened.thrown)).toEqual({ status: 303, location: `/rounds/${draft.id}?opened` });
			expect((await roundsOfPractice()).map((r) => r.status)).toEqual(['closed', 'closed', 'open']);
			const audit = (await listAuditEvents(t.db, { action: 'round_opened' }));
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: manager.id, practice_id: fixture.practice.id });
		});

		it('does not count a round of another practice', async () => {
			const other = await createPractice(t.db, { odsCode: 'A10002', name: 'Other Surgery', pcnId: fixture.pcn.id });
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [fixture.pcn.id] });
			const params = { practiceId: String(other.id) };
			const { thrown } = await submitNewRound(validForm({ start: 'open' }), lead, params);
			expect(redirectOf(thrown)).toMatchObject({ status: 303 });
			expect((await roundsOfPractice(other.id)).map((r) => r.status)).toEqual(['open']);
		});
	});

	describe('opening and closing', () => {
		it('closing early sets today as the closing day, audited; a closed round cannot be closed or opened again', async () => {
			const open = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Now',
				opensOn: addDays(today, -3),
				closesOn: addDays(today, 10),
				status: 'open'
			});
			const { thrown } = await roundAction('close', open.id);
			expect(redirectOf(thrown)).toEqual({ status: 303, location: `/rounds/${open.id}?closed` });
			const closed = (await roundsOfPractice()).find((r) => r.id === open.id)!;
			expect(closed).toMatchObject({ status: 'closed', closed_on: today, closes_on: addDays(today, 10) });
			const audit = (await listAuditEvents(t.db, { action: 'round_closed' }));
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: manager.id, actor_label: manager.email, practice_id: fixture.practice.id });
			expect(audit[0]!.summary).toContain('early');

			expect((await roundAction('close', open.id)).result).toMatchObject({ status: 409 });
			expect((await roundAction('open', open.id)).result).toMatchObject({ status: 409, data: { values: { action: 'open' } } });
			expect((await listAuditEvents(t.db, { action: 'round_closed' }))).toHaveLength(1);
		});

		it('a draft cannot be closed', async () => {
			const draft = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Draft',
				opensOn: today,
				closesOn: addDays(today, 10)
			});
			expect((await roundAction('close', draft.id)).result).toMatchObject({ status: 409 });
			expect((await roundsOfPractice()).find((r) => r.id === draft.id)!.status).toBe('draft');
		});

		it('opening a draft whose opening date has passed opens it from today', async () => {
			const draft = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Late start',
				opensOn: addDays(today, -2),
				closesOn: addDays(today, 10)
			});
			await roundAction('open', draft.id);
			expect((await roundsOfPractice()).find((r) => r.id === draft.id)).toMatchObject({ status: 'open', opens_on: today });
		});

		it('deletes a draft, but never a round that has opened', async () => {
			const draft = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Draft',
				opensOn: today,
				closesOn: addDays(today, 10)
			});
			const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] });
			expect(statusOf((await roundAction('delete', draft.id, linkWorker)).thrown)).toBe(403);
			expect(redirectOf((await roundAction('delete', draft.id)).thrown)).toEqual({
				status: 303,
				location: `/practices/${fixture.practice.id}`
			});
			expect((await roundsOfPractice()).map((r) => r.id)).toEqual([fixture.round.id]);
			expect((await roundAction('delete', fixture.round.id)).result).toMatchObject({ status: 409, data: { values: { action: 'delete' } } });
			expect(await countRows(t.db, 'round')).toBe(1);
		});

		it('records who deleted a draft, and nothing for a refused delete', async () => {
			const draft = await addRound(t.db, fixture, { staffHeadcount: null, title: 'Draft', opensOn: today, closesOn: addDays(today, 10) });
			await roundAction('delete', draft.id);
			await roundAction('delete', fixture.round.id);
			const audit = await listAuditEvents(t.db, { action: 'round_deleted' });
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ practice_id: fixture.practice.id });
			expect(audit[0]!.summary).toBe(`Deleted the draft round ${draft.id} “Draft”`);
		});

		it('closes a round by itself once its closing date has passed', async () => {
			const due = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Due',
				opensOn: addDays(today, -20),
				closesOn: addDays(today, -1),
				status: 'open'
			});
			expect(await closeDueRounds(t.db, addDays(today, -1))).toBe(0);
			expect(await closeDueRounds(t.db, today)).toBe(1);
			expect((await roundsOfPractice()).find((r) => r.id === due.id)).toMatchObject({ status: 'closed', closed_on: addDays(today, -1) });
			const audit = (await listAuditEvents(t.db, { action: 'round_closed' }));
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: null, practice_id: fixture.practice.id });
		});
	});

	describe('who may run rounds', () => {
		let draft: Round;
		beforeEach(async () => {
			draft = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: 'Draft',
				opensOn: today,
				closesOn: addDays(today, 10)
			});
		});

		it('a link worker of the practice reads the round page but cannot create, open or close (403)', async () => {
			const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] });
			expect((await roundPage(draft.id, linkWorker)).canManage).toBe(false);
			expect(statusOf((await roundAction('open', draft.id, linkWorker)).thrown)).toBe(403);
			await t.db.updateTable('round').set({ status: 'open' }).where('id', '=', draft.id).execute();
			expect(statusOf((await roundAction('close', draft.id, linkWorker)).thrown)).toBe(403);
			expect(statusOf((await submitNewRound(validForm(), linkWorker)).thrown)).toBe(403);
			expect(statusOf((await outcomeOf(() => newRoundLoad(fakeEvent({ db: t.db, user: linkWorker, params: practiceParams() }) as never))).thrown)).toBe(403);
			expect((await roundsOfPractice()).map((r) => r.status)).toEqual(['closed', 'open']);
		});

		it('a manager of another practice gets 404 everywhere, and nothing changes', async () => {
			const elsewhere = await createPractice(t.db, { odsCode: 'A10009', name: 'Elsewhere', pcnId: null });
			const stranger = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [elsewhere.id] });
			expect(statusOf((await roundAction('open', draft.id, stranger)).thrown)).toBe(404);
			expect(statusOf((await submitNewRound(validForm(), stranger)).thrown)).toBe(404);
			expect(statusOf((await outcomeOf(() => newRoundLoad(fakeEvent({ db: t.db, user: stranger, params: practiceParams() }) as never))).thrown)).toBe(404);
			expect(statusOf((await outcomeOf(() => roundPage(draft.id, stranger))).thrown)).toBe(404);
			expect(await countRows(t.db, 'round')).toBe(2);
			expect((await roundsOfPractice()).map((r) => r.status)).toEqual(['closed', 'draft']);
		});

		it('an unknown or malformed practice or round reads as 404', async () => {
			for (const practiceId of ['99999', 'abc', '0', '-1', '1.5']) {
				const load = await outcomeOf(() => newRoundLoad(fakeEvent({ db: t.db, user: manager, params: { practiceId } }) as never));
				expect(statusOf(load.thrown)).toBe(404);
			}
			expect(statusOf((await roundAction('open', 99999)).thrown)).toBe(404);
		});

		it('the manager sees the management panel data', async () => {
			expect((await roundPage(draft.id)).canManage).toBe(true);
		});
	});

	describe('progress while the round collects answers', () => {
		let open: Round;
		beforeEach(async () => {
			open = await addRound(t.db, fixture, {
				title: 'Collecting',
				opensOn: addDays(today, -5),
				closesOn: addDays(today, 10),
				staffHeadcount: 10,
				status: 'open'
			});
		});

		async function answerOn(daysAgo: number, times: number) {
			for (let i = 0; i < times; i++) {
				expect(await submitResponse(t.db, open.id, answers(4), addDays(today, -daysAgo))).toEqual({ ok: true, storedEarlier: false });
			}
		}

		it('holds no per-day counts in the page data below the minimum', async () => {
			await answerOn(4, 2);
			await answerOn(2, 2);
			const page = await roundPage(open.id);
			expect(page.progressByDay).toBeNull();
			expect(page.outcome).toEqual({
				stage: 'collecting',
				availability: 'open',
				progress: { respondentsNeeded: 1, sofar: { shown: false } }
			});
			// Not one of the recorded days appears anywhere in what the page receives.
			const json = JSON.stringify(page);
			for (const daysAgo of [4, 2]) expect(json).not.toContain(addDays(today, -daysAgo));
		});

		it('gives the running total by day, quiet days included, once the minimum is reached', async () => {
			await answerOn(5, 2);
			await answerOn(3, 1);
			await answerOn(1, 2);
			const page = await roundPage(open.id);
			expect(page.progressByDay).toEqual([
				{ day: addDays(today, -5), submissions: 2, total: 2 },
				{ day: addDays(today, -4), submissions: 0, total: 2 },
				{ day: addDays(today, -3), submissions: 1, total: 3 },
				{ day: addDays(today, -2), submissions: 0, total: 3 },
				{ day: addDays(today, -1), submissions: 2, total: 5 },
				{ day: today, submissions: 0, total: 5 }
			]);
		});
	});

	describe('downloads of a closed round', () => {
		async function closedRoundWith(respondents: number): Promise<Round> {
			const round = await addRound(t.db, fixture, {
				staffHeadcount: null,
				title: `With ${respondents}`,
				opensOn: addDays(today, -10),
				closesOn: addDays(today, 10),
				status: 'open'
			});
			for (let i = 0; i < respondents; i++) await submitResponse(t.db, round.id, answers(4), addDays(today, -1));
			await roundAction('close', round.id);
			return round;
		}

		it('offers scores and statements below the minimum, never the answers', async () => {
			const round = await closedRoundWith(4);
			expect((await roundPage(round.id)).downloads.map((d) => d.href)).toEqual([
				`/rounds/${round.id}/export/scores.csv`,
				`/rounds/${round.id}/export/items.csv`
			]);
		});

		it('adds the anonymised answers at the minimum, for managers but not link workers', async () => {
			const round = await closedRoundWith(5);
			expect((await roundPage(round.id)).downloads.map((d) => d.kind)).toEqual(['scores', 'items', 'answers']);
			const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] });
			expect((await roundPage(round.id, linkWorker)).downloads.map((d) => d.kind)).toEqual(['scores', 'items']);
		});

		it('offers nothing for a draft or a round still collecting answers', async () => {
			for (const status of ['draft', 'open'] as const) {
				const round = await addRound(t.db, fixture, {
				staffHeadcount: null,
					title: status,
					opensOn: today,
					closesOn: addDays(today, 10),
					status
				});
				expect((await roundPage(round.id)).downloads).toEqual([]);
			}
		});
	});
});
