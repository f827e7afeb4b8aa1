/**
 * The instrument report (issue 29) on a real database: which rounds enter which figure (docs/scoring.md
 * §6 per figure), pooling across rounds and practices against the same sums worked out apart,
 * that a withheld round changes no shown figure, who may see which scope, and that the CSV and
 * the API hold the page's figures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementAnswer, AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CONSTRUCTS, type Construct } from '../../src/lib/npt/constructs';
import { constructReliability } from '../../src/lib/npt/reliability';
import { poolConsistency, summariseRespondents } from '../../src/lib/npt/round-summary';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { seededRandom } from '../../src/lib/server/demo/random';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getInstrumentReport } from '../../src/lib/server/results/instrument-report';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { summariseClosedRound } from '../../src/lib/server/surveys/round-summaries';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { InstrumentReport } from '../../src/lib/views/instrument-report';
import { load } from '../../src/routes/(app)/instruments/[versionId]/report/+page.server';
import { GET as csvGet } from '../../src/routes/(app)/instruments/[versionId]/report/report.csv/+server';
import { GET as xlsxGet } from '../../src/routes/(app)/instruments/[versionId]/report/report.xlsx/+server';
import { asCsvText, readWorkbook } from '../helpers/xlsx';
import { parseCsv } from '../helpers/csv';
import { GET as apiGet } from '../../src/routes/api/v1/instruments/[versionId]/report/+server';
import { createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';

const TODAY = '2026-11-28';
const config = { minResponses: 5 };
const ITEMS = DEFAULT_STAFF_INSTRUMENT.items;
const COHERENCE = ITEMS.filter((i) => i.construct === 'coherence').map((i) => i.id);
const ACTION = ITEMS.filter((i) => i.construct === 'collective_action').map((i) => i.id);

/** People whose answers hang together: a tendency each, and a step of noise per statement. */
function people(count: number, seed: number, change: (agreement: Record<string, AgreementAnswer>, i: number) => void = () => {}): SurveySubmission[] {
	const random = seededRandom(seed);
	return Array.from({ length: count }, (_, i) => {
		const tendency = 1 + Math.floor(random() * 5);
		const agreement: Record<string, AgreementAnswer> = {};
		for (const item of ITEMS) {
			const point = Math.min(5, Math.max(1, tendency + Math.floor(random() * 3) - 1)) as AgreementPoint;
			agreement[item.id] = item.reversed ? ((6 - point) as AgreementPoint) : point;
		}
		change(agreement, i);
		return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
	});
}

