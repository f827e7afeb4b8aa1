import { describe, expect, it } from 'vitest';
import {
	describeGap,
	LARGE_GAP,
	linkWorkerScores,
	perceptionGap,
	scoreGap,
	staffItemScore,
	type SideScores
} from '../../src/lib/npt/perception-gap';
import { miniInstrument } from '../fixtures/instruments';

describe('scoreGap', () => {
	it('is link worker minus staff, large from two points either way', () => {
		expect(scoreGap(7.8, 4.1)).toEqual({ staff: 7.8, linkWorker: 4.1, gap: 4.1 - 7.8, large: true });
		expect(scoreGap(5, 7).large).toBe(true);
		expect(scoreGap(5, 6.9).large).toBe(false);
		expect(LARGE_GAP).toBe(2);
	});

	it('gives no gap when either side is missing or withheld, never a gap against zero', () => {
		expect(scoreGap(null, 4)).toEqual({ staff: null, linkWorker: 4, gap: null, large: false });
		expect(scoreGap(6, null)).toEqual({ staff: 6, linkWorker: null, gap: null, large: false });
	});
});

describe('linkWorkerScores', () => {
	it('scores a link worker by the staff rules, reversed items turned round', () => {
		// C1 4 → 7.5, C2 2 → 2.5: coherence 5. P1 only: 1 of 3, below the half → null.
		// A1 5, A2 5 → 10 (2 of 4 is enough). R1 3 → 5, R2 reversed 1 → 5 → 10: (5 + 10) / 2 = 7.5.
		const scores = linkWorkerScores(miniInstrument, { C1: 4, C2: 2, P1: 5, A1: 5, A2: 5, R1: 3, R2: 1, A3: 'not_relevant_role' });
		expect(scores.constructs).toEqual({
			coherence: 5,
			cognitive_participation: null,
			collective_action: 10,
			reflexive_monitoring: 7.5
		});
		expect(scores.items.R2).toBe(10);
		expect(scores.items.C2).toBe(2.5);
		// Not relevant and unanswered items have no item score.
		expect(scores.items.A3).toBeNull();
		expect(scores.items.A4).toBeNull();
	});
});

describe('staffItemScore', () => {
	it('averages the answers on the 0–10 scale, reversed when the item is', () => {
		// Two 5s (10 each), one 3 (5), one 1 (0): 25 / 4. Reversed: 0, 0, 5, 10 → 15 / 4.
		const counts = { 1: 1, 2: 0, 3: 1, 4: 0, 5: 2 } as const;
		expect(staffItemScore(counts, false)).toBe(25 / 4);
		expect(staffItemScore(counts, true)).toBe(15 / 4);
		expect(staffItemScore({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, false)).toBeNull();
	});
});

describe('perceptionGap', () => {
	const staff: SideScores = {
		constructs: { coherence: 7.8, cognitive_participation: 6, collective_action: 4, reflexive_monitoring: null },
		items: { C1: 8, C2: 7.5, P1: null }
	};
	const linkWorker: SideScores = {
		constructs: { coherence: 4.1, cognitive_participation: 6.5, collective_action: 7.5, reflexive_monitoring: 5 },
		items: { C1: 2.5, C2: 7.5, P1: 10, A1: 5 }
	};
	const gap = perceptionGap(miniInstrument, staff, linkWorker);

	it('computes each construct gap, null where a side is withheld', () => {
		expect(gap.constructs.coherence.gap).toBeCloseTo(-3.7, 10);
		expect(gap.constructs.coherence.large).toBe(true);
		expect(gap.constructs.cognitive_participation.gap).toBe(0.5);
		expect(gap.constructs.cognitive_participation.large).toBe(false);
		expect(gap.constructs.collective_action.gap).toBe(3.5);
		expect(gap.constructs.reflexive_monitoring).toEqual({ staff: null, linkWorker: 5, gap: null, large: false });
	});

	it('lists item gaps only where both sides have a score', () => {
		expect(gap.items.map((i) => [i.itemId, i.gap, i.large])).toEqual([
			['C1', -5.5, true],
			['C2', 0, false]
		]);
	});

	it('writes one sentence per large gap, largest first, worded by direction', () => {
		expect(gap.sentences.map((s) => s.construct)).toEqual(['coherence', 'collective_action']);
		expect(gap.sentences[0]!.text).toBe(
			'Staff rate coherence 7.8, the link worker 4.1: staff may think the role is understood better than it is.'
		);
		expect(gap.sentences[1]!.text).toMatch(/^Staff rate collective action 4\.0, the link worker 7\.5: the link worker finds/);
		expect(gap.biggest).toEqual({ construct: 'coherence', gap: expect.closeTo(-3.7, 10) });
	});

	it('words a lower and a higher link worker score differently for the same construct', () => {
		expect(describeGap('coherence', 8, 5)).toBe(
			'Staff rate coherence 8.0, the link worker 5.0: staff may think the role is understood better than it is.'
		);
		expect(describeGap('coherence', 5, 8)).toBe(
			'Staff rate coherence 5.0, the link worker 8.0: the link worker sees the role as better understood than staff do; staff may want a clearer account of what it is for.'
		);
	});

	it('has no biggest gap and no sentences when no construct has both sides', () => {
		const none = perceptionGap(
			miniInstrument,
			{ constructs: { coherence: null, cognitive_participation: null, collective_action: null, reflexive_monitoring: null }, items: {} },
			linkWorker
		);
		expect(none.biggest).toBeNull();
		expect(none.sentences).toEqual([]);
		expect(none.items).toEqual([]);
	});
});
