/**
 * The ICB dashboard from the database (issue 26), on each engine: the ICB lead's scope on the page,
 * its CSV downloads and its API; hand-worked figures for two PCNs (docs/scoring.md §7 one level up);
 * and the gaps counted per checklist item with nothing of a flag but the count.
 */
import { asCsvText, readWorkbook } from '../helpers/xlsx';
import { parseCsv } from '../helpers/csv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { createApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getIcbDashboard } from '../../src/lib/server/results/icb-dashboard';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { load } from '../../src/routes/(app)/icbs/[icbId]/+page.server';
import { GET as exportGet } from '../../src/routes/(app)/icbs/[icbId]/export/[kind]/+server';
import { GET as apiDashboard } from '../../src/routes/api/v1/icbs/[icbId]/+server';
import { GET as apiGaps } from '../../src/routes/api/v1/icbs/[icbId]/gaps/+server';
import { GET as apiOverTime } from '../../src/routes/api/v1/icbs/[icbId]/over-time/+server';
import { GET as apiPcns } from '../../src/routes/api/v1/icbs/[icbId]/pcns/+server';
import { createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';

const TODAY = '2026-11-28';
const config = { minResponses: 5, minBenchmarkPractices: 10 };
const PERIOD = { from: '2025-11-28', to: TODAY };
const COMMENT = 'The room we were promised went to the new pharmacist — secret detail';

function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: 'A comment no ICB lead may read', code: null };
}

