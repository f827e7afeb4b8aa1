import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementAnswer, AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { buildRoundExport } from '../../src/lib/server/results/round-exports';
import { tableProblems } from '../../src/lib/tables';
import { GET } from '../../src/routes/(app)/rounds/[roundId]/export/[kind]/+server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';
import { parseCsv } from '../helpers/csv';
import { asCsvText, readWorkbook, unzipText, type XlsxValue } from '../helpers/xlsx';

const TITLE = '=HYPERLINK("http://example.org","click")';
const ANSWERED_ON = '2026-11-10';

/** Every statement at `point` as scored (reverse-worded ones given as 6 − point), so each score is (point − 1) × 2.5. */
function respondent(point: AgreementPoint, overrides: Record<string, AgreementAnswer> = {}): SurveySubmission {
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	return { roleGroup: 'clinical', agreement: { ...agreement, ...overrides }, general: { G1: point * 2, G2: 5, G3: 7 }, comment: 'private comment', code: null };
}

describe('.xlsx downloads of a round', () => {
	let t: TestDatabase;
	let fixture: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let manager: SignedInUser;
	let fewRoundId: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db, { title: TITLE });
		// Five answer 4 to everything (7.5 on every score); one answers 2 (2.5), and calls CA6 not relevant to their role.
		const six = [...Array.from({ length: 5 }, () => respondent(4)), respondent(2, { CA6: 'not_relevant_role' })];
		for (const s of six) await submitResponse(t.db, fixture.round.id, s, ANSWERED_ON);
		const few = await createRound(t.db, {
			practiceId: fixture.practice.id,
			instrumentVersionId: fixture.round.instrument_version_id,
			title: 'Too few',
			opensOn: '2026-11-01',
			closesOn: '2026-11-30',
			staffHeadcount: null
		});
		fewRoundId = few.id;
		for (const s of [respondent(4), respondent(4), respondent(5)]) await submitResponse(t.db, fewRoundId, s, ANSWERED_ON);
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-11-30' }).execute();
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
	});
	afterEach(() => t.close());

	async function download(kind: string, roundId = fixture.round.id): Promise<Response> {
		const path = `/rounds/${roundId}/export/${kind}`;
		const { result, thrown } = await outcomeOf(() => GET(fakeEvent({ db: t.db, user: manager, path, params: { roundId: String(roundId), kind } }) as never));
		if (thrown) throw thrown;
		return result as Response;
	}

	async function both(kind: string, roundId = fixture.round.id) {
		const csv = parseCsv((await (await download(`${kind}.csv`, roundId)).text()).replace(/^\uFEFF/, ''));
		const bytes = new Uint8Array(await (await download(`${kind}.xlsx`, roundId)).arrayBuffer());
		return { csv, bytes, sheets: await readWorkbook(bytes), xml: unzipText(bytes) };
	}

	/** The xlsx Data sheet holds exactly the CSV's cells: no figure in one that the other withholds. */
	function expectSameCells(csv: string[][], data: XlsxValue[][]) {
		expect(data.map((row) => row.map(asCsvText))).toEqual(csv.map((row) => row.map((cell) => cell.replace(/^'(?=[=+\-@\t\r])/, ''))));
	}

	it('sends an Excel attachment, never cached, named like the CSV, and records the download as Excel', async () => {
		const response = await download('scores.xlsx');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-A10001-2026-11-30-scores.xlsx"');
		expect(response.headers.get('cache-control')).toContain('no-store');
		const [event] = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(event!.summary).toBe(`Downloaded the scores (Excel) of round ${fixture.round.id} “${TITLE}” at Test Surgery`);
	});

	it('types the scores: numbers as numbers, days as dates, text as text, with the header frozen', async () => {
		const { csv, sheets, xml } = await both('scores');
		expect(Object.keys(sheets)).toEqual(['Data', 'Read me']);
		const [header, overall] = sheets.Data!;
		expect(header).toEqual(csv[0]);
		const cell = (name: string) => overall![header!.indexOf(name)];
		// Five at 7.5 and one at 2.5: (5 × 7.5 + 2.5) / 6 = 6.666… → 6.67.
		expect(cell('mean')).toBe(6.67);
		expect(cell('n')).toBe(6);
		expect(cell('group_respondents')).toBe(6);
		expect(cell('opens_on')).toEqual(new Date('2026-11-01T00:00:00Z'));
		expect(cell('closed_on')).toEqual(new Date('2026-11-30T00:00:00Z'));
		expect(cell('figure')).toBe('overall');
		expect(xml['xl/worksheets/sheet1.xml']).toContain('state="frozen"');
		expectSameCells(csv, sheets.Data!);
		// Everyone is clinical, so the group and "everyone else" cannot both reach five: a row with no number.
		const clinical = sheets.Data!.find((row) => row[header!.indexOf('group')] === 'Clinical')!;
		expect(clinical.slice(header!.indexOf('group_respondents'), header!.indexOf('note'))).toEqual(Array(9).fill(null));
	});

	it('stores a formula-looking round title as a string cell, exactly as typed, with no apostrophe', async () => {
		const { csv, sheets, xml } = await both('scores');
		const column = csv[0]!.indexOf('round_title');
		expect(csv[1]![column]).toBe(`'${TITLE}`);
		expect(sheets.Data![1]![column]).toBe(TITLE);
		expect(xml['xl/sharedStrings.xml']).toContain(`<t>${TITLE}</t>`);
		expect(xml['xl/sharedStrings.xml']).not.toContain(`'${TITLE}`);
		for (const [name, text] of Object.entries(xml)) if (name.startsWith('xl/worksheets/sheet')) expect(text).not.toMatch(/<f[ >]/);
	});

	it('says in a Read me sheet what the file is, what each column holds, and what is withheld', async () => {
		const { sheets } = await both('scores');
		const readMe = sheets['Read me']!;
		expect(readMe[0]![0]).toBe(`Scores: “${TITLE}” at Test Surgery`);
		const row = (label: string) => readMe.find((r) => r[0] === label);
		expect(row('Practice')![1]).toBe('Test Surgery (ODS code A10001)');
		expect(row('Responses')![1]).toBe('6');
		expect(row('mean')![1]).toBe('Number. The mean score, two decimals (0–10).');
		expect(row('opens_on')![1]).toBe('Date. The day the round opened.');
		const withheldAt = readMe.findIndex((r) => r[0] === 'What is withheld, and why');
		expect(readMe[withheldAt + 1]![1]).toMatch(/^No figure computed from fewer than 5 people is ever shown/);
	});

	it('gives statement results as whole numbers and percentages, cell for cell as in items.csv', async () => {
		const { csv, sheets } = await both('items');
		const [header, ...rows] = sheets.Data!;
		const ca6 = rows.find((r) => r[header!.indexOf('item')] === 'CA6')!;
		const at = (name: string) => ca6[header!.indexOf(name)];
		const agree = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.id === 'CA6')!.reversed ? 'n_disagree' : 'n_agree';
		expect([at('answered'), at('scored'), at(agree), at('n_not_relevant_role')]).toEqual([6, 5, 5, 1]);
		expect(at('pct_agree')).toBe(DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.id === 'CA6')!.reversed ? 0 : 100);
		expectSameCells(csv, sheets.Data!);
	});

	it('writes the answers as the instrument’s codes, numbers only, with a codebook sheet', async () => {
		const { csv, sheets } = await both('answers');
		expect(Object.keys(sheets)).toEqual(['Data', 'Read me', 'Codebook']);
		// Each download shuffles the respondents afresh: the same numbering and notes, the same answers in another order.
		const inText = sheets.Data!.map((row) => row.map(asCsvText));
		const answersOf = (rows: string[][]) => rows.slice(1).map((row) => JSON.stringify(row.slice(1, -1))).sort();
		expect(inText.map((row) => [row[0], row.at(-1)])).toEqual(csv.map((row) => [row[0], row.at(-1)]));
		expect(answersOf(inText)).toEqual(answersOf(csv));
		expect(inText[0]).toEqual(csv[0]);
		const [header, ...rows] = sheets.Data!;
		const ca6 = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.id === 'CA6')!;
		// Five gave 4 as scored, one said "not relevant to my role": code 7.
		expect(rows.map((r) => r[header!.indexOf('CA6')]).sort()).toEqual([...Array(5).fill(ca6.reversed ? 2 : 4), 7].sort());
		for (const row of rows) for (const id of [...DEFAULT_STAFF_INSTRUMENT.items.map((i) => i.id), 'G1', 'G2', 'G3']) expect(typeof row[header!.indexOf(id)]).toBe('number');
		expect(sheets.Codebook!.map((r) => r.slice(0, 2))).toEqual([
			['code', 'answer'],
			[1, 'Strongly disagree'],
			[2, 'Disagree'],
			[3, 'Neither agree nor disagree'],
			[4, 'Agree'],
			[5, 'Strongly agree'],
			[7, 'Not relevant to my role'],
			[8, 'Not relevant at this stage'],
			[9, 'Not relevant to how this practice works']
		]);
		expect(sheets.Codebook![6]![2]).toBe('Not relevant (not relevant to my role): never scored, left out of every mean and share, counted apart.');
		expect(JSON.stringify(sheets)).not.toMatch(/clinical|private comment|2026-11-10/i);
	});

	it('withholds in the xlsx exactly what the CSV withholds for a round below the minimum', async () => {
		for (const kind of ['scores', 'items']) {
			const { csv, sheets } = await both(kind, fewRoundId);
			expectSameCells(csv, sheets.Data!);
			const numbers = sheets.Data!.slice(1).flat().filter((v) => typeof v === 'number');
			expect(numbers, kind).toEqual([]);
		}
		const refused = await outcomeOf(() =>
			GET(fakeEvent({ db: t.db, user: manager, path: `/rounds/${fewRoundId}/export/answers.xlsx`, params: { roundId: String(fewRoundId), kind: 'answers.xlsx' } }) as never)
		);
		expect((refused.thrown as { status: number }).status).toBe(409);
	});

	it('fills every column with what its description says it holds, in every round download', async () => {
		for (const [kind, roundId] of [['scores', fixture.round.id], ['items', fixture.round.id], ['answers', fixture.round.id], ['scores', fewRoundId], ['items', fewRoundId]] as const) {
			const built = await buildRoundExport(t.db, roundId, kind, { minResponses: 5 }, '2026-12-01');
			if (!built.ok) throw new Error(`expected ${kind}`);
			expect(tableProblems(built.export.table), `${kind} of round ${roundId}`).toEqual([]);
		}
	});

	it('knows no other format', async () => {
		for (const kind of ['scores.xls', 'scores.xlsx.csv', 'scores.XLSX', 'scores']) {
			const { thrown } = await outcomeOf(() => GET(fakeEvent({ db: t.db, user: manager, path: `/rounds/1/export/${kind}`, params: { roundId: '1', kind } }) as never));
			expect((thrown as { status: number }).status, kind).toBe(404);
		}
	});
});
