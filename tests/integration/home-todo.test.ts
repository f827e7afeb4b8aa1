/**
 * Each role's to-do list on a real database with hand-built rows: what is due appears, what is
 * not does not, and nothing from outside the person's scope ever does. Also the lists behind the
 * Flags, Actions and Calendar links of someone with several practices.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CURRENT_CHECKLIST } from '../../src/lib/npt/infrastructure';
import { listAdminTodo } from '../../src/lib/server/home/admin-todo';
import { listPracticeIndex } from '../../src/lib/server/home/practice-index';
import { listTodo } from '../../src/lib/server/home/todo';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { addRound, createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent } from '../helpers/events';
import { load as loadLayout } from '../../src/routes/(app)/+layout.server';
import { load as loadFlagsIndex } from '../../src/routes/(app)/flags/+page.server';
import TodoList from '../../src/lib/components/TodoList.svelte';
import { render } from 'svelte/server';

const TODAY = '2026-11-28';
const NOW = new Date('2026-11-28T12:00:00.000Z');
const config = { minResponses: 5 };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const [ROOM, RECORDS, MEETINGS] = CURRENT_CHECKLIST.items.map((item) => item);

describe('the to-do lists', () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	/** A and B in the fixture's PCN, with an open round each; C in another PCN; D in the first, never surveyed. */
	let a: number, b: number, c: number, d: number;
	let roundB: number;
	let linkWorker: SignedInUser, otherLinkWorker: SignedInUser, manager: SignedInUser, managerC: SignedInUser, lead: SignedInUser;

	async function flag(practiceId: number, raisedBy: number, item: string, options: { visibility?: 'practice_and_pcn' | 'pcn_only'; state?: string; createdDaysAgo?: number } = {}) {
		const at = daysAgo(options.createdDaysAgo ?? 30);
		const row = await t.db
			.insertInto('flag')
			.values({
				practice_id: practiceId,
				raised_by: raisedBy,
				item_id: item,
				checklist_version: CURRENT_CHECKLIST.version,
				visibility: options.visibility ?? 'practice_and_pcn',
				state: (options.state ?? 'open') as never,
				created_at: at,
				updated_at: at
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await t.db.insertInto('flag_event').values({ flag_id: row.id, at, actor_user_id: raisedBy, from_state: null, to_state: 'open', comment: null }).execute();
		return row.id;
	}

	async function flagEvent(flagId: number, actor: number, days: number) {
		await t.db.insertInto('flag_event').values({ flag_id: flagId, at: daysAgo(days), actor_user_id: actor, from_state: 'open', to_state: 'acknowledged', comment: null }).execute();
	}

	async function action(practiceId: number, dueOn: string, options: { done?: boolean; flagId?: number; what?: string } = {}) {
		const row = await t.db
			.insertInto('practice_action')
			.values({
				practice_id: practiceId,
				flag_id: options.flagId ?? null,
				construct: 'coherence',
				what: options.what ?? 'Give the link worker a room on Tuesdays',
				owner: 'Jo Evans',
				due_on: dueOn,
				state: options.done ? 'done' : 'planned',
				done_on: options.done ? '2026-11-20' : null,
				done_note: null,
				created_by: null,
				done_by: null,
				created_at: daysAgo(60),
				updated_at: daysAgo(60)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		return row.id;
	}

	async function checklistReviewed(userId: number, practiceId: number, days: number) {
		await t.db
			.insertInto('infrastructure_answer')
			.values({ user_id: userId, practice_id: practiceId, item_id: ROOM!.id, checklist_version: CURRENT_CHECKLIST.version, status: 'in_place', note: null, updated_at: daysAgo(days) })
			.execute();
	}

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db, { title: 'Winter 2026', opensOn: '2026-11-01', closesOn: '2026-12-12', status: 'open', staffHeadcount: 20 });
		a = f.practice.id;
		b = (await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id })).id;
		const otherPcn = await createPcn(t.db, { odsCode: 'U20002', name: 'Other PCN', icbId: f.icb.id });
		c = (await createPractice(t.db, { odsCode: 'C10001', name: 'Castle Practice', pcnId: otherPcn.id })).id;
		d = (await createPractice(t.db, { odsCode: 'D10001', name: 'Dale Practice', pcnId: f.pcn.id })).id;
		roundB = (await addRound(t.db, { practice: { id: b } as never, versionId: f.versionId }, { title: 'Brook winter', opensOn: '2026-11-01', closesOn: '2026-12-12', status: 'open', staffHeadcount: 15 })).id;
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [a, b] });
		otherLinkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [c] });
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [a] });
		managerC = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [c] });
		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
	});
	afterEach(async () => {
		await t.close();
	});

	const keys = async (user: SignedInUser) => (await listTodo(t.db, user, config, TODAY, NOW)).items.map((i) => i.key);

	it('asks a link worker to review a checklist older than 90 days, and not one reviewed 10 days ago', async () => {
		await checklistReviewed(linkWorker.id, a, 120);
		await checklistReviewed(linkWorker.id, b, 10);
		// Another link worker's old checklist at A is theirs, not this one's.
		await checklistReviewed(otherLinkWorker.id, c, 200);
		await t.db.insertInto('link_worker_assessment').values({ round_id: roundB, user_id: linkWorker.id, instrument_version_id: f.versionId, submitted_at: daysAgo(1), updated_at: daysAgo(1) }).execute();
		const todo = await listTodo(t.db, linkWorker, config, TODAY, NOW);
		expect(todo.items.filter((i) => i.kind === 'checklist').map((i) => [i.text, i.href])).toEqual([
			['Your infrastructure checklist for Test Surgery was last reviewed 120 days ago (on 31 July 2026).', `/practices/${a}/checklist`]
		]);
		// A's round has no view from them yet; B's has one.
		expect(todo.items.filter((i) => i.kind === 'give_view').map((i) => i.href)).toEqual([`/rounds/${f.round.id}/assessment`]);
		expect(todo.items.find((i) => i.kind === 'give_view')!.text).toBe(
			'A round is open at Test Surgery (Winter 2026, until 12 December 2026): give your own view of how embedded your role is there.'
		);
		// The other link worker has never filled in C's checklist in their own name: 200 days is the answer row's age.
		expect(await keys(otherLinkWorker)).toEqual([`checklist-${c}`]);
	});

	it('says a checklist never filled in is missing', async () => {
		const todo = await listTodo(t.db, linkWorker, config, TODAY, NOW);
		expect(todo.items.filter((i) => i.kind === 'checklist').map((i) => i.text)).toEqual([
			'You have not filled in the infrastructure checklist for Brook Surgery yet.',
			'You have not filled in the infrastructure checklist for Test Surgery yet.'
		]);
	});

	it('tells a link worker about their flags someone else changed in the last 14 days, not their own changes or older ones', async () => {
		const answered = await flag(a, linkWorker.id, ROOM!.id);
		await flagEvent(answered, manager.id, 3);
		const ownChange = await flag(b, linkWorker.id, RECORDS!.id);
		await flagEvent(ownChange, linkWorker.id, 2);
		const longAgo = await flag(a, linkWorker.id, MEETINGS!.id);
		await flagEvent(longAgo, manager.id, 20);
		// Another link worker's flag at a practice they share is not theirs to hear about.
		const colleagues = await flag(a, otherLinkWorker.id, RECORDS!.id);
		await flagEvent(colleagues, manager.id, 1);
		const changed = (await listTodo(t.db, linkWorker, config, TODAY, NOW)).items.filter((i) => i.kind === 'flag_changed');
		expect(changed.map((i) => i.href)).toEqual([`/practices/${a}/flags#flag-${answered}`]);
		expect(changed[0]!.text).toBe(`Someone responded to your flag “${ROOM!.gap}” at Test Surgery in the last 14 days.`);
	});

	it('gives a practice manager the open round without a count below the minimum, overdue actions and flags waiting, from their practice only', async () => {
		const overdue = await action(a, '2026-11-01');
		await action(a, '2026-10-01', { done: true });
		await action(a, '2026-12-20');
		await action(c, '2026-11-01');
		const waiting = await flag(a, linkWorker.id, ROOM!.id, { createdDaysAgo: 12 });
		const leadOnly = await flag(a, linkWorker.id, RECORDS!.id, { visibility: 'pcn_only' });
		await flag(a, linkWorker.id, MEETINGS!.id, { state: 'acknowledged' });
		const answered = await flag(b, linkWorker.id, MEETINGS!.id);
		await action(b, '2026-12-20', { flagId: answered });
		const pcnOnly = await flag(a, otherLinkWorker.id, MEETINGS!.id, { visibility: 'pcn_only' });
		const hiddenAction = await action(a, '2026-10-15', { flagId: pcnOnly, what: 'Sort out the room booking' });
		for (let i = 0; i < 3; i++) await t.db.insertInto('response').values({ id: `r${i}`, round_id: f.round.id, role_group: 'clinical' }).execute();

		const todo = await listTodo(t.db, manager, config, TODAY, NOW);
		expect(todo.items.map((i) => i.key)).toEqual([`open-round-${f.round.id}`, `action-${overdue}`, `flag-waiting-${waiting}`]);
		const [round, due, flagged] = todo.items;
		// 3 of a minimum of 5: the count is not given, only how many more are needed, as the round page says it.
		expect(round!.text).toBe('Winter 2026 at Test Surgery is open until 12 December 2026: it needs 2 more responses before any result can be shown.');
		expect(due!.text).toBe('“Give the link worker a room on Tuesdays” at Test Surgery (Jo Evans) was due on 1 November 2026 and is not marked done.');
		expect(due!.href).toBe(`/practices/${a}/actions#action-${overdue}`);
		expect(flagged!.text).toBe(`A link worker flagged “${ROOM!.gap}” at Test Surgery 12 days ago and it has no response yet.`);

		// The PCN lead sees the PCN-lead-only flag and the action on it too, and nothing from the other PCN.
		const leads = await keys(lead);
		expect(leads).toContain(`action-${hiddenAction}`);
		expect(leads).toContain(`flag-waiting-${leadOnly}`);
		// A flag with an action recorded on it has had its response.
		expect(leads).not.toContain(`flag-waiting-${pcnOnly}`);
		expect(leads.some((k) => k.endsWith(`-${c}`))).toBe(false);
	});

	it('gives the response count and rate once the round reaches the minimum', async () => {
		for (let i = 0; i < 6; i++) await t.db.insertInto('response').values({ id: `r${i}`, round_id: f.round.id, role_group: 'clinical' }).execute();
		const [round] = (await listTodo(t.db, manager, config, TODAY, NOW)).items;
		expect(round!.text).toBe('Winter 2026 at Test Surgery is open until 12 December 2026: 6 responses so far (30% of staff).');
	});

	it('asks a manager with no round open or planned and no calendar to start one, and not once a calendar is set', async () => {
		expect(await keys(managerC)).toEqual([`no-round-${c}`]);
		await t.db
			.insertInto('survey_calendar')
			.values({ practice_id: c, cadence: 'every', every_months: 6, anchor_on: '2027-03-01', months: null, open_day: null, length_days: 21, fixed_headcount: null, planned_through: null, updated_at: NOW.toISOString(), updated_by: null })
			.execute();
		expect(await keys(managerC)).toEqual([]);
	});

	it('names the practices of a PCN lead’s PCN that may need support, by the dashboard’s rule', async () => {
		const support = (await listTodo(t.db, lead, config, TODAY, NOW)).items.filter((i) => i.kind === 'needs_support');
		// A and B took answers this year; D never did. C is in another PCN.
		expect(support.map((i) => [i.text, i.href])).toEqual([['Dale Practice may need support: not surveyed in this period.', `/practices/${d}`]]);
	});

	it('gives the admin undelivered and stuck mail, pending and expired invitations and failed jobs', async () => {
		expect((await listAdminTodo(t.db, NOW)).items).toEqual([]);
		const mail = (status: 'failed' | 'waiting' | 'sent', minutes: number) =>
			t.db
				.insertInto('mail_outbox')
				.values({ kind: 'invitation', recipient: 'x@test.example', subject: 'S', text_body: 'b', html_body: null, status, next_attempt_at: NOW.toISOString(), claimed_until: null, last_error: null, created_at: new Date(NOW.getTime() - minutes * 60_000).toISOString(), sent_at: null })
				.execute();
		await mail('failed', 5);
		await mail('failed', 500);
		await mail('waiting', 90);
		await mail('waiting', 10);
		await mail('sent', 500);
		const invited = async (expiresInHours: number) => {
			const user = await t.db
				.insertInto('user_account')
				.values({ email: `i${expiresInHours}@test.example`, display_name: 'Invited', role: 'link_worker', password_hash: null, password_changed_at: null, created_at: NOW.toISOString(), disabled_at: null })
				.returning('id')
				.executeTakeFirstOrThrow();
			await t.db
				.insertInto('account_link')
				.values({ token_hash: `h${expiresInHours}`, user_id: user.id, purpose: 'invitation', created_by: null, created_at: NOW.toISOString(), expires_at: new Date(NOW.getTime() + expiresInHours * 3_600_000).toISOString(), used_at: null })
				.execute();
		};
		await invited(24);
		await invited(-24);
		await invited(-48);
		await t.db.insertInto('job_state').values({ name: 'retention', last_outcome: 'failed' }).execute();
		await t.db.insertInto('job_state').values({ name: 'mail', last_outcome: 'ok' }).execute();
		// The mail written 10 minutes ago is waiting its turn; the sent one is done; the job that went well is not listed.
		expect((await listAdminTodo(t.db, NOW)).items.map((i) => [i.text, i.href])).toEqual([
			['2 mails could not be delivered and will not be tried again unless you send them again.', '/admin/mail'],
			['1 mail has been waiting to go for more than an hour.', '/admin/mail'],
			['2 invitations ran out before they were accepted: send a new one or switch the account off.', '/users'],
			['1 invitation has not been accepted yet.', '/users'],
			['The job “retention” failed on its last run.', '/admin/jobs']
		]);
	});

	it('lists several practices behind the Flags link and goes straight to the one practice otherwise', async () => {
		await flag(a, linkWorker.id, ROOM!.id);
		await flag(a, linkWorker.id, RECORDS!.id, { state: 'resolved' });
		await flag(b, otherLinkWorker.id, ROOM!.id);
		const page = await listPracticeIndex(t.db, linkWorker, 'flags', TODAY, 1);
		expect(page.items.map((p) => [p.name, p.count])).toEqual([
			['Brook Surgery', 0],
			['Test Surgery', 1]
		]);
		const leads = await listPracticeIndex(t.db, lead, 'flags', TODAY, 1);
		expect(leads.items.map((p) => [p.name, p.count])).toEqual([
			['Brook Surgery', 1],
			['Dale Practice', 0],
			['Test Surgery', 1]
		]);
		const thrown = await Promise.resolve(loadFlagsIndex(fakeEvent({ db: t.db, user: manager, path: '/flags' }) as never)).catch((e: unknown) => e);
		expect(thrown).toMatchObject({ status: 303, location: `/practices/${a}/flags` });
		const layout = loadLayout(fakeEvent({ db: t.db, user: manager, path: '/' }) as never) as { signedIn: { onlyPracticeId: number | null } };
		expect(layout.signedIn.onlyPracticeId).toBe(a);
		const several = loadLayout(fakeEvent({ db: t.db, user: linkWorker, path: '/' }) as never) as { signedIn: { onlyPracticeId: number | null } };
		expect(several.signedIn.onlyPracticeId).toBeNull();
	});

	it('says "All done" and what was looked at when nothing is waiting, and lists items as sentences with links otherwise', async () => {
		const done = render(TodoList, { props: { todo: { items: [], cut: [] }, checked: 'No flag waits for a response.' } }).body;
		expect(done).toMatch(/<strong[^>]*>All done.<\/strong> No flag waits for a response./);
		expect(done).not.toContain('<li>');
		const todo = await listTodo(t.db, manager, config, TODAY, NOW);
		const html = render(TodoList, { props: { todo, checked: 'unused' } }).body;
		expect(html).not.toContain('All done');
		expect(html).toMatch(new RegExp(`<a href="/rounds/${f.round.id}"[^>]*>Follow Winter 2026 at Test Surgery</a>`));
	});

	it('lists at most ten of a kind and says there are more', async () => {
		const many = [];
		for (let i = 0; i < 11; i++) many.push((await createPractice(t.db, { odsCode: `M${String(10000 + i)}`, name: `Practice ${String(i).padStart(2, '0')}`, pcnId: f.pcn.id })).id);
		const busy = await createSignedInUser(t.db, 'link_worker', { practiceIds: many });
		const todo = await listTodo(t.db, busy, config, TODAY, NOW);
		expect(todo.items).toHaveLength(10);
		expect(todo.items[9]!.text).toBe('You have not filled in the infrastructure checklist for Practice 09 yet.');
		expect(todo.cut).toEqual([{ kind: 'checklist', where: 'the first 10 practices by name are listed, and the rest appear as you review these', href: null }]);
	});
});
