import { describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { verdictOf, type Verdict } from '../../src/lib/npt/change';
import { comparePracticesIn } from '../../src/lib/npt/pcn';
import { lastChangeOf, lastNotableFall, practicesNeedingSupport, previousPeriod, type GlancePractice } from '../../src/lib/npt/pcn-glance';
import { changeSinceRoundBefore, scoreClosedRounds, type RoundRecord } from '../../src/lib/npt/practice-rounds';
import { summariseRespondents } from '../../src/lib/npt/round-summary';
import type { Respondent } from '../../src/lib/npt/scoring';
import { seededRandom } from '../../src/lib/server/demo/random';

const instrument = DEFAULT_STAFF_INSTRUMENT;
const rules = { minResponses: 5 };

/** A respondent answering every statement `point`: every score of theirs is (point − 1) × 2.5. */
function respondent(point: AgreementPoint): Respondent {
	const agreement = Object.fromEntries(instrument.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {} };
}

let nextId = 1;
/** A closed round of one practice whose respondents answered the given points, one each. */
function round(title: string, closedOn: string, points: readonly AgreementPoint[], practiceId = 1): RoundRecord {
	return {
		round: {
			id: nextId++,
			practice_id: practiceId,
			title,
			status: 'closed',
			opens_on: `${closedOn.slice(0, 7)}-01`,
			closes_on: closedOn,
			closed_on: closedOn,
			staff_headcount: 20
		},
		availability: 'closed',
		instrument,
		summary: summariseRespondents(instrument, points.map(respondent)),
		responses: points.length,
		comments: []
	};
}
const all = (count: number, point: AgreementPoint) => Array<AgreementPoint>(count).fill(point);

const lastChange = (records: readonly RoundRecord[]) => lastChangeOf(scoreClosedRounds(records, rules));

describe('a practice’s notable fall on the PCN dashboard', () => {
	// Spring: 7.5, 7.5, 7.5, 10, 10 → mean 8.5, sd² = (3 × 1 + 2 × 2.25) / 4 = 1.875, se² = 0.375.
	// Autumn: 5, 5, 5, 7.5, 7.5 → mean 6.0, the same spread. Δ = −2.5; threshold 1.96 × √0.75 = 1.6974.
	const spring = () => round('Spring', '2026-04-01', [4, 4, 4, 5, 5]);
	const autumn = () => round('Autumn', '2026-10-01', [3, 3, 3, 4, 4]);
	const withheld = () => round('Summer', '2026-07-01', [1, 1, 1]);

	it('finds a fall larger than the two rounds’ combined uncertainty', () => {
		const fall = lastNotableFall(lastChange([spring(), autumn()]));
		expect(fall?.from).toBe('Spring');
		expect(fall?.to).toBe('Autumn');
		expect(fall?.change.delta).toBeCloseTo(-2.5, 10);
		expect(fall?.change.threshold).toBeCloseTo(1.6974, 4);
	});

	it('ignores a fall within noise, a rise, and a practice with one closed round', () => {
		// 7.5 × 4 and 10 → 8.0, sd² = (4 × 0.25 + 4) / 4 = 1.25, se² = 0.25; Δ = −0.5 against 1.96 × √0.625 = 1.5496.
		expect(verdictOf(lastChange([spring(), round('Autumn', '2026-10-01', [4, 4, 4, 4, 5])])!.overall)).toBe('within_noise');
		expect(lastNotableFall(lastChange([spring(), round('Autumn', '2026-10-01', [4, 4, 4, 4, 5])]))).toBeNull();
		expect(lastNotableFall(lastChange([autumn(), round('Later', '2027-01-01', [4, 4, 4, 5, 5])]))).toBeNull();
		expect(lastChange([autumn()])).toBeNull();
	});

	it('cannot compare across a withheld round, and never skips over it to an older one (docs/scoring.md §5)', () => {
		// The old rule compared Spring with Autumn past the withheld Summer and called it a notable fall.
		const change = lastChange([spring(), withheld(), autumn()]);
		expect(change).toEqual({ from: 'Summer', to: 'Autumn', overall: null, differentInstruments: false });
		expect(lastNotableFall(change)).toBeNull();
		expect(lastChange([spring(), autumn(), round('Winter', '2027-01-01', [1, 1, 1])])).toEqual({ from: 'Autumn', to: 'Winter', overall: null, differentInstruments: false });
		// An earlier fall is not news once a later round has come back.
		expect(lastNotableFall(lastChange([spring(), autumn(), round('Later', '2027-01-01', [3, 3, 3, 4, 4])]))).toBeNull();
	});

	it('orders the rounds by when they closed, not as given', () => {
		expect(lastNotableFall(lastChange([autumn(), spring()]))?.from).toBe('Spring');
	});
});

describe('practicesNeedingSupport', () => {
	const base = (id: number, name: string, over: Partial<GlancePractice>): GlancePractice => ({
		id,
		name,
		result: { state: 'no_round' },
		change: null,
		surveyedInPeriod: true,
		openGaps: 0,
		...over
	});
	const placed = (band: 'bolted_on' | 'fitting_in' | 'belonging') =>
		({ state: 'shown', respondents: 10, responseRate: null, scores: {} as never, placement: { band, borderlineWith: [], heldBackBy: [], unconfirmed: [] } }) as GlancePractice['result'];

	it('names every reason in words and leaves out practices with none, in the order given', () => {
		const result = practicesNeedingSupport([
			base(1, 'Ash', { result: placed('bolted_on'), openGaps: 3 }),
			base(2, 'Birch', { result: placed('belonging'), openGaps: 2 }),
			base(3, 'Cedar', { result: { state: 'withheld', respondentsNeeded: 2 }, surveyedInPeriod: true }),
			base(4, 'Damson', { surveyedInPeriod: false }),
			base(5, 'Elm', { result: placed('fitting_in'), change: lastChange([round('Spring', '2026-04-01', [4, 4, 4, 5, 5]), round('Autumn', '2026-10-01', [3, 3, 3, 4, 4])]) }),
			base(6, 'Fir', { result: placed('fitting_in'), change: { from: 'Spring', to: 'Autumn', overall: null, differentInstruments: false } })
		]);
		expect(result.map((p) => [p.name, p.reasons.map((r) => r.kind)])).toEqual([
			['Ash', ['bolted_on', 'open_gaps']],
			['Cedar', ['too_few']],
			['Damson', ['not_surveyed']],
			['Elm', ['fall']]
		]);
		expect(result[0]!.reasons[1]).toEqual({ kind: 'open_gaps', count: 3 });
	});
});

/**
 * §5 worked out from the answers alone: the last two rounds by close date (then as created); if
 * either had fewer than the minimum, "cannot compare"; otherwise each respondent's overall score
 * is (point − 1) × 2.5, and the change is notable when |Δ| > 1.96 × √(se₁² + se₂²).
 */
function verdictByHand(history: readonly { closedOn: string; id: number; points: readonly AgreementPoint[] }[]): Verdict {
	const ordered = [...history].sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.id - b.id);
	const [before, after] = ordered.slice(-2);
	if (!before || !after || before.points.length < rules.minResponses || after.points.length < rules.minResponses) return 'cannot_compare';
	const moments = (points: readonly AgreementPoint[]) => {
		const scores = points.map((p) => (p - 1) * 2.5);
		const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
		const variance = scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (scores.length - 1);
		return { mean, se2: variance / scores.length };
	};
	const [a, b] = [moments(before.points), moments(after.points)];
	const delta = b.mean - a.mean;
	if (Math.abs(delta) <= 1.96 * Math.sqrt(a.se2 + b.se2) + 1e-9) return 'within_noise';
	return delta > 0 ? 'notable_rise' : 'notable_fall';
}

