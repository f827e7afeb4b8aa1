import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { saveAssessment } from '../../src/lib/server/linkworker/assessments';
import type { FlagVisibility } from '../../src/lib/server/db/schema';
import { changeFlagState, countGapsAcrossPcn } from '../../src/lib/server/linkworker/flags';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getPcnGapMatrix } from '../../src/lib/server/linkworker/pcn-gaps';
import { type GapMatrix } from '../../src/lib/views/pcn-gaps';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load } from '../../src/routes/(app)/pcns/[pcnId]/+page.server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent } from '../helpers/events';

const ITEMS = DEFAULT_STAFF_INSTRUMENT.items;
const PERIOD = '?from=2026-01-01&to=2026-10-31';

/** Every staff answer is `point` in the scored direction, so every score is (point − 1) × 2.5. */
function staff(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(ITEMS.map((i) => [i.id, (i.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: null, agreement, general: {}, comment: null, code: null };
}

/** A link worker's form entries: `point` everywhere, or `coherence` on the coherence statements. */
function linkWorkerEntries(point: AgreementPoint, coherence: AgreementPoint = point): [string, string][] {
	return ITEMS.map((i) => {
		const p = i.construct === 'coherence' ? coherence : point;
		return [`item-${i.id}`, String(i.reversed ? 6 - p : p)];
	});
}

let t: TestDatabase;
let pcnId: number;
let p: Record<'a' | 'b' | 'c', number>;
let lead: SignedInUser;
let manager: SignedInUser;
let lw1: SignedInUser;
let lw2: SignedInUser;
let rounds: Record<'a' | 'b' | 'c', number>;

beforeEach(async () => {
	t = await createTestDatabase();
	// The fixture's own round is a draft in December, outside the period, so it never counts.
	const f = await createPracticeWithRound(t.db, { status: 'draft', title: 'Next', opensOn: '2026-12-01', closesOn: '2026-12-31' });
	pcnId = f.pcn.id;
	p = {
		a: f.practice.id,
		b: (await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId })).id,
		c: (await createPractice(t.db, { odsCode: 'C10001', name: 'Castle Practice', pcnId })).id
	};
	const ids = await itemIdsOf(t.db, f.versionId);
	// Five staff each: A answers 4 (7.5), B answers 3 (5.0), C answers 2 (2.5) on every construct.
	const closed = async (practiceId: number, point: AgreementPoint) => {
		const round = await createRound(t.db, {
			practiceId,
			instrumentVersionId: f.versionId,
			title: 'Autumn round',
			opensOn: '2026-10-01',
			closesOn: '2026-10-31',
			staffHeadcount: 10,
			status: 'closed'
		});
		for (let i = 0; i < 5; i++) await storeResponse(t.db, round.id, ids, staff(point), '2026-10-15');
		return round.id;
	};
	rounds = { a: await closed(p.a, 4), b: await closed(p.b, 3), c: await closed(p.c, 2) };
	lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcnId] });
	manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [p.a] });
	// One link worker serves A and B, the other B and C.
	lw1 = await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.a, p.b] });
	lw2 = await createSignedInUser(t.db, 'link_worker', { practiceIds: [p.b, p.c] });
});

afterEach(async () => {
	await t.close();
});

async function mark(who: SignedInUser, practiceId: number, itemId: string, status: string, visibility: FlagVisibility = 'practice_and_pcn') {
	expect(await saveChecklist(t.db, who, practiceId, [{ itemId, status }], { [itemId]: visibility })).toMatchObject({ ok: true });
	const row = await t.db
		.selectFrom('flag')
		.select('id')
		.where('raised_by', '=', who.id)
		.where('practice_id', '=', practiceId)
		.where('item_id', '=', itemId)
		.orderBy('id', 'desc')
		.executeTakeFirstOrThrow();
	return row.id;
}

async function move(flagId: number, ...states: string[]) {
	for (const state of states) {
		const reason = state === 'wont_fix' ? 'The building has no room to spare' : null;
		expect(await changeFlagState(t.db, lead, flagId, state, reason)).toMatchObject({ ok: true });
	}
}

/** The PCN lead's page, with every flag to open and the link workers' own views. */
async function openPage(user: SignedInUser) {
	const data = (await load(fakeEvent({ db: t.db, user, path: `/pcns/${pcnId}${PERIOD}`, params: { pcnId: String(pcnId) } }) as never)) as Awaited<
		ReturnType<typeof load>
	> &
		object;
	if (data.access !== 'lead') throw new Error('expected the PCN lead’s page');
	return data;
}

