import { describe, expect, it } from 'vitest';
import { AGREEMENT_POINTS, NOT_RELEVANT_CODES, type AgreementAnswer } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CONSTRUCTS } from '../../src/lib/npt/constructs';
import type { Instrument } from '../../src/lib/npt/instrument';
import { rawAnswerColumns } from '../../src/lib/npt/raw-answers';
import { summariseRound, type ShownRound } from '../../src/lib/npt/round-results';
import { scoreGroup, summariseGeneralItems, type GroupScore, type Respondent } from '../../src/lib/npt/scoring';
import { answersDownload } from '../../src/lib/server/results/answers-csv';
import { answerOfCode } from '../../src/lib/npt/instrument-formats/answer-codes';
import { tableToCsv, type Table } from '../../src/lib/tables';
import type { Disclosed } from '../../src/lib/npt/disclosure';
import { miniInstrument } from '../fixtures/instruments';
import { seededRandom } from '../../src/lib/server/demo/random';
import { parseCsv } from '../helpers/csv';

const MIN = 5;
const rules = { minResponses: MIN };

/**
 * A round of 5 to 9 people (around MIN_RESPONSES), where each construct and each statement has
 * its own chance of being skipped or called "not relevant", so that constructs, statements and
 * ratings fall either side of the minimum from round to round.
 */
function randomRound(instrument: Instrument, random: () => number): Respondent[] {
	const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)]!;
	const n = 5 + Math.floor(random() * 5);
	// A third of the rounds are answered almost in full, so that some export everything.
	const tidy = random() < 1 / 3;
	const constructSkip = Object.fromEntries(CONSTRUCTS.map((c) => [c, tidy ? 0 : pick([0, 0, 0.1, 0.4, 0.8])]));
	const itemSkip = Object.fromEntries(instrument.items.map((i) => [i.id, tidy ? 0 : pick([0, 0, 0, 0.2, 0.5])]));
	const itemNotRelevant = Object.fromEntries(instrument.items.map((i) => [i.id, tidy ? pick([0, 0, 0, 0, 0, 0, 0.05]) : pick([0, 0, 0.15, 0.5])]));
	const ratingSkip = Object.fromEntries(instrument.generalItems.map((g) => [g.id, pick([0, 0.2, 0.6])]));
	return Array.from({ length: n }, () => {
		const agreement: Record<string, AgreementAnswer> = {};
		for (const item of instrument.items) {
			if (random() < constructSkip[item.construct]! || random() < itemSkip[item.id]!) continue;
			agreement[item.id] = random() < itemNotRelevant[item.id]! ? pick(NOT_RELEVANT_CODES) : pick(AGREEMENT_POINTS);
		}
		const general: Record<string, number> = {};
		for (const g of instrument.generalItems) if (random() >= ratingSkip[g.id]!) general[g.id] = Math.floor(random() * 11);
		return { roleGroup: null, agreement, general };
	});
}

/**
 * The CSV read back, as anyone holding it would: each person's answers decoded by the codebook
 * (every answer cell a number), and which columns its column descriptions mark as withheld.
 */
function readBack(instrument: Instrument, table: Table) {
	const [header, ...rows] = parseCsv(tableToCsv(table).slice(1));
	const column = (id: string) => header!.indexOf(id);
	const respondents: Respondent[] = rows.map((row) => {
		const agreement: Record<string, AgreementAnswer> = {};
		for (const item of instrument.items) {
			const cell = row[column(item.id)]!;
			if (cell === '') continue;
			expect(cell).toMatch(/^\d+$/);
			agreement[item.id] = answerOfCode(instrument, Number(cell))!;
			expect(agreement[item.id], `${item.id}: code ${cell} is not in the codebook`).toBeDefined();
		}
		const general: Record<string, number> = {};
		for (const g of instrument.generalItems) {
			const cell = row[column(g.id)]!;
			if (cell !== '') general[g.id] = Number(cell);
		}
		return { roleGroup: null, agreement, general };
	});
	const withheld = (id: string) => table.columns.find((c) => c.key === id)!.meaning.startsWith('Withheld');
	return { header: header!, rows, respondents, withheld };
}

