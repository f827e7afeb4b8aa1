import { describe, expect, it } from 'vitest';
import type { ScoreKey } from '../../src/lib/npt/constructs';
import { placeFeedback, type FeedbackEvent, type FeedbackRound } from '../../src/lib/npt/feedback';

type Scores = NonNullable<FeedbackRound['scores']>;

/** Every score the same, so a test only spells out the construct it is about. */
function scores(mean: number, sd: number | null, n: number, overrides: Partial<Scores> = {}): Scores {
	const keys: ScoreKey[] = ['overall', 'coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'];
	return { ...(Object.fromEntries(keys.map((k) => [k, { mean, sd, n }])) as Scores), ...overrides };
}

function round(roundId: number, closedOn: string, roundScores: FeedbackRound['scores'] = scores(5, 1.5, 16)): FeedbackRound {
	return { roundId, title: `Round ${roundId}`, closedOn, scores: roundScores };
}

function event(on: string, label = `Done on ${on}`, construct: FeedbackEvent['construct'] = 'coherence'): FeedbackEvent {
	return { kind: 'action_done', on, label, by: null, construct };
}

// 31 January to 31 May 2026: 28 + 31 + 30 + 31 = 120 days.
const WINTER = round(1, '2026-01-31');
const SPRING = round(2, '2026-05-31');

describe('placeFeedback: where a marker sits', () => {
	it('places an event between two rounds by day count', () => {
		// 31 January to 31 March: 28 + 31 = 59 days of 120.
		const [marker] = placeFeedback([WINTER, SPRING], [event('2026-03-31')]);
		expect(marker!.x).toBeCloseTo(59 / 120, 12);
		expect(marker!.x).toBeCloseTo(0.4917, 4);
		expect(marker!.before).toEqual({ roundId: 1, title: 'Round 1' });
		expect(marker!.after).toEqual({ roundId: 2, title: 'Round 2' });
	});

	it('counts the second gap from the second round', () => {
		// 31 May to 30 September: 30 + 31 + 31 + 30 = 122 days; 31 May to 31 July is 61 of them.
		const [marker] = placeFeedback([WINTER, SPRING, round(3, '2026-09-30')], [event('2026-07-31')]);
		expect(marker!.x).toBeCloseTo(1 + 61 / 122, 12);
		expect(marker!.before?.roundId).toBe(2);
		expect(marker!.after?.roundId).toBe(3);
	});

	it('keeps a marker off the points: near a round it is clamped to 0.15 or 0.85 of the gap', () => {
		// 5 of 120 days is 0.042; 119 of 120 is 0.992.
		const [early, late] = placeFeedback([WINTER, SPRING], [event('2026-02-05'), event('2026-05-30')]);
		expect(early!.x).toBe(0.15);
		expect(late!.x).toBe(0.85);
		// 30 of 120 days (2 March) is 0.25, inside the limits, so it is not moved.
		expect(placeFeedback([WINTER, SPRING], [event('2026-03-02')])[0]!.x).toBe(0.25);
	});

	it('puts an event on the day a round closed after that round: the round could not reflect it', () => {
		const [onFirst, onLast] = placeFeedback([WINTER, SPRING], [event('2026-01-31'), event('2026-05-31')]);
		expect(onFirst!).toMatchObject({ x: 0.15, before: { roundId: 1 }, after: { roundId: 2 } });
		expect(onLast!).toMatchObject({ x: 1.4, before: { roundId: 2 }, after: null, change: null });
	});

	it('puts an event before the first round at −0.4 and one after the last at last + 0.4', () => {
		const [before, after] = placeFeedback([WINTER, SPRING], [event('2025-12-01'), event('2026-08-01')]);
		expect(before!).toMatchObject({ x: -0.4, before: null, after: { roundId: 1 }, change: null });
		expect(after!).toMatchObject({ x: 1.4, before: { roundId: 2 }, after: null, change: null });
		const [only] = placeFeedback([WINTER], [event('2026-02-01')]);
		expect(only!).toMatchObject({ x: 0.4, before: { roundId: 1 }, after: null });
	});

	it('puts every marker at 0 with no round at all', () => {
		const markers = placeFeedback([], [event('2026-02-01'), event('2026-03-01')]);
		expect(markers.map((m) => [m.x, m.before, m.after, m.change])).toEqual([
			[0, null, null, null],
			[0, null, null, null]
		]);
	});
});

