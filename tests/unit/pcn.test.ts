import { describe, expect, it } from 'vitest';
import { PCN_ACTIONS } from '../../src/lib/npt/actions';
import type { AgreementAnswer, AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { Construct } from '../../src/lib/npt/constructs';
import {
	chooseRoundInPeriod,
	commonGaps,
	pcnFigures,
	sortPractices,
	summarisePracticeRound,
	type PcnScore,
	type PracticeResult,
	type PooledInput
} from '../../src/lib/npt/pcn';
import { closeDateOf } from '../../src/lib/npt/round-schedule';
import { summariseRespondents } from '../../src/lib/npt/round-summary';
import type { Respondent } from '../../src/lib/npt/scoring';

const instrument = DEFAULT_STAFF_INSTRUMENT;
const rules = { minResponses: 5 };

/** Every statement answered so that every score is (point − 1) × 2.5; `skip` leaves a construct out. */
function respondent(point: AgreementPoint, skip?: Construct): Respondent {
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of instrument.items) {
		if (item.construct === skip) continue;
		agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	}
	return { roleGroup: 'clinical', agreement, general: {} };
}

const many = (count: number, point: AgreementPoint, skip?: Construct) => Array.from({ length: count }, () => respondent(point, skip));

function input(respondents: Respondent[], headcount: number | null = 20): PooledInput {
	return { instrument, summary: summariseRespondents(instrument, respondents), result: summarisePracticeRound(instrument, respondents, headcount, rules) };
}

describe('choosing each practice’s round for the period', () => {
	const rounds = [
		{ id: 1, closedOn: '2025-04-30' },
		{ id: 2, closedOn: '2025-10-31' },
		{ id: 3, closedOn: '2026-04-30' },
		{ id: 4, closedOn: '2026-10-31' }
	];

	it('takes the latest round that closed inside the period, both ends included', () => {
		expect(chooseRoundInPeriod(rounds, { from: '2025-01-01', to: '2026-04-30' })?.id).toBe(3);
		expect(chooseRoundInPeriod(rounds, { from: '2025-04-30', to: '2025-05-01' })?.id).toBe(1);
		// Later rounds and earlier ones are both ignored.
		expect(chooseRoundInPeriod(rounds, { from: '2025-06-01', to: '2026-01-01' })?.id).toBe(2);
	});

	it('finds nothing when no round closed in the period, and prefers the later-created round on the same date', () => {
		expect(chooseRoundInPeriod(rounds, { from: '2026-11-01', to: '2026-11-30' })).toBeUndefined();
		expect(chooseRoundInPeriod([{ id: 8, closedOn: '2026-01-01' }, { id: 7, closedOn: '2026-01-01' }], { from: '2026-01-01', to: '2026-01-01' })?.id).toBe(8);
	});

	it('dates a round by when it actually closed, falling back to its closing date', () => {
		expect(closeDateOf({ closed_on: '2026-03-01', closes_on: '2026-03-31' })).toBe('2026-03-01');
		expect(closeDateOf({ closed_on: null, closes_on: '2026-03-31' })).toBe('2026-03-31');
	});
});

describe('a practice’s round in the PCN view', () => {
	it('withholds everything below the minimum and says how many more answers were needed', () => {
		expect(summarisePracticeRound(instrument, many(3, 5), 10, rules)).toEqual({ state: 'withheld', respondentsNeeded: 2 });
	});

	it('gives each score with its band, and the placement as the overall band', () => {
		const result = summarisePracticeRound(instrument, many(5, 4), 20, rules);
		if (result.state !== 'shown') throw new Error('expected shown');
		expect(result.respondents).toBe(5);
		expect(result.responseRate).toBe(0.25);
		// All answer 4: every score 7.5 with no spread, so the interval is 7.5 to 7.5.
		expect(result.scores.overall).toEqual({ mean: 7.5, interval: { lower: 7.5, upper: 7.5 }, n: 5, band: 'belonging' });
		expect(result.scores.coherence?.band).toBe('belonging');
		expect(result.placement?.band).toBe('belonging');
	});

	it('withholds one construct scored by too few people, and the overall band falls back to Fitting in', () => {
		// 6 people, 2 of whom skipped coherence: coherence has n = 4 < 5.
		const result = summarisePracticeRound(instrument, [...many(4, 4), ...many(2, 4, 'coherence')], null, rules);
		if (result.state !== 'shown') throw new Error('expected shown');
		expect(result.scores.coherence).toBeNull();
		expect(result.responseRate).toBeNull();
		expect(result.scores.collective_action?.n).toBe(6);
		expect(result.placement).toMatchObject({ band: 'fitting_in', unconfirmed: ['coherence'] });
		expect(result.scores.overall?.band).toBe('fitting_in');
	});
});

