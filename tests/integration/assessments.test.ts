import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import type { PerceptionGapView } from '../../src/lib/views/perception-gap';
import {
	getAssessment,
	getAssessmentsForRound,
	getPerceptionGap,
	saveAssessment
} from '../../src/lib/server/linkworker/assessments';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { countRows, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';
import { actions, load } from '../../src/routes/(app)/rounds/[roundId]/assessment/+page.server';
import { load as loadDashboard } from '../../src/routes/(app)/practices/[practiceId]/+page.server';

const config = { minResponses: 5 };
const TODAY = '2026-11-28';
const ITEMS = DEFAULT_STAFF_INSTRUMENT.items;

/** Every statement answered `point` in the scored direction, so every score is (point − 1) × 2.5. */
function directional(point: AgreementPoint, construct?: string): Record<string, string> {
	return Object.fromEntries(
		ITEMS.filter((i) => !construct || i.construct === construct).map((i) => [
			`item-${i.id}`,
			String(i.reversed ? 6 - point : point)
		])
	);
}

function staff(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(ITEMS.map((i) => [i.id, (i.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: null, agreement, general: {}, comment: null, code: null };
}

let t: TestDatabase;
let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
let closed: { id: number };
let linkWorker: SignedInUser;

beforeEach(async () => {
	t = await createTestDatabase();
	f = await createPracticeWithRound(t.db, { status: 'draft', title: 'Next round', opensOn: '2026-12-01', closesOn: '2026-12-31' });
	closed = await createRound(t.db, {
		practiceId: f.practice.id,
		instrumentVersionId: f.versionId,
		title: 'Autumn round',
		opensOn: '2026-10-01',
		closesOn: '2026-10-31',
		staffHeadcount: 10,
		status: 'closed'
	});
	const ids = await itemIdsOf(t.db, f.versionId);
	// Five staff: three answer 4 everywhere (7.5), two answer 5 (10): every construct 8.5.
	for (const p of [4, 4, 4, 5, 5] as const) await storeResponse(t.db, closed.id, ids, staff(p), '2026-10-15');
	linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
});

afterEach(async () => {
	await t.close();
});

describe('saveAssessment', () => {
	it('stores a link worker assessment with its answers and an audit entry', async () => {
		const outcome = await saveAssessment(t.db, linkWorker, closed.id, Object.entries(directional(2)));
		expect(outcome).toMatchObject({ ok: true, replaced: false });
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(1);
		expect(await countRows(t.db, 'link_worker_assessment_answer')).toBe(ITEMS.length);
		const saved = await getAssessment(t.db, closed.id, linkWorker.id);
		expect(saved?.agreement.CO1).toBe(2);
		// CO5 is reverse-worded: the scored answer 2 is stored as worded, 4.
		expect(saved?.agreement.CO5).toBe(4);
		expect(saved?.instrument.audience).toBe('link_worker');
		const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'assessment_saved').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]!.practice_id).toBe(f.practice.id);
	});

	it('replaces an earlier assessment of the same round rather than adding another', async () => {
		await saveAssessment(t.db, linkWorker, closed.id, Object.entries(directional(2)), new Date('2026-11-01T10:00:00Z'));
		const again = await saveAssessment(
			t.db,
			linkWorker,
			closed.id,
			[['item-CO1', '5'], ['item-CO2', 'not_relevant_role']],
			new Date('2026-11-02T10:00:00Z')
		);
		expect(again).toMatchObject({ ok: true, replaced: true });
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(1);
		const saved = (await getAssessmentsForRound(t.db, closed.id))[0]!;
		expect(saved.agreement).toEqual({ CO1: 5, CO2: 'not_relevant_role' });
		expect(saved.submittedAt).toBe('2026-11-01T10:00:00.000Z');
		expect(saved.updatedAt).toBe('2026-11-02T10:00:00.000Z');
		expect(await getAssessmentsForRound(t.db, closed.id)).toHaveLength(1);
	});

	it('refuses an unknown item with 400 and stores nothing', async () => {
		const outcome = await saveAssessment(t.db, linkWorker, closed.id, [...Object.entries(directional(3)), ['item-ZZ9', '3']]);
		expect(outcome).toMatchObject({ ok: false, status: 400 });
		// General ratings and comments are not part of the link worker's form either.
		expect(await saveAssessment(t.db, linkWorker, closed.id, [['item-CO1', '3'], ['general-G1', '5']])).toMatchObject({
			ok: false,
			status: 400
		});
		expect(await saveAssessment(t.db, linkWorker, closed.id, [])).toMatchObject({ ok: false, status: 400 });
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(0);
		expect(await countRows(t.db, 'link_worker_assessment_answer')).toBe(0);
	});

	it('refuses other roles (403), practices not assigned (404) and draft rounds (409)', async () => {
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		expect(await saveAssessment(t.db, manager, closed.id, [['item-CO1', '3']])).toMatchObject({ ok: false, status: 403 });
		const other = await createPractice(t.db, { odsCode: 'B20002', name: 'Other Surgery', pcnId: f.pcn.id });
		const elsewhere = await createSignedInUser(t.db, 'link_worker', { practiceIds: [other.id] });
		expect(await saveAssessment(t.db, elsewhere, closed.id, [['item-CO1', '3']])).toMatchObject({ ok: false, status: 404 });
		expect(await saveAssessment(t.db, linkWorker, 999999, [['item-CO1', '3']])).toMatchObject({ ok: false, status: 404 });
		expect(await saveAssessment(t.db, linkWorker, f.round.id, [['item-CO1', '3']])).toMatchObject({ ok: false, status: 409 });
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(0);
	});
});

describe('perception gap', () => {
	it('never changes the staff figures on the practice dashboard', async () => {
		const before = await getPracticeDashboard(t.db, f.practice.id, config, TODAY, () => 0.5);
		await saveAssessment(t.db, linkWorker, closed.id, Object.entries(directional(1)));
		const after = await getPracticeDashboard(t.db, f.practice.id, config, TODAY, () => 0.5);
		expect(after).toEqual(before);
		expect(before?.latest?.results.shown && before.latest.results.respondents).toBe(5);
	});

	it('subtracts the staff score from the link worker score, end to end', async () => {
		// Link worker: coherence all 1 (0), cognitive participation all 4 (7.5), collective action
		// all 5 (10), reflexive monitoring all "not relevant" (no score).
		const form = {
			...directional(1, 'coherence'),
			...directional(4, 'cognitive_participation'),
			...directional(5, 'collective_action'),
			...Object.fromEntries(
				ITEMS.filter((i) => i.construct === 'reflexive_monitoring').map((i) => [`item-${i.id}`, 'not_relevant_role'])
			)
		};
		expect((await saveAssessment(t.db, linkWorker, closed.id, Object.entries(form))).ok).toBe(true);
		const dashboard = await getPracticeDashboard(t.db, f.practice.id, config, TODAY, () => 0.5);
		const view = (await getPerceptionGap(t.db, dashboard!.latest))!;
		expect(view.round.id).toBe(closed.id);
		expect(view.staffShown).toBe(true);
		expect(view.assessments).toHaveLength(1);
		const { gap } = view.assessments[0]!;
		// Staff every construct (3 × 7.5 + 2 × 10) / 5 = 8.5.
		expect(gap.constructs.coherence).toMatchObject({ staff: 8.5, linkWorker: 0, large: true });
		expect(gap.constructs.coherence.gap).toBeCloseTo(-8.5, 10);
		expect(gap.constructs.cognitive_participation.gap).toBeCloseTo(-1, 10);
		expect(gap.constructs.cognitive_participation.large).toBe(false);
		expect(gap.constructs.collective_action.gap).toBeCloseTo(1.5, 10);
		expect(gap.constructs.reflexive_monitoring).toEqual({ staff: 8.5, linkWorker: null, gap: null, large: false });
		// Items: staff mean per item is also 8.5; reflexive monitoring items have no link worker score.
		const co1 = gap.items.find((i) => i.itemId === 'CO1')!;
		expect(co1.gap).toBeCloseTo(-8.5, 10);
		expect(gap.items.some((i) => i.construct === 'reflexive_monitoring')).toBe(false);
		expect(gap.items).toHaveLength(ITEMS.filter((i) => i.construct !== 'reflexive_monitoring').length);
		expect(gap.sentences.map((s) => s.construct)).toEqual(['coherence']);
		expect(gap.sentences[0]!.text).toBe(
			'Staff rate coherence 8.5, the link worker 0.0: staff may think the role is understood better than it is.'
		);
	});

	it('carries no staff mean for a statement fewer than the minimum scored, not even in the page data (issue 24)', async () => {
		// Five staff; one says every reflexive-monitoring statement is not relevant to their role, so
		// four scored each (7.5, 7.5, 7.5, 10: a mean of 8.125 from four people). The construct is
		// withheld, and so are each statement's shares and staff means; the other statements rest on five.
		const round = await createRound(t.db, {
			practiceId: f.practice.id,
			instrumentVersionId: f.versionId,
			title: 'November round',
			opensOn: '2026-11-01',
			closesOn: '2026-11-20',
			staffHeadcount: 10,
			status: 'closed'
		});
		const ids = await itemIdsOf(t.db, f.versionId);
		const monitoring = ITEMS.filter((i) => i.construct === 'reflexive_monitoring').map((i) => i.id);
		for (const p of [4, 4, 4, 5] as const) await storeResponse(t.db, round.id, ids, staff(p), '2026-11-10');
		const notRelevant = staff(5);
		for (const id of monitoring) notRelevant.agreement = { ...notRelevant.agreement, [id]: 'not_relevant_role' };
		await storeResponse(t.db, round.id, ids, notRelevant, '2026-11-10');
		await saveAssessment(t.db, linkWorker, round.id, Object.entries(directional(1)));

		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		const data = (await loadDashboard(
			fakeEvent({ db: t.db, user: manager, path: `/practices/${f.practice.id}`, params: { practiceId: String(f.practice.id) } }) as never
		)) as unknown as { perceptionGap: PerceptionGapView; latest: { results: { shown: true; items: { itemId: string; result: unknown }[] } } };
		const view = data.perceptionGap;
		expect(view.round.id).toBe(round.id);
		for (const id of monitoring) expect(view.staff.items[id]).toBeNull();
		expect(view.staff.items.CO1).toBe(8.5);
		const { gap } = view.assessments[0]!;
		expect(gap.items.filter((i) => i.construct === 'reflexive_monitoring')).toEqual([]);
		expect(gap.items.find((i) => i.itemId === 'CO1')!.gap).toBeCloseTo(-8.5, 10);
		expect(data.latest.results.items.find((i) => i.itemId === monitoring[0])!.result).toEqual({
			shown: false,
			notRelevant: { not_relevant_role: 1, not_relevant_stage: 0, not_relevant_practice: 0 },
			notRelevantTotal: 1
		});
		expect(JSON.stringify(data)).not.toContain('8.125');
	});

	it('gives no gap while the staff round is below the minimum', async () => {
		const small = await createRound(t.db, {
			practiceId: f.practice.id,
			instrumentVersionId: f.versionId,
			title: 'Small round',
			opensOn: '2026-11-01',
			closesOn: '2026-11-20',
			staffHeadcount: 10,
			status: 'closed'
		});
		const ids = await itemIdsOf(t.db, f.versionId);
		for (const p of [4, 4] as const) await storeResponse(t.db, small.id, ids, staff(p), '2026-11-10');
		await saveAssessment(t.db, linkWorker, small.id, Object.entries(directional(1)));
		const dashboard = await getPracticeDashboard(t.db, f.practice.id, config, TODAY, () => 0.5);
		const view = (await getPerceptionGap(t.db, dashboard!.latest))!;
		expect(view.round.id).toBe(small.id);
		expect(view.staffShown).toBe(false);
		expect(Object.values(view.staff.constructs)).toEqual([null, null, null, null]);
		expect(view.staff.items).toEqual({});
		expect(view.assessments[0]!.gap.biggest).toBeNull();
		expect(Object.values(view.assessments[0]!.gap.constructs).map((c) => c.gap)).toEqual([null, null, null, null]);
	});
});

describe('the assessment page', () => {
	const path = (id: number) => `/rounds/${id}/assessment`;
	const post = (user: SignedInUser, id: number, form: Record<string, string>) =>
		outcomeOf(() => actions.default(fakeEvent({ db: t.db, user, path: path(id), params: { roundId: String(id) }, form }) as never));

	it('saves the link worker’s view and sends them back to the round with a confirmation', async () => {
		const { thrown } = await post(linkWorker, closed.id, directional(3));
		expect(isRedirect(thrown) && thrown.status === 303 && thrown.location).toBe(`/rounds/${closed.id}?assessed`);
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(1);
		// Reopening the page shows the saved answers.
		const data = (await load(fakeEvent({ db: t.db, user: linkWorker, path: path(closed.id), params: { roundId: String(closed.id) } }) as never)) as {
			answers: Record<string, string>;
			updatedAt: string | null;
		};
		expect(data.answers['item-CO1']).toBe('3');
		expect(data.updatedAt).not.toBeNull();
	});

	it('answers an unknown item with 400, echoing the answers and storing nothing', async () => {
		const { result } = await post(linkWorker, closed.id, { 'item-CO1': '4', 'item-NOPE': '2' });
		expect(result).toMatchObject({ status: 400, data: { values: { 'item-CO1': '4' } } });
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(0);
	});

	it('refuses a manager (403) and a link worker of another practice (404), on the page and the form', async () => {
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		const other = await createPractice(t.db, { odsCode: 'B20002', name: 'Other Surgery', pcnId: f.pcn.id });
		const elsewhere = await createSignedInUser(t.db, 'link_worker', { practiceIds: [other.id] });
		for (const [user, status] of [[manager, 403], [elsewhere, 404]] as const) {
			const posted = await post(user, closed.id, directional(3));
			expect(isHttpError(posted.thrown) && posted.thrown.status).toBe(status);
			const viewed = await outcomeOf(() =>
				load(fakeEvent({ db: t.db, user, path: path(closed.id), params: { roundId: String(closed.id) } }) as never)
			);
			expect(isHttpError(viewed.thrown) && viewed.thrown.status).toBe(status);
		}
		expect(await countRows(t.db, 'link_worker_assessment')).toBe(0);
	});

	it('puts the gap on the practice dashboard: every view for the manager, only their own for a link worker', async () => {
		const colleague = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
		await saveAssessment(t.db, linkWorker, closed.id, Object.entries(directional(1)));
		await saveAssessment(t.db, colleague, closed.id, Object.entries(directional(5)));
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		type Gap = { perceptionGap: { assessments: { userId: number; gap: { constructs: { coherence: { gap: number } } } }[] } };
		const dashboardFor = async (user: SignedInUser) =>
			(await loadDashboard(
				fakeEvent({ db: t.db, user, path: `/practices/${f.practice.id}`, params: { practiceId: String(f.practice.id) } }) as never
			)) as unknown as Gap;
		const forManager = await dashboardFor(manager);
		expect(forManager.perceptionGap.assessments.map((a) => a.userId).sort()).toEqual([linkWorker.id, colleague.id].sort());
		const forLinkWorker = await dashboardFor(linkWorker);
		expect(forLinkWorker.perceptionGap.assessments.map((a) => a.userId)).toEqual([linkWorker.id]);
		// 0 − 8.5 for the link worker who answered 1 throughout.
		expect(forLinkWorker.perceptionGap.assessments[0]!.gap.constructs.coherence.gap).toBeCloseTo(-8.5, 10);
	});
});
