/**
 * The PCN's CSV downloads and JSON API: the same figures as the PCN dashboard, suppression
 * enforced, PCN leads only and only for their own PCN, every read audited.
 */
import { isHttpError } from '@sveltejs/kit';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { GET as downloadPcn } from '../../src/routes/(app)/pcns/[pcnId]/export/[kind]/+server';
import { GET as apiHeatmap } from '../../src/routes/api/v1/pcns/[pcnId]/heatmap/+server';
import { GET as apiRounds } from '../../src/routes/api/v1/pcns/[pcnId]/rounds/+server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';
import { parseCsv as parseCsvRows } from '../helpers/csv';
import { asCsvText, readWorkbook } from '../helpers/xlsx';

/** Every statement answered so that each scored answer is `point`: all scores are (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

const PERIOD = 'from=2026-01-01&to=2026-10-31';

describe('PCN downloads and API', () => {
	let t: TestDatabase;
	let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let otherPcnId: number;
	let lead: SignedInUser;
	let manager: SignedInUser;

	beforeEach(async () => {
		t = await createTestDatabase();
		// Test Surgery: five people all agreeing (7.5 on everything), closed in June.
		f = await createPracticeWithRound(t.db, { title: 'June round', opensOn: '2026-06-01', closesOn: '2026-06-21' });
		for (let i = 0; i < 5; i++) expect(await submitResponse(t.db, f.round.id, respondent(4), '2026-06-05')).toEqual({ ok: true, storedEarlier: false });
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-06-21' }).where('id', '=', f.round.id).execute();
		// Quiet Surgery: two people strongly disagreeing, below MIN_RESPONSES (5): nothing may show.
		const quiet = await createPractice(t.db, { odsCode: 'A10009', name: 'Quiet Surgery', pcnId: f.pcn.id });
		const small = await createRound(t.db, {
			practiceId: quiet.id,
			instrumentVersionId: f.versionId,
			title: 'Quiet June round',
			opensOn: '2026-06-01',
			closesOn: '2026-06-21',
			staffHeadcount: 9,
			status: 'open'
		});
		for (let i = 0; i < 2; i++) expect(await submitResponse(t.db, small.id, respondent(1), '2026-06-05')).toEqual({ ok: true, storedEarlier: false });
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-06-21' }).where('id', '=', small.id).execute();
		otherPcnId = (await createPcn(t.db, { odsCode: 'U20001', name: 'Other PCN', icbId: f.icb.id })).id;

		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
	});
	afterEach(() => t.close());

	async function download(user: SignedInUser, pcnId: number, kind: string, query = '') {
		const event = fakeEvent({ db: t.db, user, path: `/pcns/${pcnId}/export/${kind}${query ? `?${query}` : ''}`, params: { pcnId: String(pcnId), kind } });
		return outcomeOf(() => downloadPcn(event as never));
	}

	const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);
	const rowsOf = async (response: Response) => parse(await response.text(), { columns: true, bom: true }) as Record<string, string>[];

	it('downloads the heatmap with figures for the shown practice and none for the withheld one', async () => {
		const { result } = await download(lead, f.pcn.id, 'heatmap.csv', PERIOD);
		const response = result as Response;
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-U10001-heatmap-2026-01-01-to-2026-10-31.csv"');
		const rows = await rowsOf(response);
		// Two practices × (overall + four constructs).
		expect(rows).toHaveLength(10);
		const shown = rows.filter((r) => r.practice_name === 'Test Surgery');
		expect(shown.map((r) => [r.figure, r.n, r.mean, r.respondents, r.response_rate_percent])).toEqual([
			['overall', '5', '7.5', '5', '25'],
			['coherence', '5', '7.5', '5', '25'],
			['cognitive_participation', '5', '7.5', '5', '25'],
			['collective_action', '5', '7.5', '5', '25'],
			['reflexive_monitoring', '5', '7.5', '5', '25']
		]);
		// The overall score's band; each construct (7.5, at or above 6.25) marked as the page marks it.
		expect(shown.map((r) => r.band)).toEqual(['Belonging', 'Meets 6.25', 'Meets 6.25', 'Meets 6.25', 'Meets 6.25']);
		const withheld = rows.filter((r) => r.practice_name === 'Quiet Surgery');
		expect(withheld).toHaveLength(5);
		for (const row of withheld) {
			expect([row.n, row.mean, row.ci95_lower, row.ci95_upper, row.respondents, row.response_rate_percent, row.band]).toEqual(['', '', '', '', '', '', '']);
			expect(row.note).toBe('Withheld: not enough responses (fewer than 5). 3 more needed.');
		}
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit.map((e) => e.summary)).toEqual(['Downloaded the heatmap of Test PCN (2026-01-01 to 2026-10-31)']);
	});

	it('downloads every round of every practice, withheld rounds without figures', async () => {
		const rows = await rowsOf((await download(lead, f.pcn.id, 'rounds.csv')).result as Response);
		expect(rows.filter((r) => r.round_title === 'June round' && r.figure === 'overall').map((r) => r.mean)).toEqual(['7.5']);
		const quiet = rows.filter((r) => r.round_title === 'Quiet June round');
		expect(quiet).toHaveLength(5);
		expect(quiet.every((r) => r.mean === '' && r.n === '' && r.respondents === '')).toBe(true);
	});

	it('gives the heatmap as a typed workbook, cell for cell the CSV, withheld practice without a number', async () => {
		const csv = parseCsvRows((await ((await download(lead, f.pcn.id, 'heatmap.csv', PERIOD)).result as Response).text()).replace(/^\uFEFF/, ''));
		const response = (await download(lead, f.pcn.id, 'heatmap.xlsx', PERIOD)).result as Response;
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-U10001-heatmap-2026-01-01-to-2026-10-31.xlsx"');
		const sheets = await readWorkbook(new Uint8Array(await response.arrayBuffer()));
		expect(Object.keys(sheets)).toEqual(['Data', 'Read me']);
		const [header, ...rows] = sheets.Data!;
		expect(sheets.Data!.map((row) => row.map(asCsvText))).toEqual(csv);
		const overall = rows.find((r) => r[header!.indexOf('practice_name')] === 'Test Surgery')!;
		const at = (name: string) => overall[header!.indexOf(name)];
		expect([at('n'), at('mean'), at('respondents'), at('response_rate_percent'), at('period_from')]).toEqual([5, 7.5, 5, 25, new Date('2026-01-01T00:00:00Z')]);
		const quiet = rows.filter((r) => r[header!.indexOf('practice_name')] === 'Quiet Surgery');
		expect(quiet.flat().filter((v) => typeof v === 'number')).toEqual([]);
		expect(sheets['Read me']!.find((r) => r[0] === 'PCN')![1]).toBe('Test PCN (ODS code U10001)');
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit.map((e) => e.summary).sort()).toEqual([
			'Downloaded the heatmap of Test PCN (2026-01-01 to 2026-10-31)',
			'Downloaded the heatmap of Test PCN (2026-01-01 to 2026-10-31) (Excel)'
		]);
	});

	it('lets only the PCN’s own lead download, and refuses a bad period or kind', async () => {
		expect(statusOf((await download(manager, f.pcn.id, 'heatmap.csv')).thrown)).toBe(403);
		expect(statusOf((await download(lead, otherPcnId, 'heatmap.csv')).thrown)).toBe(404);
		expect(statusOf((await download(lead, f.pcn.id, 'answers.csv')).thrown)).toBe(404);
		expect(statusOf((await download(lead, f.pcn.id, 'heatmap.csv', 'from=2026-10-01&to=2026-01-01')).thrown)).toBe(400);
		expect(await listAuditEvents(t.db, { action: 'export_downloaded' })).toEqual([]);
	});

	async function callApi(handler: typeof apiHeatmap, user: SignedInUser, pcnId: number | string, path: string) {
		const created = await createApiToken(t.db, user, 'Power BI');
		if (!created.ok) throw new Error(created.problems[0]!.message);
		const event = fakeEvent({ db: t.db, path, params: { pcnId: String(pcnId) }, headers: { authorization: `Bearer ${created.token.token}` } });
		const response = (await handler(event as never)) as Response;
		return { status: response.status, body: JSON.parse(await response.text()) };
	}

	it('serves the heatmap as JSON with the same suppression', async () => {
		const { status, body } = await callApi(apiHeatmap, lead, f.pcn.id, `/api/v1/pcns/${f.pcn.id}/heatmap?${PERIOD}`);
		expect(status).toBe(200);
		expect(body.period).toEqual({ from: '2026-01-01', to: '2026-10-31' });
		const [quiet, test] = body.practices;
		expect(test).toMatchObject({ name: 'Test Surgery', status: 'shown', respondents: 5, responseRate: 0.25 });
		// 7.5 overall with every construct at 7.5 reaches Belonging (overall ≥ 7.5, constructs ≥ 6.25).
		expect(test.scores.overall).toMatchObject({ mean: 7.5, n: 5, band: 'belonging', standing: null });
		expect(test.scores.coherence).toMatchObject({ mean: 7.5, standing: 'meets' });
		expect(body.constructMinimum).toBe(6.25);
		expect(quiet).toEqual({
			id: quiet.id,
			odsCode: 'A10009',
			name: 'Quiet Surgery',
			round: { id: quiet.round.id, title: 'Quiet June round', closedOn: '2026-06-21' },
			instrument: {
				id: DEFAULT_STAFF_INSTRUMENT.id,
				version: DEFAULT_STAFF_INSTRUMENT.version,
				title: DEFAULT_STAFF_INSTRUMENT.title,
				licence: DEFAULT_STAFF_INSTRUMENT.provenance.licence,
				citation: DEFAULT_STAFF_INSTRUMENT.provenance.citation,
				doi: null
			},
			inFigures: true,
			status: 'withheld',
			respondentsNeeded: 3,
			respondents: null,
			responseRate: null,
			scores: null,
			placement: null
		});
		// The withheld practice stays out of the pool as well as the practice mean.
		expect(body.figures).toMatchObject({ practicesShown: 1, respondents: 5, otherInstruments: 0 });
		expect(body.figures.instrument).toMatchObject({ id: DEFAULT_STAFF_INSTRUMENT.id, version: DEFAULT_STAFF_INSTRUMENT.version });
		expect(body.figures.pooled.overall).toMatchObject({ mean: 7.5, n: 5, practices: 1 });
		expect(body.figures.practiceMean.overall).toEqual({ mean: 7.5, practices: 1 });
		expect((await listAuditEvents(t.db, { action: 'api_read' })).map((e) => e.summary)).toEqual([
			'Read the heatmap of Test PCN (2026-01-01 to 2026-10-31) through the API (token “Power BI”)'
		]);
	});

	it('serves every round of the PCN as JSON, and scopes both endpoints to the lead’s PCNs', async () => {
		const { status, body } = await callApi(apiRounds, lead, f.pcn.id, `/api/v1/pcns/${f.pcn.id}/rounds`);
		expect(status).toBe(200);
		expect(body.practices.map((p: { practice: { name: string } }) => p.practice.name)).toEqual(['Quiet Surgery', 'Test Surgery']);
		expect(body.practices[0].rounds[0]).toMatchObject({ withheld: true, respondents: null, scores: null });

		expect((await callApi(apiRounds, lead, otherPcnId, `/api/v1/pcns/${otherPcnId}/rounds`)).status).toBe(404);
		expect((await callApi(apiHeatmap, lead, 'abc', '/api/v1/pcns/abc/heatmap')).status).toBe(404);
		expect((await callApi(apiHeatmap, manager, f.pcn.id, `/api/v1/pcns/${f.pcn.id}/heatmap`)).status).toBe(403);
		const bad = await callApi(apiHeatmap, lead, f.pcn.id, `/api/v1/pcns/${f.pcn.id}/heatmap?from=soon&to=later`);
		expect(bad.status).toBe(400);
		expect(bad.body.error.status).toBe(400);
	});
});
