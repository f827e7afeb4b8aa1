/**
 * An instrument shaped like a published NPT questionnaire (tests/fixtures/nomad-shaped.json: made-up
 * wording, 4 + 4 + 7 + 5 items, one reverse-worded, its own "not relevant" codes 6, 7 and 8) scores
 * exactly as docs/scoring.md §2–§4 says, through the project's own scoring functions. Answers are given
 * as the file's numeric codes, as an imported data set holds them. Every expectation is worked out
 * by hand in the comments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInstrumentJson, minimumItemsFor, type Instrument } from '../../src/lib/npt/instrument';
import { answerOfCode } from '../../src/lib/npt/instrument-formats/answer-codes';
import { definitionFromItemBank, instrumentDetails, itemBankCsv } from '../../src/lib/npt/instrument-formats/item-bank';
import { fhirQuestionnaireOf } from '../../src/lib/npt/instrument-formats/fhir';
import { redcapDataDictionaryOf } from '../../src/lib/npt/instrument-formats/redcap';
import { scoreGroup, scoreRespondent, summariseItems, type Respondent } from '../../src/lib/npt/scoring';
import { groupScoresFrom, scoreUnit, statementResultsFrom, summariseRespondents } from '../../src/lib/npt/round-summary';
import { describePlacement, placeOnContinuum } from '../../src/lib/npt/continuum';
import type { AgreementAnswer } from '../../src/lib/npt/answers';
import type { Construct } from '../../src/lib/npt/constructs';
import { parseCsv } from '../helpers/csv';

const nomad: Instrument = parseInstrumentJson(
	readFileSync(new URL('../fixtures/nomad-shaped.json', import.meta.url), 'utf8'),
	'fixtures/nomad-shaped.json'
);
const ITEM_IDS = nomad.items.map((item) => item.id);

/** A respondent from the file's numeric codes, as an imported data set holds them. */
function coded(codes: Record<string, number>, general: Record<string, number> = {}): Respondent {
	const agreement: Record<string, AgreementAnswer> = {};
	for (const [id, code] of Object.entries(codes)) {
		const answer = answerOfCode(nomad, code);
		if (answer === undefined) throw new Error(`code ${code} is not on the instrument's scale`);
		agreement[id] = answer;
	}
	return { roleGroup: null, agreement, general };
}

/** Everyone answering every statement with the same code, the reverse-worded CA2 with `ca2`. */
const uniform = (code: number, ca2: number) => coded(Object.fromEntries(ITEM_IDS.map((id) => [id, id === 'CA2' ? ca2 : code])));

const constructMeans = (scores: ReturnType<typeof scoreGroup>) =>
	Object.fromEntries(Object.entries(scores.constructs).map(([c, s]) => [c, s.mean])) as Record<Construct, number | null>;

function placementOf(respondents: Respondent[]) {
	const scores = scoreGroup(nomad, respondents);
	return placeOnContinuum(scores.overall, constructMeans(scores), nomad.bands);
}

