import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignedInUser } from '../../src/lib/server/identity';
import { actions as checklistActions, load as checklistLoad } from '../../src/routes/(app)/practices/[practiceId]/checklist/+page.server';
import { actions as flagActions, load as flagsLoad } from '../../src/routes/(app)/practices/[practiceId]/flags/+page.server';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, statusOf } from '../helpers/events';

type Role = 'admin' | 'pcnLead' | 'manager' | 'linkWorker';
const ROLES: Role[] = ['admin', 'pcnLead', 'manager', 'linkWorker'];

describe('checklist and flags pages', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	const user = (who: Role): SignedInUser => f.users[who];
	async function statuses(run: (who: SignedInUser) => Promise<unknown>): Promise<Record<Role, number>> {
		const out = {} as Record<Role, number>;
		for (const who of ROLES) out[who] = statusOf(await outcomeOf(() => run(user(who))));
		return out;
	}
	const event = (who: SignedInUser, practiceId: number | string, tail: string, form?: Record<string, string>) =>
		fakeEvent({ db: t.db, user: who, path: `/practices/${practiceId}/${tail}`, params: { practiceId: String(practiceId) }, form });

	it('opens the checklist only to link workers at their own practices', async () => {
		expect(await statuses((u) => checklistLoad(event(u, f.practices.a1.id, 'checklist') as never))).toEqual({ admin: 403, pcnLead: 403, manager: 403, linkWorker: 200 });
		expect(await statuses((u) => checklistLoad(event(u, f.practices.a2.id, 'checklist') as never))).toEqual({ admin: 403, pcnLead: 403, manager: 403, linkWorker: 404 });
		expect(await statuses((u) => checklistLoad(event(u, 'abc', 'checklist') as never))).toEqual({ admin: 403, pcnLead: 403, manager: 403, linkWorker: 404 });
		expect(await statuses((u) => checklistActions.default(event(u, f.practices.a1.id, 'checklist', {}) as never))).toEqual({ admin: 403, pcnLead: 403, manager: 403, linkWorker: 400 });
		expect(
			await statuses((u) => checklistActions.default(event(u, f.practices.a2.id, 'checklist', { 'status-induction': 'in_place' }) as never))
		).toEqual({ admin: 403, pcnLead: 403, manager: 403, linkWorker: 404 });
		expect(await countRows(t.db, 'infrastructure_answer')).toBe(0);
	});

	it('saves the form, raises a flag with the chosen visibility and shows it back', async () => {
		const lw = user('linkWorker');
		const form = {
			'status-induction': 'in_place',
			'status-training': 'missing',
			'note-training': 'No budget',
			'visibility-training': 'pcn_only',
			'visibility-induction': 'practice_and_pcn'
		};
		expect(statusOf(await outcomeOf(() => checklistActions.default(event(lw, f.practices.a1.id, 'checklist', form) as never)))).toBe(303);
		const page = (await checklistLoad(event(lw, f.practices.a1.id, 'checklist') as never)) as { values: Record<string, string> };
		expect(page.values).toEqual({ 'status-induction': 'in_place', 'status-training': 'missing', 'note-training': 'No budget', 'visibility-training': 'pcn_only' });
		const seen = async (who: Role) =>
			((await flagsLoad(event(user(who), f.practices.a1.id, 'flags') as never)) as { flags: { itemId: string }[] }).flags.map((x) => x.itemId).sort();
		expect(await seen('manager')).toEqual(['private-room']);
		expect(await seen('pcnLead')).toEqual(['contract-career', 'private-room', 'training']);
		expect(await seen('linkWorker')).toEqual(['contract-career', 'private-room', 'training']);
	});

	it('keeps the flags page in scope and PCN-lead-only flags away from the manager', async () => {
		expect(await statuses((u) => flagsLoad(event(u, f.practices.a1.id, 'flags') as never))).toEqual({ admin: 403, pcnLead: 200, manager: 200, linkWorker: 200 });
		expect(await statuses((u) => flagsLoad(event(u, f.practices.a2.id, 'flags') as never))).toEqual({ admin: 403, pcnLead: 200, manager: 404, linkWorker: 404 });
		expect(await statuses((u) => flagsLoad(event(u, f.practices.b1.id, 'flags') as never))).toEqual({ admin: 403, pcnLead: 404, manager: 404, linkWorker: 200 });
		const pcnOnly = String(f.flags.a1PcnOnly.id);
		const shared = String(f.flags.a1Shared.id);
		expect(await statuses((u) => flagActions.comment(event(u, f.practices.a1.id, 'flags', { flagId: pcnOnly, comment: 'Seen' }) as never))).toEqual({
			admin: 403,
			pcnLead: 303,
			manager: 404,
			linkWorker: 303
		});
		expect(await statuses((u) => flagActions.state(event(u, f.practices.a1.id, 'flags', { flagId: pcnOnly, to: 'in_progress' }) as never))).toEqual({
			admin: 403,
			pcnLead: 400,
			manager: 404,
			linkWorker: 400
		});
		expect(await statuses((u) => flagActions.state(event(u, f.practices.a1.id, 'flags', {}) as never))).toEqual({ admin: 403, pcnLead: 400, manager: 400, linkWorker: 400 });
		expect(await statuses((u) => flagActions.state(event(u, f.practices.b1.id, 'flags', { flagId: shared, to: 'resolved' }) as never))).toEqual({
			admin: 403,
			pcnLead: 404,
			manager: 404,
			linkWorker: 404
		});
		const states = await t.db.selectFrom('flag').select('state').execute();
		expect(states.map((s) => s.state)).toEqual(['open', 'open']);
		// The manager acknowledges the shared flag through the page.
		expect(statusOf(await outcomeOf(() => flagActions.state(event(user('manager'), f.practices.a1.id, 'flags', { flagId: shared, to: 'acknowledged' }) as never)))).toBe(303);
		expect((await t.db.selectFrom('flag').select('state').where('id', '=', f.flags.a1Shared.id).executeTakeFirstOrThrow()).state).toBe('acknowledged');
	});

	it('refuses a note on an item left unmarked, and gives only PCN leads the counts across the PCN', async () => {
		const lw = user('linkWorker');
		const outcome = await checklistActions.default(event(lw, f.practices.a1.id, 'checklist', { 'note-induction': 'Half done' }) as never);
		expect(outcome).toMatchObject({ status: 400, data: { problems: [{ field: 'note-induction' }] } });
		const acrossPcn = async (who: Role) => ((await flagsLoad(event(user(who), f.practices.a1.id, 'flags') as never)) as { acrossPcn: unknown }).acrossPcn;
		expect(await acrossPcn('manager')).toBeNull();
		expect(await acrossPcn('linkWorker')).toBeNull();
		expect(await acrossPcn('pcnLead')).toMatchObject({ pcnName: 'PCN A', practiceCount: 2, byItem: { 'private-room': 1, 'contract-career': 1, induction: 0 } });
	});
});
