import { isHttpError } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { instrumentLabelOf } from '../../src/lib/npt/instrument-comparability';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { verdictOf } from '../../src/lib/npt/change';
import { defaultPeriod, getPcnDashboard, readPeriodQuery, viewPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { getPracticeDashboard } from '../../src/lib/server/results/practice-dashboard';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { load as loadHome } from '../../src/routes/(app)/+page.server';
import { load } from '../../src/routes/(app)/pcns/[pcnId]/+page.server';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const config = { minResponses: 5, minBenchmarkPractices: 10 };
const TODAY = '2026-11-28';
const PERIOD = { from: '2026-01-01', to: '2026-10-31' };

/** Every scored answer is `point`, so every score is (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(
		DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint])
	);
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

type Fixture = Awaited<ReturnType<typeof createPracticeWithRound>>;

async function closedRound(
	t: TestDatabase,
	f: Fixture,
	practiceId: number,
	title: string,
	closesOn: string,
	people: number,
	point: AgreementPoint,
	closedOn: string = closesOn
) {
	const round = await createRound(t.db, {
		practiceId,
		instrumentVersionId: f.versionId,
		title,
		opensOn: `${closedOn.slice(0, 7)}-01`,
		closesOn,
		staffHeadcount: 20,
		status: 'closed'
	});
	await t.db.updateTable('round').set({ closed_on: closedOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(t.db, f.versionId);
	for (let i = 0; i < people; i++) await storeResponse(t.db, round.id, ids, respondent(point), closedOn);
	return round;
}

describe('the PCN dashboard', () => {
	let t: TestDatabase;
	let f: Fixture;
	let ids: Record<'a' | 'b' | 'c' | 'd' | 'aBefore' | 'aChosen' | 'aAfter' | 'bEarlier' | 'bChosen' | 'cWithheld', number>;

	beforeEach(async () => {
		t = await createTestDatabase();
		// "Test Surgery" (A) keeps the fixture's open round as its current one.
		f = await createPracticeWithRound(t.db, { title: 'Winter 2026', opensOn: '2026-11-01', closesOn: '2026-11-30', status: 'open' });
		const b = await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		const c = await createPractice(t.db, { odsCode: 'C10001', name: 'Castle Practice', pcnId: f.pcn.id });
		const d = await createPractice(t.db, { odsCode: 'D10001', name: 'Dale Practice', pcnId: f.pcn.id });
		const a = f.practice.id;
		const item = await itemIdsOf(t.db, f.versionId);
		for (const p of [4, 5] as const) await storeResponse(t.db, f.round.id, item, respondent(p), '2026-11-05');
		ids = {
			a,
			b: b.id,
			c: c.id,
			d: d.id,
			// A: before the period (5 × 3 = 5.0), inside it (5 × 4 = 7.5), after it (5 × 1 = 0).
			aBefore: (await closedRound(t, f, a, 'A autumn 2025', '2025-10-31', 5, 3)).id,
			aChosen: (await closedRound(t, f, a, 'A spring 2026', '2026-04-30', 5, 4)).id,
			aAfter: (await closedRound(t, f, a, 'A early winter 2026', '2026-11-15', 5, 1)).id,
			// B: an earlier round in the period (5 × 3) and one that closed early in the period
			// though its closing date was after it (10 × 2 = 2.5): the early closure counts.
			bEarlier: (await closedRound(t, f, b.id, 'B spring 2026', '2026-03-31', 5, 3)).id,
			bChosen: (await closedRound(t, f, b.id, 'B summer 2026', '2026-12-31', 10, 2, '2026-06-30')).id,
			// C: only 3 people answering 5 (10.0): withheld.
			cWithheld: (await closedRound(t, f, c.id, 'C spring 2026', '2026-05-31', 3, 5)).id
		};
		// D has no round at all.
	});
	afterEach(() => t.close());

	it('picks each practice’s latest round that closed in the period', async () => {
		const d = (await getPcnDashboard(t.db, f.pcn.id, config, PERIOD, TODAY))!;
		expect(d.pcn).toEqual({ id: f.pcn.id, name: 'Test PCN', odsCode: 'U10001', icbId: f.icb.id, icbName: 'Test ICB' });
		expect(d.period).toEqual(PERIOD);
		expect(d.practices.map((p) => [p.name, p.round?.id ?? null, p.state])).toEqual([
			['Brook Surgery', ids.bChosen, 'shown'],
			['Castle Practice', ids.cWithheld, 'withheld'],
			['Dale Practice', null, 'no_round'],
			['Test Surgery', ids.aChosen, 'shown']
		]);
		const a = d.practices.find((p) => p.id === ids.a)!;
		expect(a.round).toEqual({ id: ids.aChosen, title: 'A spring 2026', closedOn: '2026-04-30' });
		expect(a.state === 'shown' && a.scores.overall).toEqual({ mean: 7.5, interval: { lower: 7.5, upper: 7.5 }, n: 5, band: 'belonging' });
		expect(a.state === 'shown' && a.responseRate).toBe(0.25);
		const b = d.practices.find((p) => p.id === ids.b)!;
		expect(b.round?.closedOn).toBe('2026-06-30');
		expect(b.state === 'shown' && b.scores.coherence).toMatchObject({ mean: 2.5, n: 10, band: 'bolted_on' });
		expect(d.practices.find((p) => p.id === ids.c)).toMatchObject({ state: 'withheld', respondentsNeeded: 2 });

		// A wider period reaches A's later round instead.
		const wider = (await getPcnDashboard(t.db, f.pcn.id, config, { from: '2025-01-01', to: TODAY }, TODAY))!;
		expect(wider.practices.find((p) => p.id === ids.a)!.round?.id).toBe(ids.aAfter);
		// An earlier one reaches only A's first round.
		const earlier = (await getPcnDashboard(t.db, f.pcn.id, config, { from: '2025-01-01', to: '2025-12-31' }, TODAY))!;
		expect(earlier.practices.map((p) => p.round?.id ?? null)).toEqual([null, null, null, ids.aBefore]);
	});

	it('gives the mean of practice scores beside the pooled respondent mean', async () => {
		const d = (await getPcnDashboard(t.db, f.pcn.id, config, PERIOD, TODAY))!;
		// A 7.5 (5 people) and B 2.5 (10 people); C is withheld and counts in neither.
		expect(d.figures.practicesShown).toBe(2);
		expect(d.figures.respondents).toBe(15);
		expect(d.figures.practiceMean.overall).toEqual({ mean: 5, practices: 2, band: 'fitting_in' });
		// (5 × 7.5 + 10 × 2.5) / 15 = 4.1667.
		expect(d.figures.pooled.overall!.mean).toBeCloseTo(4.166667, 5);
		expect(d.figures.pooled.overall).toMatchObject({ n: 15, practices: 2 });
		// 15 complete answers that differ only between practices: α is exactly 1.
		expect(d.figures.consistency.coherence).toEqual({ alpha: 1, complete: 15 });
		// Every construct is 5.0 on average, B is below 6.25 in all four.
		expect(d.commonGaps.map((g) => [g.construct, g.practicesBelow, g.practicesScored, g.pcnMean])).toEqual([
			['coherence', 1, 2, 5],
			['cognitive_participation', 1, 2, 5],
			['collective_action', 1, 2, 5],
			['reflexive_monitoring', 1, 2, 5]
		]);
		expect(d.bands).toEqual(DEFAULT_STAFF_INSTRUMENT.bands);
	});

	it('draws every closed round in the small trends, withheld rounds as gaps, on one date range', async () => {
		const d = (await getPcnDashboard(t.db, f.pcn.id, config, PERIOD, TODAY))!;
		const a = d.trends.find((p) => p.practiceId === ids.a)!;
		expect(a.points.map((p) => [p.title, p.shown && p.scores.overall?.mean])).toEqual([
			['A autumn 2025', 5],
			['A spring 2026', 7.5],
			['A early winter 2026', 0]
		]);
		expect(d.trends.find((p) => p.practiceId === ids.c)!.points).toEqual([
			{
				roundId: ids.cWithheld,
				title: 'C spring 2026',
				closedOn: '2026-05-31',
				instrument: instrumentLabelOf(DEFAULT_STAFF_INSTRUMENT),
				run: 0,
				shown: false,
				respondentsNeeded: 2
			}
		]);
		expect(d.trends.find((p) => p.practiceId === ids.d)!.points).toEqual([]);
		expect(d.trendRange).toEqual({ from: '2025-10-31', to: '2026-11-15' });
	});

	it('says which practices have a round open, their last response rate and who has not surveyed', async () => {
		const d = (await getPcnDashboard(t.db, f.pcn.id, config, PERIOD, TODAY))!;
		const byName = Object.fromEntries(d.rounds.map((r) => [r.name, r]));
		// Two answers so far: below the minimum, so no count, only how many more are needed.
		expect(byName['Test Surgery']!.current).toMatchObject({
			id: f.round.id,
			availability: 'open',
			closesOn: '2026-11-30',
			progress: { respondentsNeeded: 3, sofar: { shown: false } }
		});
		expect(byName['Test Surgery']!.lastClosed).toMatchObject({ id: ids.aAfter, shown: true, responseRate: 0.25 });
		expect(byName['Brook Surgery']!.lastClosed).toMatchObject({ id: ids.bChosen, responseRate: 0.5 });
		expect(byName['Castle Practice']!.lastClosed).toEqual({
			id: ids.cWithheld,
			title: 'C spring 2026',
			closedOn: '2026-05-31',
			shown: false,
			responseRate: null
		});
		expect(d.rounds.map((r) => [r.name, r.surveyedInPeriod])).toEqual([
			['Brook Surgery', true],
			['Castle Practice', true],
			['Dale Practice', false],
			['Test Surgery', true]
		]);
	});

	it('is undefined for a PCN that does not exist', async () => {
		expect(await getPcnDashboard(t.db, 9999, config, PERIOD, TODAY)).toBeUndefined();
	});

	describe('the page', () => {
		const path = (pcnId: number | string, query = '') => `/pcns/${pcnId}${query}`;
		const open = async (user: Awaited<ReturnType<typeof createSignedInUser>>, pcnId: number | string, query = '') =>
			load(fakeEvent({ db: t.db, user, path: path(pcnId, query), params: { pcnId: String(pcnId) } }) as never);

		it('carries no figure of a withheld practice in the page data, and records the view', async () => {
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const data = (await open(lead, f.pcn.id, `?from=${PERIOD.from}&to=${PERIOD.to}&sort=overall`))!;
			expect(data.sort).toBe('overall');
			expect(data.problems).toEqual([]);
			// Lowest overall first; the withheld practice and the one without a round last, by name.
			expect(data.practices.map((p) => p.name)).toEqual(['Brook Surgery', 'Test Surgery', 'Castle Practice', 'Dale Practice']);
			const json = JSON.stringify(data);
			const castle = JSON.stringify(data.practices.find((p) => p.id === ids.c));
			expect(castle).toBe(
				JSON.stringify({
					id: ids.c,
					name: 'Castle Practice',
					odsCode: 'C10001',
					round: { id: ids.cWithheld, title: 'C spring 2026', closedOn: '2026-05-31' },
					instrument: instrumentLabelOf(DEFAULT_STAFF_INSTRUMENT),
					inFigures: true,
					state: 'withheld',
					respondentsNeeded: 2
				})
			);
			// Its 3 people all scored 10.0: neither figure appears anywhere.
			expect(json).not.toMatch(/"mean":10[,}]/);
			expect(json).not.toMatch(/"(n|respondents|complete)":3[,}]/);
			expect(json).not.toMatch(/"(n|respondents|complete)":18[,}]/);
			expect(JSON.stringify(data.trends.find((p) => p.practiceId === ids.c))).not.toMatch(/"(mean|interval|overall|n)"/);
			const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'results_viewed').execute();
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ actor_user_id: lead.id, pcn_id: f.pcn.id });
			expect(audit[0]!.summary).toContain('Test PCN');
		});

		/*
		 * The period before PERIOD is 2025-03-03 to 2025-12-31. There A shows 5.0 (autumn 2025) and
		 * B 2.5 (a new autumn 2025 round); Dale's latest round in it had 3 people (withheld), after a
		 * spring round that showed 10.0. docs/scoring.md §7: Dale is "not enough responses" for that
		 * period, so its figure is (5.0 + 2.5) / 2 = 3.75 from 2 practices, against 5.0 now: +1.25.
		 * The old rule reached back to Dale's 10.0, (5 + 2.5 + 10) / 3 = 5.83 from 3, and said −0.83.
		 */
		it('compares the PCN figure with the period before by the very figure that period gives', async () => {
			await closedRound(t, f, ids.b, 'B autumn 2025', '2025-11-30', 5, 2);
			await closedRound(t, f, ids.d, 'D spring 2025', '2025-04-30', 5, 5);
			await closedRound(t, f, ids.d, 'D autumn 2025', '2025-09-30', 3, 1);
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const data = (await open(lead, f.pcn.id, `?from=${PERIOD.from}&to=${PERIOD.to}`))!;
			const { figure } = data.glance;
			expect(figure.before).toEqual({ from: '2025-03-03', to: '2025-12-31' });
			expect(figure.now).toEqual({ mean: 5, practices: 2, band: 'fitting_in' });
			expect(figure.then).toEqual({ mean: 3.75, practices: 2, band: 'bolted_on' });

			const earlier = (await open(lead, f.pcn.id, `?from=${figure.before.from}&to=${figure.before.to}`))!;
			expect(earlier.practices.find((p) => p.id === ids.d)).toMatchObject({ state: 'withheld', round: { title: 'D autumn 2025' } });
			expect(figure.then).toEqual(earlier.figures.practiceMean.overall);
		});

		/*
		 * Castle's last two closed rounds are a winter 2025 round that showed 0.0 and its withheld
		 * spring 2026 round: "cannot compare" on its own dashboard. The old PCN rule skipped the
		 * withheld round and found a notable fall from the round before (10.0 → 0.0).
		 */
		it('agrees with each practice’s own dashboard about its latest change', async () => {
			await closedRound(t, f, ids.c, 'C autumn 2024', '2024-10-31', 5, 5);
			await closedRound(t, f, ids.c, 'C winter 2025', '2025-01-31', 5, 1);
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const data = (await viewPcnDashboard(t.db, lead, f.pcn.id, config, { period: PERIOD }, TODAY))!;
			for (const practice of data.practices) {
				const own = (await getPracticeDashboard(t.db, practice.id, config, TODAY))!;
				const pcnSide = data.trends.find((trend) => trend.practiceId === practice.id)!.change;
				expect(verdictOf(pcnSide?.overall ?? null), practice.name).toBe(verdictOf(own.change?.scores.overall ?? null));
				const named = data.glance.needingSupport.find((p) => p.practiceId === practice.id);
				expect(named?.reasons.some((r) => r.kind === 'fall') ?? false, practice.name).toBe(verdictOf(own.change?.scores.overall ?? null) === 'notable_fall');
			}
			expect(data.trends.find((trend) => trend.practiceId === ids.c)!.change).toEqual({
				from: 'C winter 2025',
				to: 'C spring 2026',
				overall: null,
				differentInstruments: false
			});
			expect(data.glance.needingSupport.find((p) => p.practiceId === ids.c)!.reasons.map((r) => r.kind)).toEqual(['too_few']);
			// A fell from 7.5 to 0.0 with no spread at all: notable on both dashboards.
			expect(data.glance.needingSupport.find((p) => p.practiceId === ids.a)!.reasons.map((r) => r.kind)).toEqual(['fall']);
		});

		it('lets only PCN leads in, and only into their own PCNs', async () => {
			const icb = await createIcb(t.db, { odsCode: 'QBB', name: 'Other ICB' });
			const otherPcn = await createPcn(t.db, { odsCode: 'U20002', name: 'Other PCN', icbId: icb.id });
			const otherLead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [otherPcn.id] });
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [ids.a] });
			const worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [ids.a, ids.b] });
			const admin = await createSignedInUser(t.db, 'admin');
			const statusOf = async (user: typeof lead, pcnId: number | string) => {
				const { thrown } = await outcomeOf(() => open(user, pcnId));
				return thrown === undefined ? 200 : isHttpError(thrown) ? thrown.status : 'other';
			};
			expect(await statusOf(lead, f.pcn.id)).toBe(200);
			expect(await statusOf(otherLead, f.pcn.id)).toBe(404);
			expect(await statusOf(lead, otherPcn.id)).toBe(404);
			expect(await statusOf(lead, 9999)).toBe(404);
			expect(await statusOf(lead, 'abc')).toBe(404);
			for (const user of [manager, worker, admin]) expect(await statusOf(user, f.pcn.id)).toBe(403);
			const { thrown } = await outcomeOf(() => load(fakeEvent({ db: t.db, user: null, path: path(f.pcn.id), params: { pcnId: String(f.pcn.id) } }) as never));
			expect((thrown as { status?: number }).status).toBe(303);
		});

		it('offers the link to the PCN page on the home page to PCN leads only', async () => {
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [ids.a] });
			const worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [ids.a] });
			const home = async (user: typeof lead) => (await loadHome(fakeEvent({ db: t.db, user }) as never)) as { canSeePcns?: boolean };
			expect((await home(lead)).canSeePcns).toBe(true);
			expect((await home(manager)).canSeePcns).toBe(false);
			expect((await home(worker)).canSeePcns).toBe(false);
		});

		it('explains a period it cannot use and shows the last twelve months instead', async () => {
			const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
			const data = (await open(lead, f.pcn.id, '?from=2026-02-30&to=2026-10-31&sort=rank'))!;
			expect(data.problems).toEqual([
				'Enter the start date as a real date in the form YYYY-MM-DD, like 2026-04-30.',
				'The practices could not be put in that order, so they are listed by name.'
			]);
			expect(data.sort).toBe('name');
			expect(data.periodRejected).toBe(true);
			// A date that does not exist cannot sit in a date field: the period used stands in for it.
			expect(data.asked).toEqual({ from: data.period.from, to: '2026-10-31' });
			expect(data.period.to).toBe(data.period.to.slice(0, 10));
			expect(data.period).toEqual(defaultPeriod(data.period.to));
		});
	});
});