describe('the PCN and the practice dashboard agree about every practice', () => {
	it('gives the same verdict for the last two closed rounds, over random histories', () => {
		const random = seededRandom(20261205);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
		const seen = new Set<Verdict>();
		let fallsPastWithheld = 0;
		for (let trial = 0; trial < 400; trial++) {
			const history = Array.from({ length: Math.floor(random() * 5) }, () => {
				// Close dates collide now and then, so the tie-break by creation is exercised too.
				const closedOn = `2026-${String(1 + Math.floor(random() * 6)).padStart(2, '0')}-01`;
				const centre = pick([1, 2, 3, 4, 5] as const);
				const points = Array.from({ length: pick([3, 4, 5, 6, 8, 12]) }, () =>
					Math.min(5, Math.max(1, centre + pick([-1, 0, 0, 1]))) as AgreementPoint
				);
				return { record: round('R', closedOn, points), points };
			});
			// Given in a shuffled order: both sides must order them the same way.
			const records = history.map((h) => h.record).sort(() => random() - 0.5);
			const expected = verdictByHand(history.map((h) => ({ closedOn: h.record.round.closed_on!, id: h.record.round.id, points: h.points })));
			seen.add(expected);

			const practiceSide = changeSinceRoundBefore(scoreClosedRounds(records, rules));
			const pcnSide = lastChangeOf(scoreClosedRounds(records, rules));
			expect(verdictOf(practiceSide?.scores.overall ?? null)).toBe(expected);
			expect(verdictOf(pcnSide?.overall ?? null)).toBe(expected);
			const named = practicesNeedingSupport([{ id: 1, name: 'P', result: { state: 'no_round' }, change: pcnSide, surveyedInPeriod: true, openGaps: 0 }]);
			expect(named.some((p) => p.reasons.some((r) => r.kind === 'fall'))).toBe(expected === 'notable_fall');

			// Histories where the old rule (the last two rounds that showed a score) would have found a fall.
			const shown = [...history].sort((a, b) => a.record.round.closed_on!.localeCompare(b.record.round.closed_on!) || a.record.round.id - b.record.round.id).filter((h) => h.points.length >= 5);
			if (expected === 'cannot_compare' && shown.length >= 2 && verdictByHand(shown.slice(-2).map((h) => ({ closedOn: h.record.round.closed_on!, id: h.record.round.id, points: h.points }))) === 'notable_fall') fallsPastWithheld++;
		}
		expect([...seen].sort()).toEqual(['cannot_compare', 'notable_fall', 'notable_rise', 'within_noise']);
		expect(fallsPastWithheld).toBeGreaterThan(0);
	});
});

