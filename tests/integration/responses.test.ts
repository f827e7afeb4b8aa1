import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { formatCode, issueCodes } from '../../src/lib/server/surveys/codes';
import { loadComments, loadRespondents, submitResponse } from '../../src/lib/server/surveys/responses';
import { countRows, createPracticeWithRound, createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';

const TODAY = '2026-11-15';

function submission(overrides: Partial<SurveySubmission> = {}): SurveySubmission {
	return {
		roleGroup: 'clinical',
		agreement: { CO1: 4, CO5: 2, CP1: 'not_relevant_role' },
		general: { G1: 7 },
		comment: 'Give the link worker a room.',
		code: null,
		...overrides
	};
}

describe('storing a response', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('stores the response, answers, an unlinked comment and the day count in one go', async () => {
		const { round } = await createPracticeWithRound(t.db);
		expect(await submitResponse(t.db, round.id, submission(), TODAY)).toEqual({ ok: true, storedEarlier: false });
		expect(await submitResponse(t.db, round.id, submission({ comment: null }), TODAY)).toEqual({ ok: true, storedEarlier: false });

		expect(await countRows(t.db, 'response')).toBe(2);
		expect(await countRows(t.db, 'answer')).toBe(6);
		expect(await loadComments(t.db, round.id)).toEqual(['Give the link worker a room.']);
		const days = await t.db.selectFrom('submission_day').selectAll().execute();
		expect(days).toEqual([{ round_id: round.id, day: TODAY, submissions: 2 }]);

		const respondents = await loadRespondents(t.db, round.id);
		expect(respondents).toHaveLength(2);
		// The raw answer to the reverse-worded CO5 is stored as given; reversal happens when scoring.
		expect(respondents[0]).toEqual({
			roleGroup: 'clinical',
			agreement: { CO1: 4, CO5: 2, CP1: 'not_relevant_role' },
			general: { G1: 7 }
		});
	});

	it('gives responses random keys, so storage order says nothing about who answered when', async () => {
		const { round } = await createPracticeWithRound(t.db);
		for (let i = 0; i < 3; i++) await submitResponse(t.db, round.id, submission(), TODAY);
		const ids = (await t.db.selectFrom('response').select('id').execute()).map((r) => r.id);
		for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
		// On SQLite the table keeps rows in key order; PostgreSQL's answer is sealing (round-sealing.test.ts).
		if (!onPostgres) {
			const withoutRowid = await sql<{ sql: string }>`select sql from sqlite_master where name = 'response'`.execute(t.db);
			expect(withoutRowid.rows[0]!.sql.toLowerCase()).toContain('without rowid');
		}
	});

	it.each([
		['a closed round', { status: 'closed' as const }],
		['a draft round', { status: 'draft' as const }],
		['a round past its closing date', { closesOn: '2026-11-14' }],
		['a round not yet open', { opensOn: '2026-11-16' }]
	])('refuses %s and stores nothing', async (_label, round) => {
		const { round: created } = await createPracticeWithRound(t.db, round);
		expect(await submitResponse(t.db, created.id, submission(), TODAY)).toEqual({
			ok: false,
			status: 409,
			problems: [{ field: 'form', message: 'This survey closed before your answers arrived, so they were not saved.' }]
		});
		for (const table of ['response', 'answer', 'general_answer', 'comment', 'submission_day'] as const) {
			expect(await countRows(t.db, table)).toBe(0);
		}
	});

	it('rolls the whole submission back when any part fails', async () => {
		const { round } = await createPracticeWithRound(t.db);
		await expect(
			submitResponse(t.db, round.id, submission({ agreement: { CO1: 4, NOPE: 3 } }), TODAY)
		).rejects.toThrow(/NOPE/);
		for (const table of ['response', 'answer', 'comment', 'submission_day'] as const) {
			expect(await countRows(t.db, table)).toBe(0);
		}
	});
});

describe('single-use codes', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('accepts a code once, refuses it the second time and refuses unknown codes, storing nothing then', async () => {
		const { round } = await createPracticeWithRound(t.db, { requiresCode: true });
		const [code, other] = await issueCodes(t.db, round.id, 2);
		expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

		expect(await submitResponse(t.db, round.id, submission({ code: code!.replace('-', '') }), TODAY)).toEqual({ ok: true, storedEarlier: false });
		expect(await submitResponse(t.db, round.id, submission({ code: code!.replace('-', '') }), TODAY)).toEqual({
			ok: false,
			status: 400,
			problems: [{ field: 'code', message: 'That code has already been used. Each code works once.' }]
		});
		expect(await submitResponse(t.db, round.id, submission({ code: 'ZZZZ2222' }), TODAY)).toEqual({
			ok: false,
			status: 400,
			problems: [{ field: 'code', message: 'That code is not valid for this survey. Check it against your slip.' }]
		});
		expect(await submitResponse(t.db, round.id, submission({ code: null }), TODAY)).toMatchObject({ ok: false });
		expect(await countRows(t.db, 'response')).toBe(1);

		// What is kept: a hash and a used flag. Nothing ties a code to the response it unlocked.
		const codes = await t.db.selectFrom('round_code').selectAll().orderBy('used').execute();
		expect(codes.map((c) => c.used)).toEqual([0, 1]);
		for (const c of codes) {
			expect(Object.keys(c).sort()).toEqual(['code_hash', 'round_id', 'used']);
			expect(c.code_hash).not.toContain(other!.replace('-', ''));
		}
	});

	it('formats codes for printing', () => {
		expect(formatCode('ABCD2345')).toBe('ABCD-2345');
	});
});