describe('reading the period from the query', () => {
	const read = (query: string) => readPeriodQuery(new URLSearchParams(query), '2026-11-28');

	it('defaults to the last twelve months and the name order', () => {
		expect(read('')).toEqual({ period: { from: '2025-11-28', to: '2026-11-28' }, sort: 'name', problems: [], periodRejected: false });
		expect(read('from=2026-01-01&to=2026-06-30&sort=reflexive_monitoring')).toEqual({
			period: { from: '2026-01-01', to: '2026-06-30' },
			sort: 'reflexive_monitoring',
			problems: [],
			periodRejected: false
		});
		// An order that cannot be used leaves the period alone.
		expect(read('from=2026-01-01&to=2026-06-30&sort=best')).toMatchObject({ period: { from: '2026-01-01', to: '2026-06-30' }, sort: 'name', periodRejected: false });
	});

	it('refuses a period that ends before it starts or is missing an end', () => {
		expect(read('from=2026-06-30&to=2026-01-01')).toEqual({
			period: { from: '2025-11-28', to: '2026-11-28' },
			sort: 'name',
			problems: ['The start of the period must be on or before its end.'],
			periodRejected: true
		});
		expect(read('from=2026-06-30').problems).toEqual(['Enter the end date as a real date in the form YYYY-MM-DD, like 2026-04-30.']);
	});
});