describe('the period before', () => {
	it('is as long as the period and ends the day before it starts', () => {
		expect(previousPeriod({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ from: '2025-01-01', to: '2025-12-31' });
		expect(previousPeriod({ from: '2026-03-10', to: '2026-03-19' })).toEqual({ from: '2026-02-28', to: '2026-03-09' });
	});

	/*
	 * Five practices. In 2025 (the period before): P1 7.5, P2 7.5, P3 5.0, P4 5.0, and P5 first 0.0
	 * then a round of 3 (withheld). In 2026: P1 7.5, P2 5.0, P3 5.0, P4 5.0; P5 none.
	 * docs/scoring.md §7: P5's 2025 round is the withheld one, so 2025 is (7.5 + 7.5 + 5 + 5) / 4 = 6.25
	 * from 4 practices, and 2026 is 22.5 / 4 = 5.625: a fall of 0.625. The old rule reached back to
	 * P5's 0.0, (25 + 0) / 5 = 5.0 from 5, and called it a rise of 0.625.
	 */
	const period = { from: '2026-01-01', to: '2026-12-31' };
	const practices = [
		[round('P1 2025', '2025-05-01', all(5, 4), 1), round('P1 2026', '2026-05-01', all(5, 4), 1)],
		[round('P2 2025', '2025-05-01', all(5, 4), 2), round('P2 2026', '2026-05-01', all(6, 3), 2)],
		[round('P3 2025', '2025-05-01', all(5, 3), 3), round('P3 2026', '2026-05-01', all(5, 3), 3)],
		[round('P4 2025', '2025-05-01', all(7, 3), 4), round('P4 2026', '2026-05-01', all(5, 3), 4)],
		[round('P5 spring 2025', '2025-03-01', all(5, 1), 5), round('P5 autumn 2025', '2025-10-01', all(3, 5), 5)]
	];

	it('takes each practice’s latest closed round in it, a withheld one included, never an older one', () => {
		const before = comparePracticesIn(practices, previousPeriod(period), rules, instrument);
		expect(before.chosen.map((c) => c && [c.record.round.title, c.result.state])).toEqual([
			['P1 2025', 'shown'],
			['P2 2025', 'shown'],
			['P3 2025', 'shown'],
			['P4 2025', 'shown'],
			['P5 autumn 2025', 'withheld']
		]);
		expect(before.figures.practiceMean.overall).toEqual({ mean: 6.25, practices: 4, band: 'fitting_in' });
		// The period function gives the same figure whichever of the two periods it is asked for first.
		expect(comparePracticesIn(practices, { from: '2025-01-01', to: '2025-12-31' }, rules, instrument).figures).toEqual(before.figures);
	});

	it('so the change has the sign the two periods’ own figures give', () => {
		const now = comparePracticesIn(practices, period, rules, instrument).figures.practiceMean.overall!;
		const then = comparePracticesIn(practices, previousPeriod(period), rules, instrument).figures.practiceMean.overall!;
		expect(now).toEqual({ mean: 5.625, practices: 4, band: 'fitting_in' });
		expect(now.mean - then.mean).toBeCloseTo(-0.625, 10);
	});
});