describe('the instrument report', () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	let practices: { p1: number; p2: number; p3: number; p4: number };
	let pcnB: number;
	let pcnC: number;
	let icb2: number;
	/** Each round's people, by name, to work the expected figures out apart. */
	const rounds = new Map<string, SurveySubmission[]>();
	let closing = 0;

	async function closedRound(name: string, practiceId: number, answers: SurveySubmission[]) {
		closing += 1;
		const closesOn = `2026-0${1 + (closing % 9)}-15`;
		const round = await createRound(t.db, {
			practiceId,
			instrumentVersionId: f.versionId,
			title: name,
			opensOn: `${closesOn.slice(0, 7)}-01`,
			closesOn,
			staffHeadcount: 30,
			status: 'closed'
		});
		await t.db.updateTable('round').set({ closed_on: closesOn }).where('id', '=', round.id).execute();
		const ids = await itemIdsOf(t.db, f.versionId);
		for (const answer of answers) await storeResponse(t.db, round.id, ids, answer, closesOn);
		// As closing a round does: its summary and scores, and a new count of score writes.
		await summariseClosedRound(t.db, { id: round.id, instrument_version_id: f.versionId, closes_on: closesOn, closed_on: closesOn });
		rounds.set(name, answers);
	}

	/** α and its kin from the named rounds' sums alone, worked out apart from the report. */
	function expectedConstruct(construct: Construct, names: string[]) {
		const sums = names.map((n) => summariseRespondents(DEFAULT_STAFF_INSTRUMENT, rounds.get(n)!).consistency[construct]);
		return constructReliability(DEFAULT_STAFF_INSTRUMENT, construct, poolConsistency(sums), config);
	}

	beforeEach(async () => {
		rounds.clear();
		t = await createTestDatabase();
		// Test ICB: Test PCN (Test Surgery = p1, p2) and Brook PCN (p3); South ICB: South PCN (p4).
		f = await createPracticeWithRound(t.db, { status: 'draft' });
		const p2 = (await createPractice(t.db, { odsCode: 'A10002', name: 'Second Surgery', pcnId: f.pcn.id })).id;
		pcnB = (await createPcn(t.db, { odsCode: 'U30001', name: 'Brook PCN', icbId: f.icb.id })).id;
		const p3 = (await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: pcnB })).id;
		icb2 = (await createIcb(t.db, { odsCode: 'QSS', name: 'South ICB' })).id;
		pcnC = (await createPcn(t.db, { odsCode: 'U20001', name: 'South PCN', icbId: icb2 })).id;
		const p4 = (await createPractice(t.db, { odsCode: 'S10001', name: 'South Surgery', pcnId: pcnC })).id;
		practices = { p1: f.practice.id, p2, p3, p4 };

		await closedRound('p1 first', practices.p1, people(6, 1));
		await closedRound('p1 second', practices.p1, people(7, 2));
		// Four people: the round is withheld, and enters nothing.
		await closedRound('p2 withheld', practices.p2, people(4, 3));
		// Seven people, three of whom answered no coherence statement (coherence scored by four: withheld), and
		// three of whom found CA1 not relevant to their role (scored by four: withheld) though collective action is shown.
		await closedRound(
			'p3 partly withheld',
			practices.p3,
			people(7, 4, (agreement, i) => {
				if (i < 3) for (const id of COHERENCE) delete agreement[id];
				if (i >= 4) agreement[ACTION[0]!] = 'not_relevant_role';
			})
		);
		await closedRound('p4 south', practices.p4, people(8, 5));
	});

	afterEach(async () => {
		await t?.close();
	});

	const report = (scope: Parameters<typeof getInstrumentReport>[2]) => getInstrumentReport(t.db, f.versionId, scope, config, TODAY) as Promise<InstrumentReport>;
	const construct = (r: InstrumentReport, c: Construct) => r.constructs.find((x) => x.construct === c)!;
	const item = (r: InstrumentReport, id: string) => r.items.find((x) => x.itemId === id)!;

	it('pools every shown round of a PCN, and leaves a withheld round out of every figure', async () => {
		const r = await report({ kind: 'pcn', id: f.pcn.id });
		expect(r.rounds).toEqual({ closed: 3, shown: 2, practices: 1, respondents: 13 });
		const coherence = construct(r, 'coherence');
		expect(coherence).toMatchObject({ rounds: 2, practices: 1, complete: 13 });
		const expected = expectedConstruct('coherence', ['p1 first', 'p1 second']);
		expect(coherence.alpha).toBeCloseTo(expected.alpha!, 12);
		expect(coherence.interval!.lower).toBeCloseTo(expected.interval!.lower, 12);
		expect(coherence.interItem!.max).toBeCloseTo(expected.interItem!.max, 12);
		expect(item(r, COHERENCE[0]!).itemRest).toBeCloseTo(expected.items[0]!.itemRest!, 12);
		expect(item(r, COHERENCE[0]!).alphaIfDropped).toBeCloseTo(expected.items[0]!.alphaIfDropped!, 12);
		expect(item(r, COHERENCE[0]!).rates).toMatchObject({ asked: 13, scored: 13, skipped: 0 });
	});

	it('lets a round into a construct only where its construct score is shown, and into a statement only where it is scored by enough', async () => {
		const r = await report({ kind: 'icb', id: f.icb.id });
		expect(r.rounds).toEqual({ closed: 4, shown: 3, practices: 2, respondents: 20 });
		// Coherence is withheld in Brook's round: only Test Surgery's two rounds are behind it.
		const coherence = construct(r, 'coherence');
		expect(coherence).toMatchObject({ rounds: 2, practices: 1, complete: 13 });
		expect(coherence.alpha).toBeCloseTo(expectedConstruct('coherence', ['p1 first', 'p1 second']).alpha!, 12);
		// Collective action is shown there: its four complete people join the pool.
		const action = construct(r, 'collective_action');
		expect(action).toMatchObject({ rounds: 3, practices: 2, complete: 17 });
		expect(action.alpha).toBeCloseTo(expectedConstruct('collective_action', ['p1 first', 'p1 second', 'p3 partly withheld']).alpha!, 12);
		// CA1 was scored by four at Brook: its shares come from Test Surgery alone; CA2 from all three rounds.
		expect(item(r, ACTION[0]!)).toMatchObject({ rounds: 2, practices: 1, rates: { asked: 13, scored: 13 } });
		expect(item(r, ACTION[1]!)).toMatchObject({ rounds: 3, practices: 2, rates: { asked: 20, scored: 20 } });
		expect(item(r, ACTION[0]!).rates.notRelevant!.role).toBe(0);
	});

	it('changes no shown figure when a withheld round is added, and every pooled one when a shown round is', async () => {
		const before = await report({ kind: 'icb', id: f.icb.id });
		// Three people answering everything at the floor: withheld whole.
		await closedRound('p2 withheld again', practices.p2, people(3, 9, (a) => ITEMS.forEach((i) => (a[i.id] = i.reversed ? 5 : 1))));
		// Brook again, coherence withheld (only four score it): coherence must not move.
		await closedRound(
			'p3 coherence withheld',
			practices.p3,
			people(6, 10, (agreement, i) => {
				if (i < 2) for (const id of COHERENCE) delete agreement[id];
			})
		);
		const after = await report({ kind: 'icb', id: f.icb.id });
		expect(after.rounds).toEqual({ closed: 6, shown: 4, practices: 2, respondents: 26 });
		expect(construct(after, 'coherence')).toEqual(construct(before, 'coherence'));
		for (const id of COHERENCE) expect(item(after, id)).toEqual(item(before, id));
		expect(construct(after, 'collective_action').complete).toBeGreaterThan(construct(before, 'collective_action').complete);

		await closedRound('p1 third', practices.p1, people(6, 11));
		const later = await report({ kind: 'icb', id: f.icb.id });
		expect(construct(later, 'coherence').complete).toBe(19);
		expect(construct(later, 'coherence').alpha).toBeCloseTo(expectedConstruct('coherence', ['p1 first', 'p1 second', 'p1 third']).alpha!, 12);
	});

	it('pools the whole service for an administrator', async () => {
		const r = await report({ kind: 'service' });
		expect(r.rounds).toEqual({ closed: 5, shown: 4, practices: 3, respondents: 28 });
		for (const c of CONSTRUCTS) expect(construct(r, c).alpha).not.toBeNull();
		expect(construct(r, 'coherence').alpha).toBeCloseTo(expectedConstruct('coherence', ['p1 first', 'p1 second', 'p4 south']).alpha!, 12);
		// The PCN, then the service: the kept pools of the first read serve the second.
		const pcn = await report({ kind: 'pcn', id: pcnC });
		expect(pcn.rounds).toEqual({ closed: 1, shown: 1, practices: 1, respondents: 8 });
		// Eight people scored every statement: below the ten α needs.
		expect(construct(pcn, 'coherence')).toMatchObject({ complete: 8, alpha: null, interval: null, withheld: 'Not enough people scored every statement' });
	});

	describe('who may see it', () => {
		const asked = (user: SignedInUser | null, scope?: string, versionId: string = String(f.versionId)) =>
			outcomeOf(() =>
				load(fakeEvent({ db: t.db, user, path: `/instruments/${versionId}/report${scope === undefined ? '' : `?scope=${encodeURIComponent(scope)}`}`, params: { versionId } }) as never)
			);

		it('lets a PCN lead see their PCN only', async () => {
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const own = (await asked(lead)).result as unknown as { report: InstrumentReport; scopes: { key: string }[] };
			expect(own.report.scope).toMatchObject({ key: `pcn:${f.pcn.id}`, name: 'Test PCN' });
			expect(own.scopes.map((s) => s.key)).toEqual([`pcn:${f.pcn.id}`]);
			for (const scope of [`pcn:${pcnB}`, `icb:${f.icb.id}`, 'service', 'pcn:9999', 'pcn:x', 'pcn:01', 'everything', `pcn:${f.pcn.id} `]) {
				expect(statusOf(await asked(lead, scope)), scope).toBe(404);
			}
			expect(statusOf(await asked(lead, undefined, '9999'))).toBe(404);
			expect(statusOf(await asked(lead, undefined, 'x'))).toBe(404);
		});

		it('lets an ICB lead see their ICB and its PCNs, nothing beyond', async () => {
			const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
			expect(statusOf(await asked(lead))).toBe(200);
			expect(statusOf(await asked(lead, `pcn:${pcnB}`))).toBe(200);
			for (const scope of [`icb:${icb2}`, `pcn:${pcnC}`, 'service']) expect(statusOf(await asked(lead, scope)), scope).toBe(404);
			const data = (await asked(lead)).result as unknown as { report: InstrumentReport; scopes: { key: string }[] };
			expect(data.report.scope.key).toBe(`icb:${f.icb.id}`);
			expect(data.scopes.map((s) => s.key).sort()).toEqual([`icb:${f.icb.id}`, `pcn:${f.pcn.id}`, `pcn:${pcnB}`].sort());
		});

		it('lets an administrator see any scope that exists, and refuses practice roles', async () => {
			const admin = await createSignedInUser(t.db, 'admin');
			for (const scope of [undefined, 'service', `icb:${icb2}`, `pcn:${pcnC}`]) expect(statusOf(await asked(admin, scope)), scope).toBe(200);
			for (const scope of ['icb:9999', 'pcn:9999', 'nowhere']) expect(statusOf(await asked(admin, scope)), scope).toBe(404);
			const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practices.p1] });
			const linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [practices.p1] });
			expect(statusOf(await asked(manager, `pcn:${f.pcn.id}`))).toBe(403);
			expect(statusOf(await asked(linkWorker))).toBe(403);
			expect(statusOf(await asked(null))).toBe(303);
		});
	});

	it('gives the page’s figures in the CSV and the API', async () => {
		const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		const versionId = String(f.versionId);
		const scope = `icb:${f.icb.id}`;
		const page = ((await load(fakeEvent({ db: t.db, user: lead, path: `/instruments/${versionId}/report?scope=${scope}`, params: { versionId } }) as never)) as unknown as { report: InstrumentReport }).report;

		const csv = async (asked: string) => {
			const response = (await csvGet(fakeEvent({ db: t.db, user: lead, path: `/instruments/${versionId}/report/report.csv?scope=${asked}`, params: { versionId } }) as never)) as Response;
			expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			return (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
		};
		const lines = await csv(scope);
		expect(lines).toHaveLength(1 + 4 + ITEMS.length);
		const header = lines[0]!.split(',');
		const cell = (line: string, column: string) => line.split(',')[header.indexOf(column)];
		const action = lines.find((l) => l.includes(',construct,Collective action,'))!;
		expect(Number(cell(action, 'alpha'))).toBe(Number(construct(page, 'collective_action').alpha!.toFixed(4)));
		expect(Number(cell(action, 'complete_respondents'))).toBe(construct(page, 'collective_action').complete);
		const ca1 = lines.find((l) => l.includes(`,statement,Collective action,${ACTION[0]},`))!;
		expect(Number(cell(ca1, 'people_scored'))).toBe(item(page, ACTION[0]!).rates.scored);
		expect(Number(cell(ca1, 'ceiling'))).toBe(Number(item(page, ACTION[0]!).rates.ceiling!.toFixed(4)));
		// Brook PCN alone: coherence has no round to pool, so no α in the file either.
		const brook = await csv(`pcn:${pcnB}`);
		expect(cell(brook.find((l) => l.includes(',construct,Coherence,'))!, 'alpha')).toBe('');
		expect(cell(brook.find((l) => l.includes(',construct,Coherence,'))!, 'rounds')).toBe('0');

		// The workbook holds the CSV's cells, typed: α a number, its reading text, a withheld α empty.
		const workbook = (await xlsxGet(fakeEvent({ db: t.db, user: lead, path: `/instruments/${versionId}/report/report.xlsx?scope=${scope}`, params: { versionId } }) as never)) as Response;
		expect(workbook.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		const sheets = await readWorkbook(new Uint8Array(await workbook.arrayBuffer()));
		expect(Object.keys(sheets)).toEqual(['Data', 'Read me']);
		const data = sheets.Data!;
		expect(data).toHaveLength(lines.length);
		const alphaAt = data[0]!.indexOf('alpha');
		const actionRow = data.find((row) => row[4] === 'construct' && row[5] === 'Collective action')!;
		expect(actionRow[alphaAt]).toBe(Number(construct(page, 'collective_action').alpha!.toFixed(4)));
		expect(data.map((row) => row.map(asCsvText))).toEqual(parseCsv(`${lines.join('\r\n')}\r\n`));

		const made = await createApiToken(t.db, lead, 'Analysis');
		if (!made.ok) throw new Error('no token');
		const api = async (query: string) => {
			const res = await apiGet(
				fakeEvent({ db: t.db, path: `/api/v1/instruments/${versionId}/report${query}`, params: { versionId }, headers: { authorization: `Bearer ${made.token.token}` } }) as never
			);
			return { status: res.status, body: await res.json() };
		};
		const read = await api(`?scope=${scope}`);
		expect(read.status).toBe(200);
		expect(read.body).toEqual(JSON.parse(JSON.stringify(page)));
		expect((await api(`?scope=pcn:${pcnC}`)).status).toBe(404);
		expect((await api('?scope=service')).status).toBe(404);
		const noToken = await apiGet(fakeEvent({ db: t.db, path: `/api/v1/instruments/${versionId}/report`, params: { versionId } }) as never);
		expect(noToken.status).toBe(401);
		const audits = await t.db.selectFrom('audit_event').select('action').where('actor_user_id', '=', lead.id).execute();
		expect(audits.map((a) => a.action).sort()).toEqual(['api_read', 'api_token_created', 'export_downloaded', 'export_downloaded', 'export_downloaded', 'results_viewed']);
	});
});
