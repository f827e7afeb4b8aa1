/**
 * Issue 15 (docs/scoring.md §6 on PostgreSQL): a submission's rows share the transaction id that wrote
 * them and lie in arrival order, so sealing rewrites a round's survey rows in a random order,
 * when it closes and once a day while it is open. On SQLite there is nothing to seal.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { formatCode, issueCodes } from '../../src/lib/server/surveys/codes';
import { closeRound } from '../../src/lib/server/surveys/round-lifecycle';
import { SEALED_THROUGH_KEY, sealAnsweredRounds, sealRound } from '../../src/lib/server/surveys/round-sealing';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { loadRespondents, loadComments } from '../../src/lib/server/surveys/responses';
import { scoreFromMoments, summaryFromJson } from '../../src/lib/npt/round-summary';
import { rebuildRoundSummaries } from '../../src/lib/server/surveys/round-summaries';
import { bandEdgeSubmissions } from '../fixtures/band-edge';
import { createPracticeWithRound, createTestDatabase, onPostgres, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

const today = ukDate();
const SURVEY_TABLES = ['response', 'answer', 'general_answer', 'comment', 'submission_day', 'round_code'] as const;
const ROLE_GROUPS = ['clinical', 'management_admin', 'wellbeing_team', 'vcse_partner'] as const;

function submission(i: number, code: string | null = null): SurveySubmission {
	return {
		roleGroup: ROLE_GROUPS[i % ROLE_GROUPS.length]!,
		agreement: { CO1: ((i % 5) + 1) as 1, CO5: 3, CP1: 'not_relevant_role' },
		general: { G1: i % 11 },
		comment: `comment number ${i}`,
		code
	};
}

/** Every survey row of the database, sorted, so two readings compare by content alone. */
async function surveyRows(t: TestDatabase) {
	const rows: Record<string, unknown[]> = {};
	for (const table of SURVEY_TABLES) {
		const all = await t.db.selectFrom(table).selectAll().execute();
		rows[table] = all.map((r) => JSON.stringify(r)).sort();
	}
	return rows;
}

/** Each survey table's transaction ids (xmin) and its rows in the order they lie in the table. */
async function storage(t: TestDatabase, table: (typeof SURVEY_TABLES)[number]) {
	const { rows } = await sql<{ xmin: string; row: string }>`select xmin::text as xmin, to_jsonb(t)::text as row from ${sql.table(table)} as t order by ctid`.execute(t.db);
	return rows;
}

