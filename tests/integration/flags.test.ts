import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagState } from '../../src/lib/npt/flag-lifecycle';
import type { FlagVisibility } from '../../src/lib/server/db/schema';
import {
	changeFlagState,
	commentOnFlag,
	countGapsAcrossPcn,
	getFlag,
	listFlagsForPcn,
	listFlagsForPractice
} from '../../src/lib/server/linkworker/flags';
import { getChecklistAnswers, saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import type { SignedInUser } from '../../src/lib/server/identity';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

type Who = 'raiser' | 'colleague' | 'manager' | 'otherManager' | 'lead' | 'otherLead' | 'admin';

describe('infrastructure flags', () => {
	let t: TestDatabase;
	let p: Record<'one' | 'two' | 'three' | 'elsewhere', number>;
	let pcnId: number;
	let otherPcnId: number;
	let u: Record<Who, SignedInUser>;

	beforeEach(async () => {
		t = await createTestDatabase();
		const icb = await createIcb(t.db, { odsCode: 'QAA', name: 'Test ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'North PCN', icbId: icb.id });
		const otherPcn = await createPcn(t.db, { odsCode: 'U10002', name: 'South PCN', icbId: icb.id });
		pcnId = pcn.id;
		otherPcnId = otherPcn.id;
		const practice = (ods: string, name: string, inPcn: number) =>
			createPractice(t.db, { odsCode: ods, name, pcnId: inPcn }).then((row) => row.id);
		p = {
			one: await practice('A10001', 'One Surgery', pcn.id),
			two: await practice('A10002', 'Two Surgery', pcn.id),
			three: await practice('A10003', 'Three Surgery', pcn.id),
			elsewhere: await practice('A10004', 'Far Surgery', otherPcn.id)
		};
		u = {
			raiser: await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.one, p.two, p.elsewhere] }),
			colleague: await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.one] }),
			manager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [p.one] }),
			otherManager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [p.two] }),
			lead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcn.id] }),
			otherLead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [otherPcn.id] }),
			admin: await createSignedInUser(t.db, 'admin')
		};
	});
	afterEach(() => t.close());

	/** Marks one item and returns the id of the unresolved flag it leaves, if any. */
	async function mark(
		who: SignedInUser,
		practiceId: number,
		itemId: string,
		status: string,
		visibility: FlagVisibility = 'practice_and_pcn',
		note: string | null = null
	): Promise<number | null> {
		const outcome = await saveChecklist(t.db, who, practiceId, [{ itemId, status, note }], { [itemId]: visibility });
		expect(outcome).toMatchObject({ ok: true });
		const row = await t.db
			.selectFrom('flag')
			.select('id')
			.where('raised_by', '=', who.id)
			.where('practice_id', '=', practiceId)
			.where('item_id', '=', itemId)
			.where('state', 'in', ['open', 'acknowledged', 'in_progress'])
			.executeTakeFirst();
		return row?.id ?? null;
	}

	const stateOf = async (flagId: number) =>
		(await t.db.selectFrom('flag').select('state').where('id', '=', flagId).executeTakeFirstOrThrow()).state;

	describe('who sees a flag', () => {
		let pcnOnly: number;
		let shared: number;

		beforeEach(async () => {
			pcnOnly = (await mark(u.raiser, p.one, 'contract-career', 'missing', 'pcn_only', 'My employer will not discuss it'))!;
			shared = (await mark(u.raiser, p.one, 'private-room', 'partly'))!;
		});

		const visibleTo = async (who: Who) => (await listFlagsForPractice(t.db, u[who], p.one)).map((f) => f.id).sort();

		it('shows a PCN-lead-only flag to the raiser and the PCN lead, and hides it from everyone else', async () => {
			const both = [pcnOnly, shared].sort();
			expect(await visibleTo('raiser')).toEqual(both);
			expect(await visibleTo('lead')).toEqual(both);
			expect(await visibleTo('manager')).toEqual([shared]);
			expect(await visibleTo('colleague')).toEqual([]);
			expect(await visibleTo('otherManager')).toEqual([]);
			expect(await visibleTo('otherLead')).toEqual([]);
			expect(await visibleTo('admin')).toEqual([]);
		});

		it('answers "not found" to a manager who asks for a PCN-lead-only flag by id', async () => {
			expect(await getFlag(t.db, u.manager, pcnOnly)).toBeNull();
			expect(await getFlag(t.db, u.manager, shared)).toMatchObject({ id: shared, viewerSide: 'responder' });
			expect(await getFlag(t.db, u.lead, pcnOnly)).toMatchObject({ id: pcnOnly, note: 'My employer will not discuss it' });
			expect(await getFlag(t.db, u.admin, pcnOnly)).toBeNull();
			expect(await getFlag(t.db, u.otherLead, pcnOnly)).toBeNull();
			expect(await getFlag(t.db, u.colleague, shared)).toBeNull();
		});

		it('refuses changes and comments from people who cannot see the flag, changing nothing', async () => {
			const events = await countRows(t.db, 'flag_event');
			expect(await changeFlagState(t.db, u.manager, pcnOnly, 'acknowledged')).toMatchObject({ ok: false, status: 404 });
			expect(await changeFlagState(t.db, u.otherLead, shared, 'acknowledged')).toMatchObject({ ok: false, status: 404 });
			expect(await changeFlagState(t.db, u.admin, shared, 'acknowledged')).toMatchObject({ ok: false, status: 404 });
			expect(await commentOnFlag(t.db, u.manager, pcnOnly, 'What is this?')).toMatchObject({ ok: false, status: 404 });
			expect(await commentOnFlag(t.db, u.colleague, shared, 'Me too')).toMatchObject({ ok: false, status: 404 });
			expect(await stateOf(pcnOnly)).toBe('open');
			expect(await stateOf(shared)).toBe('open');
			expect(await countRows(t.db, 'flag_event')).toBe(events);
		});

		it('lists a PCN’s flags by the same rules', async () => {
			await mark(u.raiser, p.elsewhere, 'induction', 'missing');
			expect((await listFlagsForPcn(t.db, u.lead, pcnId)).map((f) => f.id).sort()).toEqual([pcnOnly, shared].sort());
			expect((await listFlagsForPcn(t.db, u.manager, pcnId)).map((f) => f.id)).toEqual([shared]);
			expect(await listFlagsForPcn(t.db, u.otherLead, pcnId)).toEqual([]);
			expect(await listFlagsForPcn(t.db, u.admin, pcnId)).toEqual([]);
			expect((await listFlagsForPcn(t.db, u.otherLead, otherPcnId)).map((f) => f.itemId)).toEqual(['induction']);
		});

		it('lets the raiser change who sees an open flag by answering again', async () => {
			await mark(u.raiser, p.one, 'contract-career', 'missing', 'practice_and_pcn');
			expect(await visibleTo('manager')).toEqual([pcnOnly, shared].sort());
			expect(await countRows(t.db, 'flag')).toBe(2);
		});
	});

	describe('the life-cycle', () => {
		let flagId: number;
		beforeEach(async () => {
			flagId = (await mark(u.raiser, p.one, 'supervision', 'missing'))!;
		});

		async function move(who: Who, to: string, reason?: string) {
			return changeFlagState(t.db, u[who], flagId, to, reason);
		}

		it('walks open → acknowledged → in progress → resolved, reopens, and records each step', async () => {
			expect(await move('manager', 'acknowledged')).toEqual({ ok: true, value: 'acknowledged' });
			expect(await move('lead', 'in_progress', 'GP supervisor from January')).toEqual({ ok: true, value: 'in_progress' });
			expect(await move('manager', 'resolved')).toEqual({ ok: true, value: 'resolved' });
			expect(await move('raiser', 'open', 'The supervisor left')).toEqual({ ok: true, value: 'open' });
			expect(await move('raiser', 'resolved')).toEqual({ ok: true, value: 'resolved' });
			const view = (await getFlag(t.db, u.lead, flagId))!;
			expect(view.events.map((e) => [e.fromState, e.toState, e.comment])).toEqual([
				[null, 'open', null],
				['open', 'acknowledged', null],
				['acknowledged', 'in_progress', 'GP supervisor from January'],
				['in_progress', 'resolved', null],
				['resolved', 'open', 'The supervisor left'],
				['open', 'resolved', null]
			]);
			expect(view.events[2]!.actorName).toBe(u.lead.displayName);
		});

		it('allows won’t fix from each unresolved state with a reason, and reopening by the raiser', async () => {
			for (const path of [[], ['acknowledged'], ['acknowledged', 'in_progress']] as FlagState[][]) {
				for (const step of path) expect(await move('lead', step)).toMatchObject({ ok: true });
				expect(await move('lead', 'wont_fix', 'No funding this year')).toEqual({ ok: true, value: 'wont_fix' });
				expect(await move('raiser', 'open')).toEqual({ ok: true, value: 'open' });
			}
		});

		it('refuses won’t fix without a reason and stores nothing', async () => {
			const events = await countRows(t.db, 'flag_event');
			const outcome = await move('manager', 'wont_fix', '   ');
			expect(outcome).toEqual({ ok: false, status: 400, problems: [{ field: 'reason', message: 'Say why this will not be fixed.' }] });
			expect(await move('manager', 'wont_fix')).toMatchObject({ ok: false, status: 400 });
			expect(await stateOf(flagId)).toBe('open');
			expect(await countRows(t.db, 'flag_event')).toBe(events);
		});

		it('rejects invalid transitions and leaves the state unchanged', async () => {
			const events = await countRows(t.db, 'flag_event');
			const rejected: [Who, string][] = [
				['manager', 'in_progress'],
				['lead', 'resolved'],
				['lead', 'open'],
				['raiser', 'acknowledged'],
				['raiser', 'wont_fix'],
				['lead', 'closed']
			];
			for (const [who, to] of rejected) {
				expect(await move(who, to, 'because'), `${who} → ${to}`).toMatchObject({ ok: false, status: 400 });
				expect(await stateOf(flagId)).toBe('open');
			}
			await move('lead', 'acknowledged');
			await move('lead', 'in_progress');
			await move('lead', 'resolved');
			expect(await move('manager', 'open')).toMatchObject({ ok: false, status: 400 });
			expect(await move('lead', 'in_progress')).toMatchObject({ ok: false, status: 400 });
			expect(await move('lead', 'wont_fix', 'late')).toMatchObject({ ok: false, status: 400 });
			expect(await stateOf(flagId)).toBe('resolved');
			expect(await countRows(t.db, 'flag_event')).toBe(events + 3);
		});

		it('keeps comments from both sides in the history without changing the state', async () => {
			await move('manager', 'acknowledged');
			expect(await commentOnFlag(t.db, u.manager, flagId, 'Dr Shah has agreed to supervise')).toEqual({ ok: true, value: null });
			expect(await commentOnFlag(t.db, u.raiser, flagId, 'Thank you')).toEqual({ ok: true, value: null });
			expect(await commentOnFlag(t.db, u.raiser, flagId, '  ')).toMatchObject({ ok: false, status: 400 });
			expect(await commentOnFlag(t.db, u.raiser, flagId, 'x'.repeat(1001))).toMatchObject({ ok: false, status: 400 });
			const view = (await getFlag(t.db, u.raiser, flagId))!;
			expect(view.state).toBe('acknowledged');
			expect(view.events.slice(2).map((e) => [e.actorName, e.fromState, e.toState, e.comment])).toEqual([
				[u.manager.displayName, 'acknowledged', 'acknowledged', 'Dr Shah has agreed to supervise'],
				[u.raiser.displayName, 'acknowledged', 'acknowledged', 'Thank you']
			]);
		});

		it('audits raising and changing flags', async () => {
			await move('lead', 'acknowledged');
			const actions = (await t.db.selectFrom('audit_event').select(['action', 'summary']).orderBy('id').execute()).filter((a) =>
				a.action.startsWith('flag_')
			);
			expect(actions).toEqual([
				{ action: 'flag_raised', summary: `Raised flag ${flagId}` },
				{ action: 'flag_changed', summary: `Flag ${flagId}: open → acknowledged` }
			]);
		});
	});

	describe('answering the checklist', () => {
		it('resolves an unresolved flag when the item is marked in place, and raises a new one if it comes back', async () => {
			const first = (await mark(u.raiser, p.one, 'private-room', 'missing'))!;
			expect(await mark(u.raiser, p.one, 'private-room', 'partly')).toBe(first);
			expect(await countRows(t.db, 'flag')).toBe(1);
			await changeFlagState(t.db, u.lead, first, 'acknowledged');
			expect(await mark(u.raiser, p.one, 'private-room', 'in_place')).toBeNull();
			expect(await stateOf(first)).toBe('resolved');
			const last = (await getFlag(t.db, u.lead, first))!.events.at(-1)!;
			expect([last.fromState, last.toState, last.comment]).toEqual(['acknowledged', 'resolved', 'Marked in place by the link worker']);
			const again = await mark(u.raiser, p.one, 'private-room', 'missing');
			expect(again).not.toBe(first);
			expect(await countRows(t.db, 'flag')).toBe(2);
		});

		it('marking in place with no flag raises nothing, and the answers read back', async () => {
			const outcome = await saveChecklist(
				t.db,
				u.raiser,
				p.two,
				[
					{ itemId: 'induction', status: 'in_place' },
					{ itemId: 'training', status: 'missing', note: '  No budget at all  ' }
				],
				{ training: 'pcn_only' }
			);
			expect(outcome).toEqual({ ok: true, value: { raised: 1, resolved: 0 } });
			const answers = await getChecklistAnswers(t.db, u.raiser, p.two);
			expect(answers.get('induction')).toMatchObject({ status: 'in_place', note: null, flagState: null });
			expect(answers.get('training')).toMatchObject({ status: 'missing', note: 'No budget at all', visibility: 'pcn_only', flagState: 'open' });
		});

		it('stores nothing when any answer is bad or the practice is not the link worker’s', async () => {
			const good = { itemId: 'induction', status: 'missing' };
			const cases: [SignedInUser, number, { itemId: string; status: string; note?: string }[], Record<string, string>, number][] = [
				[u.raiser, p.one, [good, { itemId: 'hot-desk', status: 'missing' }], { induction: 'pcn_only', 'hot-desk': 'pcn_only' }, 400],
				[u.raiser, p.one, [good, { itemId: 'training', status: 'absent' }], { induction: 'pcn_only' }, 400],
				[u.raiser, p.one, [good, { itemId: 'training', status: 'partly', note: 'x'.repeat(501) }], { induction: 'pcn_only', training: 'pcn_only' }, 400],
				[u.raiser, p.one, [good], {}, 400],
				[u.raiser, p.one, [good], { induction: 'everyone' }, 400],
				[u.raiser, p.one, [good, good], { induction: 'pcn_only' }, 400],
				[u.colleague, p.two, [good], { induction: 'pcn_only' }, 404],
				[u.raiser, p.three, [good], { induction: 'pcn_only' }, 404],
				[u.manager, p.one, [good], { induction: 'pcn_only' }, 404],
				[u.lead, p.one, [good], { induction: 'pcn_only' }, 404]
			];
			for (const [who, practiceId, answers, visibility, status] of cases) {
				expect(await saveChecklist(t.db, who, practiceId, answers, visibility)).toMatchObject({ ok: false, status });
			}
			expect(await countRows(t.db, 'infrastructure_answer')).toBe(0);
			expect(await countRows(t.db, 'flag')).toBe(0);
			expect(await countRows(t.db, 'flag_event')).toBe(0);
		});

		it('names the field of a note that is too long', async () => {
			const outcome = await saveChecklist(t.db, u.raiser, p.one, [{ itemId: 'training', status: 'partly', note: 'x'.repeat(501) }], {
				training: 'pcn_only'
			});
			expect(outcome).toEqual({
				ok: false,
				status: 400,
				problems: [{ field: 'note-training', message: 'Keep the note to 500 characters or fewer' }]
			});
		});
	});

	it('counts practices with an unresolved gap per item across a PCN', async () => {
		// private-room: One (two link workers, counted once) and Two → 2 of 3.
		await mark(u.raiser, p.one, 'private-room', 'missing', 'pcn_only');
		await mark(u.colleague, p.one, 'private-room', 'partly');
		await mark(u.raiser, p.two, 'private-room', 'missing');
		// supervision: acknowledged at Two still counts → 1; won't fix at One does not.
		const acknowledged = (await mark(u.raiser, p.two, 'supervision', 'missing'))!;
		await changeFlagState(t.db, u.lead, acknowledged, 'acknowledged');
		const declined = (await mark(u.raiser, p.one, 'supervision', 'partly'))!;
		await changeFlagState(t.db, u.lead, declined, 'wont_fix', 'Employer provides it');
		// induction: raised then marked in place → 0.
		await mark(u.raiser, p.one, 'induction', 'missing');
		await mark(u.raiser, p.one, 'induction', 'in_place');
		// A practice in another PCN never counts.
		await mark(u.raiser, p.elsewhere, 'private-room', 'missing');

		const counts = await countGapsAcrossPcn(t.db, pcnId);
		expect(counts.practiceCount).toBe(3);
		expect(counts.items).toHaveLength(21);
		const byItem = Object.fromEntries(counts.items.filter((c) => c.practicesWithGap > 0).map((c) => [c.item.id, c.practicesWithGap]));
		expect(byItem).toEqual({ 'private-room': 2, supervision: 1 });
		expect((await countGapsAcrossPcn(t.db, otherPcnId)).items.find((c) => c.item.id === 'private-room')?.practicesWithGap).toBe(1);
	});
});
