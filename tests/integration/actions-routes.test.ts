import { isActionFailure, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { markActionDone, recordAction, type ActionInput } from '../../src/lib/server/linkworker/action-changes';
import type { SignedInUser } from '../../src/lib/server/identity';
import { actions, load } from '../../src/routes/(app)/practices/[practiceId]/actions/+page.server';
import { load as dashboardLoad } from '../../src/routes/(app)/practices/[practiceId]/+page.server';
import { load as flagsLoad } from '../../src/routes/(app)/practices/[practiceId]/flags/+page.server';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, statusOf } from '../helpers/events';

type Role = 'admin' | 'pcnLead' | 'manager' | 'linkWorker';
const ROLES: Role[] = ['admin', 'pcnLead', 'manager', 'linkWorker'];

interface ActionsPage {
	canRecord: boolean;
	preselected: string;
	actions: { id: number; what: string; canChange: boolean }[];
	flagOptions: { value: string }[];
}

describe('actions page', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	// The routes work from the real clock, so the dates sent are relative to today.
	const today = ukDate();
	const due = addDays(today, 30);

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		// The fixture's own action is for the HTTP access matrix; these tests count from none.
		await t.db.deleteFrom('practice_action').execute();
	});
	afterEach(() => t.close());

	const user = (who: Role): SignedInUser => f.users[who];
	async function statuses(run: (who: SignedInUser) => Promise<unknown>): Promise<Record<Role, number>> {
		const out = {} as Record<Role, number>;
		for (const who of ROLES) out[who] = statusOf(await outcomeOf(() => run(user(who))));
		return out;
	}
	const event = (who: SignedInUser, practiceId: number | string, tail = '', form?: Record<string, string> | string) =>
		fakeEvent({ db: t.db, user: who, path: `/practices/${practiceId}/actions${tail}`, params: { practiceId: String(practiceId) }, form });
	const page = async (who: Role, practiceId = f.practices.a1.id, tail = '') => (await load(event(user(who), practiceId, tail) as never)) as unknown as ActionsPage;

	const details = (overrides: Partial<ActionInput> = {}): ActionInput => ({
		what: 'Guarantee room sessions on Tuesdays',
		owner: 'Alex Reed',
		dueOn: due,
		linkedTo: 'construct:collective_action',
		...overrides
	});
	async function recordDirectly(who: SignedInUser, practiceId: number, overrides: Partial<ActionInput> = {}): Promise<number> {
		const outcome = await recordAction(t.db, who, practiceId, details(overrides));
		if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
		return outcome.value;
	}
	const stateOf = async (id: number) => (await t.db.selectFrom('practice_action').select('state').where('id', '=', id).executeTakeFirst())?.state;

	it('opens the page to result readers in scope, and lets only managers and PCN leads record', async () => {
		expect(await statuses((u) => load(event(u, f.practices.a1.id) as never))).toEqual({ admin: 403, pcnLead: 200, manager: 200, linkWorker: 200 });
		expect(await statuses((u) => load(event(u, f.practices.a2.id) as never))).toEqual({ admin: 403, pcnLead: 200, manager: 404, linkWorker: 404 });
		expect(await statuses((u) => load(event(u, f.practices.b1.id) as never))).toEqual({ admin: 403, pcnLead: 404, manager: 404, linkWorker: 200 });
		expect(await statuses((u) => load(event(u, 'abc') as never))).toEqual({ admin: 403, pcnLead: 404, manager: 404, linkWorker: 404 });
		expect(await statuses((u) => load(event(u, 999999) as never))).toEqual({ admin: 403, pcnLead: 404, manager: 404, linkWorker: 404 });

		expect((await page('manager')).canRecord).toBe(true);
		expect((await page('pcnLead')).canRecord).toBe(true);
		expect((await page('linkWorker')).canRecord).toBe(false);
		// The flags offered to link to are the ones this person may see.
		expect((await page('manager')).flagOptions.map((o) => o.value)).toEqual([`flag:${f.flags.a1Shared.id}`]);
		expect((await page('pcnLead')).flagOptions.map((o) => o.value).sort()).toEqual([`flag:${f.flags.a1Shared.id}`, `flag:${f.flags.a1PcnOnly.id}`].sort());
		expect((await page('linkWorker')).flagOptions).toEqual([]);
	});

	it('passes what the action is for through from the link', async () => {
		const forFlag = `flag:${f.flags.a1Shared.id}`;
		expect((await page('manager', f.practices.a1.id, `?for=${encodeURIComponent(forFlag)}`)).preselected).toBe(forFlag);
		expect((await page('manager')).preselected).toBe('');
	});

	it('answers an empty record form with 400 and the problems, storing nothing', async () => {
		const outcome = await actions.record(event(user('manager'), f.practices.a1.id, '', {}) as never);
		expect(isActionFailure(outcome)).toBe(true);
		expect(outcome).toMatchObject({ status: 400 });
		const problems = (outcome as unknown as { data: { problems: { field: string }[] } }).data.problems.map((p) => p.field);
		expect(problems).toEqual(expect.arrayContaining(['what', 'owner', 'dueOn', 'linkedTo']));
		expect(await countRows(t.db, 'practice_action')).toBe(0);
	});

	it('records a valid action and redirects to it', async () => {
		const form = { what: 'Agree a community venue', owner: 'Alex Reed', dueOn: due, linkedTo: `flag:${f.flags.a1Shared.id}` };
		const outcome = await outcomeOf(() => actions.record(event(user('manager'), f.practices.a1.id, '', form) as never));
		const row = await t.db.selectFrom('practice_action').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ practice_id: f.practices.a1.id, flag_id: f.flags.a1Shared.id, construct: 'collective_action', what: 'Agree a community venue', due_on: due });
		expect(isRedirect(outcome.thrown)).toBe(true);
		expect(outcome.thrown).toMatchObject({ status: 303, location: `/practices/${f.practices.a1.id}/actions#action-${row.id}` });
		expect((await page('linkWorker')).actions.map((a) => [a.id, a.canChange])).toEqual([[row.id, false]]);
	});

	it('refuses recording by a link worker (403) and at a practice out of scope (404)', async () => {
		const form = { what: 'Something', owner: 'Someone', dueOn: due, linkedTo: 'construct:coherence' };
		// The manager and the PCN lead each record one; the link worker and the admin record nothing.
		expect(await statuses((u) => actions.record(event(u, f.practices.a1.id, '', form) as never))).toEqual({ admin: 403, pcnLead: 303, manager: 303, linkWorker: 403 });
		const recorders = await t.db.selectFrom('practice_action').select('created_by').execute();
		expect(recorders.map((r) => r.created_by).sort()).toEqual([f.users.pcnLead.id, f.users.manager.id].sort());
		await t.db.deleteFrom('practice_action').execute();
		expect(await statuses((u) => actions.record(event(u, f.practices.b1.id, '', form) as never))).toEqual({ admin: 403, pcnLead: 404, manager: 404, linkWorker: 403 });
		expect(await countRows(t.db, 'practice_action')).toBe(0);
	});

	it('refuses an oversized form with 413 and stores nothing', async () => {
		const form = { what: 'x'.repeat(40 * 1024), owner: 'Alex Reed', dueOn: due, linkedTo: 'construct:coherence' };
		const outcome = await actions.record(event(user('manager'), f.practices.a1.id, '', form) as never);
		expect(outcome).toMatchObject({ status: 413 });
		expect(await countRows(t.db, 'practice_action')).toBe(0);
	});

	it('answers 404 to any change posted with an action from another practice, changing nothing', async () => {
		const atA2 = await recordDirectly(f.users.pcnLead, f.practices.a2.id);
		const doneAtA2 = await recordDirectly(f.users.pcnLead, f.practices.a2.id);
		expect(await markActionDone(t.db, f.users.pcnLead, doneAtA2, { doneOn: today })).toMatchObject({ ok: true });
		const lead = user('pcnLead');
		const manager = user('manager');
		const audits = await countRows(t.db, 'audit_event');
		for (const who of [lead, manager]) {
			const post = (name: keyof typeof actions, form: Record<string, string>) =>
				outcomeOf(() => actions[name](event(who, f.practices.a1.id, '', form) as never));
			expect(statusOf(await post('done', { actionId: String(atA2), doneOn: today })), `${who.role} done`).toBe(404);
			expect(statusOf(await post('reopen', { actionId: String(doneAtA2) })), `${who.role} reopen`).toBe(404);
			expect(statusOf(await post('delete', { actionId: String(atA2), confirm: 'delete' })), `${who.role} delete`).toBe(404);
			expect(statusOf(await post('update', { actionId: String(atA2), ...details({ what: 'Moved' }) })), `${who.role} update`).toBe(404);
		}
		expect(await stateOf(atA2)).toBe('planned');
		expect(await stateOf(doneAtA2)).toBe('done');
		expect((await t.db.selectFrom('practice_action').select('what').where('id', '=', atA2).executeTakeFirstOrThrow()).what).toBe('Guarantee room sessions on Tuesdays');
		expect(await countRows(t.db, 'audit_event')).toBe(audits);
	});

	it('marks done, reopens and deletes through the page, and hides PCN-lead-only actions from the manager', async () => {
		const id = await recordDirectly(f.users.manager, f.practices.a1.id);
		const onPcnOnly = await recordDirectly(f.users.pcnLead, f.practices.a1.id, { linkedTo: `flag:${f.flags.a1PcnOnly.id}` });
		const post = (who: Role, name: keyof typeof actions, form: Record<string, string>) =>
			outcomeOf(() => actions[name](event(user(who), f.practices.a1.id, '', form) as never));

		expect(statusOf(await post('manager', 'done', { actionId: String(onPcnOnly), doneOn: today }))).toBe(404);
		expect(statusOf(await post('linkWorker', 'done', { actionId: String(id), doneOn: today }))).toBe(403);
		expect(statusOf(await post('manager', 'done', { actionId: String(id), doneOn: addDays(today, 1) }))).toBe(400);
		expect(await stateOf(id)).toBe('planned');

		expect((await post('manager', 'done', { actionId: String(id), doneOn: today, note: 'Sessions booked' })).thrown).toMatchObject({
			status: 303,
			location: `/practices/${f.practices.a1.id}/actions#action-${id}`
		});
		expect(await stateOf(id)).toBe('done');
		expect(statusOf(await post('manager', 'delete', { actionId: String(id), confirm: 'delete' }))).toBe(400);
		expect(statusOf(await post('pcnLead', 'reopen', { actionId: String(id) }))).toBe(303);
		expect(await stateOf(id)).toBe('planned');
		// Deleting asks first: without the confirmation (?confirm=delete) nothing goes.
		expect(statusOf(await post('manager', 'delete', { actionId: String(id) }))).toBe(400);
		expect(await stateOf(id)).toBe('planned');
		expect(statusOf(await post('manager', 'delete', { actionId: String(id), confirm: 'delete' }))).toBe(303);
		expect(await stateOf(id)).toBeUndefined();
		expect(statusOf(await post('manager', 'reopen', { actionId: 'abc' }))).toBe(400);

		expect((await page('manager')).actions.map((a) => a.id)).toEqual([]);
		expect((await page('pcnLead')).actions.map((a) => a.id)).toEqual([onPcnOnly]);
	});

	it('lists each flag’s actions on the flags page by who may see the flag', async () => {
		const onShared = await recordDirectly(f.users.manager, f.practices.a1.id, { what: 'Book a room', linkedTo: `flag:${f.flags.a1Shared.id}` });
		const onPcnOnly = await recordDirectly(f.users.pcnLead, f.practices.a1.id, { what: 'Talk to the employer', linkedTo: `flag:${f.flags.a1PcnOnly.id}` });
		await recordDirectly(f.users.manager, f.practices.a1.id, { what: 'Not about a flag', linkedTo: 'construct:coherence' });
		type FlagsPage = { actionsByFlag: Record<number, { id: number; what: string; state: string }[]>; canRecordActions: boolean };
		const flagsPage = async (who: Role) =>
			(await flagsLoad(fakeEvent({ db: t.db, user: user(who), path: `/practices/${f.practices.a1.id}/flags`, params: { practiceId: String(f.practices.a1.id) } }) as never)) as unknown as FlagsPage;

		const lead = await flagsPage('pcnLead');
		expect(lead.canRecordActions).toBe(true);
		expect(lead.actionsByFlag).toEqual({
			[f.flags.a1Shared.id]: [expect.objectContaining({ id: onShared, what: 'Book a room', state: 'planned' })],
			[f.flags.a1PcnOnly.id]: [expect.objectContaining({ id: onPcnOnly, what: 'Talk to the employer', state: 'planned' })]
		});
		const manager = await flagsPage('manager');
		expect(manager.canRecordActions).toBe(true);
		expect(Object.keys(manager.actionsByFlag)).toEqual([String(f.flags.a1Shared.id)]);
		const linkWorker = await flagsPage('linkWorker');
		expect(linkWorker.canRecordActions).toBe(false);
		expect(Object.keys(linkWorker.actionsByFlag).sort()).toEqual([String(f.flags.a1Shared.id), String(f.flags.a1PcnOnly.id)].sort());
	});

	it('puts done actions on the dashboard’s trend only for those who may see them, and counts planned and overdue ones', async () => {
		const onPcnOnly = await recordDirectly(f.users.pcnLead, f.practices.a1.id, { what: 'Talk to the employer', linkedTo: `flag:${f.flags.a1PcnOnly.id}` });
		const forCoherence = await recordDirectly(f.users.manager, f.practices.a1.id, { what: 'Brief the team', linkedTo: 'construct:coherence' });
		await recordDirectly(f.users.manager, f.practices.a1.id, { what: 'Late one', dueOn: addDays(today, -3) });
		await recordDirectly(f.users.manager, f.practices.a1.id, { what: 'Next month', dueOn: due });
		for (const [who, id] of [[f.users.pcnLead, onPcnOnly], [f.users.manager, forCoherence]] as const) {
			const done = await markActionDone(t.db, who, id, { doneOn: today });
			if (!done.ok) throw new Error(JSON.stringify(done.problems));
		}
		type Dashboard = { feedback: { label: string; kind: string; construct: string }[]; plannedActions: number; overdueActions: number };
		const dashboard = async (who: Role) =>
			(await dashboardLoad(
				fakeEvent({ db: t.db, user: user(who), path: `/practices/${f.practices.a1.id}`, params: { practiceId: String(f.practices.a1.id) } }) as never
			)) as unknown as Dashboard;

		const lead = await dashboard('pcnLead');
		expect(lead.feedback.map((m) => m.label).sort()).toEqual(['Brief the team', 'Talk to the employer']);
		expect(lead).toMatchObject({ plannedActions: 2, overdueActions: 1 });
		const manager = await dashboard('manager');
		expect(manager.feedback).toEqual([expect.objectContaining({ label: 'Brief the team', kind: 'action_done', construct: 'coherence' })]);
		expect(JSON.stringify(manager)).not.toContain('Talk to the employer');
		// The link worker raised the PCN-lead-only flag, so they see what was done about it too.
		expect((await dashboard('linkWorker')).feedback).toHaveLength(2);
	});
});