describe('placeFeedback: numbering', () => {
	it('numbers events by date, keeping the input order for the same day', () => {
		const markers = placeFeedback(
			[WINTER, SPRING],
			[event('2026-04-01', 'c'), event('2026-02-10', 'a'), event('2026-04-01', 'd'), event('2026-03-01', 'b')]
		);
		expect(markers.map((m) => [m.number, m.label])).toEqual([
			[1, 'a'],
			[2, 'b'],
			[3, 'c'],
			[4, 'd']
		]);
	});

	it('keeps what was done, by whom and for which construct', () => {
		const done: FeedbackEvent = { kind: 'flag_resolved', on: '2026-03-01', label: 'No desk', by: 'Sam Link', construct: 'collective_action' };
		expect(placeFeedback([WINTER, SPRING], [done])[0]).toMatchObject(done);
	});
});

describe('placeFeedback: did the next round move?', () => {
	// se₁ = 1.5 / √16 = 0.375, se₂ = 2 / √16 = 0.5: √(0.140625 + 0.25) = 0.625; 1.96 × 0.625 = 1.225.
	it('marks a rise of the event’s own construct larger than 1.225 as notable', () => {
		const before = round(1, '2026-01-31', scores(5, 1.5, 16));
		const after = round(2, '2026-05-31', scores(5, 2, 16, { coherence: { mean: 6.5, sd: 2, n: 16 } }));
		const [marker] = placeFeedback([before, after], [event('2026-03-31', 'Welcome pack', 'coherence')]);
		expect(marker!.change!.threshold).toBeCloseTo(1.225, 12);
		expect(marker!.change!).toMatchObject({ previous: 5, latest: 6.5, delta: 1.5, notable: true, direction: 'rise' });
	});

	it('keeps a rise of 1.0 against the same threshold within noise, and reads only its own construct', () => {
		const before = round(1, '2026-01-31', scores(5, 1.5, 16));
		const after = round(2, '2026-05-31', scores(5, 2, 16, { collective_action: { mean: 6, sd: 2, n: 16 }, coherence: { mean: 9, sd: 2, n: 16 } }));
		const [marker] = placeFeedback([before, after], [event('2026-03-31', 'Desk', 'collective_action')]);
		expect(marker!.change!.threshold).toBeCloseTo(1.225, 12);
		expect(marker!.change!).toMatchObject({ previous: 5, latest: 6, delta: 1, notable: false, direction: 'rise' });
	});

	it('gives no change when either round or the construct’s score was withheld', () => {
		const withheldRound = placeFeedback([round(1, '2026-01-31', null), SPRING], [event('2026-03-31')]);
		expect(withheldRound[0]!).toMatchObject({ before: { roundId: 1 }, after: { roundId: 2 }, change: null });
		const withheldScore = placeFeedback(
			[WINTER, round(2, '2026-05-31', scores(6, 2, 16, { coherence: null }))],
			[event('2026-03-31', 'Coherence work', 'coherence'), event('2026-03-31', 'Team work', 'collective_action')]
		);
		expect(withheldScore[0]!.change).toBeNull();
		// The other construct was shown in both rounds: 5 → 6 is within the 1.225 threshold.
		expect(withheldScore[1]!.change).toMatchObject({ delta: 1, notable: false });
	});

	it('gives no change when a score has no spread to judge noise by', () => {
		const [marker] = placeFeedback([round(1, '2026-01-31', scores(5, null, 1)), SPRING], [event('2026-03-31')]);
		expect(marker!.change).toBeNull();
	});
});
