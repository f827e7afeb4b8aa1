import { describe, expect, it } from 'vitest';
import {
	describeGap,
	LARGE_GAP,
	linkWorkerScores,
	perceptionGap,
	scoreGap,
	staffItemScore,
	staffSideOf,
	type SideScores
} from '../../src/lib/npt/perception-gap';
import { discloseStatement, summariseRound } from '../../src/lib/npt/round-results';
import { itemResultFromCounts, type Respondent } from '../../src/lib/npt/scoring';
import { miniInstrument } from '../fixtures/instruments';

const rules = { minResponses: 5 };
const NO_NOT_RELEVANT = { not_relevant_role: 0, not_relevant_stage: 0, not_relevant_practice: 0 };

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
	const item = miniInstrument.items.find((i) => i.id === 'A1')!;
	const statement = (counts: Record<1 | 2 | 3 | 4 | 5, number>, notRelevant = NO_NOT_RELEVANT) =>
		discloseStatement(itemResultFromCounts(item, counts, notRelevant, 0.95), rules);

	it('averages the answers on the 0–10 scale, reversed when the item is', () => {
		// Three 5s (10 each), one 3 (5), one 1 (0): 35 / 5 = 7. Reversed: 0, 0, 0, 5, 10 → 15 / 5 = 3.
		const shown = statement({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 3 });
		expect(staffItemScore(shown, false)).toBe(7);
		expect(staffItemScore(shown, true)).toBe(3);
	});

	it('has no mean for a statement scored by fewer than the minimum, however many said "not relevant"', () => {
		// Four scored answers and three "not relevant": seven answered, but the mean would rest on four.
		const fourScored = statement({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 2 }, { not_relevant_role: 2, not_relevant_stage: 1, not_relevant_practice: 0 });
		expect(fourScored).toEqual({ shown: false, notRelevant: { not_relevant_role: 2, not_relevant_stage: 1, not_relevant_practice: 0 }, notRelevantTotal: 3 });
		expect(staffItemScore(fourScored, false)).toBeNull();
	});
});

describe('staffSideOf', () => {
	// Seven staff: A1 scored by all seven; A3 scored by four (5, 4, 4, 2) while three say it is not relevant.
	const a3: Respondent['agreement'][string][] = [5, 4, 4, 2, 'not_relevant_role', 'not_relevant_role', 'not_relevant_stage'];
	const respondents: Respondent[] = a3.map((answer) => ({
		roleGroup: null,
		agreement: { C1: 4, C2: 4, P1: 4, P2: 4, A1: 4, A2: 4, A3: answer, R1: 4, R2: 2 },
		general: {}
	}));
	const results = summariseRound({ instrument: miniInstrument, respondents, comments: [], staffHeadcount: null }, rules, () => 0);
	const staff = staffSideOf(miniInstrument, results);

	it('carries no staff mean for a statement fewer than the minimum scored, so the page data cannot hold it', () => {
		// The four scored answers would give (10 + 7.5 + 7.5 + 2.5) / 4 = 6.875 from four people.
		expect(staff.items.A3).toBeNull();
		expect(JSON.stringify(staff)).not.toContain('6.875');
		expect(staff.items.A1).toBe(7.5);
	});

	it('gives no gap for it, even when the link worker answered it', () => {
		const gap = perceptionGap(miniInstrument, staff, linkWorkerScores(miniInstrument, { A1: 5, A3: 5 }));
		expect(gap.items.map((i) => [i.itemId, i.staff, i.linkWorker])).toEqual([['A1', 7.5, 10]]);
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
