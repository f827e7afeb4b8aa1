import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementAnswer, AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { csvField, toCsv } from '../../src/lib/server/platform/csv';
import { buildRoundExport, exportKindOf, type ExportKind } from '../../src/lib/server/results/round-exports';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { GET } from '../../src/routes/(app)/rounds/[roundId]/export/[kind]/+server';
import { closeAsOf, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';
import { seededRandom } from '../../src/lib/server/demo/random';
import { parseCsv } from '../helpers/csv';
import type { Table } from '../../src/lib/tables';

const config = { minResponses: 5 };
const ANSWERED_ON = '2026-11-10';
const AFTER_CLOSE = '2026-12-01';
const ITEM_IDS = DEFAULT_STAFF_INSTRUMENT.items.map((i) => i.id);

/**
 * Every statement answered so that each *scored* answer is `point` (reverse-worded ones are given
 * as 6 − point), so the respondent's construct and overall scores are all (point − 1) × 2.5.
 */
function respondent(
	point: AgreementPoint,
	roleGroup: string | null,
	g1: number | null,
	overrides: Record<string, AgreementAnswer | null> = {}
): SurveySubmission {
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	}
	for (const [id, answer] of Object.entries(overrides)) {
		if (answer === null) delete agreement[id];
		else agreement[id] = answer;
	}
	return {
		roleGroup,
		agreement,
		general: { ...(g1 === null ? {} : { G1: g1 }), G2: 5, G3: 7 },
		comment: `private comment ${g1}`,
		code: null
	};
}

/**
 * Twelve respondents: six clinical (4, 4, 4, 5, 5, 5), five in management and admin (all 1) and
 * one in the wellbeing team (3). Only the first three answer RM5; the wellbeing respondent says
 * CA6 is not relevant at this stage. G1 tells the rows apart: 0 to 10, and missing for the last.
 */
function twelveRespondents(): SurveySubmission[] {
	const skipRm5 = { RM5: null };
	return [
		respondent(4, 'clinical', 0),
		respondent(4, 'clinical', 1),
		respondent(4, 'clinical', 2),
		respondent(5, 'clinical', 3, skipRm5),
		respondent(5, 'clinical', 4, skipRm5),
		respondent(5, 'clinical', 5, skipRm5),
		...[6, 7, 8, 9, 10].map((g1) => respondent(1, 'management_admin', g1, skipRm5)),
		respondent(3, 'wellbeing_team', null, { ...skipRm5, CA6: 'not_relevant_stage' })
	];
}

/** The rows of a CSV as objects keyed by its header, after checking the BOM and line ends. */
function records(csv: string): Record<string, string>[] {
	expect(csv.startsWith('\uFEFF')).toBe(true);
	expect(csv.endsWith('\r\n')).toBe(true);
	// No text in these exports holds a line break, so every line end must be CRLF.
	expect(csv).not.toMatch(/[^\r]\n|\r(?!\n)/);
	const [header, ...rows] = parseCsv(csv.slice(1));
	for (const row of rows) expect(row).toHaveLength(header!.length);
	return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
}

/**
 * The raw answers: one row per respondent, every answer a number, the file's notes in the first
 * three cells of its last column (read_me); and what each column means, from the same table.
 */
function answerRecords(built: { csv: string; table: Table }): { codebook: Record<string, string>; notes: string[]; rows: Record<string, string>[] } {
	const rows = records(built.csv);
	for (const row of rows) {
		const { read_me: _notes, ...answers } = row;
		for (const value of Object.values(answers)) expect(value).toMatch(/^(\d+)?$/);
	}
	const notes = rows.map((r) => r.read_me!);
	expect(notes.slice(3)).toEqual(notes.slice(3).map(() => ''));
	expect(notes[0]).toMatch(/^Read me: the anonymised answers of one closed round, one row per respondent\./);
	expect(notes[1]).toBe(
		'Codebook of the statements’ answers: 1 = Strongly disagree; 2 = Disagree; 3 = Neither agree nor disagree; 4 = Agree; 5 = Strongly agree; ' +
			'7 = Not relevant to my role; 8 = Not relevant at this stage; 9 = Not relevant to how this practice works. Codes above 5 are “not relevant” answers: leave them out before averaging.'
	);
	const codebook = Object.fromEntries(built.table.columns.map((c) => [c.key, c.meaning]));
	for (const id of [...ITEM_IDS, 'G1', 'G2', 'G3']) expect(notes[2]).toContain(`${id}: ${codebook[id]}`);
	// It names the instrument the answers are to, with its licence and citation.
	expect(notes[0]).toContain(
		`The answers are to ${DEFAULT_STAFF_INSTRUMENT.title}, version ${DEFAULT_STAFF_INSTRUMENT.version} (instrument ${DEFAULT_STAFF_INSTRUMENT.id}). ` +
			`Licence: ${DEFAULT_STAFF_INSTRUMENT.provenance.licence} Cite as: ${DEFAULT_STAFF_INSTRUMENT.provenance.citation}`
	);
	return { codebook, notes, rows };
}