describe('the PCN figures', () => {
	const bands = instrument.bands;
	// A: 5 people answering 4 (7.5); B: 10 people answering 2 (2.5); C: 3 people answering 5, withheld.
	const a = input(many(5, 4));
	const b = input(many(10, 2));
	const c = input(many(3, 5));

	it('averages practices once each beside the pooled respondent mean', () => {
		const figures = pcnFigures([a, b, c], bands, 0.95);
		expect(figures.practicesShown).toBe(2);
		expect(figures.respondents).toBe(15);
		// (7.5 + 2.5) / 2 = 5.0 practice-weighted.
		expect(figures.practiceMean.overall).toEqual({ mean: 5, practices: 2, band: 'fitting_in' });
		// (5 × 7.5 + 10 × 2.5) / 15 = 62.5 / 15 = 4.1667 pooled; had C leaked in it would be 92.5 / 18 = 5.139.
		const pooled = figures.pooled.overall!;
		expect(pooled.mean).toBeCloseTo(4.166667, 5);
		expect(pooled.n).toBe(15);
		expect(pooled.practices).toBe(2);
		// sd² = (5 × 3.3333² + 10 × 1.6667²) / 14 = 83.333 / 14 = 5.9524, sd = 2.43975, se = 0.62994;
		// t(0.975, 14) = 2.14479, half-width 1.35109.
		expect(pooled.interval!.lower).toBeCloseTo(2.81558, 3);
		expect(pooled.interval!.upper).toBeCloseTo(5.51776, 3);
		expect(figures.pooled.reflexive_monitoring!.mean).toBeCloseTo(4.166667, 5);
	});

	it('computes α on the pooled respondents only, with its reason when it cannot', () => {
		// Everyone answers every statement of a construct alike, but A and B differ: α = 1 over 15 people.
		const figures = pcnFigures([a, b, c], bands, 0.95);
		expect(figures.consistency.coherence).toEqual({ alpha: 1, complete: 15 });
		// B alone: 10 complete answers with no spread at all, so α is undefined.
		expect(pcnFigures([b], bands, 0.95).consistency.coherence).toEqual({ alpha: null, complete: 10, reason: 'no_variation' });
		// A alone: 5 people, below the 10 α needs; C's 3 withheld people do not count towards it.
		expect(pcnFigures([a, c], bands, 0.95).consistency.coherence).toEqual({ alpha: null, complete: 5, reason: 'too_few' });
		expect(pcnFigures([c], bands, 0.95).consistency.coherence).toEqual({ alpha: null, reason: 'no_data' });
		const renamed = { ...b, instrument: { ...instrument, version: '9.0' } };
		expect(pcnFigures([a, renamed], bands, 0.95).consistency.coherence).toEqual({ alpha: null, reason: 'mixed_instruments' });
	});

	it('leaves a practice out of one score’s pool when that score of its own was withheld', () => {
		// D: 6 people answering 5 (10.0), but only 4 scored on coherence, so D's coherence is withheld.
		const d = input([...many(4, 5), ...many(2, 5, 'coherence')]);
		const figures = pcnFigures([a, d], bands, 0.95);
		expect(figures.pooled.coherence).toMatchObject({ mean: 7.5, n: 5, practices: 1 });
		expect(figures.practiceMean.coherence).toEqual({ mean: 7.5, practices: 1, band: 'belonging' });
		// Overall: (5 × 7.5 + 6 × 10) / 11 = 97.5 / 11 = 8.8636 pooled; (7.5 + 10) / 2 = 8.75 by practice.
		expect(figures.pooled.overall!.mean).toBeCloseTo(8.863636, 5);
		expect(figures.practiceMean.overall!.mean).toBe(8.75);
	});

	it('has nothing to average when no practice can be shown', () => {
		const figures = pcnFigures([c], bands, 0.95);
		expect(figures).toMatchObject({ practicesShown: 0, respondents: 0 });
		expect(figures.practiceMean.overall).toBeNull();
		expect(figures.pooled.overall).toBeNull();
	});
});

