import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/lib/dates';
import { ukDate } from '../../src/lib/dates';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import {
	flatScoreRow,
	flatStatementRow,
	practiceActionsResponse,
	practiceFlagsResponse,
	practiceScoresResponse,
	practiceStatementsResponse
} from '../../src/lib/server/api/flat-schemas';
import { createApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { recordAction } from '../../src/lib/server/linkworker/action-changes';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import type { FlagVisibility } from '../../src/lib/server/db/schema';
import { buildRoundExport } from '../../src/lib/server/results/round-exports';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { load as actionsPage } from '../../src/routes/(app)/practices/[practiceId]/actions/+page.server';
import { load as flagsPage } from '../../src/routes/(app)/practices/[practiceId]/flags/+page.server';
import { GET as icbScores } from '../../src/routes/api/v1/icbs/[icbId]/scores/+server';
import { GET as pcnScores } from '../../src/routes/api/v1/pcns/[pcnId]/scores/+server';
import { GET as pcnStatements } from '../../src/routes/api/v1/pcns/[pcnId]/statements/+server';
import { GET as practiceActions } from '../../src/routes/api/v1/practices/[practiceId]/actions/+server';
import { GET as practiceFlags } from '../../src/routes/api/v1/practices/[practiceId]/flags/+server';
import { GET as practiceScores } from '../../src/routes/api/v1/practices/[practiceId]/scores/+server';
import { GET as practiceStatements } from '../../src/routes/api/v1/practices/[practiceId]/statements/+server';
import { addRound, closeAsOf, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { parseCsv } from '../helpers/csv';
import { createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';

const RM = DEFAULT_STAFF_INSTRUMENT.items.filter((i) => i.construct === 'reflexive_monitoring').map((i) => i.id);
const PLAIN = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.construct === 'coherence' && !i.reversed)!;
const REVERSED = DEFAULT_STAFF_INSTRUMENT.items.find((i) => i.reversed)!;

/** Every statement answered so that each scored answer is `point`; `skipRm` leaves out every reflexive monitoring statement. */
function respondent(point: AgreementPoint, skipRm = false): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		if (skipRm && RM.includes(item.id)) continue;
		agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	}
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

type Route = (event: never) => Promise<Response> | Response;

describe('the API’s flat tables', () => {
	let t: TestDatabase;
	let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let decemberId: number;
	let sibling: { id: number };
	let other: { id: number };
	let otherPcnId: number;
	let manager: SignedInUser;
	let lead: SignedInUser;
	let icbLead: SignedInUser;
	let linkWorker: SignedInUser;
	let colleague: SignedInUser;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db, { title: 'November round' });
		sibling = await createPractice(t.db, { odsCode: 'A10002', name: 'Another Surgery', pcnId: f.pcn.id });
		const otherPcn = await createPcn(t.db, { odsCode: 'U20001', name: 'Other PCN', icbId: f.icb.id });
		otherPcnId = otherPcn.id;
		other = await createPractice(t.db, { odsCode: 'B20001', name: 'Elsewhere Surgery', pcnId: otherPcn.id });

		// November, headcount 20: three people at 7.5 and three at 10 on everything, but two of the
		// 10s leave out every reflexive monitoring statement, so only four have that score (< 5).
		for (const [point, skipRm] of [[4, false], [4, false], [4, false], [5, false], [5, true], [5, true]] as const) {
			expect(await submitResponse(t.db, f.round.id, respondent(point, skipRm), '2026-11-10')).toMatchObject({ ok: true });
		}
		await closeAsOf(t.db, f.round.id, '2026-11-30');
		// December, headcount 20: two people, below MIN_RESPONSES (5), so the round shows nothing.
		const december = await addRound(t.db, f, { title: 'December round', opensOn: '2026-12-01', closesOn: '2026-12-10', staffHeadcount: 20, status: 'open' });
		decemberId = december.id;
		for (const point of [1, 5] as const) expect(await submitResponse(t.db, december.id, respondent(point), '2026-12-05')).toMatchObject({ ok: true });
		await closeAsOf(t.db, december.id, '2026-12-10');

		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
		colleague = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
	});
	afterEach(() => t.close());

	async function get(route: Route, user: SignedInUser, params: Record<string, string>) {
		const created = await createApiToken(t.db, user, 'Power BI');
		if (!created.ok) throw new Error(created.problems[0]!.message);
		const response = await route(fakeEvent({ db: t.db, path: '/api/v1/x', params, headers: { authorization: `Bearer ${created.token.token}` } }) as never);
		return { status: response.status, body: JSON.parse(await response.text()) };
	}

	const practice = () => ({ practiceId: String(f.practice.id) });
	const round = {
		practiceName: 'Test Surgery',
		odsCode: 'A10001',
		instrumentId: DEFAULT_STAFF_INSTRUMENT.id,
		instrumentTitle: DEFAULT_STAFF_INSTRUMENT.title,
		instrumentVersion: DEFAULT_STAFF_INSTRUMENT.version
	};

	describe('scores', () => {
		it('gives one row per closed round × score, hand-computed, with a withheld score and a withheld round', async () => {
			const { status, body } = await get(practiceScores, manager, practice());
			expect(status).toBe(200);
			expect(practiceScoresResponse.safeParse(body).success).toBe(true);
			const november = {
				...round,
				practiceId: f.practice.id,
				roundId: f.round.id,
				roundTitle: 'November round',
				opensOn: '2026-11-01',
				closesOn: '2026-11-30',
				headcount: 20,
				responses: 6,
				responseRate: 0.3,
				respondentsNeeded: null
			};
			// Six scores of 7.5, 7.5, 7.5, 10, 10, 10: mean 8.75, sd √(6 × 1.25² / 5) = 1.3693,
			// 95% CI 8.75 ± t(0.975, 5) 2.5706 × 1.3693 / √6 = 8.75 ± 1.4370 → 7.31 to 10.19, cut at
			// the top of the 0–10 scale to 10.
			const shown = { mean: 8.75, ciLow: 7.31, ciHigh: 10, n: 6, band: 'belonging', standing: 'meets', placement: null, withheld: null };
			// Belonging by the overall score, but reflexive monitoring is withheld so cannot confirm it:
			// Fitting in; the interval crosses 7.5, so borderline with Belonging.
			const overall = { ...shown, band: 'fitting_in', standing: null, placement: 'Fitting in — borderline with Belonging' };
			const none = { mean: null, ciLow: null, ciHigh: null, n: null, band: null, standing: null, placement: null };
			const december = {
				...round,
				practiceId: f.practice.id,
				roundId: decemberId,
				roundTitle: 'December round',
				opensOn: '2026-12-01',
				closesOn: '2026-12-10',
				headcount: 20,
				responses: null,
				responseRate: null,
				respondentsNeeded: 3
			};
			expect(body).toEqual([
				{ ...november, score: 'overall', label: 'Overall score', ...overall },
				{ ...november, score: 'coherence', label: 'Coherence', ...shown },
				{ ...november, score: 'cognitive_participation', label: 'Cognitive participation', ...shown },
				{ ...november, score: 'collective_action', label: 'Collective action', ...shown },
				{ ...november, score: 'reflexive_monitoring', label: 'Reflexive monitoring', ...none, withheld: 'score_below_minimum' },
				...['overall', 'coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'].map((score) => ({
					...december,
					score,
					label: expect.any(String),
					...none,
					withheld: 'round_below_minimum'
				}))
			]);
			// Every row is flat: no value is an object or an array.
			for (const row of body) for (const value of Object.values(row)) expect(value === null || typeof value !== 'object').toBe(true);
			const audit = await listAuditEvents(t.db, { action: 'api_read' });
			expect(audit.map((e) => e.summary)).toEqual(['Read the score table of Test Surgery through the API (token “Power BI”)']);
		});

		it('answers 404 out of scope, 403 for a role that reads no practice, and 404 for no such practice', async () => {
			expect((await get(practiceScores, manager, { practiceId: String(other.id) })).status).toBe(404);
			expect((await get(practiceScores, manager, { practiceId: '999999' })).status).toBe(404);
			expect((await get(practiceScores, manager, { practiceId: '0x1' })).status).toBe(404);
			expect((await get(practiceScores, icbLead, practice())).status).toBe(403);
		});

		it('covers every practice now in the PCN for its lead and the ICB lead over it, and the ICB for its lead', async () => {
			const forLead = await get(pcnScores, lead, { pcnId: String(f.pcn.id) });
			expect(forLead.status).toBe(200);
			// Ten rows: the sibling practice has no closed round, so no rows.
			expect(forLead.body.map((r: { roundId: number }) => r.roundId)).toEqual([...Array(5).fill(f.round.id), ...Array(5).fill(decemberId)]);
			const forIcbLead = await get(pcnScores, icbLead, { pcnId: String(f.pcn.id) });
			expect(forIcbLead.body).toEqual(forLead.body);
			expect((await get(pcnScores, lead, { pcnId: String(otherPcnId) })).status).toBe(404);
			expect((await get(pcnScores, manager, { pcnId: String(f.pcn.id) })).status).toBe(403);

			const icb = await get(icbScores, icbLead, { icbId: String(f.icb.id) });
			expect(icb.status).toBe(200);
			expect(icb.body).toEqual(forLead.body);
			expect((await get(icbScores, lead, { icbId: String(f.icb.id) })).status).toBe(403);
			expect((await get(icbScores, icbLead, { icbId: '999999' })).status).toBe(404);
			expect(sibling.id).toBeGreaterThan(0);
		});
	});

	describe('statements', () => {
		it('gives one row per closed round × statement, hand-computed, withholding a statement scored by four', async () => {
			const { status, body } = await get(practiceStatements, linkWorker, practice());
			expect(status).toBe(200);
			expect(practiceStatementsResponse.safeParse(body).success).toBe(true);
			const items = DEFAULT_STAFF_INSTRUMENT.items.length;
			expect(body).toHaveLength(2 * items);
			const november = body.filter((r: { roundId: number }) => r.roundId === f.round.id);
			const plain = november.find((r: { itemId: string }) => r.itemId === PLAIN.id);
			// Three "agree" and three "strongly agree": 50% each; 6 of 6 agree, Wilson 95% interval 61.0% to 100%.
			expect(plain).toMatchObject({
				construct: 'coherence',
				statement: PLAIN.text,
				reversed: false,
				responses: 6,
				answered: 6,
				scored: 6,
				nStronglyDisagree: 0,
				nDisagree: 0,
				nNeither: 0,
				nAgree: 3,
				nStronglyAgree: 3,
				pctStronglyDisagree: 0,
				pctAgree: 50,
				pctStronglyAgree: 50,
				nNotRelevantRole: 0,
				pctAgreeOrStronglyAgree: 100,
				pctAgreeCiLow: 61,
				pctAgreeCiHigh: 100,
				withheld: null
			});
			// Worded the other way round: as worded, three disagree and three strongly disagree; none agree (Wilson 0% to 39.0%).
			expect(november.find((r: { itemId: string }) => r.itemId === REVERSED.id)).toMatchObject({
				reversed: true,
				nDisagree: 3,
				nStronglyDisagree: 3,
				pctAgreeOrStronglyAgree: 0,
				pctAgreeCiLow: 0,
				pctAgreeCiHigh: 39,
				withheld: null
			});
			// Scored by four people (two left it out): no shares, only the "not relevant" counts.
			expect(november.find((r: { itemId: string }) => r.itemId === RM[0])).toMatchObject({
				answered: null,
				scored: null,
				nAgree: null,
				pctAgree: null,
				pctAgreeOrStronglyAgree: null,
				nNotRelevantRole: 0,
				nNotRelevantStage: 0,
				withheld: 'statement_below_minimum'
			});
			for (const row of body.filter((r: { roundId: number }) => r.roundId === decemberId)) {
				expect(row).toMatchObject({ responses: null, respondentsNeeded: 3, scored: null, pctAgree: null, nNotRelevantRole: null, withheld: 'round_below_minimum' });
			}
		});

		it('agrees with the round’s items CSV, figure by figure', async () => {
			const { body } = await get(practiceStatements, manager, practice());
			const built = await buildRoundExport(t.db, f.round.id, 'items', { minResponses: 5 }, ukDate());
			if (!built.ok) throw new Error('expected the items CSV');
			const [header, ...csvRows] = parseCsv(built.export.csv.slice(1));
			const column = (row: string[], name: string) => {
				const cell = row[header!.indexOf(name)]!;
				return cell === '' ? null : Number(cell);
			};
			const november = body.filter((r: { roundId: number }) => r.roundId === f.round.id);
			expect(november.map((r: { itemId: string }) => r.itemId)).toEqual(csvRows.map((row) => row[header!.indexOf('item')]));
			november.forEach((row: Record<string, number | null>, i: number) => {
				const csv = csvRows[i]!;
				expect([row.scored, row.nAgree, row.pctAgree, row.pctAgreeOrStronglyAgree, row.pctAgreeCiLow, row.pctAgreeCiHigh, row.nNotRelevantStage]).toEqual([
					column(csv, 'scored'),
					column(csv, 'n_agree'),
					column(csv, 'pct_agree'),
					column(csv, 'pct_agree_or_strongly_agree'),
					column(csv, 'pct_agree_ci95_lower'),
					column(csv, 'pct_agree_ci95_upper'),
					column(csv, 'n_not_relevant_stage')
				]);
			});
		});

		it('gives a PCN’s statements to its lead only: an ICB lead reads no practice’s statements', async () => {
			const forLead = await get(pcnStatements, lead, { pcnId: String(f.pcn.id) });
			expect(forLead.status).toBe(200);
			expect(forLead.body).toEqual((await get(practiceStatements, lead, practice())).body);
			expect((await get(pcnStatements, icbLead, { pcnId: String(f.pcn.id) })).status).toBe(403);
			expect((await get(pcnStatements, lead, { pcnId: String(otherPcnId) })).status).toBe(404);
		});
	});

	describe('flags and actions', () => {
		async function flag(itemId: string, visibility: FlagVisibility): Promise<number> {
			expect(await saveChecklist(t.db, linkWorker, f.practice.id, [{ itemId, status: 'missing', note: `note on ${itemId}` }], { [itemId]: visibility })).toMatchObject({ ok: true });
			const row = await t.db.selectFrom('flag').select('id').where('item_id', '=', itemId).executeTakeFirstOrThrow();
			return row.id;
		}

		async function pageIds(load: (event: never) => unknown, user: SignedInUser, key: 'flags' | 'actions') {
			const outcome = await outcomeOf(async () => (await load(fakeEvent({ db: t.db, user, path: `/practices/${f.practice.id}/${key}`, params: practice() }) as never)) as Record<string, { id: number }[]>);
			if (outcome.thrown !== undefined) return statusOf(outcome);
			return outcome.result![key]!.map((x) => x.id).sort();
		}

		it('lists exactly the flags and actions each person’s pages list', async () => {
			const shared = await flag('induction', 'practice_and_pcn');
			const pcnOnly = await flag('contract-career', 'pcn_only');
			const due = addDays(ukDate(), 30);
			const onShared = await recordAction(t.db, lead, f.practice.id, { what: 'Write an induction plan', owner: 'Practice manager', dueOn: due, linkedTo: `flag:${shared}` });
			const onPcnOnly = await recordAction(t.db, lead, f.practice.id, { what: 'Talk to the employer', owner: 'PCN lead', dueOn: due, linkedTo: `flag:${pcnOnly}` });
			const onConstruct = await recordAction(t.db, manager, f.practice.id, { what: 'Brief the team', owner: 'GP partner', dueOn: due, linkedTo: 'construct:coherence' });
			expect([onShared.ok, onPcnOnly.ok, onConstruct.ok]).toEqual([true, true, true]);
			const [a1, a2, a3] = [onShared, onPcnOnly, onConstruct].map((o) => (o as { value: number }).value);

			const expected: [SignedInUser, number[], number[]][] = [
				[manager, [shared], [a1!, a3!]],
				[lead, [shared, pcnOnly], [a1!, a2!, a3!]],
				[linkWorker, [shared, pcnOnly], [a1!, a2!, a3!]],
				// Another link worker of the practice sees no one else's flag, nor actions on them.
				[colleague, [], [a3!]]
			];
			for (const [user, flags, actions] of expected) {
				const apiFlags = await get(practiceFlags, user, practice());
				expect(practiceFlagsResponse.safeParse(apiFlags.body).success).toBe(true);
				const flagIds = apiFlags.body.map((r: { flagId: number }) => r.flagId).sort();
				expect(flagIds).toEqual([...flags].sort());
				expect(flagIds).toEqual(await pageIds(flagsPage, user, 'flags'));
				const apiActions = await get(practiceActions, user, practice());
				expect(practiceActionsResponse.safeParse(apiActions.body).success).toBe(true);
				const actionIds = apiActions.body.map((r: { actionId: number }) => r.actionId).sort();
				expect(actionIds).toEqual([...actions].sort());
				expect(actionIds).toEqual(await pageIds(actionsPage, user, 'actions'));
			}

			const forManager = (await get(practiceFlags, manager, practice())).body;
			expect(forManager).toEqual([
				{
					flagId: shared,
					practiceId: f.practice.id,
					practiceName: 'Test Surgery',
					odsCode: 'A10001',
					itemId: 'induction',
					gap: expect.any(String),
					aspect: 'management',
					construct: 'coherence',
					checklistVersion: expect.any(String),
					visibility: 'practice_and_pcn',
					state: 'open',
					stateLabel: expect.any(String),
					raisedBy: linkWorker.displayName,
					note: 'note on induction',
					createdAt: expect.any(String),
					updatedAt: expect.any(String)
				}
			]);
			const managerActions = (await get(practiceActions, manager, practice())).body;
			expect(managerActions.find((r: { actionId: number }) => r.actionId === a1)).toMatchObject({
				what: 'Write an induction plan',
				state: 'planned',
				overdue: false,
				dueOn: due,
				flagId: shared,
				flagState: 'open'
			});
			expect(managerActions.find((r: { actionId: number }) => r.actionId === a3)).toMatchObject({ construct: 'coherence', flagId: null, flagGap: null });

			// ICB leads read no practice's flags page, and no practice's flags through the API.
			expect((await get(practiceFlags, icbLead, practice())).status).toBe(403);
			expect(await pageIds(flagsPage, icbLead, 'flags')).toBe(403);
			expect((await get(practiceActions, manager, { practiceId: String(other.id) })).status).toBe(404);
		});
	});

	it('exports one schema per row kind for the OpenAPI document', () => {
		expect(Object.keys(flatScoreRow.shape)).toContain('withheld');
		expect(Object.keys(flatStatementRow.shape)).toContain('pctAgreeOrStronglyAgree');
	});
});