describe('a NoMAD-shaped instrument, scored by docs/scoring.md §2–§4', () => {
	it('has the shape: 20 items in 4, 4, 7 and 5, one reverse-worded, codes 1–5 then 6, 7 and 8', () => {
		expect(nomad.items.map((i) => i.construct).reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {})).toEqual({
			coherence: 4,
			cognitive_participation: 4,
			collective_action: 7,
			reflexive_monitoring: 5
		});
		expect(nomad.items.filter((i) => i.reversed).map((i) => i.id)).toEqual(['CA2']);
		expect([6, 7, 8].map((code) => answerOfCode(nomad, code))).toEqual(['not_relevant_role', 'not_relevant_stage', 'not_relevant_practice']);
		expect(answerOfCode(nomad, 9)).toBeUndefined();
	});

	it('needs at least half of a construct\'s items, rounded up: 7 → 4, 5 → 3, 4 → 2', () => {
		// 7 × 0.5 = 3.5 → 4; 5 × 0.5 = 2.5 → 3; 4 × 0.5 = 2 → 2.
		expect(minimumItemsFor(nomad, 'collective_action')).toBe(4);
		expect(minimumItemsFor(nomad, 'reflexive_monitoring')).toBe(3);
		expect(minimumItemsFor(nomad, 'coherence')).toBe(2);
		expect(minimumItemsFor(nomad, 'cognitive_participation')).toBe(2);

		// Three "agree" (4 → 7.5) in collective action are too few; a fourth makes its score 7.5.
		const three = { CA1: 4, CA3: 4, CA4: 4 };
		expect(scoreRespondent(nomad, coded(three)).constructs.collective_action).toBeNull();
		expect(scoreRespondent(nomad, coded({ ...three, CA5: 4 })).constructs.collective_action).toBe(7.5);
		// A "not relevant" answer is not a scored answer: it does not make up the fourth.
		expect(scoreRespondent(nomad, coded({ ...three, CA5: 6 })).constructs.collective_action).toBeNull();
		// Two of five in reflexive monitoring are too few, three are enough: (10 + 10 + 10) / 3 = 10.
		expect(scoreRespondent(nomad, coded({ RM1: 5, RM2: 5 })).constructs.reflexive_monitoring).toBeNull();
		expect(scoreRespondent(nomad, coded({ RM1: 5, RM2: 5, RM3: 5 })).constructs.reflexive_monitoring).toBe(10);
		// One of four in coherence is too few, two are enough: (5 + 5) / 2 = 5.
		expect(scoreRespondent(nomad, coded({ CH1: 3 })).constructs.coherence).toBeNull();
		expect(scoreRespondent(nomad, coded({ CH1: 3, CH2: 3 })).constructs.coherence).toBe(5);
	});

	it('scores the reverse-worded CA2 as 6 − x, and keeps its answer as given', () => {
		// CA1 4 → 7.5; CA2 1 → 6 − 1 = 5 → 10; CA3 3 → 5; CA4 2 → 2.5. Mean (7.5 + 10 + 5 + 2.5) / 4 = 6.25.
		const respondent = coded({ CA1: 4, CA2: 1, CA3: 3, CA4: 2 });
		expect(scoreRespondent(nomad, respondent).constructs.collective_action).toBe(6.25);
		// The distribution counts the answer as worded: one "completely disagree" (1), which is not "agree".
		const ca2 = summariseItems(nomad, [respondent]).find((r) => r.itemId === 'CA2')!;
		expect(ca2.counts[1]).toBe(1);
		expect(ca2.agree).toBe(0);
		expect(ca2.disagree).toBe(1);
	});

	it('leaves each "not relevant" code out of every mean but counts it per statement', () => {
		// First person: CH1 6 (role), CH2 7 (stage), CH3 8 (practice), CH4 5 → one scored answer of four: no score.
		// Second: CH1 6, CH2 4 → 7.5, CH3 5 → 10, CH4 8 → two scored: (7.5 + 10) / 2 = 8.75.
		const first = coded({ CH1: 6, CH2: 7, CH3: 8, CH4: 5 });
		const second = coded({ CH1: 6, CH2: 4, CH3: 5, CH4: 8 });
		expect(scoreRespondent(nomad, first).constructs.coherence).toBeNull();
		expect(scoreRespondent(nomad, second).constructs.coherence).toBe(8.75);

		const items = new Map(summariseItems(nomad, [first, second]).map((r) => [r.itemId, r]));
		expect(items.get('CH1')).toMatchObject({
			answered: 2,
			scored: 0,
			notRelevant: { not_relevant_role: 2, not_relevant_stage: 0, not_relevant_practice: 0 },
			shares: null
		});
		// CH2: one "not relevant at this stage" and one "somewhat agree": the share of agree is 1 of the 1 scored.
		expect(items.get('CH2')).toMatchObject({
			answered: 2,
			scored: 1,
			notRelevant: { not_relevant_role: 0, not_relevant_stage: 1, not_relevant_practice: 0 },
			shares: { agree: 1, neutral: 0, disagree: 0 }
		});
		expect(items.get('CH4')!.notRelevant).toEqual({ not_relevant_role: 0, not_relevant_stage: 0, not_relevant_practice: 1 });
		// The stored summary of a round counts them the same way.
		const fromSummary = new Map(statementResultsFrom(nomad, summariseRespondents(nomad, [first, second])).map((r) => [r.itemId, r]));
		for (const id of ['CH1', 'CH2', 'CH3', 'CH4']) expect(fromSummary.get(id)!.notRelevant).toEqual(items.get(id)!.notRelevant);
	});

	it('gives an overall score only with 3 of the 4 constructs', () => {
		// Coherence (5, 5) → 10; cognitive participation (4, 4) → 7.5; collective action (3 ×4) → 5;
		// reflexive monitoring two answers → none. Overall (10 + 7.5 + 5) / 3 = 7.5.
		const base = { CH1: 5, CH2: 5, CP1: 4, CP2: 4, RM1: 1, RM2: 1 };
		const withAction = { ...base, CA1: 3, CA3: 3, CA4: 3, CA5: 3 };
		expect(scoreRespondent(nomad, coded(withAction))).toEqual({
			constructs: { coherence: 10, cognitive_participation: 7.5, collective_action: 5, reflexive_monitoring: null },
			overall: 7.5
		});
		// Without collective action only two constructs are scored: no overall score.
		expect(scoreRespondent(nomad, coded(base)).overall).toBeNull();
	});

	it('gives a group its mean, sd and 95% t interval, the same from the stored round summary', () => {
		// Four people answering every statement alike (CA2 reversed to match):
		// 4s → 7.5, 5s → 10, 3s → 5, 4s → 7.5 in every construct and overall.
		const group = [uniform(4, 2), uniform(5, 1), uniform(3, 3), uniform(4, 2)];
		// Mean 30 / 4 = 7.5. Deviations 0, 2.5, −2.5, 0: sum of squares 12.5, variance 12.5 / 3,
		// sd 2.0412414523. t(0.975, 3) = 3.1824463053; half-width 3.1824463053 × 2.0412414523 / √4
		// = 3.2480706591; interval 4.2519293409 to 10.7480706591, cut at the scale's top: 10.
		const sd = Math.sqrt(12.5 / 3);
		const half = (3.1824463052836336 * sd) / 2;
		const scores = scoreGroup(nomad, group);
		for (const score of [scores.overall, ...Object.values(scores.constructs)]) {
			expect(score.n).toBe(4);
			expect(score.mean).toBe(7.5);
			expect(score.sd).toBeCloseTo(2.0412414523, 9);
			expect(score.interval!.lower).toBeCloseTo(7.5 - half, 9);
			expect(score.interval!.lower).toBeCloseTo(4.2519293409, 9);
			expect(score.interval!.upper).toBe(10);
		}
		// The round summary keeps exact sums in steps of 1 / scoreUnit: 2 (the 2.5 steps) × lcm of the
		// possible counts of scored statements (2–4, 2–4, 4–7, 3–5: lcm 420) × lcm(3, 4) = 12 → 10,080.
		const summary = summariseRespondents(nomad, group);
		expect(scoreUnit(nomad)).toBe(10_080);
		const stored = groupScoresFrom(summary.everyone, nomad.scoring.confidenceLevel);
		expect(stored.overall.mean).toBe(7.5);
		expect(stored.overall.sd).toBeCloseTo(sd, 12);
		expect(stored.overall.interval!.lower).toBeCloseTo(7.5 - half, 12);
	});

	describe('placement on the continuum (§4)', () => {
		it('Belonging at exactly 7.5 with every construct at 7.5, borderline with both lower bands when the interval reaches below 5', () => {
			// The group above: overall 7.5 ≥ 7.5 and every construct 7.5 ≥ 6.25 → Belonging. Its interval
			// 4.25 to 10 crosses 5.0 and 7.5 → borderline with Bolted on and Fitting in.
			const placement = placementOf([uniform(4, 2), uniform(5, 1), uniform(3, 3), uniform(4, 2)]);
			expect(placement).toMatchObject({ band: 'belonging', borderlineWith: ['bolted_on', 'fitting_in'], heldBackBy: [] });
			expect(describePlacement(placement!)).toBe('Belonging — borderline with Bolted on and Fitting in');
		});

		it('Fitting in, borderline with Belonging, when only the upper boundary is within the interval', () => {
			// Overall 7.5, 7.5, 5, 7.5, 7.5: mean 35 / 5 = 7.0 (Fitting in). Deviations 0.5 ×4 and −2: sum of
			// squares 5, variance 1.25, sd / √5 = √0.25 = 0.5; t(0.975, 4) = 2.7764451052 → half-width
			// 1.3882225526; interval 5.6117774474 to 8.3882225526: crosses 7.5 only.
			const respondents = [uniform(4, 2), uniform(4, 2), uniform(3, 3), uniform(4, 2), uniform(4, 2)];
			const overall = scoreGroup(nomad, respondents).overall;
			expect(overall.mean).toBe(7);
			expect(overall.interval!.lower).toBeCloseTo(5.6117774474, 9);
			expect(overall.interval!.upper).toBeCloseTo(8.3882225526, 9);
			expect(describePlacement(placementOf(respondents)!)).toBe('Fitting in — borderline with Belonging');
		});

		it('Fitting in, held back, when the overall score reaches Belonging but a construct is below 6.25', () => {
			// Everyone: 5s in coherence, cognitive participation and collective action (CA2 1) → 10 each;
			// 2s in reflexive monitoring → 2.5. Overall (10 + 10 + 10 + 2.5) / 4 = 8.125 ≥ 7.5, but 2.5 < 6.25.
			// Everyone alike: sd 0, so the interval is the point 8.125 and nothing is borderline.
			const codes = Object.fromEntries(ITEM_IDS.map((id) => [id, id === 'CA2' ? 1 : id.startsWith('RM') ? 2 : 5]));
			const respondents = Array.from({ length: 5 }, () => coded(codes));
			expect(scoreGroup(nomad, respondents).overall.mean).toBe(8.125);
			expect(placementOf(respondents)).toEqual({ band: 'fitting_in', borderlineWith: [], heldBackBy: ['reflexive_monitoring'], unconfirmed: [] });
		});

		it('Fitting in at exactly 5.0, Bolted on below it', () => {
			// All 3s (CA2 3): 5.0 everywhere, which is Fitting in (≥ 5.0); all 2s (CA2 4 → 2): 2.5, Bolted on.
			expect(describePlacement(placementOf([uniform(3, 3), uniform(3, 3)])!)).toBe('Fitting in');
			expect(describePlacement(placementOf([uniform(2, 4), uniform(2, 4)])!)).toBe('Bolted on');
		});
	});

	describe('its file formats', () => {
		it('round-trips through the CSV item bank', () => {
			expect(definitionFromItemBank(itemBankCsv(nomad), instrumentDetails(nomad))).toEqual({ ok: true, instrument: nomad });
		});

		it('becomes a FHIR Questionnaire with its own codes: CA2 weighted 10 down to 0, codes 6, 7 and 8 unweighted', () => {
			const q = fhirQuestionnaireOf(nomad) as { item: { linkId: string; item?: { linkId: string; answerOption?: { valueCoding: { code: string; display: string }; extension?: { valueDecimal: number }[] }[] }[] }[] };
			const groups = q.item.filter((g) => g.linkId.startsWith('construct:'));
			expect(groups.map((g) => g.item!.length)).toEqual([4, 4, 7, 5]);
			const ca2 = groups[2]!.item!.find((i) => i.linkId === 'CA2')!;
			expect(ca2.answerOption!.map((o) => [o.valueCoding.code, o.valueCoding.display, o.extension?.[0]?.valueDecimal ?? null])).toEqual([
				['1', 'Completely disagree', 10],
				['2', 'Somewhat disagree', 7.5],
				['3', 'Undecided', 5],
				['4', 'Somewhat agree', 2.5],
				['5', 'Completely agree', 0],
				['6', 'Does not apply to my job', null],
				['7', 'Too early to say', null],
				['8', 'Does not apply to how we work here', null]
			]);
			expect((q as unknown as { copyright: string }).copyright).toBe(
				`Licence: ${nomad.provenance.licence} (https://licence.example/huddle-test-1.0)\n\nCite as: ${nomad.provenance.citation} https://doi.org/10.5555/belonging.huddle.1`
			);
		});

		it('becomes a REDCap dictionary whose choices are its own codes and labels', () => {
			const [header, ...rows] = parseCsv(redcapDataDictionaryOf(nomad).slice(1));
			const column = (name: string) => header!.indexOf(name);
			const ca2 = rows.find((r) => r[0] === 'ca2')!;
			expect(ca2[column('Choices, Calculations, OR Slider Labels')]).toBe(
				'1, Completely disagree | 2, Somewhat disagree | 3, Undecided | 4, Somewhat agree | 5, Completely agree | ' +
					'6, Does not apply to my job | 7, Too early to say | 8, Does not apply to how we work here'
			);
			expect(ca2[column('Field Annotation')]).toContain('reversed: yes (scored 6 − x); codes 6, 7, 8 are "not relevant", never scored');
			expect(rows.filter((r) => r[column('Field Type')] === 'radio')).toHaveLength(1 + 20 + 3);
		});
	});
});