/** A group figure worked out from the file must be the page's, shown, with the same n, mean and sd. */
function expectSameFigure(fromFile: GroupScore, onPage: Disclosed<GroupScore>, what: string) {
	if (fromFile.n === 0) return;
	expect(onPage.shown, `${what} is computable from the file from ${fromFile.n} people but withheld on the page`).toBe(true);
	if (!onPage.shown) return;
	expect(fromFile.n, what).toBe(onPage.n);
	expect(fromFile.mean!, what).toBeCloseTo(onPage.mean!, 9);
	if (onPage.sd === null) expect(fromFile.sd, what).toBeNull();
	else expect(fromFile.sd!, what).toBeCloseTo(onPage.sd, 9);
}

describe('the raw-answers export gives no figure the page withholds (docs/scoring.md §6)', () => {
	it.each([
		['the built-in staff survey', DEFAULT_STAFF_INSTRUMENT, 24],
		['a small instrument', miniInstrument, 7]
	])('on 300 random rounds of %s, every figure computable from the file is on the page with the same value', (_, instrument, seed) => {
		const random = seededRandom(seed);
		const outcomes = { everything: 0, noStatements: 0, ratingWithheld: 0, someRatings: 0 };
		for (let round = 0; round < 300; round++) {
			const respondents = randomRound(instrument, random);
			const page = summariseRound({ instrument, respondents, comments: [], staffHeadcount: null }, rules, random) as ShownRound;
			expect(page.shown).toBe(true);
			const file = readBack(instrument, answersDownload(instrument, respondents, page, MIN, random).table);
			expect(file.rows).toHaveLength(respondents.length);

			// A column marked as withheld holds nothing; every other one holds the answers as given.
			for (const id of [...instrument.items.map((i) => i.id), ...instrument.generalItems.map((g) => g.id)]) {
				if (file.withheld(id)) expect(file.rows.map((row) => row[file.header.indexOf(id)])).toEqual(file.rows.map(() => ''));
			}
			const exported = instrument.items.filter((item) => !file.withheld(item.id));
			if (exported.length === instrument.items.length) outcomes.everything += 1;
			if (exported.length === 0) outcomes.noStatements += 1;
			if (instrument.generalItems.some((g) => file.withheld(g.id))) outcomes.ratingWithheld += 1;
			if (instrument.generalItems.some((g) => !file.withheld(g.id))) outcomes.someRatings += 1;

			// Each statement's distribution, "not relevant" counts included.
			for (const item of instrument.items) {
				const answers = file.respondents.flatMap((r) => (r.agreement[item.id] === undefined ? [] : [r.agreement[item.id]!]));
				if (answers.length === 0) continue;
				const onPage = page.items.find((i) => i.itemId === item.id)!.result;
				expect(onPage.shown, `${item.id}: a distribution from the file that the page withholds`).toBe(true);
				if (!onPage.shown) continue;
				for (const point of AGREEMENT_POINTS) expect(answers.filter((a) => a === point).length, item.id).toBe(onPage.counts[point]);
				for (const code of NOT_RELEVANT_CODES) expect(answers.filter((a) => a === code).length, item.id).toBe(onPage.notRelevant[code]);
			}

			// Each construct score and the overall score, by the scoring rules, from what the file holds.
			const fromFile = scoreGroup(instrument, file.respondents);
			for (const construct of CONSTRUCTS) expectSameFigure(fromFile.constructs[construct], page.scores.constructs[construct], construct);
			expectSameFigure(fromFile.overall, page.scores.overall, 'overall');

			// Each general rating's mean.
			for (const rating of summariseGeneralItems(instrument, file.respondents)) {
				expectSameFigure(rating.score, (() => {
					const r = page.general.find((g) => g.itemId === rating.itemId)!.result;
					return r.shown ? { ...r.score, shown: true } : r;
				})(), rating.itemId);
			}

			// Nothing the page shows may be set beside part of what it is computed from: construct and
			// overall scores combine statements, so the statements are in the file all or none.
			expect([0, instrument.items.length]).toContain(exported.length);
		}
		// The rounds cover every outcome, so the checks above are not vacuous.
		expect(outcomes.everything).toBeGreaterThan(10);
		expect(outcomes.someRatings).toBeGreaterThan(10);
		expect(outcomes.noStatements).toBeGreaterThan(10);
		expect(outcomes.ratingWithheld).toBeGreaterThan(10);
	}, 60_000);
});

