import { describe, expect, it } from 'vitest';
import {
	CONSTRUCT_ACTIONS,
	SAME_STEP_AS,
	combineWorkOn,
	suggestActions,
	type ConstructToWorkOn,
	type FlaggedGap
} from '../../src/lib/npt/actions';
import { CURRENT_CHECKLIST } from '../../src/lib/npt/infrastructure';
import { CONSTRUCTS } from '../../src/lib/npt/constructs';

describe('suggestActions', () => {
	it('lists only constructs below the Belonging construct minimum, weakest first', () => {
		const result = suggestActions({
			coherence: 7.1,
			cognitive_participation: 5.9,
			collective_action: 6.25,
			reflexive_monitoring: 3.4
		});
		expect(result.map((r) => [r.construct, r.score])).toEqual([
			['reflexive_monitoring', 3.4],
			['cognitive_participation', 5.9]
		]);
	});

	it('keeps NPT order for equal scores and skips withheld constructs', () => {
		const result = suggestActions({
			coherence: null,
			cognitive_participation: 4,
			collective_action: 4,
			reflexive_monitoring: null
		});
		expect(result.map((r) => r.construct)).toEqual(['cognitive_participation', 'collective_action']);
	});

	it('honours an instrument’s own minimum', () => {
		const means = { coherence: 6.5, cognitive_participation: 8, collective_action: 8, reflexive_monitoring: 8 };
		expect(suggestActions(means)).toEqual([]);
		expect(suggestActions(means, 7).map((r) => r.construct)).toEqual(['coherence']);
	});

	it('offers two or three distinct actions per construct', () => {
		const ids = new Set<string>();
		for (const construct of CONSTRUCTS) {
			const actions = CONSTRUCT_ACTIONS[construct];
			expect(actions.length).toBeGreaterThanOrEqual(2);
			expect(actions.length).toBeLessThanOrEqual(3);
			for (const action of actions) {
				expect(ids.has(action.id)).toBe(false);
				ids.add(action.id);
				expect(action.detail.length).toBeGreaterThan(40);
			}
		}
	});
});

