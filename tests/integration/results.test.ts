import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRoundReport } from '../../src/lib/server/results/round-report';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';

const config = { minResponses: 5 };

function everyItemAt(point: 1 | 2 | 3 | 4 | 5): SurveySubmission {
	const ids = ['CO1', 'CO2', 'CO3', 'CO4', 'CP1', 'CP2', 'CP3', 'CP4', 'CA1', 'CA2', 'CA3', 'CA4', 'RM1', 'RM2', 'RM3', 'RM4'];
	return {
		roleGroup: 'clinical',
		agreement: Object.fromEntries(ids.map((id) => [id, point])),
		general: { G1: 6 },
		comment: `comment at ${point}`,
		code: null
	};
}

async function answer(t: TestDatabase, roundId: number, points: (1 | 2 | 3 | 4 | 5)[]) {
	for (const point of points) await submitResponse(t.db, roundId, everyItemAt(point), '2026-11-10');
}

describe('round reports', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('gives a closed round below MIN_RESPONSES no figure anywhere in its data', async () => {
		const { round } = await createPracticeWithRound(t.db);
		await answer(t, round.id, [5, 4, 4, 2]);
		await t.db.updateTable('round').set({ status: 'closed' }).execute();
		const report = await getRoundReport(t.db, round.id, config, '2026-12-01');
		expect(report!.outcome).toEqual({ stage: 'closed', results: { shown: false, respondentsNeeded: 1 } });
		const json = JSON.stringify(report!.outcome);
		expect(json).not.toMatch(/mean|comment at|respondents"|sd/);
	});

	it('scores a closed round at MIN_RESPONSES: every answer 4 gives 7.5, every answer 5 gives 10', async () => {
		const { round } = await createPracticeWithRound(t.db);
		await answer(t, round.id, [4, 4, 4, 5, 5]);
		await t.db.updateTable('round').set({ status: 'closed' }).execute();
		const report = await getRoundReport(t.db, round.id, config, '2026-12-01');
		const outcome = report!.outcome;
		if (outcome.stage !== 'closed' || !outcome.results.shown) throw new Error('expected shown results');
		// Respondent overall scores 7.5, 7.5, 7.5, 10, 10: mean 8.5.
		expect(outcome.results.scores.overall.shown && outcome.results.scores.overall.mean).toBe(8.5);
		expect(outcome.results.respondents).toBe(5);
		expect(outcome.results.responseRate).toBe(0.25);
		expect(outcome.results.placement?.band).toBe('belonging');
		expect(outcome.results.comments.sort()).toEqual([
			'comment at 4',
			'comment at 4',
			'comment at 4',
			'comment at 5',
			'comment at 5'
		]);
	});

	it('shows no score while a round is open, and the count only once it reaches the minimum', async () => {
		const { round } = await createPracticeWithRound(t.db);
		await answer(t, round.id, [5, 5, 5]);
		const early = await getRoundReport(t.db, round.id, config, '2026-11-15');
		expect(early!.outcome).toEqual({
			stage: 'collecting',
			availability: 'open',
			progress: { respondentsNeeded: 2, sofar: { shown: false } }
		});
		await answer(t, round.id, [5, 5, 5]);
		const later = await getRoundReport(t.db, round.id, config, '2026-11-15');
		expect(later!.outcome).toEqual({
			stage: 'collecting',
			availability: 'open',
			progress: { respondentsNeeded: 0, sofar: { shown: true, respondents: 6, responseRate: 0.3 } }
		});
		// No score anywhere in it: a "mean" key at any depth (the instrument's answer codes have a "meaning").
		expect(JSON.stringify(later)).not.toMatch(/"mean"/);
		expect(JSON.stringify(later)).toContain('"respondents":6');
	});

	it('treats an open round past its closing date as closed', async () => {
		const { round } = await createPracticeWithRound(t.db);
		await answer(t, round.id, [3, 3, 3, 3, 3]);
		const report = await getRoundReport(t.db, round.id, config, '2026-12-01');
		expect(report!.outcome.stage).toBe('closed');
	});

	it('is undefined for an unknown round', async () => {
		expect(await getRoundReport(t.db, 999, config, '2026-12-01')).toBeUndefined();
	});
});
