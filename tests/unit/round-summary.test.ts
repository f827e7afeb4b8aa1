/**
 * Every figure computed from a round's summary equals the same figure computed from its answers
 * (to 1e-9), on randomised rounds: the summary is stored in place of reading the answers, so
 * nothing the product shows may change because of it. The answers-based functions in scoring.ts
 * are the reference; they are pinned by hand-computed tests of their own.
 */
import { describe, expect, it } from 'vitest';
import { AGREEMENT_POINTS, GENERAL_MAX, GENERAL_MIN, NOT_RELEVANT_CODES, type AgreementAnswer, type AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CONSTRUCTS, type Construct } from '../../src/lib/npt/constructs';
import type { Instrument } from '../../src/lib/npt/instrument';
import {
	consistencyFrom,
	exactRatio,
	figureCountsOf,
	generalResultsFrom,
	groupScoresFrom,
	poolMoments,
	poolSummaries,
	scoreFromMoments,
	scoreUnit,
	statementResultsFrom,
	summariseRespondents,
	summaryFromJson,
	summaryToJson,
	type Moments,
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
import { summariseRound } from '../../src/lib/npt/round-results';
import { studentTQuantile } from '../../src/lib/npt/statistics';
import { miniInstrument } from '../fixtures/instruments';

const TOLERANCE = 1e-9;
/** The randomised tests take a few seconds alone, longer on a busy machine. */
const HEAVY = 30_000;

/**
 * A built-in survey respondent who skips coherence and answers every statement of the other three
 * constructs so that each scores the given point (1 → 0 … 5 → 10; reverse-worded ones reversed):
 * their overall is the mean of the three.
 */
function alike(participation: AgreementPoint, action: AgreementPoint, monitoring: AgreementPoint): Respondent {
	const points: Partial<Record<Construct, AgreementPoint>> = {
		cognitive_participation: participation,
		collective_action: action,
		reflexive_monitoring: monitoring
	};
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		const point = points[item.construct];
		if (point !== undefined) agreement[item.id] = item.reversed ? ((6 - point) as AgreementPoint) : point;
	}
	return { roleGroup: null, agreement, general: {} };
}

/** Every order of a list (n! of them). */
function permutations<T>(list: readonly T[]): T[][] {
	if (list.length <= 1) return [[...list]];
	return list.flatMap((first, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [first, ...rest]));
}

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
			const stored = summaryFromJson(summaryToJson(summary))!;
			expect(stored, `round ${round} from JSON`).toEqual(summary);
			expectSameFigures(instrument, stored, respondents, `round ${round} from JSON`);
			checked += respondents.length;
		}
		expect(checked).toBeGreaterThan(3000);
	}, HEAVY);

	it('pools rounds as if their people had answered one round', () => {
		const random = seededRandom(5);
		for (let trial = 0; trial < 100; trial++) {
			const rounds = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomRound(DEFAULT_STAFF_INSTRUMENT, random));
			const pooled = poolSummaries(rounds.map((r) => summariseRespondents(DEFAULT_STAFF_INSTRUMENT, r)));
			expectSameFigures(DEFAULT_STAFF_INSTRUMENT, pooled, rounds.flat(), `pool ${trial}`);
		}
	}, HEAVY);

	it('keeps a spread of nothing at exactly nothing, where floating-point sums of squares would not', () => {
		// 5/6 is not a binary fraction: in floats Σx² − (Σx)²/n leaves a remainder; whole numbers do not.
		const everyone = Array.from({ length: 37 }, () => alike(1, 1, 2));
		expect(scoreRespondent(DEFAULT_STAFF_INSTRUMENT, everyone[0]!).overall).toBe(2.5 / 3);
		const score: GroupScore = scoreFromMoments(summariseRespondents(DEFAULT_STAFF_INSTRUMENT, everyone).everyone.scores.overall, 0.95);
		expect(score.sd).toBe(0);
		expect(score.interval!.upper - score.interval!.lower).toBe(0);
		const values = everyone.map(() => 2.5 / 3);
		expectClose(score, summariseScores(values, 0.95), 'alike');
		const sum = values.reduce((a, b) => a + b, 0);
		const naive = values.reduce((a, b) => a + b * b, 0) - (sum * sum) / values.length;
		expect(naive).not.toBe(0);
	});
});