describe('the gap matrix on the PCN page', () => {
	let flags: Record<'roomA' | 'roomB1' | 'roomB2' | 'roomC' | 'inductionC' | 'meetingsA' | 'meetingsB', number>;

	beforeEach(async () => {
		flags = {
			// No private room: A (PCN lead only), B from both link workers, C fixed since.
			roomA: await mark(lw1, p.a, 'private-room', 'missing', 'pcn_only'),
			roomB1: await mark(lw1, p.b, 'private-room', 'partly'),
			roomB2: await mark(lw2, p.b, 'private-room', 'missing'),
			roomC: await mark(lw2, p.c, 'private-room', 'missing'),
			// No induction: only at C, and resolved by the PCN lead step by step.
			inductionC: await mark(lw2, p.c, 'induction', 'missing'),
			// Not invited to meetings: A closed as won't fix, B still open.
			meetingsA: await mark(lw1, p.a, 'team-meetings', 'missing'),
			meetingsB: await mark(lw1, p.b, 'team-meetings', 'partly')
		};
		await move(flags.roomB1, 'acknowledged');
		// The link worker marks the room in place at C: that resolves the flag.
		await mark(lw2, p.c, 'private-room', 'in_place');
		await move(flags.inductionC, 'acknowledged', 'in_progress', 'resolved');
		await move(flags.meetingsA, 'wont_fix');
	});

	const rowOf = (matrix: GapMatrix, itemId: string) =>
		matrix.aspects.flatMap((a) => a.items).find((i) => i.item.id === itemId)!;

	it('counts practices with the gap still there, never resolved or won’t-fix flags', async () => {
		const data = await openPage(lead);
		const matrix = data.gapMatrix;
		expect(matrix.practices.map((x) => x.name)).toEqual(['Brook Surgery', 'Castle Practice', 'Test Surgery']);
		// Only flagged items, grouped by aspect in checklist order.
		expect(matrix.aspects.map((a) => [a.aspect, a.items.map((i) => i.item.id)])).toEqual([
			['interpersonal', ['team-meetings']],
			['structural', ['private-room']],
			['management', ['induction']]
		]);

		const room = rowOf(matrix, 'private-room');
		// A (PCN lead only, open) and B (acknowledged and open): 2 of 3. C was resolved: apart.
		expect(room.practicesWithGap).toBe(2);
		expect(room.practicesClosed).toBe(1);
		expect(room.flagsByState).toEqual([
			{ state: 'open', count: 2 },
			{ state: 'acknowledged', count: 1 }
		]);
		// Columns follow the practices: Brook, Castle, Test.
		expect(room.cells.map((c) => c.unresolved.map((x) => [x.id, x.state]))).toEqual([
			[
				[flags.roomB2, 'open'],
				[flags.roomB1, 'acknowledged']
			],
			[],
			[[flags.roomA, 'open']]
		]);
		expect(room.cells.map((c) => c.closed && [c.closed.id, c.closed.state])).toEqual([null, [flags.roomC, 'resolved'], null]);

		const induction = rowOf(matrix, 'induction');
		expect(induction.practicesWithGap).toBe(0);
		expect(induction.practicesClosed).toBe(1);
		expect(induction.flagsByState).toEqual([]);

		const meetings = rowOf(matrix, 'team-meetings');
		expect(meetings.practicesWithGap).toBe(1);
		expect(meetings.practicesClosed).toBe(1);
		expect(meetings.cells.map((c) => c.closed?.state ?? c.unresolved.map((x) => x.state).join())).toEqual(['open', '', 'wont_fix']);

		// The same counts as the PCN-wide count flags.ts gives PCN leads.
		const counts = await countGapsAcrossPcn(t.db, pcnId);
		expect(counts.practiceCount).toBe(3);
		const counted = Object.fromEntries(counts.items.filter((i) => i.practicesWithGap > 0).map((i) => [i.item.id, i.practicesWithGap]));
		expect(counted).toEqual({ 'private-room': 2, 'team-meetings': 1 });
	});

	it('builds the matrix from the flags the viewer may see', async () => {
		// Not shown to practice managers, but the rule lives in flags.ts: a manager's view of the
		// same PCN leaves out the PCN-lead-only flag and every practice but their own.
		const asManager = await getPcnGapMatrix(t.db, manager, pcnId, [
			{ id: p.a, name: 'Test Surgery' },
			{ id: p.b, name: 'Brook Surgery' }
		]);
		const room = asManager.aspects.flatMap((a) => a.items).find((i) => i.item.id === 'private-room');
		expect(room).toBeUndefined();
		expect(asManager.aspects.flatMap((a) => a.items.map((i) => [i.item.id, i.practicesWithGap, i.practicesClosed]))).toEqual([
			['team-meetings', 0, 1]
		]);
	});
});

