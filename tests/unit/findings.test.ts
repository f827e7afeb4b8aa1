import { describe, expect, it } from 'vitest';
import { constructFinding, placementFinding } from '../../src/lib/findings';
import { formatInterval, formatPercent, formatScore, formatThreshold } from '../../src/lib/format';
import type { Construct } from '../../src/lib/npt/constructs';
import type { Disclosed } from '../../src/lib/npt/disclosure';
import type { GroupScore } from '../../src/lib/npt/scoring';
import type { TrendPoint } from '../../src/lib/npt/practice-rounds';
import { instrumentLabelOf } from '../../src/lib/npt/instrument-comparability';
import { trendFinding } from '../../src/routes/(app)/practices/[practiceId]/findings';
import { miniInstrument } from '../fixtures/instruments';

const score = (mean: number): Disclosed<GroupScore> => ({ shown: true, n: 12, mean, sd: 1, interval: null });

describe('sentences that state what a chart shows', () => {
	it('states the placement with its interval', () => {
		expect(
			placementFinding('Riverside Surgery', 7.04, { lower: 6.25, upper: 7.83 }, {
				band: 'fitting_in',
				borderlineWith: ['belonging'],
				heldBackBy: [],
				unconfirmed: []
			})
		).toBe(
			'Riverside Surgery: overall score 7.0 out of 10 (95% interval 6.3 to 7.8). Placement: Fitting in — borderline with Belonging.'
		);
	});

	it('names the highest and lowest constructs and those below the Belonging minimum', () => {
		const constructs: Record<Construct, Disclosed<GroupScore>> = {
			coherence: score(7.8),
			cognitive_participation: score(6.5),
			collective_action: score(6.1),
			reflexive_monitoring: score(4.1)
		};
		expect(constructFinding(constructs, miniInstrument.bands)).toBe(
			'Construct scores out of 10: highest Coherence at 7.8, lowest Reflexive monitoring at 4.1. Below the 6.25 that Belonging needs: Collective action, Reflexive monitoring.'
		);
	});

	it('says when constructs are withheld, and when none can be shown', () => {
		const some: Record<Construct, Disclosed<GroupScore>> = {
			coherence: score(8),
			cognitive_participation: score(7),
			collective_action: { shown: false },
			reflexive_monitoring: score(6.5)
		};
		expect(constructFinding(some, miniInstrument.bands)).toMatch(
			/All shown constructs reach the 6.25 that Belonging needs\. Some constructs have too few answers to show\.$/
		);
		const none = { coherence: { shown: false }, cognitive_participation: { shown: false }, collective_action: { shown: false }, reflexive_monitoring: { shown: false } } as const;
		expect(constructFinding(none, miniInstrument.bands)).toBe('No construct has enough answers to show a score.');
	});
});

describe('number formats', () => {
	it('shows scores with one decimal, thresholds exactly, shares as whole percentages', () => {
		expect(formatScore(6.25)).toBe('6.3');
		expect(formatScore(10)).toBe('10.0');
		expect(formatThreshold(6.25)).toBe('6.25');
		expect(formatThreshold(5)).toBe('5');
		expect(formatPercent(0.7272)).toBe('73%');
		expect(formatInterval(null)).toBe('not available');
	});
});

describe('the trend chart’s finding', () => {
	const point = (roundId: number, title: string, mean: number): TrendPoint => {
		const score = { mean, sd: 1, interval: null, n: 12 };
		return {
			roundId,
			title,
			closedOn: `2026-0${roundId}-28`,
			instrument: instrumentLabelOf(miniInstrument),
			run: 0,
			shown: true,
			respondents: 12,
			scores: { overall: score, coherence: score, cognitive_participation: score, collective_action: score, reflexive_monitoring: score }
		};
	};
	const trend = [point(1, 'Winter 2026', 5.24), point(2, 'Spring 2026', 6.36)];

	it('states the movement, then how many things done the numbered lines mark', () => {
		expect(trendFinding(trend, 'Fitting in')).toBe('Overall score rose from 5.2 to 6.4 between Winter 2026 and Spring 2026; now Fitting in.');
		expect(trendFinding(trend, 'Fitting in', 3)).toBe(
			'Overall score rose from 5.2 to 6.4 between Winter 2026 and Spring 2026; now Fitting in. Numbered dashed lines mark 3 things done about the gaps; see the table below.'
		);
		expect(trendFinding(trend, null, 1)).toBe(
			'Overall score rose from 5.2 to 6.4 between Winter 2026 and Spring 2026. A numbered dashed line marks 1 thing done about the gaps; see the table below.'
		);
	});
});