describe('common gaps', () => {
	const practices = [
		{ coherence: 7, cognitive_participation: 6, collective_action: 8, reflexive_monitoring: 4 },
		{ coherence: 6, cognitive_participation: 7, collective_action: 8, reflexive_monitoring: 5 },
		{ coherence: 7.5, cognitive_participation: null, collective_action: 8, reflexive_monitoring: 6 }
	];

	it('lists constructs below the minimum, the most widespread first, with PCN-level actions', () => {
		const gaps = commonGaps(practices, 6.25);
		expect(gaps.map((g) => [g.construct, g.practicesBelow, g.practicesScored])).toEqual([
			['reflexive_monitoring', 3, 3],
			// Coherence and cognitive participation both have one practice below: the lower mean first.
			['cognitive_participation', 1, 2],
			['coherence', 1, 3]
		]);
		expect(gaps[0]!.pcnMean).toBe(5);
		expect(gaps[1]!.pcnMean).toBe(6.5);
		expect(gaps[2]!.pcnMean).toBeCloseTo(6.8333, 4);
		expect(gaps[0]!.actions).toEqual(PCN_ACTIONS.reflexive_monitoring);
		expect(gaps[0]!.actions.length).toBeGreaterThanOrEqual(2);
	});

	it('finds no gap when every practice reaches the minimum, and none from withheld scores', () => {
		expect(commonGaps([{ coherence: 7, cognitive_participation: 7, collective_action: 7, reflexive_monitoring: 6.25 }])).toEqual([]);
		expect(commonGaps([{ coherence: null, cognitive_participation: null, collective_action: null, reflexive_monitoring: null }])).toEqual([]);
	});
});

describe('sorting heatmap rows', () => {
	const score = (mean: number): PcnScore => ({ mean, interval: null, n: 5, band: 'fitting_in' });
	const shown = (name: string, overall: number, coherence: number | null) => ({
		name,
		state: 'shown' as PracticeResult['state'],
		scores: {
			overall: score(overall),
			coherence: coherence === null ? null : score(coherence),
			cognitive_participation: null,
			collective_action: null,
			reflexive_monitoring: null
		}
	});
	const rows = [
		{ name: 'Zeal Surgery', state: 'withheld' as PracticeResult['state'] },
		shown('Oak Practice', 6, 5),
		{ name: 'Ash Surgery', state: 'no_round' as PracticeResult['state'] },
		shown('Elm Practice', 4, null),
		shown('Beech Practice', 6, 7)
	];

	it('sorts by name by default', () => {
		expect(sortPractices(rows, 'name').map((r) => r.name)).toEqual(['Ash Surgery', 'Beech Practice', 'Elm Practice', 'Oak Practice', 'Zeal Surgery']);
	});

	it('sorts by a score from lowest up, ties by name, practices without that score last', () => {
		expect(sortPractices(rows, 'overall').map((r) => r.name)).toEqual(['Elm Practice', 'Beech Practice', 'Oak Practice', 'Ash Surgery', 'Zeal Surgery']);
		expect(sortPractices(rows, 'coherence').map((r) => r.name)).toEqual(['Oak Practice', 'Beech Practice', 'Ash Surgery', 'Elm Practice', 'Zeal Surgery']);
	});
});