describe('the perception gap on the PCN page', () => {
	it('lists each link worker’s gap per construct on the practice’s chosen round', async () => {
		// A: staff 7.5, lw1 answers 2 everywhere (2.5): −5.0 on every construct.
		expect(await saveAssessment(t.db, lw1, rounds.a, linkWorkerEntries(2))).toMatchObject({ ok: true });
		// B: staff 5.0; lw1 answers 3 (5.0): no gap; lw2 answers 5 on coherence (10) and 3 elsewhere.
		expect(await saveAssessment(t.db, lw1, rounds.b, linkWorkerEntries(3))).toMatchObject({ ok: true });
		expect(await saveAssessment(t.db, lw2, rounds.b, linkWorkerEntries(3, 5))).toMatchObject({ ok: true });
		// C: no link worker view.

		const data = await openPage(lead);
		const rows = data.perceptionGaps;
		expect(rows.map((r) => [r.name, r.state])).toEqual([
			['Brook Surgery', 'compared'],
			['Castle Practice', 'no_assessment'],
			['Test Surgery', 'compared']
		]);
		const [b, , a] = rows;
		if (a?.state !== 'compared' || b?.state !== 'compared') throw new Error('expected comparisons');

		expect(a.round.id).toBe(rounds.a);
		expect(a.linkWorkers).toHaveLength(1);
		const aGaps = a.linkWorkers[0]!.constructs;
		for (const c of ['coherence', 'cognitive_participation', 'collective_action', 'reflexive_monitoring'] as const) {
			expect(aGaps[c]).toEqual({ staff: 7.5, linkWorker: 2.5, gap: -5, large: true });
		}
		// Four equal gaps: the first construct is the largest, and its sentence is given.
		expect(a.linkWorkers[0]!.biggest).toMatchObject({ construct: 'coherence', gap: -5, large: true });
		expect(a.linkWorkers[0]!.biggest!.text).toMatch(/^Staff rate coherence 7\.5, the link worker 2\.5:/);

		const byUser = new Map(b.linkWorkers.map((x) => [x.userId, x]));
		expect(byUser.get(lw1.id)!.constructs.coherence.gap).toBe(0);
		expect(byUser.get(lw1.id)!.biggest).toMatchObject({ gap: 0, large: false });
		const second = byUser.get(lw2.id)!;
		expect(second.constructs.coherence).toEqual({ staff: 5, linkWorker: 10, gap: 5, large: true });
		expect(second.constructs.collective_action.gap).toBe(0);
		expect(second.biggest).toMatchObject({ construct: 'coherence', gap: 5, large: true });
	});

	it('shows no gap for a practice whose staff round is withheld', async () => {
		// A fourth practice with only three staff answers: below the minimum of five.
		const d = (await createPractice(t.db, { odsCode: 'D10001', name: 'Dale Practice', pcnId })).id;
		const versionId = (await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', rounds.a).executeTakeFirstOrThrow())
			.instrument_version_id;
		const round = await createRound(t.db, {
			practiceId: d,
			instrumentVersionId: versionId,
			title: 'Small round',
			opensOn: '2026-10-01',
			closesOn: '2026-10-31',
			staffHeadcount: 10,
			status: 'closed'
		});
		const ids = await itemIdsOf(t.db, versionId);
		for (let i = 0; i < 3; i++) await storeResponse(t.db, round.id, ids, staff(4), '2026-10-15');
		const worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [d] });
		expect(await saveAssessment(t.db, worker, round.id, linkWorkerEntries(1))).toMatchObject({ ok: true });

		const data = await openPage(lead);
		const row = data.perceptionGaps.find((r) => r.practiceId === d)!;
		expect(row.state).toBe('withheld');
		expect(row).not.toHaveProperty('linkWorkers');
	});
});
