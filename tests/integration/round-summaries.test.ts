import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { summariseRound } from '../../src/lib/npt/round-results';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { getRoundReport } from '../../src/lib/server/results/round-report';
import { loadRespondents, submitResponse } from '../../src/lib/server/surveys/responses';
import { closeRound } from '../../src/lib/server/surveys/round-lifecycle';
import { rebuildRoundSummaries, summariesOf } from '../../src/lib/server/surveys/round-summaries';
import { closeDueRounds, roundIdsOf } from '../../src/lib/server/surveys/rounds';
import { SUMMARY_FORMAT } from '../../src/lib/npt/round-summary';
import { bandEdgeSubmissions } from '../fixtures/band-edge';
import { addRound, createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

const config = { minResponses: 5 };
const OPEN_DAY = '2026-11-10';
const noShuffle = () => 0.5;

function answers(point: AgreementPoint, roleGroup: string | null, general = 6): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item, i) => [item.id, (((point + i) % 5) + 1) as AgreementPoint]));
	return { roleGroup, agreement, general: { G1: general, G2: 10 - general }, comment: null, code: null };
}

describe('stored round summaries', () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db);
		const groups = [null, 'clinical', 'clinical', 'management_admin', 'clinical', 'management_admin', 'wellbeing', null];
		for (const [i, group] of groups.entries()) {
			expect(await submitResponse(t.db, f.round.id, answers(((i % 5) + 1) as AgreementPoint, group, i), OPEN_DAY)).toMatchObject({ ok: true });
		}
	});
	afterEach(() => t.close());

	const summaryRows = () => t.db.selectFrom('round_summary').selectAll().execute();

	it('are stored when a round is closed, and its results are then read from the summary alone', async () => {
		expect(await summaryRows()).toEqual([]);
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		expect(await closeRound(t.db, f.round.id, manager, '2026-11-20')).toMatchObject({ ok: true });
		const rows = await summaryRows();
		expect(rows.map((r) => [r.round_id, r.format])).toEqual([[f.round.id, SUMMARY_FORMAT]]);
		// Nothing about a person: counts and moments, no answer and no time.
		expect(rows[0]!.summary).not.toMatch(/T\d\d:|2026-11/);

		const respondents = await loadRespondents(t.db, f.round.id);
		const fromAnswers = summariseRound({ instrument: DEFAULT_STAFF_INSTRUMENT, respondents, comments: [], staffHeadcount: 20 }, config, noShuffle);
		// With the answers gone, the round's page still shows every figure it showed.
		await t.db.deleteFrom('answer').execute();
		await t.db.deleteFrom('general_answer').execute();
		const report = (await getRoundReport(t.db, f.round.id, config, '2026-11-21', noShuffle))!;
		expect(report.outcome).toEqual({ stage: 'closed', results: fromAnswers });
	});

	it('are stored by the closing date, and the first read builds one that is missing', async () => {
		expect(await closeDueRounds(t.db, '2026-12-01')).toBe(1);
		expect((await summaryRows()).map((r) => r.round_id)).toEqual([f.round.id]);
		await t.db.deleteFrom('round_summary').execute();
		const summaries = await summariesOf(t.db, [f.round], roundIdsOf(t.db, { roundId: f.round.id }));
		expect(summaries.get(f.round.id)!.everyone.respondents).toBe(8);
		expect((await summaryRows()).map((r) => r.round_id)).toEqual([f.round.id]);
	});

	it('are rebuilt from the answers when stored in another layout, and by the rebuild command', async () => {
		await closeDueRounds(t.db, '2026-12-01');
		const stored = (await summaryRows())[0]!.summary;
		await t.db.updateTable('round_summary').set({ format: 0, summary: '{"format":0}' }).execute();
		expect((await summariesOf(t.db, [f.round], roundIdsOf(t.db, { roundId: f.round.id }))).get(f.round.id)!.everyone.respondents).toBe(8);
		expect((await summaryRows())[0]).toMatchObject({ format: SUMMARY_FORMAT, summary: stored });

		await t.db.updateTable('round_summary').set({ summary: `{"format":${SUMMARY_FORMAT},"everyone":{"respondents":999}}` }).execute();
		expect(await rebuildRoundSummaries(t.db, '2026-12-01')).toBe(1);
		expect((await summaryRows())[0]!.summary).toBe(stored);
	});

	it('read a summary in the layout before exact sums as another layout, and rebuild it', async () => {
		await closeDueRounds(t.db, '2026-12-01');
		const stored = (await summaryRows())[0]!.summary;
		const before = '{"format":1,"everyone":{"respondents":8,"scores":{"overall":{"n":8,"mean":5.000000000000001,"squaredDeviations":3}}}}';
		await t.db.updateTable('round_summary').set({ format: 1, summary: before }).execute();
		expect((await summariesOf(t.db, [f.round], roundIdsOf(t.db, { roundId: f.round.id }))).get(f.round.id)!.everyone.scores.overall.unit).toBe(10_080);
		expect((await summaryRows())[0]).toMatchObject({ format: SUMMARY_FORMAT, summary: stored });
	});

	it('place a round whose mean is exactly on a band edge in the same band, to the last bit, however its answers lie in storage', async () => {
		// Twelve rounds of the same six answers: each lies in its own order (random keys on SQLite, sealing's shuffle on PostgreSQL).
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		// One round open at a time at a practice: each is answered and closed before the next.
		expect(await closeRound(t.db, f.round.id, manager, '2026-11-20')).toMatchObject({ ok: true });
		const texts = new Set<string>();
		for (let i = 0; i < 12; i++) {
			const round = await addRound(t.db, f, { title: `On the edge ${i}`, opensOn: '2026-11-01', closesOn: '2026-11-30', staffHeadcount: 6, status: 'open' });
			for (const submission of bandEdgeSubmissions()) expect(await submitResponse(t.db, round.id, submission, OPEN_DAY)).toMatchObject({ ok: true });
			expect(await closeRound(t.db, round.id, manager, '2026-11-20')).toMatchObject({ ok: true });
			const report = (await getRoundReport(t.db, round.id, config, '2026-11-21', noShuffle))!;
			const results = report.outcome.stage === 'closed' ? report.outcome.results : null;
			if (!results?.shown || !results.scores.overall.shown) throw new Error(`round ${round.id} shows no overall score`);
			expect(results.scores.overall.n).toBe(6);
			expect(results.scores.overall.mean, `round ${i}`).toBe(5);
			expect(results.placement?.band, `round ${i}`).toBe('fitting_in');
			texts.add((await t.db.selectFrom('round_summary').select('summary').where('round_id', '=', round.id).executeTakeFirstOrThrow()).summary);
		}
		expect(texts.size).toBe(1);
	});

	it('are never made for a round still taking answers', async () => {
		expect(await rebuildRoundSummaries(t.db, '2026-11-15')).toBe(0);
		expect(await summaryRows()).toEqual([]);
	});
});