const NUMBER_COLUMNS = ['group_respondents', 'n', 'mean', 'sd', 'ci95_lower', 'ci95_upper'];

describe('round exports', () => {
	let t: TestDatabase;
	let fixture: Awaited<ReturnType<typeof createPracticeWithRound>>;

	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db, { title: '=Spring, "pilot" round' });
	});
	afterEach(() => t.close());

	async function answerAndClose(roundId: number, submissions: SurveySubmission[]) {
		for (const s of submissions) expect(await submitResponse(t.db, roundId, s, ANSWERED_ON)).toEqual({ ok: true, storedEarlier: false });
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-11-30' }).where('id', '=', roundId).execute();
	}

	async function build(kind: ExportKind, random?: () => number) {
		const result = await buildRoundExport(t.db, fixture.round.id, kind, config, AFTER_CLOSE, random);
		if (!result.ok) throw new Error(`expected an export, got ${result.status}: ${result.problems[0]!.message}`);
		return result.export;
	}

	describe('a round below MIN_RESPONSES', () => {
		beforeEach(async () => {
			await answerAndClose(fixture.round.id, twelveRespondents().slice(0, 4));
		});

		it('exports the round and one line saying it was withheld, with no figure at all', async () => {
			const rows = records((await build('scores')).csv);
			expect(rows).toEqual([
				{
					practice_ods_code: 'A10001',
					practice_name: 'Test Surgery',
					round_title: '\'=Spring, "pilot" round',
					instrument: `${DEFAULT_STAFF_INSTRUMENT.title} (version ${DEFAULT_STAFF_INSTRUMENT.version})`,
					opens_on: '2026-11-01',
					closed_on: '2026-11-30',
					staff_headcount: '20',
					group: 'All respondents',
					group_respondents: '',
					figure: '',
					figure_name: '',
					n: '',
					mean: '',
					sd: '',
					ci95_lower: '',
					ci95_upper: '',
					band: '',
					note: 'Withheld: not enough responses. 1 more response needed before any figure can be shown.',
					instrument_id: DEFAULT_STAFF_INSTRUMENT.id,
					instrument_version: DEFAULT_STAFF_INSTRUMENT.version,
					instrument_title: DEFAULT_STAFF_INSTRUMENT.title,
					instrument_licence: DEFAULT_STAFF_INSTRUMENT.provenance.licence,
					instrument_citation: DEFAULT_STAFF_INSTRUMENT.provenance.citation,
					instrument_doi: ''
				}
			]);
		});

		it('exports no statement results either', async () => {
			const rows = records((await build('items')).csv);
			expect(rows).toHaveLength(1);
			const { note, practice_ods_code, closed_on, instrument_version, ...rest } = rows[0]!;
			expect([practice_ods_code, closed_on, instrument_version]).toEqual(['A10001', '2026-11-30', DEFAULT_STAFF_INSTRUMENT.version]);
			expect(note).toMatch(/^Withheld: not enough responses/);
			expect(Object.entries(rest).filter(([, v]) => /^\d/.test(v))).toEqual([['opens_on', '2026-11-01']]);
		});

		it('refuses the raw answers', async () => {
			const result = await buildRoundExport(t.db, fixture.round.id, 'answers', config, AFTER_CLOSE);
			expect(result).toEqual({
				ok: false,
				status: 409,
				problems: [
					{ field: 'form', message: 'The answers of this round cannot be downloaded: it had fewer than 5 responses, so they could identify people.' }
				]
			});
		});
	});

	describe('a round at or above MIN_RESPONSES', () => {
		beforeEach(async () => {
			await answerAndClose(fixture.round.id, twelveRespondents());
		});

		it('exports every figure with two decimals, and the band placement on the overall row', async () => {
			const rows = records((await build('scores')).csv);
			const everyone = rows.filter((r) => r.group === 'All respondents');
			expect(everyone.map((r) => r.figure)).toEqual([
				'overall',
				'coherence',
				'cognitive_participation',
				'collective_action',
				'reflexive_monitoring',
				'G1',
				'G2',
				'G3'
			]);
			// Overall: 7.5 ×3, 10 ×3, 0 ×5 and 5 → mean 57.5 / 12, sd 4.454, t(0.975, 11) = 2.201.
			expect(everyone[0]).toMatchObject({
				group_respondents: '12',
				figure_name: 'Overall score (0–10)',
				n: '12',
				mean: '4.79',
				sd: '4.45',
				ci95_lower: '1.96',
				ci95_upper: '7.62',
				band: 'Bolted on — borderline with Fitting in and Belonging',
				note: 'Indicative display band, not a validated cut-off.'
			});
			for (const row of everyone.slice(1, 5)) expect([row.n, row.mean, row.band]).toEqual(['12', '4.79', '']);
			// G1 was rated 0 to 10 by eleven people: mean 5. Everyone gave G2 5: sd 0, interval 5 to 5.
			expect(everyone[5]).toMatchObject({ n: '11', mean: '5' });
			expect(everyone[6]).toMatchObject({ n: '12', mean: '5', sd: '0', ci95_lower: '5', ci95_upper: '5' });
		});

		it('shows a role group only when it and everyone else reach the minimum, with no numbers otherwise', async () => {
			const rows = records((await build('scores')).csv);
			// Clinical: 7.5 ×3 and 10 ×3 → mean 8.75, sd 1.37, 8.75 ± 2.571 × 1.37 / √6, cut at 10.
			const clinical = rows.filter((r) => r.group === 'Clinical');
			expect(clinical.map((r) => r.figure)).toEqual([
				'overall',
				'coherence',
				'cognitive_participation',
				'collective_action',
				'reflexive_monitoring'
			]);
			expect(clinical[0]).toMatchObject({ group_respondents: '6', n: '6', mean: '8.75', sd: '1.37', ci95_lower: '7.31', ci95_upper: '10' });

			// Management and admin has five people and everyone else seven, but showing it would leave
			// the one wellbeing-team respondent as the round minus the two shown groups.
			for (const group of ['Management and admin', 'Wellbeing team', 'VCSE partner']) {
				const groupRows = rows.filter((r) => r.group === group);
				expect(groupRows).toHaveLength(1);
				expect(groupRows[0]!.note).toMatch(/^Not enough responses/);
				for (const column of [...NUMBER_COLUMNS, 'figure', 'band']) expect(groupRows[0]![column]).toBe('');
			}
			expect(rows).toHaveLength(8 + 5 + 3);
		});

		it('exports statement results grouped by construct and sub-construct, with counts, shares and Wilson intervals', async () => {
			const rows = records((await build('items')).csv);
			expect(rows.map((r) => r.item).sort()).toEqual([...ITEM_IDS].sort());
			expect(rows.map((r) => r.construct)).toEqual(DEFAULT_STAFF_INSTRUMENT.items.map((i) => i.construct));
			expect(rows.slice(0, 5).map((r) => [r.sub_construct, r.item])).toEqual([
				['differentiation', 'CO1'],
				['differentiation', 'CO5'],
				['communal_specification', 'CO2'],
				['individual_specification', 'CO3'],
				['internalisation', 'CO4']
			]);

			const byItem = new Map(rows.map((r) => [r.item, r]));
			// CO1 as given: 4 ×3, 5 ×3, 1 ×5, 3 ×1. Agree 6 of 12: Wilson 25.4% to 74.6%.
			expect(byItem.get('CO1')).toMatchObject({
				reversed: 'no',
				answered: '12',
				scored: '12',
				n_strongly_disagree: '5',
				n_disagree: '0',
				n_neither: '1',
				n_agree: '3',
				n_strongly_agree: '3',
				pct_strongly_disagree: '41.7',
				pct_disagree: '0',
				pct_neither: '8.3',
				pct_agree: '25',
				pct_strongly_agree: '25',
				n_not_relevant_role: '0',
				n_not_relevant_stage: '0',
				n_not_relevant_practice: '0',
				pct_agree_or_strongly_agree: '50',
				pct_agree_ci95_lower: '25.4',
				pct_agree_ci95_upper: '74.6',
				note: ''
			});
			// CO5 is reverse-worded: counted as given (2 ×3, 1 ×3, 5 ×5, 3), agree 5 of 12.
			expect(byItem.get('CO5')).toMatchObject({
				reversed: 'yes',
				n_strongly_disagree: '3',
				n_disagree: '3',
				n_strongly_agree: '5',
				pct_agree_or_strongly_agree: '41.7',
				pct_agree_ci95_lower: '19.3',
				pct_agree_ci95_upper: '68',
				note: 'Worded the other way round: disagreeing is the positive answer.'
			});
			// CA6: one "not relevant at this stage", counted apart from the eleven scored answers.
			expect(byItem.get('CA6')).toMatchObject({ answered: '12', scored: '11', n_not_relevant_stage: '1', pct_agree_or_strongly_agree: '54.5' });
			// RM5 was answered by three people only.
			const rm5 = byItem.get('RM5')!;
			expect(rm5.note).toBe('Not enough responses: fewer than 5 people gave this statement a scored answer, so only its “not relevant” answers are counted.');
			const figures = Object.keys(rm5).filter((k) => k.startsWith('n_') || k.startsWith('pct_') || k === 'answered' || k === 'scored');
			expect(figures.filter((k) => !k.startsWith('n_not_relevant')).map((k) => rm5[k])).toEqual(Array(15).fill(''));
			expect([rm5.n_not_relevant_role, rm5.n_not_relevant_stage, rm5.n_not_relevant_practice]).toEqual(['0', '0', '0']);
		});

		it('exports raw answers with nothing that could re-identify anyone, and no statement while RM5 is withheld', async () => {
			const built = await build('answers', seededRandom(1));
			const { csv } = built;
			expect(parseCsv(csv.slice(1))[0]).toEqual(['respondent', ...ITEM_IDS, 'G1', 'G2', 'G3', 'read_me']);
			const { codebook, rows } = answerRecords(built);
			expect(rows.map((r) => r.respondent)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));

			// RM5 was scored by three: its answers, and with them every statement's, stay out (the
			// reflexive-monitoring score on the page minus the other four statements would give RM5).
			expect(codebook.RM5).toBe('Withheld: fewer than 5 people gave this statement a scored answer, so the page does not show its answers.');
			expect(codebook.CO1).toMatch(/^Withheld: the page does not show RM5 \(too few scored answers\)\. /);
			for (const row of rows) for (const id of ITEM_IDS) expect(row[id]).toBe('');
			const first = rows.find((r) => r.G1 === '0')!;
			expect([first.G2, first.G3]).toEqual(['5', '7']);
			expect(codebook.G1).toBe('“How familiar does working alongside the link worker feel to you now?” 0 (Still feels new) to 10 (Feels completely familiar).');

			const ids = (await t.db.selectFrom('response').select('id').execute()).map((r) => r.id);
			expect(ids).toHaveLength(12);
			for (const id of ids) expect(csv).not.toContain(id);
			expect(csv).not.toMatch(/clinical|management_admin|wellbeing|private comment|2026-/);
		});

		it('numbers respondents in a fresh random order, never the order they are stored in', async () => {
			// Storage order: the response table's key order, which is how an unshuffled read returns them.
			const stored = await t.db
				.selectFrom('response')
				.leftJoin('general_answer', (join) =>
					join
						.onRef('general_answer.response_id', '=', 'response.id')
						.on('general_answer.general_item_id', 'in', t.db.selectFrom('instrument_general_item').select('id').where('item_key', '=', 'G1'))
				)
				.select(['response.id', 'general_answer.value'])
				.orderBy('response.id')
				.execute();
			const storageOrder = stored.map((r) => (r.value === null ? '' : String(r.value)));

			const firstRows = new Set<string>();
			for (let seed = 1; seed <= 40; seed++) {
				const order = answerRecords(await build('answers', seededRandom(seed))).rows.map((r) => r.G1);
				expect(order).not.toEqual(storageOrder);
				expect([...order].sort()).toEqual([...storageOrder].sort());
				firstRows.add(order[0]!);
			}
			// Over 40 fixed seeds the first row is many different people, not one fixed position.
			expect(firstRows.size).toBeGreaterThanOrEqual(8);
		});

		it('names the file after the practice, the closing date and the export', async () => {
			expect((await build('scores')).filename).toBe('belonging-A10001-2026-11-30-scores.csv');
			expect((await build('items')).filename).toBe('belonging-A10001-2026-11-30-items.csv');
			expect((await build('answers')).filename).toBe('belonging-A10001-2026-11-30-answers.csv');
		});

		it('writes quoted, formula-safe text: the round title reaches the file defused', async () => {
			const { csv } = await build('scores');
			expect(csv.split('\r\n')[1]).toContain(`A10001,Test Surgery,"'=Spring, ""pilot"" round",`);
		});
	});

	describe('a round where the page shows every figure', () => {
		beforeEach(async () => {
			// The twelve, with everyone answering RM5 as they answered the rest.
			await answerAndClose(fixture.round.id, twelveRespondents().map((s) => ({ ...s, agreement: { RM5: s.agreement.CO1!, ...s.agreement } })));
		});

		it('exports every answer as given, reverse-worded ones not reversed, "not relevant" by its code', async () => {
			const { codebook, rows } = answerRecords(await build('answers', seededRandom(1)));
			const first = rows.find((r) => r.G1 === '0')!;
			const { respondent: _number, read_me: _notes, ...answers } = first;
			expect(answers).toEqual({
				...Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((i) => [i.id, i.reversed ? '2' : '4'])),
				G1: '0',
				G2: '5',
				G3: '7'
			});
			const wellbeing = rows.find((r) => r.G1 === '')!;
			// "Not relevant at this stage" by the instrument's code for it, 8: the column stays numeric.
			expect([wellbeing.CO1, wellbeing.CA6, wellbeing.RM5]).toEqual(['3', '8', '3']);
			const co5 = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.id === 'CO5')!;
			expect(codebook.CO5).toBe(`“${co5.text}” The answer’s code (see the codebook): 1–5 as answered (5 = strongly agree), or a “not relevant” code. Worded the other way round: scored as 6 − answer.`);
			expect(Object.values(codebook).some((text) => text.startsWith('Withheld'))).toBe(false);
		});
	});

	describe('a round of six where two scored coherence (issue 24)', () => {
		beforeEach(async () => {
			// Two answer every statement with 1 (coherence 0.0); four skip CO1–CO5 and answer the rest with 4.
			const skipCoherence = Object.fromEntries(['CO1', 'CO2', 'CO3', 'CO4', 'CO5'].map((id) => [id, null]));
			await answerAndClose(fixture.round.id, [
				respondent(1, null, 1),
				respondent(1, null, 2),
				...[3, 4, 5, 6].map((g1) => respondent(4, null, g1, skipCoherence))
			]);
		});

		it('withholds coherence in scores.csv and items.csv, as the page does', async () => {
			const scores = records((await build('scores')).csv).filter((r) => r.group === 'All respondents');
			expect(scores.find((r) => r.figure === 'coherence')).toMatchObject({ n: '', mean: '', note: 'Not enough responses: fewer than 5 people have this score.' });
			expect(scores.find((r) => r.figure === 'overall')).toMatchObject({ n: '6' });
			const co1 = records((await build('items')).csv).find((r) => r.item === 'CO1')!;
			expect([co1.scored, co1.pct_agree_or_strongly_agree, co1.n_not_relevant_role]).toEqual(['', '', '0']);
		});

		it('carries no coherence answer in answers.csv, nor any other statement the overall score would turn into coherence', async () => {
			const { codebook, rows } = answerRecords(await build('answers', seededRandom(3)));
			expect(rows).toHaveLength(6);
			for (const row of rows) {
				for (const id of ['CO1', 'CO2', 'CO3', 'CO4', 'CO5']) expect(row[id]).toBe('');
				// The overall on the page (6 people) and everyone's other three construct scores would
				// give the two coherence scores: so no statement goes out.
				for (const id of ITEM_IDS) expect(row[id]).toBe('');
			}
			expect(codebook.CO1).toBe('Withheld: fewer than 5 people gave this statement a scored answer, so the page does not show its answers.');
			expect(codebook.CP1).toBe(
				'Withheld: the page does not show CO1, CO2, CO3, CO4 and CO5 (too few scored answers) and the coherence score. Construct and overall scores ' +
					'combine a person’s answers to several statements, so the scores the page shows beside any of these answers would give what it withholds away: ' +
					'no statement’s answers are included.'
			);
			// The general ratings were given by all six: they go out as given.
			expect(rows.map((r) => r.G1).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
		});
	});

	it('exports nothing from a draft or open round', async () => {
		await submitResponse(t.db, fixture.round.id, respondent(4, 'clinical', 1), ANSWERED_ON);
		for (const kind of ['scores', 'items', 'answers'] as const) {
			const open = await buildRoundExport(t.db, fixture.round.id, kind, config, '2026-11-15');
			expect(open).toMatchObject({ ok: false, status: 409, problems: [{ message: expect.stringMatching(/still collecting/) }] });
		}
		await t.db.updateTable('round').set({ status: 'draft' }).execute();
		expect(await buildRoundExport(t.db, fixture.round.id, 'scores', config, '2026-11-15')).toMatchObject({ ok: false, status: 409 });
		expect(await buildRoundExport(t.db, 9999, 'scores', config, '2026-11-15')).toMatchObject({ ok: false, status: 404 });
	});
});