describe('sealing a round’s answers', () => {
	let t: TestDatabase;
	let fixture: PracticeFixture;
	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db, { opensOn: addDays(today, -10), closesOn: addDays(today, 10), requiresCode: true });
	});
	afterEach(() => t.close());

	async function answerTwelve() {
		const codes = await issueCodes(t.db, fixture.round.id, 12);
		for (let i = 0; i < 12; i++) {
			expect(await submitResponse(t.db, fixture.round.id, submission(i, formatCode(codes[i]!)), addDays(today, -1 - (i % 3)))).toEqual({ ok: true, storedEarlier: false });
		}
	}

	it.runIf(onPostgres)('rewrites every survey row of a closing round in one transaction, in an order unrelated to arrival, changing no content', async () => {
		await answerTwelve();
		// As written, a comment carries the same transaction id as its response: the link sealing removes.
		const responseIds = new Set((await storage(t, 'response')).map((r) => r.xmin));
		expect((await storage(t, 'comment')).every((c) => responseIds.has(c.xmin))).toBe(true);
		const arrival = (await storage(t, 'comment')).map((c) => c.row);
		const before = await surveyRows(t);
		const respondents = await loadRespondents(t.db, fixture.round.id);

		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
		expect(await closeRound(t.db, fixture.round.id, manager, today)).toMatchObject({ ok: true });

		expect(await surveyRows(t)).toEqual(before);
		const sealedBy = new Set<string>();
		for (const table of SURVEY_TABLES) for (const row of await storage(t, table)) sealedBy.add(row.xmin);
		expect(sealedBy.size).toBe(1);
		expect(responseIds.has([...sealedBy][0]!)).toBe(false);
		// Twelve comments back in their arrival order by chance: once in 479 million.
		expect((await storage(t, 'comment')).map((c) => c.row)).not.toEqual(arrival);
		expect(new Set((await storage(t, 'comment')).map((c) => c.row))).toEqual(new Set(arrival));
		expect(await loadRespondents(t.db, fixture.round.id)).toEqual(expect.arrayContaining(respondents));
		expect((await loadComments(t.db, fixture.round.id)).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `comment number ${i}`).sort());
	});

	it.runIf(onPostgres)('seals open rounds once a day, for the days before today, and only once however many instances ask', async () => {
		await answerTwelve();
		const before = await surveyRows(t);
		const passes = await Promise.all([sealAnsweredRounds(t.db, today), sealAnsweredRounds(t.db, today)]);
		expect(passes.sort()).toEqual([0, 1]);
		expect(await surveyRows(t)).toEqual(before);
		expect(new Set((await storage(t, 'response')).map((r) => r.xmin)).size).toBe(1);
		const marker = await t.db.selectFrom('app_meta').select('value').where('key', '=', SEALED_THROUGH_KEY).executeTakeFirst();
		expect(marker?.value).toBe(today);
		// Tomorrow's pass finds nothing answered since.
		expect(await sealAnsweredRounds(t.db, addDays(today, 1))).toBe(0);
	});

	it.runIf(onPostgres)('keeps a submission that arrives while the round is being sealed', async () => {
		await answerTwelve();
		await Promise.all([
			sealRound(t.db, fixture.round.id),
			...Array.from({ length: 6 }, (_, i) => submitResponse(t.db, fixture.round.id, { ...submission(20 + i), code: null }, today))
		]);
		// requiresCode is on, so only coded posts count: the six code-less ones are refused whole.
		expect(await t.db.selectFrom('response').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 12 });
		await t.db.updateTable('round').set({ requires_code: 0 }).where('id', '=', fixture.round.id).execute();
		await Promise.all([
			sealRound(t.db, fixture.round.id),
			...Array.from({ length: 6 }, (_, i) => submitResponse(t.db, fixture.round.id, { ...submission(20 + i), code: null }, today)),
			sealRound(t.db, fixture.round.id)
		]);
		expect(await t.db.selectFrom('response').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 18 });
		expect(await t.db.selectFrom('comment').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 18 });
	});

	it.runIf(onPostgres)('lets no submission in after the round closed: what arrives meanwhile is stored before the close and sealed by it, or refused', async () => {
		await t.db.updateTable('round').set({ requires_code: 0 }).where('id', '=', fixture.round.id).execute();
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
		for (let attempt = 0; attempt < 5; attempt++) {
			const round = attempt === 0 ? fixture.round : await addOpenRound(attempt);
			const outcomes = await Promise.all([
				...Array.from({ length: 8 }, (_, i) => submitResponse(t.db, round.id, submission(i), today)),
				closeRound(t.db, round.id, manager, today)
			]);
			const stored = outcomes.slice(0, 8).filter((o) => o.ok).length;
			const xmins = await sql<{ xmin: string }>`select distinct xmin::text as xmin from response where round_id = ${round.id}`.execute(t.db);
			expect((await loadRespondents(t.db, round.id)).length).toBe(stored);
			if (stored > 0) expect(xmins.rows, `attempt ${attempt}`).toHaveLength(1);
		}
	});

	it.runIf(onPostgres)('leaves the round’s summary the same to the last bit however the sealing lays its answers out, so a mean on a band edge stays on it', async () => {
		const codes = await issueCodes(t.db, fixture.round.id, 6);
		for (const [i, answers] of bandEdgeSubmissions().entries()) {
			expect(await submitResponse(t.db, fixture.round.id, { ...answers, code: formatCode(codes[i]!) }, addDays(today, -1))).toMatchObject({ ok: true });
		}
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] });
		expect(await closeRound(t.db, fixture.round.id, manager, today)).toMatchObject({ ok: true });
		const storedSummary = async () => (await t.db.selectFrom('round_summary').select('summary').where('round_id', '=', fixture.round.id).executeTakeFirstOrThrow()).summary;
		const first = await storedSummary();
		expect(scoreFromMoments(summaryFromJson(first)!.everyone.scores.overall, 0.95).mean).toBe(5);
		// Each pass lays the six out in a fresh random order, then sums them up again from there.
		for (let pass = 0; pass < 15; pass++) {
			await sealRound(t.db, fixture.round.id);
			expect(await rebuildRoundSummaries(t.db, addDays(today, 1))).toBe(1);
			expect(await storedSummary(), `pass ${pass}`).toBe(first);
		}
	});

	async function addOpenRound(n: number) {
		const { createRound } = await import('../../src/lib/server/surveys/rounds');
		return createRound(t.db, {
			practiceId: fixture.practice.id,
			instrumentVersionId: fixture.versionId,
			title: `Round ${n}`,
			opensOn: addDays(today, -1),
			closesOn: addDays(today, 5),
			staffHeadcount: 20,
			status: 'open'
		});
	}

	it.skipIf(onPostgres)('is not needed on SQLite, whose survey tables keep rows in the order of their random keys', async () => {
		await answerTwelve();
		const before = await surveyRows(t);
		await sealRound(t.db, fixture.round.id);
		expect(await sealAnsweredRounds(t.db, today)).toBe(0);
		expect(await surveyRows(t)).toEqual(before);
		for (const table of ['response', 'answer', 'general_answer', 'comment', 'round_code'] as const) {
			const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where name = ${table}`.execute(t.db);
			expect(rows[0]!.sql.toLowerCase(), table).toContain('without rowid');
		}
	});
});
