/**
 * Every figure computed from a round's summary equals the same figure computed from its answers
 * (to 1e-9), on randomised rounds: the summary is stored in place of reading the answers, so
 * nothing the product shows may change because of it. The answers-based functions in scoring.ts
 * are the reference; they are pinned by hand-computed tests of their own.
 */
import { describe, expect, it } from 'vitest';
import { AGREEMENT_POINTS, GENERAL_MAX, GENERAL_MIN, NOT_RELEVANT_CODES, type AgreementAnswer } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CONSTRUCTS } from '../../src/lib/npt/constructs';
import type { Instrument } from '../../src/lib/npt/instrument';
import {
	consistencyFrom,
	figureCountsOf,
	generalResultsFrom,
	groupScoresFrom,
	poolSummaries,
	scoreFromMoments,
	statementResultsFrom,
	summariseRespondents,
	type RoundSummary
} from '../../src/lib/npt/round-summary';
import {
	internalConsistency,
	scoreGroup,
	scoreRespondent,
	summariseGeneralItems,
	summariseItems,
	summariseScores,
	type GroupScore,
	type Respondent
} from '../../src/lib/npt/scoring';
import { seededRandom } from '../../src/lib/server/demo/random';
import { miniInstrument } from '../fixtures/instruments';

const TOLERANCE = 1e-9;

/** Equal in structure, with every number within TOLERANCE. */
function expectClose(actual: unknown, expected: unknown, where: string): void {
	if (typeof expected === 'number' && typeof actual === 'number') {
		if (Math.abs(actual - expected) > TOLERANCE) throw new Error(`${where}: ${actual} is not ${expected}`);
		return;
	}
	if (expected === null || typeof expected !== 'object') {
		expect(actual, where).toEqual(expected);
		return;
	}
	expect(typeof actual, where).toBe('object');
	expect(actual, where).not.toBeNull();
	const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)]);
	for (const key of keys) expectClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
}

/**
 * A round of random people: some answer everything, some skip a lot, some say "not relevant",
 * in every role group or none, with every rating or none. Sometimes everyone answers alike, so
 * spreads of exactly nothing are checked too.
 */
function randomRound(instrument: Instrument, random: () => number): Respondent[] {
	const size = Math.floor(random() * 45);
	const alike = random() < 0.1;
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
	const groups = [null, ...instrument.roleGroups.map((g) => g.id)];
	const template = (): Respondent => {
		const skipRate = pick([0, 0.05, 0.3, 0.7]);
		const agreement: Record<string, AgreementAnswer> = {};
		for (const item of instrument.items) {
			if (random() < skipRate) continue;
			agreement[item.id] = random() < 0.08 ? pick(NOT_RELEVANT_CODES) : pick(AGREEMENT_POINTS);
		}
		const general: Record<string, number> = {};
		for (const item of instrument.generalItems) {
			if (random() < 0.2) continue;
			general[item.id] = GENERAL_MIN + Math.floor(random() * (GENERAL_MAX - GENERAL_MIN + 1));
		}
		return { roleGroup: pick(groups), agreement, general };
	};
	const one = template();
	return Array.from({ length: size }, () => (alike ? { ...one, roleGroup: pick(groups) } : template()));
}

/** The raw per-figure counts, as round-results counted them from the answers. */
function rawFigureCounts(instrument: Instrument, respondents: readonly Respondent[]) {
	const figures: Record<string, number> = { overall: 0, allConstructs: 0, someConstructs: 0, tooFewConstructs: 0 };
	for (const c of CONSTRUCTS) figures[c] = 0;
	for (const respondent of respondents) {
		const score = scoreRespondent(instrument, respondent);
		const scored = CONSTRUCTS.filter((c) => score.constructs[c] !== null);
		for (const c of scored) figures[c]! += 1;
		if (score.overall !== null) figures.overall! += 1;
		if (scored.length === CONSTRUCTS.length) figures.allConstructs! += 1;
		else if (score.overall !== null) figures.someConstructs! += 1;
		else if (scored.length > 0) figures.tooFewConstructs! += 1;
	}
	return { respondents: respondents.length, figures };
}

