import { isHttpError } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { instrumentLabelOf } from '../../src/lib/npt/instrument-comparability';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { load } from '../../src/routes/(app)/practices/[practiceId]/+page.server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const config = { minResponses: 5 };
const TODAY = '2026-11-28';

/** Every scored answer is `point` (reverse-worded statements given as 6 − point), so every score is (point − 1) × 2.5. */
function respondent(point: AgreementPoint, roleGroup: string, comment: string | null = null): SurveySubmission {
	const agreement = Object.fromEntries(
		DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint])
	);
	return { roleGroup, agreement, general: { G1: 7 }, comment, code: null };
}

type Fixture = Awaited<ReturnType<typeof createPracticeWithRound>>;

async function closedRound(
	t: TestDatabase,
	f: Fixture,
	title: string,
	closesOn: string,
	answers: SurveySubmission[],
	closedOn: string = closesOn
) {
	const round = await createRound(t.db, {
		practiceId: f.practice.id,
		instrumentVersionId: f.versionId,
		title,
		opensOn: `${closesOn.slice(0, 7)}-01`,
		closesOn,
		staffHeadcount: 30,
		status: 'closed'
	});
	await t.db.updateTable('round').set({ closed_on: closedOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(t.db, f.versionId);
	for (const a of answers) await storeResponse(t.db, round.id, ids, a, closesOn);
	return round;
}

/** Every object in the data that names this round, wherever it sits. */
function mentionsOf(value: unknown, roundId: number, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
	if (Array.isArray(value)) for (const v of value) mentionsOf(v, roundId, found);
	else if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if (record.roundId === roundId || record.id === roundId) found.push(record);
		for (const v of Object.values(record)) mentionsOf(v, roundId, found);
	}
	return found;
}

describe('the practice dashboard', () => {
	let t: TestDatabase;
	let f: Fixture;
	let spring25: { id: number };
	let autumn25: { id: number };
	let spring26: { id: number };

	beforeEach(async () => {
		t = await createTestDatabase();
		// The fixture's own round stays a draft: the current round of the dashboard.
		f = await createPracticeWithRound(t.db, { title: 'Autumn 2026', opensOn: '2026-12-01', closesOn: '2026-12-31', status: 'draft' });
		// Created out of order, to show the dashboard orders by close date, not by id.
		// Spring 2026: clinical 4 4 4 5 5, management and admin 4 4 5 5 5, wellbeing team 5.
		spring26 = await closedRound(t, f, 'Spring 2026', '2026-04-30', [
			...([4, 4, 4, 5, 5] as const).map((p) => respondent(p, 'clinical', `spring 26 comment ${p}`)),
			...([4, 4, 5, 5, 5] as const).map((p) => respondent(p, 'management_admin')),
			respondent(5, 'wellbeing_team')
		]);
		// Spring 2025: scores 5, 5, 5, 7.5, 7.5.
		spring25 = await closedRound(t, f, 'Spring 2025', '2025-04-30', ([3, 3, 3, 4, 4] as const).map((p) => respondent(p, 'clinical')));
		// Autumn 2025: three people all answering 2 (score 2.5); its closing date was later, but it closed early.
		autumn25 = await closedRound(
			t,
			f,
			'Autumn 2025',
			'2026-06-30',
			[1, 2, 3].map((i) => respondent(2, 'vcse_partner', `secret autumn comment ${i}`)),
			'2025-10-31'
		);
	});
	afterEach(() => t.close());

	it('orders closed rounds by the date they closed, and gives a withheld round no figure anywhere', async () => {
		const d = (await getPracticeDashboard(t.db, f.practice.id, config, TODAY))!;
		expect(d.trend.map((p) => p.title)).toEqual(['Spring 2025', 'Autumn 2025', 'Spring 2026']);
		expect(d.trend[1]).toEqual({
			roundId: autumn25.id,
			title: 'Autumn 2025',
			closedOn: '2025-10-31',
			instrument: instrumentLabelOf(DEFAULT_STAFF_INSTRUMENT),
			run: 0,
			shown: false,
			respondentsNeeded: 2
		});
		expect(d.instruments).toEqual([instrumentLabelOf(DEFAULT_STAFF_INSTRUMENT)]);
		expect(d.latest!.round.id).toBe(spring26.id);
		expect(d.previous!.round.id).toBe(spring25.id);
		// The round before the latest was withheld, so nothing can be compared.
		expect(d.change!.from.id).toBe(autumn25.id);
		expect(Object.values(d.change!.scores)).toEqual([null, null, null, null, null]);
		expect(d.change!.differentInstruments).toBe(false);
		expect(d.current).toEqual({
			id: f.round.id,
			title: 'Autumn 2026',
			opensOn: '2026-12-01',
			closesOn: '2026-12-31',
			availability: 'draft',
			progress: null
		});
	});

	it('puts no figure of a round below MIN_RESPONSES in the page data', async () => {
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		const data = (await load(fakeEvent({ db: t.db, user: manager, params: { practiceId: String(f.practice.id) } }) as never))!;
		const json = JSON.stringify(data);
		expect(json).not.toContain('secret autumn');
		const mentions = mentionsOf(JSON.parse(json), autumn25.id);
		// The trend point and the change's starting round.
		expect(mentions.length).toBe(2);
		for (const mention of mentions) {
			// Only the round's name and dates, and how many more answers it needed.
			for (const key of Object.keys(mention)) {
				expect(['roundId', 'id', 'title', 'opensOn', 'closesOn', 'closedOn', 'staffHeadcount', 'shown', 'respondentsNeeded', 'instrument', 'run']).toContain(key);
			}
		}
		// Its respondents scored 2.5 and numbered 3: neither appears as a figure anywhere.
		expect(json).not.toMatch(/"mean":2\.5[,}]/);
		expect(json).not.toMatch(/"(n|respondents)":3[,}]/);
		// Only the latest round's comments, all of them.
		expect(data.latest!.results.shown && [...data.latest!.results.comments].sort()).toEqual(
			['spring 26 comment 4', 'spring 26 comment 4', 'spring 26 comment 4', 'spring 26 comment 5', 'spring 26 comment 5']
		);
		expect(data.canManageRounds).toBe(true);
	});

	it('computes the change between consecutive shown rounds with each side’s standard error', async () => {
		// Autumn 2025 now closed first, so Spring 2025 and Spring 2026 are consecutive.
		await t.db.updateTable('round').set({ closed_on: '2024-10-31' }).where('id', '=', autumn25.id).execute();
		const d = (await getPracticeDashboard(t.db, f.practice.id, config, TODAY))!;
		expect(d.trend.map((p) => p.title)).toEqual(['Autumn 2025', 'Spring 2025', 'Spring 2026']);
		// Spring 2025: mean 6, sd² = (3 × 1 + 2 × 2.25) / 4 = 1.875, se² = 1.875 / 5 = 0.375.
		// Spring 2026: 7.5 ×5 and 10 ×6, mean 97.5 / 11 = 8.8636; squared deviations
		// 5 × 1.3636² + 6 × 1.1364² = 17.0455, sd² = 1.70455, se² = 0.154959.
		// Δ = 2.8636; threshold 1.96 × √(0.375 + 0.154959) = 1.96 × 0.727983 = 1.42685: notable.
		for (const key of ['overall', 'coherence', 'reflexive_monitoring'] as const) {
			const change = d.change!.scores[key]!;
			expect(change.previous).toBe(6);
			expect(change.latest).toBeCloseTo(8.863636, 5);
			expect(change.delta).toBeCloseTo(2.863636, 5);
			expect(change.threshold).toBeCloseTo(1.42685, 4);
			expect(change).toMatchObject({ notable: true, direction: 'rise' });
		}
		const spring25Point = d.trend[1]!;
		expect(spring25Point.shown && spring25Point.scores.overall).toMatchObject({ mean: 6, n: 5 });
	});

	it('shows a role group only when it and the rest of the respondents each reach the minimum', async () => {
		const d = (await getPracticeDashboard(t.db, f.practice.id, config, TODAY))!;
		if (!d.latest!.results.shown) throw new Error('expected shown results');
		const shown = Object.fromEntries(d.latest!.results.roleGroups.map((g) => [g.roleGroup, g.result.shown]));
		// Clinical 5 and management 5 each leave 6 others, but showing both would expose the one
		// wellbeing respondent by subtraction; the smaller name in a tie (clinical) is held back.
		expect(shown).toEqual({ clinical: false, management_admin: true, wellbeing_team: false, vcse_partner: false });
	});

	it('gives a practice whose only closed round is withheld no figure at all', async () => {
		const other = await createPractice(t.db, { odsCode: 'A10002', name: 'Quiet Surgery', pcnId: f.pcn.id });
		await closedRound(t, { ...f, practice: other }, 'Spring 2026', '2026-04-30', [respondent(4, 'clinical'), respondent(5, 'clinical')]);
		const d = (await getPracticeDashboard(t.db, other.id, config, TODAY))!;
		expect(d.latest!.results).toEqual({ shown: false, respondentsNeeded: 3 });
		expect(d.previous).toBeNull();
		expect(d.change).toBeNull();
		expect(JSON.stringify(d)).not.toMatch(/"(mean|interval|sd|counts|respondents|comments)"/);
	});

	it('lets a link worker of the practice read it, and records the view in the audit log', async () => {
		const worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
		const data = (await load(fakeEvent({ db: t.db, user: worker, params: { practiceId: String(f.practice.id) } }) as never))!;
		expect(data.practice).toEqual({ id: f.practice.id, name: 'Test Surgery', odsCode: 'A10001', pcnName: 'Test PCN' });
		expect(data.canManageRounds).toBe(false);
		// Spring 2026 constructs are all 8.86: nothing below 6.25 to work on.
		expect(data.toWorkOn).toEqual([]);
		const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'results_viewed').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actor_user_id: worker.id, practice_id: f.practice.id });
		expect(audit[0]!.summary).toContain('Test Surgery');
	});

	it('reads as not found outside the user’s scope, for an unknown practice and for a malformed id', async () => {
		const other = await createPractice(t.db, { odsCode: 'A10003', name: 'Elsewhere', pcnId: f.pcn.id });
		const stranger = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [other.id] });
		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		for (const [user, practiceId] of [
			[stranger, String(f.practice.id)],
			[lead, '9999'],
			[lead, 'abc'],
			[lead, '0']
		] as const) {
			const { thrown } = await outcomeOf(() => load(fakeEvent({ db: t.db, user, params: { practiceId } }) as never));
			expect(isHttpError(thrown) && thrown.status).toBe(404);
		}
		expect(await t.db.selectFrom('audit_event').select('id').where('action', '=', 'results_viewed').execute()).toEqual([]);
	});

	it('refuses administrators, whose role never reads results', async () => {
		const admin = await createSignedInUser(t.db, 'admin');
		const { thrown } = await outcomeOf(() => load(fakeEvent({ db: t.db, user: admin, params: { practiceId: String(f.practice.id) } }) as never));
		expect(isHttpError(thrown) && thrown.status).toBe(403);
	});
});

describe('a practice without any closed round', () => {
	let t: TestDatabase;
	afterEach(() => t.close());

	it('has nothing to show but its open round, without a count below the minimum', async () => {
		t = await createTestDatabase();
		const f = await createPracticeWithRound(t.db);
		const ids = await itemIdsOf(t.db, f.versionId);
		for (const p of [4, 5] as const) await storeResponse(t.db, f.round.id, ids, respondent(p, 'clinical'), '2026-11-05');
		const d = (await getPracticeDashboard(t.db, f.practice.id, config, '2026-11-10'))!;
		expect(d).toMatchObject({ latest: null, previous: null, change: null, trend: [] });
		expect(d.current).toMatchObject({ availability: 'open', progress: { respondentsNeeded: 3, sofar: { shown: false } } });
		expect(await getPracticeDashboard(t.db, 9999, config, '2026-11-10')).toBeUndefined();
	});
});
