import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { changeFlagState } from '../../src/lib/server/linkworker/flags';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load } from '../../src/routes/(app)/practices/[practiceId]/+page.server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent } from '../helpers/events';

/** Every scored answer is `point` (reverse-worded statements as 6 − point), so every construct scores (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

describe('what to work on, from weak constructs and the flags the viewer may see', () => {
	let t: TestDatabase;
	let practiceId: number;
	let manager: SignedInUser;
	let lead: SignedInUser;
	let linkWorker: SignedInUser;

	beforeEach(async () => {
		t = await createTestDatabase();
		const f = await createPracticeWithRound(t.db, { title: 'Autumn 2026', opensOn: '2026-09-01', closesOn: '2026-09-30', status: 'closed' });
		await t.db.updateTable('round').set({ closed_on: '2026-09-30' }).where('id', '=', f.round.id).execute();
		const ids = await itemIdsOf(t.db, f.versionId);
		// Every answer 3: all four constructs score 5.0, below the 6.25 Belonging needs.
		for (let i = 0; i < 5; i++) await storeResponse(t.db, f.round.id, ids, respondent(3), '2026-09-10');
		practiceId = f.practice.id;
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practiceId] });
		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [practiceId] });
		const saved = await saveChecklist(
			t.db,
			linkWorker,
			practiceId,
			[
				{ itemId: 'contract-career', status: 'missing', note: 'My contract ends in March.' },
				{ itemId: 'private-room', status: 'partly', note: null },
				{ itemId: 'induction', status: 'missing', note: null }
			],
			{ 'contract-career': 'pcn_only', 'private-room': 'practice_and_pcn', induction: 'practice_and_pcn' }
		);
		expect(saved).toMatchObject({ ok: true, value: { raised: 3 } });
		// A resolved gap is no longer something to work on.
		const induction = await t.db.selectFrom('flag').select('id').where('item_id', '=', 'induction').executeTakeFirstOrThrow();
		expect(await changeFlagState(t.db, linkWorker, induction.id, 'resolved')).toMatchObject({ ok: true });
	});
	afterEach(() => t.close());

	const dataFor = async (user: SignedInUser) =>
		(await load(fakeEvent({ db: t.db, user, params: { practiceId: String(practiceId) } }) as never))!;
	const outline = (data: Awaited<ReturnType<typeof dataFor>>) =>
		data.toWorkOn.map((e) => [e.construct, e.score, e.gaps.map((g) => [g.itemId, g.pcnOnly]), e.actions.map((a) => a.id)]);

	it('gives a practice manager nothing derived from a PCN-lead-only flag', async () => {
		const data = await dataFor(manager);
		expect(outline(data)).toEqual([
			['collective_action', 5, [['private-room', false]], ['protected-vcse-time', 'longer-appointments']],
			['coherence', 5, [], ['induction', 'team-briefing', 'patient-information']],
			['cognitive_participation', 5, [], ['team-meetings', 'champion', 'one-line-manager']],
			['reflexive_monitoring', 5, [], ['feedback-loop', 'meaningful-measures', 'supervision']]
		]);
		// Not the item, its wording, the note, its steps or its id, anywhere in the page data.
		const flag = await t.db.selectFrom('flag').select('id').where('item_id', '=', 'contract-career').executeTakeFirstOrThrow();
		const json = JSON.stringify(data);
		for (const leak of ['contract-career', 'career path', 'My contract ends', 'career-senior', 'career-contract', `#flag-${flag.id}`, '"pcnOnly":true']) {
			expect(json).not.toContain(leak);
		}
		expect(data.toWorkOn.flatMap((e) => e.gaps.flatMap((g) => g.flagIds))).not.toContain(flag.id);
	});

	it('gives the PCN lead the same list with the PCN-lead-only gap in it, marked as such', async () => {
		const data = await dataFor(lead);
		expect(outline(data)).toEqual([
			['cognitive_participation', 5, [['contract-career', true]], ['team-meetings', 'champion', 'one-line-manager']],
			['collective_action', 5, [['private-room', false]], ['protected-vcse-time', 'longer-appointments']],
			['coherence', 5, [], ['induction', 'team-briefing', 'patient-information']],
			['reflexive_monitoring', 5, [], ['feedback-loop', 'meaningful-measures', 'supervision']]
		]);
		const career = data.toWorkOn[0]!.gaps[0]!;
		expect(career.raisedBy).toEqual([linkWorker.displayName]);
		expect(career.actions.map((a) => a.id)).toEqual(['career-senior', 'career-contract']);
	});

	it('shows the link worker their own flags, the PCN-lead-only one included', async () => {
		const data = await dataFor(linkWorker);
		expect(data.toWorkOn.flatMap((e) => e.gaps.map((g) => g.itemId))).toEqual(['contract-career', 'private-room']);
	});
});
