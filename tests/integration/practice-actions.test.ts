import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagVisibility } from '../../src/lib/server/db/schema';
import { changeFlagState } from '../../src/lib/server/linkworker/flags';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { countActionsAcrossPcn, getAction, listActionsForPractice, listFeedbackEvents } from '../../src/lib/server/linkworker/practice-actions';
import { deleteAction, markActionDone, recordAction, reopenAction, updateAction, type ActionInput } from '../../src/lib/server/linkworker/action-changes';
import type { SignedInUser } from '../../src/lib/server/identity';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

type Who = 'raiser' | 'colleague' | 'manager' | 'otherManager' | 'lead' | 'otherLead' | 'admin';

/** A fixed "now" (11:00 in London, BST) so every date window below is the same on any day. */
const NOW = new Date('2026-06-15T10:00:00Z');
const TODAY = '2026-06-15';

describe('practice actions', () => {
	let t: TestDatabase;
	let p: Record<'one' | 'two' | 'elsewhere', number>;
	let u: Record<Who, SignedInUser>;
	/** Flags the raiser put up at practice one (one PCN-lead-only, one shared) and at practice two. */
	let pcnOnly: number;
	let shared: number;
	let atTwo: number;
	let pcnId: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		const icb = await createIcb(t.db, { odsCode: 'QAA', name: 'Test ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'North PCN', icbId: icb.id });
		pcnId = pcn.id;
		const otherPcn = await createPcn(t.db, { odsCode: 'U10002', name: 'South PCN', icbId: icb.id });
		const practice = (ods: string, name: string, inPcn: number) =>
			createPractice(t.db, { odsCode: ods, name, pcnId: inPcn }).then((row) => row.id);
		p = {
			one: await practice('A10001', 'One Surgery', pcn.id),
			two: await practice('A10002', 'Two Surgery', pcn.id),
			elsewhere: await practice('A10004', 'Far Surgery', otherPcn.id)
		};
		u = {
			raiser: await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.one, p.two] }),
			colleague: await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.one] }),
			manager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [p.one] }),
			otherManager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [p.two] }),
			lead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcn.id] }),
			otherLead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [otherPcn.id] }),
			admin: await createSignedInUser(t.db, 'admin')
		};
		pcnOnly = await raise(p.one, 'contract-career', 'pcn_only');
		shared = await raise(p.one, 'private-room', 'practice_and_pcn');
		atTwo = await raise(p.two, 'induction', 'practice_and_pcn');
	});
	afterEach(() => t.close());

	/** The raiser marks an item missing and gets back the flag it raised. */
	async function raise(practiceId: number, itemId: string, visibility: FlagVisibility): Promise<number> {
		const outcome = await saveChecklist(t.db, u.raiser, practiceId, [{ itemId, status: 'missing' }], { [itemId]: visibility }, new Date('2026-06-01T09:00:00Z'));
		expect(outcome).toMatchObject({ ok: true, value: { raised: 1 } });
		const row = await t.db
			.selectFrom('flag')
			.select('id')
			.where('practice_id', '=', practiceId)
			.where('item_id', '=', itemId)
			.executeTakeFirstOrThrow();
		return row.id;
	}

	const input = (overrides: Partial<ActionInput> = {}): ActionInput => ({
		what: 'Book the treatment room every Tuesday',
		owner: 'Sam Patel',
		dueOn: '2026-07-01',
		linkedTo: 'construct:coherence',
		...overrides
	});

	/** Records an action that must succeed and returns its id. */
	async function record(who: Who, overrides: Partial<ActionInput> = {}, practiceId = p.one): Promise<number> {
		const outcome = await recordAction(t.db, u[who], practiceId, input(overrides), NOW);
		if (!outcome.ok) throw new Error(`Recording failed: ${JSON.stringify(outcome.problems)}`);
		return outcome.value;
	}

	const rowOf = (id: number) => t.db.selectFrom('practice_action').selectAll().where('id', '=', id).executeTakeFirst();
	const idsFor = async (who: Who, practiceId = p.one) => (await listActionsForPractice(t.db, u[who], practiceId, TODAY)).map((a) => a.id);

	describe('recording', () => {
		it('stores a construct-linked action as planned and audits it', async () => {
			const id = await record('manager', { what: '  Brief the team on the link worker role  ', owner: ' Dr Ahmed ' });
			expect(await rowOf(id)).toMatchObject({
				practice_id: p.one,
				flag_id: null,
				construct: 'coherence',
				what: 'Brief the team on the link worker role',
				owner: 'Dr Ahmed',
				due_on: '2026-07-01',
				state: 'planned',
				done_on: null,
				done_note: null,
				done_by: null,
				created_by: u.manager.id,
				created_at: NOW.toISOString()
			});
			const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'action_recorded').execute();
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: u.manager.id, practice_id: p.one, occurred_at: NOW.toISOString() });
			expect(audit[0]!.summary).toContain(`action ${id}`);
		});

		it('takes the construct of a flag-linked action from the flag’s checklist item', async () => {
			// private-room is a collective action gap; contract-career is cognitive participation.
			const byManager = await record('manager', { linkedTo: `flag:${shared}` });
			const byLead = await record('lead', { linkedTo: `flag:${pcnOnly}` });
			expect(await rowOf(byManager)).toMatchObject({ flag_id: shared, construct: 'collective_action', created_by: u.manager.id });
			expect(await rowOf(byLead)).toMatchObject({ flag_id: pcnOnly, construct: 'cognitive_participation', created_by: u.lead.id });
			expect(await t.db.selectFrom('audit_event').select('action').where('action', '=', 'action_recorded').execute()).toHaveLength(2);
		});

		it('drops control characters from what and who, so a pasted NUL cannot break the stored text', async () => {
			const id = await record('manager', { what: '\u0000Book room 4\u0007', owner: 'Jo\u0000 Evans' });
			expect(await rowOf(id)).toMatchObject({ what: 'Book room 4', owner: 'Jo Evans' });
		});

		it('accepts a what of exactly 200 characters and an owner of exactly 120', async () => {
			const id = await record('lead', { what: 'w'.repeat(200), owner: 'o'.repeat(120) });
			expect((await rowOf(id))?.what).toHaveLength(200);
			expect((await rowOf(id))?.owner).toHaveLength(120);
		});

		it('refuses bad input with a problem on the right field and stores nothing', async () => {
			const cases: [string, Partial<ActionInput>, string][] = [
				['empty what', { what: '' }, 'what'],
				['blank what', { what: '    ' }, 'what'],
				['empty owner', { owner: '' }, 'owner'],
				['what of 201 characters', { what: 'w'.repeat(201) }, 'what'],
				['owner of 121 characters', { owner: 'o'.repeat(121) }, 'owner'],
				['a date that does not exist', { dueOn: '2026-02-30' }, 'dueOn'],
				['a date in another format', { dueOn: '01/07/2026' }, 'dueOn'],
				['no due date', { dueOn: '' }, 'dueOn'],
				['due over five years ahead', { dueOn: '2031-07-01' }, 'dueOn'],
				['due over two years ago', { dueOn: '2024-06-01' }, 'dueOn'],
				['an unknown construct', { linkedTo: 'construct:nonsense' }, 'linkedTo'],
				['a flag id that is not a number', { linkedTo: 'flag:abc' }, 'linkedTo'],
				['a flag that does not exist', { linkedTo: 'flag:99999' }, 'linkedTo'],
				['a flag at another practice', { linkedTo: `flag:${atTwo}` }, 'linkedTo'],
				['a PCN-lead-only flag', { linkedTo: `flag:${pcnOnly}` }, 'linkedTo'],
				['nothing to link to', { linkedTo: '' }, 'linkedTo'],
				['a what of only control characters', { what: '\u0000\u0007' }, 'what'],
				['an owner of only a NUL', { owner: '\u0000' }, 'owner']
			];
			const audits = await countRows(t.db, 'audit_event');
			for (const [label, overrides, field] of cases) {
				const outcome = await recordAction(t.db, u.manager, p.one, input(overrides), NOW);
				expect(outcome, label).toMatchObject({ ok: false, status: 400 });
				if (outcome.ok) continue;
				expect(
					outcome.problems.map((problem) => problem.field),
					label
				).toContain(field);
			}
			// The PCN lead sees the flag at practice two, but it is not this practice's flag.
			expect(await recordAction(t.db, u.lead, p.one, input({ linkedTo: `flag:${atTwo}` }), NOW)).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'linkedTo' }]
			});
			expect(await countRows(t.db, 'practice_action')).toBe(0);
			expect(await countRows(t.db, 'audit_event')).toBe(audits);
		});

		it('answers 404 to link workers, admins and anyone recording outside their scope', async () => {
			const refused: [Who, number][] = [
				['raiser', p.one],
				['colleague', p.one],
				['admin', p.one],
				['manager', p.two],
				['otherManager', p.one],
				['otherLead', p.one],
				['lead', p.elsewhere]
			];
			for (const [who, practiceId] of refused) {
				expect(await recordAction(t.db, u[who], practiceId, input(), NOW), `${who} at ${practiceId}`).toMatchObject({ ok: false, status: 404 });
			}
			expect(await countRows(t.db, 'practice_action')).toBe(0);
		});
	});

	describe('who sees an action', () => {
		let onPcnOnly: number;
		let onConstruct: number;
		let onShared: number;

		beforeEach(async () => {
			onPcnOnly = await record('lead', { linkedTo: `flag:${pcnOnly}`, dueOn: '2026-07-01' });
			onConstruct = await record('manager', { linkedTo: 'construct:reflexive_monitoring', dueOn: '2026-07-02' });
			onShared = await record('lead', { linkedTo: `flag:${shared}`, dueOn: '2026-07-03' });
		});

		it('follows the flag’s visibility for flag-linked actions and shows construct-linked ones to every reader', async () => {
			expect(await idsFor('lead')).toEqual([onPcnOnly, onConstruct, onShared]);
			expect(await idsFor('raiser')).toEqual([onPcnOnly, onConstruct, onShared]);
			expect(await idsFor('manager')).toEqual([onConstruct, onShared]);
			// A link worker who raised neither flag sees only the construct-linked action.
			expect(await idsFor('colleague')).toEqual([onConstruct]);
			for (const who of ['otherManager', 'otherLead', 'admin'] as const) expect(await idsFor(who), who).toEqual([]);
		});

		it('answers null for an action the viewer may not see, and refuses changes to it', async () => {
			expect(await getAction(t.db, u.manager, onPcnOnly, TODAY)).toBeNull();
			expect(await getAction(t.db, u.colleague, onPcnOnly, TODAY)).toBeNull();
			expect(await getAction(t.db, u.otherLead, onConstruct, TODAY)).toBeNull();
			expect(await getAction(t.db, u.admin, onConstruct, TODAY)).toBeNull();
			expect(await getAction(t.db, u.manager, 99999, TODAY)).toBeNull();
			expect(await getAction(t.db, u.lead, onPcnOnly, TODAY)).toMatchObject({
				id: onPcnOnly,
				construct: 'cognitive_participation',
				flag: { id: pcnOnly, visibility: 'pcn_only', state: 'open' },
				recordedBy: u.lead.displayName,
				canChange: true
			});
			expect(await getAction(t.db, u.raiser, onPcnOnly, TODAY)).toMatchObject({ id: onPcnOnly, canChange: false });

			const audits = await countRows(t.db, 'audit_event');
			expect(await markActionDone(t.db, u.manager, onPcnOnly, { doneOn: TODAY }, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await updateAction(t.db, u.manager, onPcnOnly, input({ what: 'Taken over' }), NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await deleteAction(t.db, u.manager, onPcnOnly, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await markActionDone(t.db, u.otherLead, onConstruct, { doneOn: TODAY }, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await rowOf(onPcnOnly)).toMatchObject({ state: 'planned', what: 'Book the treatment room every Tuesday' });
			expect(await rowOf(onConstruct)).toMatchObject({ state: 'planned' });
			expect(await countRows(t.db, 'audit_event')).toBe(audits);
		});

		it('shows the action to the manager once the flag is shared with the practice', async () => {
			// The raiser answers again, now sharing the flag: visibility is followed at read time.
			await saveChecklist(t.db, u.raiser, p.one, [{ itemId: 'contract-career', status: 'missing' }], { 'contract-career': 'practice_and_pcn' }, NOW);
			expect(await idsFor('manager')).toEqual([onPcnOnly, onConstruct, onShared]);
		});
	});

	describe('the life-cycle', () => {
		let id: number;
		beforeEach(async () => {
			id = await record('manager', { dueOn: '2026-06-30' });
		});

		it('marks done, refuses a second done, reopens and clears the done fields', async () => {
			expect(await markActionDone(t.db, u.manager, id, { doneOn: '2026-06-16' }, NOW)).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'doneOn' }]
			});
			expect(await markActionDone(t.db, u.manager, id, { doneOn: TODAY, note: 'n'.repeat(1001) }, NOW)).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'note' }]
			});
			expect(await markActionDone(t.db, u.manager, id, { doneOn: '2026-02-30' }, NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'doneOn' }] });
			expect(await rowOf(id)).toMatchObject({ state: 'planned', done_on: null });

			expect(await markActionDone(t.db, u.lead, id, { doneOn: TODAY, note: '  Room booked until March  ' }, NOW)).toEqual({ ok: true, value: null });
			expect(await rowOf(id)).toMatchObject({ state: 'done', done_on: TODAY, done_note: 'Room booked until March', done_by: u.lead.id });
			expect(await getAction(t.db, u.manager, id, TODAY)).toMatchObject({ state: 'done', doneBy: u.lead.displayName, recordedBy: u.manager.displayName });

			expect(await markActionDone(t.db, u.manager, id, { doneOn: TODAY }, NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'form' }] });
			expect(await rowOf(id)).toMatchObject({ done_by: u.lead.id, done_note: 'Room booked until March' });

			expect(await reopenAction(t.db, u.manager, id, NOW)).toEqual({ ok: true, value: null });
			expect(await rowOf(id)).toMatchObject({ state: 'planned', done_on: null, done_note: null, done_by: null });
			expect(await reopenAction(t.db, u.manager, id, NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'form' }] });
		});

		it('stores a blank note as no note and accepts a done date two years back but not further', async () => {
			expect(await markActionDone(t.db, u.manager, id, { doneOn: '2024-06-01' }, NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'doneOn' }] });
			expect(await markActionDone(t.db, u.manager, id, { doneOn: '2025-01-10', note: '   ' }, NOW)).toMatchObject({ ok: true });
			expect(await rowOf(id)).toMatchObject({ state: 'done', done_on: '2025-01-10', done_note: null });
		});

		it('refuses changes and deletion while done, and deletes while planned', async () => {
			await markActionDone(t.db, u.manager, id, { doneOn: TODAY }, NOW);
			expect(await updateAction(t.db, u.manager, id, input({ what: 'Something else' }), NOW)).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'form' }]
			});
			expect(await deleteAction(t.db, u.manager, id, NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'form' }] });
			expect(await rowOf(id)).toMatchObject({ state: 'done', what: 'Book the treatment room every Tuesday' });

			await reopenAction(t.db, u.manager, id, NOW);
			expect(await deleteAction(t.db, u.lead, id, NOW)).toEqual({ ok: true, value: null });
			expect(await rowOf(id)).toBeUndefined();
			const changes = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'action_changed').execute();
			expect(changes.map((c) => c.summary)).toEqual([
				`Action ${id}: done on ${TODAY}`,
				`Action ${id}: reopened`,
				`Action ${id}: deleted`
			]);
			// Like flags, the log names ids and dates only: an admin reading it learns nothing of the gap.
			const all = await t.db.selectFrom('audit_event').select('summary').where('action', 'in', ['action_recorded', 'action_changed']).execute();
			for (const { summary } of all) expect(summary).not.toMatch(/treatment room|Tuesday/);
		});

		it('changes the details of a planned action, re-checking them', async () => {
			expect(await updateAction(t.db, u.manager, id, input({ owner: '' }), NOW)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'owner' }] });
			expect(await updateAction(t.db, u.manager, id, input({ linkedTo: `flag:${pcnOnly}` }), NOW)).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'linkedTo' }]
			});
			expect(await rowOf(id)).toMatchObject({ owner: 'Sam Patel', flag_id: null });
			expect(await updateAction(t.db, u.manager, id, input({ what: 'Agree room sessions', owner: 'Practice manager', dueOn: '2026-08-01', linkedTo: `flag:${shared}` }), NOW)).toEqual({
				ok: true,
				value: null
			});
			expect(await rowOf(id)).toMatchObject({
				what: 'Agree room sessions',
				owner: 'Practice manager',
				due_on: '2026-08-01',
				flag_id: shared,
				construct: 'collective_action',
				state: 'planned'
			});
		});

		it('lets link workers see the action but not change it', async () => {
			expect(await getAction(t.db, u.colleague, id, TODAY)).toMatchObject({ id, canChange: false });
			expect(await markActionDone(t.db, u.colleague, id, { doneOn: TODAY }, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await markActionDone(t.db, u.raiser, id, { doneOn: TODAY }, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await updateAction(t.db, u.raiser, id, input({ what: 'Mine now' }), NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await deleteAction(t.db, u.raiser, id, NOW)).toMatchObject({ ok: false, status: 404 });
			expect(await rowOf(id)).toMatchObject({ state: 'planned', what: 'Book the treatment room every Tuesday' });
		});
	});

	describe('overdue and order', () => {
		it('marks planned actions past their due date overdue and lists planned (soonest) before done (latest)', async () => {
			const late = await record('manager', { what: 'Late', dueOn: '2026-06-10' });
			const later = await record('manager', { what: 'Later', dueOn: '2026-06-20' });
			const dueToday = await record('manager', { what: 'Due today', dueOn: TODAY });
			const doneFirst = await record('manager', { what: 'Done first', dueOn: '2026-06-01' });
			const doneLast = await record('manager', { what: 'Done last', dueOn: '2026-06-02' });
			await markActionDone(t.db, u.manager, doneFirst, { doneOn: '2026-06-05' }, NOW);
			await markActionDone(t.db, u.manager, doneLast, { doneOn: '2026-06-12' }, NOW);

			const listed = await listActionsForPractice(t.db, u.manager, p.one, TODAY);
			expect(listed.map((a) => [a.id, a.state, a.overdue])).toEqual([
				[late, 'planned', true],
				[dueToday, 'planned', false],
				[later, 'planned', false],
				[doneLast, 'done', false],
				[doneFirst, 'done', false]
			]);
			// A later "today" makes every planned action overdue, and still never a done one.
			const afterwards = await listActionsForPractice(t.db, u.manager, p.one, '2026-06-21');
			expect(afterwards.map((a) => a.overdue)).toEqual([true, true, true, false, false]);
		});
	});

	describe('feedback events', () => {
		it('lists done actions and resolved flags the viewer may see, on the UK day', async () => {
			const onPcnOnly = await record('lead', { what: 'Raise the contract with the PCN board', linkedTo: `flag:${pcnOnly}` });
			const onConstruct = await record('manager', { what: 'Share outcomes at the team meeting', linkedTo: 'construct:reflexive_monitoring' });
			await record('manager', { what: 'Still to do', linkedTo: 'construct:coherence' });
			await markActionDone(t.db, u.lead, onPcnOnly, { doneOn: '2026-06-10' }, NOW);
			await markActionDone(t.db, u.manager, onConstruct, { doneOn: '2026-06-12' }, NOW);

			// The raiser resolves the PCN-lead-only flag themselves.
			expect(await changeFlagState(t.db, u.raiser, pcnOnly, 'resolved', null, new Date('2026-06-11T09:00:00Z'))).toMatchObject({ ok: true });
			// The manager walks the shared flag to resolved; the last step is 00:30 on 15 June in London.
			for (const [to, at] of [
				['acknowledged', '2026-06-13T09:00:00Z'],
				['in_progress', '2026-06-13T10:00:00Z'],
				['resolved', '2026-06-14T23:30:00Z']
			] as const) {
				expect(await changeFlagState(t.db, u.manager, shared, to, null, new Date(at))).toMatchObject({ ok: true });
			}
			// A flag resolved and then reopened is not something done.
			const reopened = await raise(p.one, 'supervision', 'practice_and_pcn');
			expect(await changeFlagState(t.db, u.raiser, reopened, 'resolved', null, new Date('2026-06-12T09:00:00Z'))).toMatchObject({ ok: true });
			expect(await changeFlagState(t.db, u.raiser, reopened, 'open', 'It came back', new Date('2026-06-13T09:00:00Z'))).toMatchObject({ ok: true });

			const lead = await listFeedbackEvents(t.db, u.lead, p.one);
			expect(lead).toEqual([
				{ kind: 'action_done', on: '2026-06-10', label: 'Raise the contract with the PCN board', by: 'Sam Patel', construct: 'cognitive_participation' },
				{ kind: 'flag_resolved', on: '2026-06-11', label: 'My contract is insecure and I can see no career path.', by: u.raiser.displayName, construct: 'cognitive_participation' },
				{ kind: 'action_done', on: '2026-06-12', label: 'Share outcomes at the team meeting', by: 'Sam Patel', construct: 'reflexive_monitoring' },
				{ kind: 'flag_resolved', on: '2026-06-15', label: 'There is no suitable private room where I can see patients.', by: u.manager.displayName, construct: 'collective_action' }
			]);
			expect((await listFeedbackEvents(t.db, u.manager, p.one)).map((e) => [e.kind, e.on])).toEqual([
				['action_done', '2026-06-12'],
				['flag_resolved', '2026-06-15']
			]);
			// The raiser sees both flags they raised; a colleague sees only the construct action.
			expect((await listFeedbackEvents(t.db, u.raiser, p.one)).map((e) => e.on)).toEqual(['2026-06-10', '2026-06-11', '2026-06-12', '2026-06-15']);
			expect((await listFeedbackEvents(t.db, u.colleague, p.one)).map((e) => [e.kind, e.on])).toEqual([['action_done', '2026-06-12']]);
			expect(await listFeedbackEvents(t.db, u.otherLead, p.one)).toEqual([]);
			expect(await listFeedbackEvents(t.db, u.admin, p.one)).toEqual([]);
		});

		it('drops an action from the events when it is reopened', async () => {
			const id = await record('manager');
			await markActionDone(t.db, u.manager, id, { doneOn: '2026-06-12' }, NOW);
			expect(await listFeedbackEvents(t.db, u.manager, p.one)).toHaveLength(1);
			await reopenAction(t.db, u.manager, id, NOW);
			expect(await listFeedbackEvents(t.db, u.manager, p.one)).toEqual([]);
		});
	});

	describe('counts across the PCN', () => {
		it('counts planned, overdue and done-in-period actions per practice, PCN-lead-only ones included', async () => {
			const late = await record('lead', { linkedTo: `flag:${pcnOnly}`, dueOn: '2026-06-01' });
			await record('manager', { dueOn: '2026-07-01' });
			const doneEarly = await record('manager', { dueOn: '2026-06-10' });
			const doneLater = await record('otherManager', {}, p.two);
			await record('otherLead', {}, p.elsewhere);
			const finish = async (who: Who, id: number, doneOn: string) =>
				expect(await markActionDone(t.db, u[who], id, { doneOn }, NOW)).toEqual({ ok: true, value: null });
			await finish('manager', doneEarly, '2026-01-20');
			await finish('otherManager', doneLater, '2026-06-14');

			const counts = await countActionsAcrossPcn(t.db, u.lead, pcnId, { from: '2026-03-01', to: '2026-06-15' }, TODAY);
			// One Surgery: the late PCN-lead-only action and the July one planned; its done action falls before the period.
			expect(counts).toEqual([
				{ practiceId: p.one, practiceName: 'One Surgery', planned: 2, overdue: 1, doneInPeriod: 0, lastDoneOn: '2026-01-20' },
				{ practiceId: p.two, practiceName: 'Two Surgery', planned: 0, overdue: 0, doneInPeriod: 1, lastDoneOn: '2026-06-14' }
			]);
			expect((await rowOf(late))?.state).toBe('planned');
		});
	});
});