function expectSameFigures(instrument: Instrument, summary: RoundSummary, respondents: readonly Respondent[], where: string) {
	const level = instrument.scoring.confidenceLevel;
	expectClose(groupScoresFrom(summary.everyone, level), scoreGroup(instrument, respondents), `${where} scores`);
	expect(figureCountsOf(summary.everyone), `${where} counts`).toEqual(rawFigureCounts(instrument, respondents));
	for (const { id } of instrument.roleGroups) {
		const members = respondents.filter((r) => r.roleGroup === id);
		const group = summary.roleGroups[id];
		if (members.length === 0) {
			expect(group, `${where} ${id}`).toBeUndefined();
			continue;
		}
		expectClose(groupScoresFrom(group!, level), scoreGroup(instrument, members), `${where} ${id} scores`);
		expect(figureCountsOf(group!), `${where} ${id} counts`).toEqual(rawFigureCounts(instrument, members));
	}
	expect(statementResultsFrom(instrument, summary), `${where} statements`).toEqual(summariseItems(instrument, respondents));
	expectClose(generalResultsFrom(instrument, summary), summariseGeneralItems(instrument, respondents), `${where} general`);
	for (const construct of CONSTRUCTS) {
		expectClose(consistencyFrom(instrument, summary.consistency[construct]), internalConsistency(instrument, respondents, construct), `${where} α ${construct}`);
	}
}

describe('figures from a round summary', () => {
	it.each([
		['the built-in staff survey', DEFAULT_STAFF_INSTRUMENT, 17],
		['a small instrument', miniInstrument, 29]
	])('equal the figures from the answers on 300 random rounds of %s, also after storing as JSON', (_name, instrument, seed) => {
		const random = seededRandom(seed);
		let checked = 0;
		for (let round = 0; round < 300; round++) {
			const respondents = randomRound(instrument, random);
			const summary = summariseRespondents(instrument, respondents);
			expectSameFigures(instrument, summary, respondents, `round ${round}`);
			expectSameFigures(instrument, JSON.parse(JSON.stringify(summary)), respondents, `round ${round} from JSON`);
			checked += respondents.length;
		}
		expect(checked).toBeGreaterThan(3000);
	});

	it('pools rounds as if their people had answered one round', () => {
		const random = seededRandom(5);
		for (let trial = 0; trial < 100; trial++) {
			const rounds = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomRound(DEFAULT_STAFF_INSTRUMENT, random));
			const pooled = poolSummaries(rounds.map((r) => summariseRespondents(DEFAULT_STAFF_INSTRUMENT, r)));
			expectSameFigures(DEFAULT_STAFF_INSTRUMENT, pooled, rounds.flat(), `pool ${trial}`);
		}
	});

	it('keeps a spread of nothing at exactly nothing, where sums of squares would not', () => {
		// 85/12 is not a binary fraction: Σx² − (Σx)²/n leaves a remainder, Welford's moments do not.
		const everyone = Array.from({ length: 37 }, () => 85 / 12);
		const moments = { n: 0, mean: 0, squaredDeviations: 0 };
		for (const value of everyone) {
			moments.n += 1;
			const delta = value - moments.mean;
			moments.mean += delta / moments.n;
			moments.squaredDeviations += delta * (value - moments.mean);
		}
		const score: GroupScore = scoreFromMoments(moments, 0.95);
		expect(score.sd).toBe(0);
		expect(score.interval!.upper - score.interval!.lower).toBe(0);
		expectClose(score, summariseScores(everyone, 0.95), 'alike');
		const sum = everyone.reduce((a, b) => a + b, 0);
		const naive = everyone.reduce((a, b) => a + b * b, 0) - (sum * sum) / everyone.length;
		expect(naive).not.toBe(0);
	});
});