describe('rawAnswerColumns', () => {
	const full = { P1: 4, P2: 4, P3: 4, A1: 4, A2: 4, A3: 4, A4: 4, R1: 4, R2: 2 } as const;
	const pageOf = (respondents: Respondent[]) =>
		summariseRound({ instrument: miniInstrument, respondents, comments: [], staffHeadcount: null }, rules, () => 0) as ShownRound;

	it('lets every answer out when the page shows every statement, construct and the overall score', () => {
		const page = pageOf([0, 1, 2, 3, 4].map(() => ({ roleGroup: null, agreement: { ...full, C1: 3, C2: 5 }, general: { G1: 5, G2: 6 } })));
		const columns = rawAnswerColumns(miniInstrument, page);
		expect(Object.values(columns.statements).every((c) => c === null)).toBe(true);
		expect(columns.general).toEqual({ G1: null, G2: null });
	});

	it('leaves out every statement when a construct is withheld and the page shows the overall score', () => {
		// Six people; coherence (C1, C2) is scored by two. The overall rests on six: the four without
		// coherence from 3 constructs, the two with it from 4, so with everyone's other answers in
		// the file, the overall would give the two coherence scores away.
		const page = pageOf([0, 1, 2, 3, 4, 5].map((i) => ({ roleGroup: null, agreement: i < 2 ? { ...full, C1: 1, C2: 1 } : full, general: { G1: 5 } })));
		expect(page.scores.constructs.coherence).toEqual({ shown: false });
		expect(page.scores.overall.shown).toBe(true);
		const columns = rawAnswerColumns(miniInstrument, page);
		// C1 and C2 are themselves scored by two people, the first reason given for them.
		expect(columns.statements.C1).toEqual({ kind: 'statement' });
		expect(columns.statements.P1).toEqual({ kind: 'others', statements: ['C1', 'C2'], constructs: ['coherence'], overall: false });
		expect(columns.general).toEqual({ G1: null, G2: { kind: 'rating' } });
	});

	it('leaves out a shown construct when one of its statements is withheld, and with it every statement', () => {
		// A3 scored by four of six: collective action is shown, but its score minus A1, A2 and A4 would give A3.
		const page = pageOf([0, 1, 2, 3, 4, 5].map((i) => ({ roleGroup: null, agreement: { ...full, C1: 4, C2: 4, A3: i < 4 ? 5 : 'not_relevant_stage' }, general: {} })));
		expect(page.scores.constructs.collective_action.shown).toBe(true);
		const columns = rawAnswerColumns(miniInstrument, page);
		expect(columns.statements.A3).toEqual({ kind: 'statement' });
		expect(columns.statements.A1).toEqual({ kind: 'others', statements: ['A3'], constructs: [], overall: false });
		expect(columns.statements.R1).toEqual(columns.statements.A1);
	});

	it('leaves out every statement when the page withholds the overall score, which three shown constructs would give', () => {
		// Four people score coherence, participation and collective action: an overall from four,
		// withheld. One more scores coherence only, and one more the other two, so each of those three
		// constructs is scored by five; sent out, they would give the four's overall.
		const three = { C1: 5, C2: 4, P1: 5, P2: 4, A1: 5, A2: 4 } as const;
		const people: Respondent[] = [
			...[0, 1, 2, 3].map(() => ({ roleGroup: null, agreement: three, general: {} })),
			{ roleGroup: null, agreement: { C1: 3, C2: 3 }, general: {} }
		];
		const page = pageOf([...people, { roleGroup: null, agreement: { P1: 1, P2: 1, A1: 1, A2: 1 }, general: {} }]);
		expect(page.scores.overall).toEqual({ shown: false });
		expect(['coherence', 'cognitive_participation', 'collective_action'].map((c) => page.scores.constructs[c as 'coherence'].shown)).toEqual([true, true, true]);
		const columns = rawAnswerColumns(miniInstrument, page);
		expect(columns.statements.C1).toMatchObject({ kind: 'others', overall: true });
	});
});