/** A closed round of `people` respondents, `agreeing` of them answering 4 (7.5) and the rest 3 (5.0). */
async function closedRound(t: TestDatabase, f: PracticeFixture, practiceId: number, closedOn: string, agreeing: number, people = 5) {
	const round = await createRound(t.db, {
		practiceId,
		instrumentVersionId: f.versionId,
		title: `Round closing ${closedOn}`,
		opensOn: `${closedOn.slice(0, 7)}-01`,
		closesOn: closedOn,
		staffHeadcount: 20,
		status: 'closed'
	});
	await t.db.updateTable('round').set({ closed_on: closedOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(t.db, f.versionId);
	for (let i = 0; i < people; i++) await storeResponse(t.db, round.id, ids, respondent(i < agreeing ? 4 : 3), closedOn);
	return round;
}

describe('the ICB dashboard', () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	let lead: SignedInUser;
	let southIcb: number;
	let practices: { north: number[]; brook: number[] };
	let brookPcn: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		// Test Surgery in Test PCN of Test ICB, with North 1 and North 2 beside it; Brook PCN in the same ICB.
		f = await createPracticeWithRound(t.db);
		practices = { north: [f.practice.id], brook: [] };
		for (let i = 1; i <= 2; i++) practices.north.push((await createPractice(t.db, { odsCode: `N1000${i}`, name: `North ${i}`, pcnId: f.pcn.id })).id);
		brookPcn = (await createPcn(t.db, { odsCode: 'U30001', name: 'Brook PCN', icbId: f.icb.id })).id;
		for (let i = 1; i <= 2; i++) practices.brook.push((await createPractice(t.db, { odsCode: `B1000${i}`, name: `Brook ${i}`, pcnId: brookPcn })).id);
		southIcb = (await createIcb(t.db, { odsCode: 'QSS', name: 'South ICB' })).id;
		const southPcn = (await createPcn(t.db, { odsCode: 'U20001', name: 'South PCN', icbId: southIcb })).id;
		await createPractice(t.db, { odsCode: 'S10001', name: 'South 1', pcnId: southPcn });

		// Test PCN: Test Surgery 7.5 (all five agree), North 1 5.0; North 2 has four respondents: withheld.
		await closedRound(t, f, practices.north[0]!, '2026-10-15', 5);
		await closedRound(t, f, practices.north[1]!, '2026-06-30', 0);
		await closedRound(t, f, practices.north[2]!, '2026-06-30', 4, 4);
		// Brook: Brook 1 6.0 (two of five agree); Brook 2 never surveyed.
		await closedRound(t, f, practices.brook[0]!, '2026-05-29', 2);
		// The period before: Test Surgery 5.0.
		await closedRound(t, f, practices.north[0]!, '2025-06-30', 0);

		lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] }, 'icb.lead@example.nhs.uk');
		// Flags: a gap at two practices (one shared with the practice, one for the PCN lead only), and a resolved one.
		const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [...practices.north, ...practices.brook] }, 'lw@example.nhs.uk');
		const flag = (practiceId: number, itemId: string, visibility: 'practice_and_pcn' | 'pcn_only', state: 'open' | 'resolved') =>
			t.db
				.insertInto('flag')
				.values({ practice_id: practiceId, raised_by: linkWorker.id, item_id: itemId, checklist_version: '1', visibility, state, created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' })
				.returning('id')
				.executeTakeFirstOrThrow();
		const room = 'private-room';
		const first = await flag(practices.north[0]!, room, 'practice_and_pcn', 'open');
		await flag(practices.brook[0]!, room, 'pcn_only', 'open');
		await flag(practices.north[1]!, room, 'practice_and_pcn', 'resolved');
		await t.db.insertInto('flag_event').values({ flag_id: first.id, at: '2026-10-01T09:00:00Z', actor_user_id: linkWorker.id, from_state: null, to_state: 'open', comment: COMMENT }).execute();
	});

	afterEach(async () => {
		await t?.close();
	});

	it('sets out each PCN and the ICB by hand-worked figures (docs/scoring.md §7)', async () => {
		const dashboard = (await getIcbDashboard(t.db, f.icb.id, config, PERIOD, TODAY))!;
		expect(dashboard.pcns.map((p) => p.name)).toEqual(['Brook PCN', 'Test PCN']);
		const [brook, test] = dashboard.pcns;
		expect(test).toMatchObject({ practices: 3, practicesShown: 2, respondents: 10 });
		// (7.5 + 5.0) / 2 = 6.25, from two practices; North 2's four people count nowhere.
		expect(test!.scores.overall).toMatchObject({ mean: 6.25, practices: 2 });
		expect(test!.bandCounts).toEqual({ bolted_on: 0, fitting_in: 1, belonging: 1, not_enough: 1, no_round: 0, other_instrument: 0 });
		expect(brook).toMatchObject({ practices: 2, practicesShown: 1, respondents: 5 });
		expect(brook!.scores.overall).toMatchObject({ mean: 6, practices: 1, interval: null });
		expect(brook!.bandCounts).toEqual({ bolted_on: 0, fitting_in: 1, belonging: 0, not_enough: 0, no_round: 1, other_instrument: 0 });
		// The ICB: (7.5 + 5.0 + 6.0) / 3, each practice once.
		expect(dashboard.figures.scores.overall!.mean).toBeCloseTo(18.5 / 3, 12);
		expect(dashboard.figures).toMatchObject({ practices: 5, practicesShown: 3, respondents: 15 });
		// Against the period before: Test Surgery's 5.0 alone, so no interval to judge a change by.
		expect(dashboard.glance.figure.then).toMatchObject({ mean: 5, practices: 1 });
		expect(dashboard.glance.figure.change).toBeNull();
		// Brook places one of two: half is enough; neither PCN's figure is bolted on.
		expect(dashboard.glance.needingSupport).toEqual([]);
		expect(dashboard.notSurveyed).toEqual([{ pcnId: brookPcn, pcnName: 'Brook PCN', practices: [{ id: practices.brook[1], name: 'Brook 2' }] }]);
		// Half-years: the round of June 2025 is the first; the trend runs to the half holding today.
		expect(dashboard.overTime.map((h) => [h.half.label, h.practicesShown])).toEqual([
			['Apr–Sep 2025', 1],
			['Oct 2025–Mar 2026', 0],
			['Apr–Sep 2026', 2],
			['Oct 2026–Mar 2027', 1]
		]);
	});

	it('counts open gaps per checklist item across the ICB, of either visibility, and nothing else of a flag', async () => {
		const dashboard = (await getIcbDashboard(t.db, f.icb.id, config, PERIOD, TODAY))!;
		expect(dashboard.gaps.practices).toBe(5);
		expect(dashboard.gaps.items).toEqual([expect.objectContaining({ itemId: 'private-room', practicesWithGap: 2 })]);
		expect(dashboard.glance.sharedGaps.map((g) => g.itemId)).toEqual(['private-room']);
	});

	describe("the ICB lead's scope", () => {
		const pageEvent = (user: SignedInUser | null, icbId: number | string, path = `/icbs/${icbId}`) =>
			fakeEvent({ db: t.db, user, path, params: { icbId: String(icbId) } });

		it('shows the page of an ICB they oversee, with no comment, flag text or practice a flag is about', async () => {
			const data = (await load(pageEvent(lead, f.icb.id) as never)) as Record<string, unknown>;
			expect(data).toMatchObject({ icb: { id: f.icb.id, name: 'Test ICB' } });
			const text = JSON.stringify(data);
			expect(text).not.toContain('secret detail');
			expect(text).not.toContain('A comment no ICB lead may read');
			expect(text).not.toContain('lw@example.nhs.uk');
			expect(text).not.toMatch(/"flag/i);
		});

		it("reads another ICB, an unknown one and a malformed id as not there, and refuses other roles", async () => {
			for (const id of [southIcb, 9999, 'x', '1e0']) expect(statusOf(await outcomeOf(() => load(pageEvent(lead, id) as never)))).toBe(404);
			const pcnLead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] }, 'pcn.lead@example.nhs.uk');
			expect(statusOf(await outcomeOf(() => load(pageEvent(pcnLead, f.icb.id) as never)))).toBe(403);
			const admin = await createSignedInUser(t.db, 'admin', {}, 'admin@example.nhs.uk');
			expect(statusOf(await outcomeOf(() => load(pageEvent(admin, f.icb.id) as never)))).toBe(403);
			expect(statusOf(await outcomeOf(() => load(pageEvent(null, f.icb.id) as never)))).toBe(303);
		});

		it('downloads each CSV with the figures of the page, and refuses other ICBs and kinds', async () => {
			const csv = async (kind: string, icbId: number | string = f.icb.id, query = '') => {
				const outcome = await outcomeOf(() =>
					exportGet(fakeEvent({ db: t.db, user: lead, path: `/icbs/${icbId}/export/${kind}${query}`, params: { icbId: String(icbId), kind } }) as never)
				);
				return outcome.result ? { status: 200, body: await (outcome.result as Response).text() } : { status: statusOf(outcome), body: '' };
			};
			// The page's own dates: the fixture's open November round closes after them, whatever today is.
			const pcns = await csv('pcns.csv', f.icb.id, `?from=${PERIOD.from}&to=${PERIOD.to}`);
			expect(pcns.status).toBe(200);
			const lines = pcns.body.trim().split('\r\n');
			expect(lines).toHaveLength(1 + 2 * 5);
			expect(lines.find((l) => l.includes('Test PCN') && l.includes(',overall,'))).toContain(',6.25,');
			// 6.25 overall is Fitting in; a construct exactly at 6.25 meets the construct minimum.
			expect(lines.find((l) => l.includes('Test PCN') && l.includes(',overall,'))).toMatch(/,Fitting in,/);
			expect(lines.find((l) => l.includes('Test PCN') && l.includes(',coherence,'))).toMatch(/,6\.25,.*,Meets 6\.25,/);
			const gaps = await csv('gaps.csv');
			expect(gaps.body).toContain('private-room');
			expect(gaps.body).not.toContain('secret detail');
			expect((await csv('over-time.csv')).body.split('\r\n')[0]).toContain('half_year');
			expect((await csv('pcns.csv', southIcb)).status).toBe(404);
			expect((await csv('comments.csv')).status).toBe(404);
			expect((await csv('pcns.csv', f.icb.id, '?from=2026-13-01')).status).toBe(400);
			const audit = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'export_downloaded').orderBy('id').execute();
			expect(audit[0]!.summary).toMatch(/^Downloaded the PCNs of Test ICB \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)$/);
			expect(audit).toHaveLength(3);

			// The same tables as workbooks: every cell the CSV's, typed; the gap counts whole numbers.
			for (const kind of ['pcns', 'over-time', 'gaps']) {
				const query = kind === 'pcns' ? `?from=${PERIOD.from}&to=${PERIOD.to}` : '';
				const text = (await csv(`${kind}.csv`, f.icb.id, query)).body.replace(/^\uFEFF/, '');
				const outcome = await outcomeOf(() =>
					exportGet(fakeEvent({ db: t.db, user: lead, path: `/icbs/${f.icb.id}/export/${kind}.xlsx${query}`, params: { icbId: String(f.icb.id), kind: `${kind}.xlsx` } }) as never)
				);
				const sheets = await readWorkbook(new Uint8Array(await (outcome.result as Response).arrayBuffer()));
				expect(sheets.Data!.map((row) => row.map(asCsvText)), kind).toEqual(parseCsv(text));
				expect(sheets['Read me']!.find((r) => r[0] === 'ICB')![1]).toBe('Test ICB (ODS code QAA)');
				if (kind === 'gaps') {
					const [header, first] = sheets.Data!;
					expect(typeof first![header!.indexOf('practices_with_gap')]).toBe('number');
				}
			}
			const workbooks = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'export_downloaded').where('summary', 'like', '%(Excel)').execute();
			expect(workbooks).toHaveLength(3);
		});

		it('answers the API for their ICB only, with the same figures', async () => {
			const made = await createApiToken(t.db, lead, 'Board pack');
			expect(made.ok).toBe(true);
			if (!made.ok) return;
			const token = made.token.token;
			const api = async (route: typeof apiDashboard, icbId: number | string, suffix = '') => {
				const response = await route(
					fakeEvent({ db: t.db, path: `/api/v1/icbs/${icbId}${suffix}?from=${PERIOD.from}&to=${PERIOD.to}`, params: { icbId: String(icbId) }, headers: { authorization: `Bearer ${token}` } }) as never
				);
				return { status: response.status, body: await response.json() };
			};
			const all = await api(apiDashboard, f.icb.id);
			expect(all.status).toBe(200);
			expect(all.body.pcns.find((p: { name: string }) => p.name === 'Test PCN').scores.overall.mean).toBe(6.25);
			expect(JSON.stringify(all.body)).not.toContain('secret detail');
			expect((await api(apiPcns, f.icb.id, '/pcns')).body.pcns).toHaveLength(2);
			expect((await api(apiOverTime, f.icb.id, '/over-time')).body.overTime).toHaveLength(4);
			expect((await api(apiGaps, f.icb.id, '/gaps')).body.gaps.items[0].practicesWithGap).toBe(2);
			for (const id of [southIcb, 9999, 'abc']) expect((await api(apiDashboard, id)).status).toBe(404);
		});
	});
});