describe('combineWorkOn', () => {
	const weak = (construct: ConstructToWorkOn['construct'], score: number): ConstructToWorkOn => ({
		construct,
		score,
		actions: [...CONSTRUCT_ACTIONS[construct]]
	});
	const step = (id: string, title = `Step ${id}`) => ({ id, title, detail: `Do ${id}.` });
	const flag = (flagId: number, itemId: string, construct: FlaggedGap['construct'], actions: FlaggedGap['actions'], extra: Partial<FlaggedGap> = {}): FlaggedGap => ({
		flagId,
		itemId,
		construct,
		gap: `Gap ${itemId}`,
		raisedBy: 'Sam',
		pcnOnly: false,
		actions,
		...extra
	});

	it('puts weak and flagged constructs first, then flagged only, then weak only', () => {
		const result = combineWorkOn(
			[weak('reflexive_monitoring', 3.1), weak('coherence', 5.0), weak('collective_action', 6.0)],
			[flag(1, 'room', 'cognitive_participation', [step('a')]), flag(2, 'feedback', 'collective_action', [step('b')])]
		);
		expect(result.map((e) => [e.construct, e.score])).toEqual([
			['collective_action', 6.0],
			['cognitive_participation', null],
			['reflexive_monitoring', 3.1],
			['coherence', 5.0]
		]);
	});

	it('orders weak and flagged constructs weakest first, and flagged-only ones by number of flags', () => {
		const result = combineWorkOn(
			[weak('collective_action', 5.5), weak('coherence', 4.0)],
			[
				flag(1, 'x', 'coherence', [step('a')]),
				flag(2, 'y', 'collective_action', [step('b')]),
				flag(3, 'z', 'reflexive_monitoring', [step('c')]),
				flag(4, 'w', 'cognitive_participation', [step('d')]),
				flag(5, 'v', 'reflexive_monitoring', [step('e')])
			]
		);
		expect(result.map((e) => e.construct)).toEqual(['coherence', 'collective_action', 'reflexive_monitoring', 'cognitive_participation']);
	});

	it('keeps flagged-only constructs with one flag each in NPT order', () => {
		const result = combineWorkOn([], [flag(1, 'z', 'reflexive_monitoring', [step('c')]), flag(2, 'x', 'coherence', [step('a')])]);
		expect(result.map((e) => e.construct)).toEqual(['coherence', 'reflexive_monitoring']);
		expect(result[0]!.actions).toEqual([]);
	});

	it('drops a general step when a flag brings the specific form of it', () => {
		const [entry] = combineWorkOn(
			[weak('reflexive_monitoring', 3.1)],
			[flag(7, 'referrer-feedback', 'reflexive_monitoring', [step('feedback-message', 'Send a standard outcome message')])]
		);
		expect(entry!.gaps.map((g) => g.actions.map((a) => a.id))).toEqual([['feedback-message']]);
		expect(entry!.actions.map((a) => a.id)).toEqual(['meaningful-measures', 'supervision']);
	});

	it('drops the general step even when the flag sits under another construct', () => {
		// The checklist files supervision under collective action; the general step is a reflexive monitoring one.
		const result = combineWorkOn(
			[weak('reflexive_monitoring', 3.1)],
			[flag(1, 'supervision', 'collective_action', [step('supervision-named', 'Name a GP supervisor')])]
		);
		expect(result.map((e) => [e.construct, e.actions.map((a) => a.id)])).toEqual([
			['collective_action', []],
			['reflexive_monitoring', ['feedback-loop', 'meaningful-measures']]
		]);
	});

	it('shows an action once across flags, by id and by title worded the same', () => {
		const result = combineWorkOn(
			[],
			[
				flag(1, 'one', 'coherence', [step('a', 'Brief the team.'), step('b')]),
				flag(2, 'two', 'coherence', [step('b'), step('c', 'brief  the TEAM')])
			]
		);
		expect(result[0]!.gaps.map((g) => g.actions.map((a) => a.id))).toEqual([['a', 'b'], []]);
	});

	it('merges flags on the same item from two link workers into one gap', () => {
		const result = combineWorkOn(
			[],
			[
				flag(1, 'private-room', 'collective_action', [step('room-sessions')], { raisedBy: 'Sam', pcnOnly: true }),
				flag(2, 'private-room', 'collective_action', [step('room-sessions')], { raisedBy: 'Ola', pcnOnly: false })
			]
		);
		expect(result).toHaveLength(1);
		expect(result[0]!.gaps).toEqual([
			{
				itemId: 'private-room',
				gap: 'Gap private-room',
				flagIds: [1, 2],
				raisedBy: ['Sam', 'Ola'],
				pcnOnly: false,
				actions: [step('room-sessions')]
			}
		]);
	});

	it('with no flags, is the weak constructs with their general actions', () => {
		const weakOnes = [weak('coherence', 4.2), weak('reflexive_monitoring', 5.5)];
		expect(combineWorkOn(weakOnes, [])).toEqual(weakOnes.map((w) => ({ construct: w.construct, score: w.score, gaps: [], actions: w.actions })));
	});

	it('maps only real checklist steps to real construct steps', () => {
		const checklistIds = new Set(CURRENT_CHECKLIST.items.flatMap((item) => item.actions.map((a) => a.id)));
		const constructIds = new Set(CONSTRUCTS.flatMap((c) => CONSTRUCT_ACTIONS[c].map((a) => a.id)));
		for (const [from, to] of Object.entries(SAME_STEP_AS)) {
			expect(checklistIds.has(from), from).toBe(true);
			expect(constructIds.has(to), to).toBe(true);
		}
	});

	it('never repeats an action with every checklist item flagged and every construct weak', () => {
		const result = combineWorkOn(
			CONSTRUCTS.map((c, i) => weak(c, 2 + i)),
			CURRENT_CHECKLIST.items.map((item, i) => flag(i + 1, item.id, item.construct, item.actions))
		);
		const ids = result.flatMap((e) => [...e.gaps.flatMap((g) => g.actions), ...e.actions]).map((a) => a.id);
		expect(new Set(ids).size).toBe(ids.length);
		// Every checklist step survives; only general steps are dropped.
		expect(ids.length).toBeGreaterThanOrEqual(CURRENT_CHECKLIST.items.flatMap((item) => item.actions).length);
	});
});
