/**
 * The view functions behind each page load (STYLE.md 19: guard → one view call → return): the
 * rules that used to sit in the routes, each with a hand-worked expectation, and the read audited
 * once per view, inside it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { viewAccount } from '../../src/lib/server/accounts/account-page';
import { createApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { viewHome } from '../../src/lib/server/home/home-page';
import { viewPracticeActions } from '../../src/lib/server/linkworker/actions-page';
import { viewPracticeFlags } from '../../src/lib/server/linkworker/flags-page';
import { viewIcbDashboard } from '../../src/lib/server/results/icb-dashboard';
import { viewInstrumentReport } from '../../src/lib/server/results/instrument-report';
import { viewPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { viewPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { viewRound } from '../../src/lib/server/results/round-page';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const config = {
	minResponses: 5,
	minBenchmarkPractices: 10,
	retention: { commentsMonths: 12, answersMonths: 24, auditMonths: 36 }
};
const TODAY = '2026-07-01';
// The fixture's closed rounds ran 5–30 January 2026.
const PERIOD = { from: '2025-12-01', to: '2026-06-30' };

/** Every scored answer is `point`, so every score is (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

describe('page views', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	async function answer(roundId: number, people: number, point: AgreementPoint) {
		const ids = await itemIdsOf(t.db, (await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', roundId).executeTakeFirstOrThrow()).instrument_version_id);
		for (let i = 0; i < people; i++) await storeResponse(t.db, roundId, ids, respondent(point), '2026-01-20');
	}
	const reads = () => t.db.selectFrom('audit_event').select(['actor_user_id', 'summary', 'practice_id', 'pcn_id']).where('action', '=', 'results_viewed').orderBy('id').execute();
	const user = (who: 'pcnLead' | 'manager' | 'linkWorker' | 'icbLead' | 'admin'): SignedInUser => f.users[who];

	describe('the round page', () => {
		it('offers raw answers to those who run rounds, never to a link worker, and audits each view once', async () => {
			await answer(f.rounds.a1.id, 5, 4);
			const kinds = async (who: 'pcnLead' | 'manager' | 'linkWorker') =>
				(await viewRound(t.db, user(who), f.rounds.a1.id, config, TODAY))!.downloads.map((d) => d.kind);
			expect(await kinds('manager')).toEqual(['scores', 'items', 'answers']);
			expect(await kinds('pcnLead')).toEqual(['scores', 'items', 'answers']);
			expect(await kinds('linkWorker')).toEqual(['scores', 'items']);
			const view = (await viewRound(t.db, user('manager'), f.rounds.a1.id, config, TODAY))!;
			expect(view.downloads.at(-1)).toEqual({ kind: 'answers', name: expect.any(String), href: `/rounds/${f.rounds.a1.id}/export/answers.csv`, xlsxHref: `/rounds/${f.rounds.a1.id}/export/answers.xlsx` });
			// Four views, four entries, each naming the round and its practice.
			const audit = await reads();
			expect(audit).toHaveLength(4);
			expect(audit.map((a) => a.actor_user_id)).toEqual([f.users.manager.id, f.users.pcnLead.id, f.users.linkWorker.id, f.users.manager.id]);
			expect(audit.every((a) => a.practice_id === f.practices.a1.id)).toBe(true);
			expect(audit[0]!.summary).toBe(`Viewed results of round ${f.rounds.a1.id} “A1 winter” at Practice A1`);
		});

		it('offers no raw answers for a withheld round or one retention has reduced, and no download before a round closes', async () => {
			await answer(f.rounds.a1.id, 4, 4);
			expect((await viewRound(t.db, user('manager'), f.rounds.a1.id, config, TODAY))!.downloads.map((d) => d.kind)).toEqual(['scores', 'items']);
			await answer(f.rounds.a1.id, 1, 4);
			await t.db.updateTable('round').set({ answers_reduced_on: '2026-06-01' }).where('id', '=', f.rounds.a1.id).execute();
			const reduced = (await viewRound(t.db, user('manager'), f.rounds.a1.id, config, TODAY))!;
			expect(reduced.downloads.map((d) => d.kind)).toEqual(['scores', 'items']);
			expect(reduced.retention).toMatchObject({ answersReducedOn: '1 June 2026', commentsDeletedOn: null, answersMonths: 24 });
			expect((await viewRound(t.db, user('manager'), f.rounds.a1Open.id, config, TODAY))!.downloads).toEqual([]);
			expect((await viewRound(t.db, user('manager'), f.rounds.a1Draft.id, config, TODAY))!.downloads).toEqual([]);
		});

		it('puts the delete question only to those who may delete, and only for a draft', async () => {
			const ask = async (who: 'manager' | 'linkWorker', roundId: number) => (await viewRound(t.db, user(who), roundId, config, TODAY, true))!.confirmDelete;
			expect(await ask('manager', f.rounds.a1Draft.id)).toBe(true);
			expect(await ask('linkWorker', f.rounds.a1Draft.id)).toBe(false);
			expect(await ask('manager', f.rounds.a1Open.id)).toBe(false);
			expect((await viewRound(t.db, user('manager'), f.rounds.a1Draft.id, config, TODAY))!.confirmDelete).toBe(false);
			// A link worker gives their own view of a round that is not a draft.
			expect((await viewRound(t.db, user('linkWorker'), f.rounds.a1Open.id, config, TODAY))!.canAssess).toBe(true);
			expect((await viewRound(t.db, user('linkWorker'), f.rounds.a1Draft.id, config, TODAY))!.canAssess).toBe(false);
			expect((await viewRound(t.db, user('manager'), f.rounds.a1Open.id, config, TODAY))!.canAssess).toBe(false);
		});

		it('gives nothing and audits nothing for a round that does not exist', async () => {
			expect(await viewRound(t.db, user('manager'), 999_999, config, TODAY)).toBeUndefined();
			expect(await reads()).toEqual([]);
		});
	});

	describe('the PCN dashboard', () => {
		it('orders the heatmap as asked, counts the rows without figures and places the shown practices, auditing once', async () => {
			// A1: five people at 4 (7.5 everywhere). A2: five at 2 (2.5 everywhere).
			await answer(f.rounds.a1.id, 5, 4);
			await answer(f.rounds.a2.id, 5, 2);
			const page = async (sort?: 'name' | 'overall') => (await viewPcnDashboard(t.db, user('pcnLead'), f.pcns.a.id, config, { period: PERIOD, sort }, TODAY))!;
			const byName = await page();
			expect(byName.sort).toBe('name');
			expect(byName.practices.map((p) => p.name)).toEqual(['Practice A1', 'Practice A2']);
			const lowestFirst = await page('overall');
			expect(lowestFirst.sort).toBe('overall');
			expect(lowestFirst.practices.map((p) => p.name)).toEqual(['Practice A2', 'Practice A1']);
			expect(lowestFirst.heatmapGaps).toEqual({ withheld: 0, noRound: 0 });
			// The continuum follows the heatmap's order.
			expect(lowestFirst.continuum.map((p) => [p.name, p.mean, p.n, p.band])).toEqual([
				['Practice A2', 2.5, 5, 'bolted_on'],
				['Practice A1', 7.5, 5, 'belonging']
			]);
			// The glance reads practices in name order whatever the heatmap's.
			expect(lowestFirst.glance.needingSupport.map((p) => p.name)).toEqual(byName.glance.needingSupport.map((p) => p.name));
			const audit = await reads();
			expect(audit).toHaveLength(2);
			expect(audit[0]).toEqual({
				actor_user_id: f.users.pcnLead.id,
				summary: 'Viewed the PCN dashboard of PCN A (U10001), 2025-12-01 to 2026-06-30',
				practice_id: null,
				pcn_id: f.pcns.a.id
			});
		});

		it('puts a withheld practice last when sorted by a score, leaves it off the continuum and names the printable summary in the audit', async () => {
			await answer(f.rounds.a1.id, 5, 4);
			await answer(f.rounds.a2.id, 4, 1);
			const page = (await viewPcnDashboard(t.db, user('icbLead'), f.pcns.a.id, config, { period: PERIOD, sort: 'overall' }, TODAY, 'printable PCN summary'))!;
			expect(page.access).toBe('reader');
			expect(page.practices.map((p) => [p.name, p.state])).toEqual([
				['Practice A1', 'shown'],
				['Practice A2', 'withheld']
			]);
			expect(page.heatmapGaps).toEqual({ withheld: 1, noRound: 0 });
			expect(page.continuum.map((p) => p.name)).toEqual(['Practice A1']);
			// A period with no round closing in it: both rows have no round.
			const empty = (await viewPcnDashboard(t.db, user('icbLead'), f.pcns.a.id, config, { period: { from: '2026-03-01', to: '2026-06-30' } }, TODAY))!;
			expect(empty.heatmapGaps).toEqual({ withheld: 0, noRound: 2 });
			expect(empty.continuum).toEqual([]);
			expect((await reads()).map((a) => a.summary)).toEqual([
				'Viewed the printable PCN summary of PCN A (U10001), 2025-12-01 to 2026-06-30',
				'Viewed the PCN dashboard of PCN A (U10001), 2026-03-01 to 2026-06-30'
			]);
		});

		it('gives nothing and audits nothing for a PCN that does not exist', async () => {
			expect(await viewPcnDashboard(t.db, user('pcnLead'), 999_999, config, { period: PERIOD }, TODAY)).toBeUndefined();
			expect(await reads()).toEqual([]);
		});
	});

	describe('the practice dashboard', () => {
		it('gives the survey calendar to those who run rounds only, and audits each view once by the page read', async () => {
			await answer(f.rounds.a1.id, 5, 4);
			const manager = (await viewPracticeDashboard(t.db, user('manager'), f.practices.a1.id, config, TODAY))!;
			expect(manager.canManageRounds).toBe(true);
			expect(manager.isLinkWorker).toBe(false);
			expect(manager.calendar).toEqual({ on: false, drafts: expect.any(Array), upcoming: [], next: null });
			// One shown round and fewer than ten practices: the benchmarks are read, and every group withheld.
			expect(manager.benchmarks).not.toBeNull();
			const worker = (await viewPracticeDashboard(t.db, user('linkWorker'), f.practices.a1.id, config, TODAY, 'printable summary'))!;
			expect(worker.canManageRounds).toBe(false);
			expect(worker.isLinkWorker).toBe(true);
			expect(worker.calendar).toBeNull();
			expect(worker.nextPlanned).toBeNull();
			expect(await reads()).toEqual([
				{ actor_user_id: f.users.manager.id, summary: 'Viewed the dashboard of Practice A1 (A10001)', practice_id: f.practices.a1.id, pcn_id: null },
				{ actor_user_id: f.users.linkWorker.id, summary: 'Viewed the printable summary of Practice A1 (A10001)', practice_id: f.practices.a1.id, pcn_id: null }
			]);
		});

		it('has no benchmarks before a round has closed, and audits nothing for a practice that does not exist', async () => {
			const a2Round = f.rounds.a2.id;
			await t.db.deleteFrom('round').where('id', '=', a2Round).execute();
			const page = (await viewPracticeDashboard(t.db, user('pcnLead'), f.practices.a2.id, config, TODAY))!;
			expect(page.latest).toBeNull();
			expect(page.benchmarks).toBeNull();
			expect(await viewPracticeDashboard(t.db, user('pcnLead'), 999_999, config, TODAY)).toBeUndefined();
			expect(await reads()).toHaveLength(1);
		});
	});

	describe('the flags page', () => {
		it('gives the counts across the PCN to its lead only, since they include flags for the PCN lead alone', async () => {
			const lead = (await viewPracticeFlags(t.db, user('pcnLead'), f.practices.a1.id, TODAY))!;
			// A1 has the two open flags; A2 none: each of those gaps in 1 of the PCN's 2 practices, every other gap in none.
			expect(lead.acrossPcn).toMatchObject({ pcnName: 'PCN A', practiceCount: 2 });
			const counted = Object.entries(lead.acrossPcn!.byItem).filter(([, n]) => n > 0);
			expect(Object.fromEntries(counted)).toEqual({ 'private-room': 1, 'contract-career': 1 });
			expect(Object.keys(lead.acrossPcn!.byItem)).toHaveLength(21);
			expect(lead.flags.map((flag) => flag.id).sort()).toEqual([f.flags.a1Shared.id, f.flags.a1PcnOnly.id].sort());
			expect(lead.canRecordActions).toBe(true);
			// The PCN lead's action on the PCN-lead-only flag, under that flag.
			expect(lead.actionsByFlag[f.flags.a1PcnOnly.id]!.map((a) => a.id)).toEqual([f.actions.a1OnPcnOnly.id]);

			const manager = (await viewPracticeFlags(t.db, user('manager'), f.practices.a1.id, TODAY))!;
			expect(manager.acrossPcn).toBeNull();
			expect(manager.flags.map((flag) => flag.id)).toEqual([f.flags.a1Shared.id]);
			expect(manager.actionsByFlag).toEqual({});
			expect(manager.canRecordActions).toBe(true);
			expect(manager.isLinkWorker).toBe(false);

			const worker = (await viewPracticeFlags(t.db, user('linkWorker'), f.practices.a1.id, TODAY))!;
			expect(worker.acrossPcn).toBeNull();
			expect(worker.isLinkWorker).toBe(true);
			expect(worker.canRecordActions).toBe(false);
			expect(await viewPracticeFlags(t.db, user('pcnLead'), 999_999, TODAY)).toBeUndefined();
		});
	});

	describe('the actions page', () => {
		it('offers the flags the viewer may see to those who record actions, and the delete question only for an action they may change', async () => {
			const lead = (await viewPracticeActions(t.db, user('pcnLead'), f.practices.a1.id, TODAY, String(f.actions.a1OnPcnOnly.id)))!;
			expect(lead.canRecord).toBe(true);
			expect(lead.flagOptions.map((o) => o.value).sort()).toEqual([`flag:${f.flags.a1Shared.id}`, `flag:${f.flags.a1PcnOnly.id}`].sort());
			expect(lead.flagOptions.find((o) => o.value === `flag:${f.flags.a1PcnOnly.id}`)!.label).toMatch(/, PCN lead only\)$/);
			expect(lead.confirmDelete).toEqual({ id: f.actions.a1OnPcnOnly.id, what: 'Ask the employer about longer contracts', owner: 'PCN lead', dueOn: '2026-03-01' });
			expect(lead.constructOptions.map((o) => o.value)).toEqual([
				'construct:coherence',
				'construct:cognitive_participation',
				'construct:collective_action',
				'construct:reflexive_monitoring'
			]);

			// The manager cannot see the action on the PCN-lead-only flag, so is not asked about it.
			const manager = (await viewPracticeActions(t.db, user('manager'), f.practices.a1.id, TODAY, String(f.actions.a1OnPcnOnly.id)))!;
			expect(manager.actions).toEqual([]);
			expect(manager.confirmDelete).toBeNull();
			expect(manager.flagOptions.map((o) => o.value)).toEqual([`flag:${f.flags.a1Shared.id}`]);

			const worker = (await viewPracticeActions(t.db, user('linkWorker'), f.practices.a1.id, TODAY))!;
			expect(worker.canRecord).toBe(false);
			expect(worker.flagOptions).toEqual([]);

			// A done action is not deleted: the question is not put.
			await t.db.updateTable('practice_action').set({ state: 'done', done_on: '2026-02-01' }).where('id', '=', f.actions.a1OnPcnOnly.id).execute();
			expect((await viewPracticeActions(t.db, user('pcnLead'), f.practices.a1.id, TODAY, String(f.actions.a1OnPcnOnly.id)))!.confirmDelete).toBeNull();
			expect(await viewPracticeActions(t.db, user('pcnLead'), 999_999, TODAY)).toBeUndefined();
		});
	});

	describe('the account page', () => {
		it('lists API tokens for the roles that may hold them, and asks only about a token of the viewer’s own', async () => {
			const created = await createApiToken(t.db, user('manager'), 'Spreadsheet');
			if (!created.ok) throw new Error('token refused');
			const [token] = await t.db.selectFrom('api_token').select('id').where('user_id', '=', f.users.manager.id).execute();
			const mine = await viewAccount(t.db, user('manager'), {}, { confirm: 'revokeToken', token: String(token!.id) });
			expect(mine.tokens!.map((t) => t.name)).toEqual(['Spreadsheet']);
			expect(mine.confirm).toEqual({ kind: 'revokeToken', token: mine.tokens![0] });
			expect(mine.me).toEqual({ displayName: f.users.manager.displayName, email: 'manager.a1@matrix.example', role: 'practice_manager', roleName: expect.any(String) });
			expect(mine.signIn).toEqual({ password: true, ssoRequired: false, ssoLinked: false, ssoName: null });
			expect(mine.twoStep).toEqual({ state: 'off' });

			// Someone else's token is not theirs to be asked about; an unknown question asks nothing.
			expect((await viewAccount(t.db, user('pcnLead'), {}, { confirm: 'revokeToken', token: String(token!.id) })).confirm).toBeNull();
			expect((await viewAccount(t.db, user('pcnLead'), {}, { confirm: 'constructor', token: null })).confirm).toBeNull();
			expect((await viewAccount(t.db, user('pcnLead'), {}, { confirm: 'signOutEverywhere', token: null })).confirm).toEqual({ kind: 'signOutEverywhere' });
			// Administrators read no results, so they hold no tokens.
			expect((await viewAccount(t.db, user('admin'), { sso: undefined })).tokens).toBeNull();
		});
	});

	describe('the ICB dashboard and the instrument report', () => {
		it('audit each view once, inside the view, and nothing for what does not exist', async () => {
			expect(await viewIcbDashboard(t.db, user('icbLead'), 999_999, config, PERIOD, TODAY)).toBeUndefined();
			const icb = (await viewIcbDashboard(t.db, user('icbLead'), f.icb.id, config, PERIOD, TODAY))!;
			expect(icb.icb.name).toBe('Test ICB');
			const versionId = (await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', f.rounds.a1.id).executeTakeFirstOrThrow()).instrument_version_id;
			const scope = { kind: 'pcn' as const, id: f.pcns.a.id };
			expect(await viewInstrumentReport(t.db, user('pcnLead'), 999_999, scope, config, TODAY)).toBeUndefined();
			const report = (await viewInstrumentReport(t.db, user('pcnLead'), versionId, scope, config, TODAY))!;
			expect(report.report.scope.name).toBe('PCN A');
			expect(report.scopes.length).toBeGreaterThan(0);
			const audit = await reads();
			expect(audit).toHaveLength(2);
			expect(audit[0]).toEqual({ actor_user_id: f.users.icbLead.id, summary: 'Viewed the ICB dashboard of Test ICB (QAA), 2025-12-01 to 2026-06-30', practice_id: null, pcn_id: null });
			expect(audit[1]).toMatchObject({ actor_user_id: f.users.pcnLead.id, pcn_id: f.pcns.a.id });
			expect(audit[1]!.summary).toMatch(/^Viewed the instrument report of .+ for PCN A$/);
		});
	});

	describe('the home page', () => {
		it('gives an ICB lead their ICBs, and the others their to-do list and practices, with the PCN pages for PCN leads only', async () => {
			const now = new Date('2026-07-01T09:00:00Z');
			const icbLead = await viewHome(t.db, user('icbLead'), config, TODAY, now, 1);
			expect(icbLead.home).toBe('icbs');
			const lead = await viewHome(t.db, user('pcnLead'), config, TODAY, now, 1);
			const manager = await viewHome(t.db, user('manager'), config, TODAY, now, 1);
			const worker = await viewHome(t.db, user('linkWorker'), config, TODAY, now, 1);
			expect([lead, manager, worker].map((home) => home.home === 'practices' && home.canSeePcns)).toEqual([true, false, false]);
			// The link worker serves A1 in PCN A and B1 in PCN B; the manager A1 alone.
			expect(worker.home === 'practices' && worker.overview.pcns.map((pcn) => pcn.name)).toEqual(['PCN A', 'PCN B']);
			expect(manager.home === 'practices' && manager.overview.pcns.map((pcn) => pcn.name)).toEqual(['PCN A']);
		});
	});
});