describe('exact sums (issue 24, item 13): a figure does not depend on the order answers lie in', () => {
	it('derives every respondent score’s common denominator from the instrument', () => {
		// Built-in: 2 (steps of 2.5) × lcm(3, 4, 5, 6, 7) (3–5 of 5 and 4–7 of 7 statements) × lcm(3, 4) constructs.
		expect(scoreUnit(DEFAULT_STAFF_INSTRUMENT)).toBe(10_080);
		// Mini: 2 × lcm(1, 2, 3, 4) (1–2, 2–3, 2–4, 1–2 statements) × lcm(3, 4).
		expect(scoreUnit(miniInstrument)).toBe(288);
	});

	it('gives a mean on the Fitting in edge as exactly 5 in every one of 720 orders, where float sums give 5 or 5.000000000000001', () => {
		// Overall scores 5/6, 55/6, 10/6, 50/6, 20/6 and 40/6: three pairs that each add up to 10.
		const six = [alike(1, 1, 2), alike(5, 5, 4), alike(1, 1, 3), alike(5, 5, 3), alike(1, 1, 5), alike(5, 5, 1)];
		const values = six.map((r) => scoreRespondent(DEFAULT_STAFF_INSTRUMENT, r).overall!);
		expect(values).toEqual([2.5 / 3, 27.5 / 3, 5 / 3, 25 / 3, 10 / 3, 20 / 3]);
		const floatMean = (order: number[]) => order.reduce((sum, i) => sum + values[i]!, 0) / 6;
		expect(floatMean([0, 1, 2, 3, 4, 5])).toBe(5);
		expect(floatMean([0, 2, 4, 1, 3, 5])).toBe(5.000000000000001);

		const first = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, six);
		const stored = summaryToJson(first);
		// Σ(x − 5)² = 2 × (25² + 20² + 10²) / 36 = 62.5, over n − 1 = 5.
		const sd = Math.sqrt(12.5);
		const half = (studentTQuantile(0.975, 5) * sd) / Math.sqrt(6);
		for (const order of permutations(six)) {
			const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, order);
			expect(summaryToJson(summary)).toBe(stored);
			const overall = scoreFromMoments(summary.everyone.scores.overall, 0.95);
			expect(overall).toEqual({ n: 6, mean: 5, sd, interval: { lower: 5 - half, upper: 5 + half } });
			const results = summariseRound({ instrument: DEFAULT_STAFF_INSTRUMENT, respondents: order, comments: [], staffHeadcount: 6 }, { minResponses: 5 }, () => 0.5);
			expect(results.shown && results.placement?.band).toBe('fitting_in');
		}
	}, HEAVY);

	it('never changes a stored summary or any figure, to the last bit, when a round’s respondents are shuffled', () => {
		const random = seededRandom(41);
		for (let round = 0; round < 150; round++) {
			const instrument = round % 3 === 0 ? miniInstrument : DEFAULT_STAFF_INSTRUMENT;
			const respondents = randomRound(instrument, random);
			const stored = summaryToJson(summariseRespondents(instrument, respondents));
			const results = summariseRound({ instrument, respondents, comments: [], staffHeadcount: 50 }, { minResponses: 5 }, () => 0.5);
			for (let shuffle = 0; shuffle < 4; shuffle++) {
				const order = respondents.map((r) => ({ r, key: random() })).sort((a, b) => a.key - b.key).map(({ r }) => r);
				expect(summaryToJson(summariseRespondents(instrument, order)), `round ${round}`).toBe(stored);
				expect(summariseRound({ instrument, respondents: order, comments: [], staffHeadcount: 50 }, { minResponses: 5 }, () => 0.5), `round ${round}`).toEqual(results);
			}
		}
	}, HEAVY);

	it('pools exactly: rounds pooled equal one round of all their people, in any order and grouping', () => {
		const random = seededRandom(43);
		for (let trial = 0; trial < 60; trial++) {
			const rounds = Array.from({ length: 3 }, () => randomRound(DEFAULT_STAFF_INSTRUMENT, random));
			const [a, b, c] = rounds.map((r) => summariseRespondents(DEFAULT_STAFF_INSTRUMENT, r)) as [RoundSummary, RoundSummary, RoundSummary];
			const pooled = poolSummaries([a, b, c]);
			expect(pooled, `pool ${trial}`).toEqual(summariseRespondents(DEFAULT_STAFF_INSTRUMENT, rounds.flat()));
			expect(poolSummaries([poolSummaries([a, b]), c])).toEqual(pooled);
			expect(poolSummaries([a, poolSummaries([b, c])])).toEqual(pooled);
			expect(poolSummaries([c, b, a])).toEqual(pooled);
		}
	}, HEAVY);

	it('pools scores of instruments with different units over their least common multiple', () => {
		// Mini: coherence skipped, participation and action all "strongly disagree" (0), monitoring 2.5: overall 5/6.
		const mini = summariseRespondents(miniInstrument, [
			{ roleGroup: null, agreement: { P1: 1, P2: 1, P3: 1, A1: 1, A2: 1, A3: 1, A4: 1, R1: 2, R2: 4 }, general: {} }
		]).everyone.scores.overall;
		const builtIn = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, [alike(5, 5, 4)]).everyone.scores.overall;
		expect(mini).toEqual({ n: 1, unit: 288, sum: 240, sumOfSquares: 57_600 });
		expect(builtIn).toEqual({ n: 1, unit: 10_080, sum: 92_400, sumOfSquares: 92_400 * 92_400 });
		const pooled = poolMoments([mini, builtIn]);
		// 5/6 × 10,080 = 8,400; the pair's mean is exactly 5, each 25/6 from it.
		expect(pooled).toEqual({ n: 2, unit: 10_080, sum: 100_800, sumOfSquares: 8_400 * 8_400 + 92_400 * 92_400 });
		expect(poolMoments([builtIn, mini])).toEqual(pooled);
		expect(scoreFromMoments(pooled, 0.95)).toMatchObject({ n: 2, mean: 5, sd: Math.sqrt(2 * (25 / 6) ** 2) });
	});

	it('stays exact beyond 2⁵³ at national scale', () => {
		// Two million respondents of the built-in survey, half scoring 10 and half 0: Σx² in units is 1.0e16.
		const tens: Moments = { n: 1000, unit: 10_080n, sum: 1000n * 100_800n, sumOfSquares: 1000n * 100_800n ** 2n };
		const zeros: Moments = { n: 1000, unit: 10_080n, sum: 0n, sumOfSquares: 0n };
		const pooled = poolMoments(Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? tens : zeros)));
		expect(pooled.sumOfSquares > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		const score = scoreFromMoments(pooled, 0.95);
		expect(score.mean).toBe(5);
		// Σ(x − 5)² / (n − 1) = 2,000,000 × 25 / 1,999,999.
		expect(score.sd).toBe(Math.sqrt(50_000_000 / 1_999_999));
		const all = poolMoments(Array.from({ length: 2000 }, () => tens));
		expect(scoreFromMoments(all, 0.95)).toMatchObject({ mean: 10, sd: 0 });
	});

	it('divides whole numbers to the nearest double, rounding once', () => {
		const random = seededRandom(47);
		for (let i = 0; i < 2000; i++) {
			const p = Math.floor(random() * 2 ** 40);
			const q = 1 + Math.floor(random() * 2 ** 30);
			expect(exactRatio(BigInt(p), BigInt(q))).toBe(p / q);
		}
		expect(exactRatio(0n, 7n)).toBe(0);
		expect(exactRatio(2n ** 60n + 1n, 2n ** 60n)).toBe(1);
		expect(exactRatio(2n ** 53n + 1n, 1n)).toBe(2 ** 53);
		expect(exactRatio(2n ** 53n + 3n, 1n)).toBe(2 ** 53 + 4);
		expect(exactRatio(10n ** 40n, 3n * 10n ** 39n)).toBe(10 / 3);
	});

	it('keeps every sum of a round as a plain number, and reads the stored numbers back as numbers', () => {
		// alike(5, 5, 4): overall (10 + 10 + 7.5) / 3 = 55/6; alike(1, 1, 2): 2.5 / 3 = 5/6; in 1/10,080 steps 92,400 and 8,400.
		const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, [alike(5, 5, 4), alike(1, 1, 2)]);
		const overall = summary.everyone.scores.overall;
		expect(overall).toEqual({ n: 2, unit: 10_080, sum: 100_800, sumOfSquares: 92_400 ** 2 + 8_400 ** 2 });
		for (const value of [overall.unit, overall.sum, overall.sumOfSquares]) expect(typeof value).toBe('number');
		const stored = summaryFromJson(summaryToJson(summary))!;
		expect(stored).toEqual(summary);
		expect(typeof stored.everyone.scores.overall.sumOfSquares).toBe('number');
	});

	it('keeps a sum that reaches 2⁵³ exact, as a BigInt, and one just below it a number', () => {
		// Scores 2⁵² + 1 and 2⁵² + 2 in whole steps: Σx = 2⁵³ + 3, which a double would round to 2⁵³ + 4.
		const x = 2 ** 52 + 1;
		const y = 2 ** 52 + 2;
		const one = (score: number): Moments => ({ n: 1, unit: 1, sum: score, sumOfSquares: BigInt(score) ** 2n });
		const pooled = poolMoments([one(x), one(y)]);
		expect(pooled.sum).toBe(2n ** 53n + 3n);
		expect(pooled.sumOfSquares).toBe(2n * 2n ** 104n + 6n * 2n ** 52n + 5n);
		// n·Σx² − (Σx)² = 2(x² + y²) − (x + y)² = (y − x)² = 1, over n(n − 1) = 2: exactly, where doubles cancel to nothing.
		expect(scoreFromMoments(pooled, 0.95).sd).toBe(Math.sqrt(0.5));
		// 2⁵² + 2⁵² is 2⁵³, one past the largest safe integer: a BigInt too.
		expect(poolMoments([one(2 ** 52), one(2 ** 52)]).sum).toBe(2n ** 53n);
		// 2⁵³ − 2 + 1 is the largest safe integer: still a number.
		const below = poolMoments([{ n: 1, unit: 1, sum: 2 ** 53 - 2, sumOfSquares: 0 }, { n: 1, unit: 1, sum: 1, sumOfSquares: 0 }]);
		expect(below.sum).toBe(Number.MAX_SAFE_INTEGER);
		// Stored and read back: beyond 2⁵³ as a decimal string, exactly.
		const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, []);
		summary.everyone.scores.overall = pooled;
		const text = summaryToJson(summary);
		expect(text).toContain('"9007199254740995"');
		expect(summaryFromJson(text)!.everyone.scores.overall).toEqual(pooled);
	});

	it('reads back a stored summary, and none of another layout', () => {
		const summary = summariseRespondents(DEFAULT_STAFF_INSTRUMENT, [alike(5, 5, 4), alike(1, 1, 2)]);
		const text = summaryToJson(summary);
		expect(summaryFromJson(text)).toEqual(summary);
		// Respondents, all four constructs, enough for an overall, too few; then the overall's n, unit, Σx, Σx².
		expect(text).toContain(`"everyone":[2,0,2,0,2,10080,100800,${92_400 ** 2 + 8_400 ** 2},`);
		expect(summaryFromJson('{"format":1,"everyone":{"respondents":999}}')).toBeNull();
		// Layout 2: named fields, sums as decimal strings.
		expect(summaryFromJson('{"format":2,"everyone":{"respondents":2,"scores":{"overall":{"n":2,"unit":"10080","sum":"100800","sumOfSquares":"8608320000"}}}}')).toBeNull();
		expect(summaryFromJson('not json')).toBeNull();
	});

	it('reads a stored summary that is not whole as another layout, to be rebuilt, and never throws', () => {
		const text = summaryToJson(summariseRespondents(DEFAULT_STAFF_INSTRUMENT, [alike(5, 5, 4), alike(1, 1, 2)]));
		const value = () => JSON.parse(text) as Record<string, any>;
		const broken: [string, (s: Record<string, any>) => void][] = [
			['a count below nothing', (s) => (s.everyone[0] = -1)],
			['a fractional count', (s) => (s.everyone[4] = 1.5)],
			['a unit of nothing', (s) => (s.everyone[5] = 0)],
			['a sum that is no number', (s) => (s.everyone[6] = '1e5')],
			['a group cut short', (s) => s.everyone.pop()],
			['role groups as a list', (s) => (s.roleGroups = [])],
			['a statement cut short', (s) => s.statements.CO1.pop()],
			['a statement as an object', (s) => (s.statements.CO1 = { points: {} })],
			['a rating count that is text', (s) => (s.general.G1[0] = '1')],
			['a construct without its sums', (s) => delete s.consistency.coherence],
			['products of another length', (s) => s.consistency.coherence[2].pop()],
			['a sum below nothing', (s) => (s.consistency.coherence[1][0] = -0.25)],
			['no statements', (s) => delete s.statements],
			['null', (s) => (s.everyone = null)]
		];
		expect(summaryFromJson(JSON.stringify(value()))).not.toBeNull();
		for (const [what, breakIt] of broken) {
			const s = value();
			breakIt(s);
			expect(summaryFromJson(JSON.stringify(s)), what).toBeNull();
		}
		expect(summaryFromJson('null')).toBeNull();
		expect(summaryFromJson('[3]')).toBeNull();
	});
});
