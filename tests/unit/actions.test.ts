import { describe, expect, it } from 'vitest';
import { CONSTRUCT_ACTIONS, suggestActions } from '../../src/lib/npt/actions';
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