describe('CSV writing', () => {
	it('adds a byte-order mark, ends every row with CRLF, quotes and defuses formulas', () => {
		expect(toCsv([['a', 'b'], [1, null]])).toBe('\uFEFFa,b\r\n1,\r\n');
		expect(csvField('Smith, Jones & Zoë')).toBe('"Smith, Jones & Zoë"');
		expect(csvField('Said "hi"\nthen left')).toBe('"Said ""hi""\nthen left"');
		expect(csvField('=1+1')).toBe(`"'=1+1"`);
		expect(csvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
		expect(csvField('+44 20')).toBe(`"'+44 20"`);
		expect(csvField('\tx')).toBe(`"'\tx"`);
		expect(csvField(-1.5)).toBe('-1.5');
		expect(csvField(Number.NaN)).toBe('');
	});

	it('knows only the three exports', () => {
		expect(['scores.csv', 'items.csv', 'answers.csv', 'comments.csv', 'scores', 'scores.csv.exe'].map(exportKindOf)).toEqual([
			'scores',
			'items',
			'answers',
			undefined,
			undefined,
			undefined
		]);
	});
});

describe('the export route', () => {
	let t: TestDatabase;
	let fixture: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let users: Record<'manager' | 'lead' | 'linkWorker' | 'otherManager' | 'admin', SignedInUser>;

	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db);
		for (const s of twelveRespondents().slice(0, 6)) await submitResponse(t.db, fixture.round.id, s, ANSWERED_ON);
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-11-30' }).execute();
		const other = await createPractice(t.db, { odsCode: 'A10002', name: 'Other Surgery', pcnId: fixture.pcn.id });
		users = {
			manager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] }),
			lead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [fixture.pcn.id] }),
			linkWorker: await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] }),
			otherManager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [other.id] }),
			admin: await createSignedInUser(t.db, 'admin')
		};
	});
	afterEach(() => t.close());

	function download(user: SignedInUser | null, kind: string, roundId: number | string = fixture.round.id) {
		const path = `/rounds/${roundId}/export/${kind}`;
		return outcomeOf(() => GET(fakeEvent({ db: t.db, user, path, params: { roundId: String(roundId), kind } }) as never));
	}

	const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);
	const exportsRecorded = () => listAuditEvents(t.db, { action: 'export_downloaded' });

	it('sends a CSV attachment that is never cached, and records the download', async () => {
		const { result } = await download(users.manager, 'scores.csv');
		const response = result as Response;
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-A10001-2026-11-30-scores.csv"');
		expect(response.headers.get('cache-control')).toContain('no-store');
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

		const recorded = await exportsRecorded();
		expect(recorded).toHaveLength(1);
		expect(recorded[0]).toMatchObject({ actor_user_id: users.manager.id, practice_id: fixture.practice.id });
		expect(recorded[0]!.summary).toBe(`Downloaded the scores (CSV) of round ${fixture.round.id} “Test round” at Test Surgery`);
	});

	it('lets the PCN lead and the manager download raw answers, and records which export', async () => {
		for (const user of [users.lead, users.manager]) {
			const { result } = await download(user, 'answers.csv');
			expect((result as Response).status).toBe(200);
		}
		const recorded = await exportsRecorded();
		expect(recorded.map((e) => e.summary)).toEqual([
			expect.stringMatching(/^Downloaded the anonymised answers \(CSV\) of round/),
			expect.stringMatching(/^Downloaded the anonymised answers \(CSV\) of round/)
		]);
	});

	it('sends someone not signed in to sign in', async () => {
		const { thrown } = await download(null, 'scores.csv');
		expect(isRedirect(thrown) && thrown.location).toBe(`/sign-in?next=%2Frounds%2F${fixture.round.id}%2Fexport%2Fscores.csv`);
	});

	it('gives a link worker the figures but not the raw answers', async () => {
		const figures = await download(users.linkWorker, 'items.csv');
		expect((figures.result as Response).status).toBe(200);
		expect(statusOf((await download(users.linkWorker, 'answers.csv')).thrown)).toBe(403);
		expect(statusOf((await download(users.linkWorker, 'answers.csv', 9999)).thrown)).toBe(403);
	});

	it('answers 404 out of scope, for an unknown round and for an unknown export', async () => {
		expect(statusOf((await download(users.otherManager, 'scores.csv')).thrown)).toBe(404);
		expect(statusOf((await download(users.otherManager, 'answers.csv')).thrown)).toBe(404);
		expect(statusOf((await download(users.manager, 'scores.csv', 9999)).thrown)).toBe(404);
		expect(statusOf((await download(users.manager, 'scores.csv', 'abc')).thrown)).toBe(404);
		expect(statusOf((await download(users.manager, 'comments.csv')).thrown)).toBe(404);
		expect(statusOf((await download(users.admin, 'scores.csv')).thrown)).toBe(403);
		expect(await exportsRecorded()).toEqual([]);
	});

	it('refuses an open round, and the raw answers of a round below the minimum, with 409', async () => {
		const open = await createRound(t.db, {
			practiceId: fixture.practice.id,
			instrumentVersionId: fixture.versionId,
			title: 'Still open',
			opensOn: '2020-01-01',
			closesOn: '2099-12-31',
			staffHeadcount: 20,
			status: 'open'
		});
		const openRefusal = (await download(users.manager, 'scores.csv', open.id)).thrown;
		expect(statusOf(openRefusal)).toBe(409);
		expect(isHttpError(openRefusal) && openRefusal.body.message).toMatch(/still collecting answers/);
		await closeAsOf(t.db, open.id, '2099-12-31');

		const few = await createRound(t.db, {
			practiceId: fixture.practice.id,
			instrumentVersionId: fixture.versionId,
			title: 'Too few',
			opensOn: '2026-11-01',
			closesOn: '2026-11-30',
			staffHeadcount: 20,
			status: 'open'
		});
		for (const s of twelveRespondents().slice(0, 4)) await submitResponse(t.db, few.id, s, ANSWERED_ON);
		await t.db.updateTable('round').set({ status: 'closed' }).where('id', '=', few.id).execute();
		const fewRefusal = (await download(users.manager, 'answers.csv', few.id)).thrown;
		expect(statusOf(fewRefusal)).toBe(409);
		expect(isHttpError(fewRefusal) && fewRefusal.body.message).toMatch(/fewer than 5 responses/);
		const withheld = (await download(users.manager, 'scores.csv', few.id)).result as Response;
		expect(withheld.status).toBe(200);
		expect(await withheld.text()).toContain('Withheld: not enough responses');
		expect((await exportsRecorded()).map((e) => e.summary)).toEqual([expect.stringContaining('“Too few”')]);
	});
});
