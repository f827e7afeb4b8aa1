/**
 * Retention on a real database (SQLite here, PostgreSQL in the -postgres project): comments go
 * RETENTION_COMMENTS_MONTHS after a round closes, answers are reduced to the summary after
 * RETENTION_ANSWERS_MONTHS, audit entries after RETENTION_AUDIT_MONTHS, all idempotent, audited
 * with counts only, and paused by a legal hold on the round or its practice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { recordAudit } from '../../src/lib/server/platform/audit';
import { DEFAULT_RETENTION } from '../../src/lib/server/platform/config';
import { buildRoundExport } from '../../src/lib/server/results/round-exports';
import { loadRoundData } from '../../src/lib/server/results/round-data';
import { dueSoon, listLegalHolds, placeLegalHold, releaseLegalHold } from '../../src/lib/server/retention/legal-holds';
import { purgeExpired } from '../../src/lib/server/retention/purges';
import { deleteDueComments, deleteOldAuditEntries, reduceDueRounds } from '../../src/lib/server/retention/retention';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { rebuildRoundSummaries } from '../../src/lib/server/surveys/round-summaries';
import { closeDueRounds } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { addRound, countRows, createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';

const RETENTION = { ...DEFAULT_RETENTION };

function respondent(point: AgreementPoint, comment: string): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	return { roleGroup: null, agreement, general: {}, comment, code: null };
}

const COMMENTS = ['The link worker joins our huddles', 'No room on Tuesdays', 'Referrals are easy now', 'Not sure what they do', 'Great with carers', 'Needs IT access'];

describe('retention', () => {
	let t: TestDatabase;
	let f: PracticeFixture;
	let admin: SignedInUser;
	/** The round's scores as the results read-model gives them. */
	const scores = async () => {
		const data = await loadRoundData(t.db, { roundId: f.round.id }, '2030-01-01');
		const record = data.rounds.find((r) => r.round.id === f.round.id)!;
		return { responses: record.responses, summary: JSON.stringify(record.summary) };
	};

	beforeEach(async () => {
		t = await createTestDatabase();
		// A round of January 2023 that closed on its closing date, 21 January, with six answers and six comments.
		f = await createPracticeWithRound(t.db, { opensOn: '2023-01-01', closesOn: '2023-01-21' });
		for (const [i, point] of ([3, 4, 4, 5, 5, 2] as const).entries()) {
			expect(await submitResponse(t.db, f.round.id, respondent(point, COMMENTS[i]!), '2023-01-10')).toMatchObject({ ok: true });
		}
		expect(await closeDueRounds(t.db, '2023-01-22')).toBe(1);
		admin = await createSignedInUser(t.db, 'admin');
	});

	afterEach(async () => {
		await t.close();
	});

	it('deletes a round’s comments 24 months after it closed, not a day before, once, with counts in the audit log', async () => {
		expect(await deleteDueComments(t.db, RETENTION, '2025-01-20')).toEqual({ rounds: 0, comments: 0 });
		expect(await countRows(t.db, 'comment')).toBe(6);
		expect(await deleteDueComments(t.db, RETENTION, '2025-01-21')).toEqual({ rounds: 1, comments: 6 });
		expect(await countRows(t.db, 'comment')).toBe(0);
		expect(await countRows(t.db, 'response')).toBe(6);
		const round = await t.db.selectFrom('round').select(['comments_deleted_on', 'answers_reduced_on']).where('id', '=', f.round.id).executeTakeFirstOrThrow();
		expect(round).toEqual({ comments_deleted_on: '2025-01-21', answers_reduced_on: null });
		// Idempotent: nothing left to do.
		expect(await deleteDueComments(t.db, RETENTION, '2025-06-01')).toEqual({ rounds: 0, comments: 0 });
		const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'retention_comments_deleted').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actor_label: 'retention', actor_user_id: null, practice_id: f.practice.id });
		expect(audit[0]!.summary).toBe('Deleted 6 comments of “Test round”, 24 months after it closed');
		for (const comment of COMMENTS) expect(audit[0]!.summary).not.toContain(comment);
	});

	it('reduces a round to its summary 36 months after it closed: every score stays, no answer, response or comment row does', async () => {
		const before = await scores();
		expect(before.responses).toBe(6);
		expect(await reduceDueRounds(t.db, RETENTION, '2026-01-20')).toEqual({ rounds: 0, responses: 0 });
		expect(await reduceDueRounds(t.db, RETENTION, '2026-01-21')).toEqual({ rounds: 1, responses: 6 });
		for (const table of ['response', 'answer', 'general_answer', 'comment', 'submission_day'] as const) expect(await countRows(t.db, table)).toBe(0);
		expect(await scores()).toEqual(before);
		expect(await countRows(t.db, 'round_score')).toBe(1);
		const round = await t.db.selectFrom('round').select(['comments_deleted_on', 'answers_reduced_on']).where('id', '=', f.round.id).executeTakeFirstOrThrow();
		expect(round).toEqual({ comments_deleted_on: '2026-01-21', answers_reduced_on: '2026-01-21' });
		// Summing up again from the (now absent) answers would empty the summary: a reduced round keeps its own.
		await rebuildRoundSummaries(t.db, '2026-02-01');
		expect(await scores()).toEqual(before);
		expect(await reduceDueRounds(t.db, RETENTION, '2026-06-01')).toEqual({ rounds: 0, responses: 0 });
		const audit = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'retention_round_reduced').execute();
		expect(audit.map((a) => a.summary)).toEqual(['Reduced “Test round” to its summary, 36 months after it closed: 6 responses deleted']);
	});

	it('refuses the raw answers of a reduced round with the date, and still gives its scores', async () => {
		await reduceDueRounds(t.db, RETENTION, '2026-02-01');
		const answers = await buildRoundExport(t.db, f.round.id, 'answers', { minResponses: 5 }, '2026-02-01');
		expect(answers).toMatchObject({ ok: false, status: 410 });
		expect(JSON.stringify(answers)).toContain('1 February 2026');
		const scoresCsv = await buildRoundExport(t.db, f.round.id, 'scores', { minResponses: 5 }, '2026-02-01');
		expect(scoresCsv.ok).toBe(true);
	});

	it('places one hold when several administrators place the same hold at the same moment', async () => {
		const practiceHolds = await Promise.all([1, 2, 3, 4, 5].map((i) => placeLegalHold(t.db, admin, { practiceId: f.practice.id }, `Complaint ${i}`)));
		expect(practiceHolds.filter((o) => o.ok)).toHaveLength(1);
		expect(practiceHolds.filter((o) => !o.ok && o.status === 409)).toHaveLength(4);
		const roundHolds = await Promise.all([1, 2, 3, 4, 5].map((i) => placeLegalHold(t.db, admin, { roundId: f.round.id }, `Request ${i}`)));
		expect(roundHolds.filter((o) => o.ok)).toHaveLength(1);
		expect(await t.db.selectFrom('legal_hold').select('id').where('released_at', 'is', null).execute()).toHaveLength(2);
		expect(await t.db.selectFrom('audit_event').select('id').where('action', '=', 'legal_hold_placed').execute()).toHaveLength(2);
	});

	it('leaves a practice on hold alone, and takes what is overdue at the first run after the hold is released', async () => {
		const placed = await placeLegalHold(t.db, admin, { practiceId: f.practice.id }, 'Complaint 2026/14 under investigation');
		expect(placed.ok).toBe(true);
		expect(await deleteDueComments(t.db, RETENTION, '2026-06-01')).toEqual({ rounds: 0, comments: 0 });
		expect(await reduceDueRounds(t.db, RETENTION, '2026-06-01')).toEqual({ rounds: 0, responses: 0 });
		expect(await countRows(t.db, 'comment')).toBe(6);
		const due = await dueSoon(t.db, RETENTION, '2026-06-01');
		expect(due.rounds).toMatchObject([{ roundId: f.round.id, held: true, commentsGoOn: '2025-01-21', answersGoOn: '2026-01-21' }]);
		// A second hold on the same practice is refused.
		expect(await placeLegalHold(t.db, admin, { practiceId: f.practice.id }, 'Again')).toMatchObject({ ok: false, status: 409 });
		expect(await releaseLegalHold(t.db, admin, placed.ok ? placed.holdId : 0)).toEqual({ ok: true });
		expect(await releaseLegalHold(t.db, admin, placed.ok ? placed.holdId : 0)).toMatchObject({ ok: false, status: 404 });
		expect(await reduceDueRounds(t.db, RETENTION, '2026-06-01')).toEqual({ rounds: 1, responses: 6 });
		const holds = await listLegalHolds(t.db);
		expect(holds).toMatchObject([{ reason: 'Complaint 2026/14 under investigation', placedBy: admin.email, releasedBy: admin.email, round: null }]);
		const actions = (await t.db.selectFrom('audit_event').select(['action', 'summary']).where('action', 'like', 'legal_hold%').orderBy('id').execute()).map((a) => a.action);
		expect(actions).toEqual(['legal_hold_placed', 'legal_hold_released']);
	});

	it('holds one round without holding the practice’s others', async () => {
		const later = await addRound(t.db, f, { title: 'Later round', opensOn: '2023-03-01', closesOn: '2023-03-21', staffHeadcount: 20, status: 'open' });
		await submitResponse(t.db, later.id, respondent(4, 'Later comment'), '2023-03-10');
		await closeDueRounds(t.db, '2023-03-22');
		expect((await placeLegalHold(t.db, admin, { roundId: f.round.id }, 'Subject access request')).ok).toBe(true);
		expect(await deleteDueComments(t.db, RETENTION, '2026-01-01')).toEqual({ rounds: 1, comments: 1 });
		expect(await countRows(t.db, 'comment')).toBe(6);
	});

	it('refuses a hold without a reason, or on a practice or round that is not there, and stores nothing', async () => {
		expect(await placeLegalHold(t.db, admin, { practiceId: f.practice.id }, ' \u0000 ')).toMatchObject({ ok: false, status: 400 });
		expect(await placeLegalHold(t.db, admin, { practiceId: 999_999 }, 'Reason')).toMatchObject({ ok: false, status: 404 });
		expect(await placeLegalHold(t.db, admin, { roundId: 999_999 }, 'Reason')).toMatchObject({ ok: false, status: 404 });
		expect(await countRows(t.db, 'legal_hold')).toBe(0);
	});

	it('deletes audit entries older than 72 months, except those about a practice on hold, and records how many', async () => {
		const old = new Date('2019-06-01T10:00:00Z');
		await recordAudit(t.db, { system: 'test' }, { action: 'round_opened', summary: 'old, no practice' }, old);
		await recordAudit(t.db, { system: 'test' }, { action: 'round_opened', summary: 'old, held practice', practiceId: f.practice.id }, old);
		await recordAudit(t.db, { system: 'test' }, { action: 'round_opened', summary: 'recent' }, new Date('2024-06-01T10:00:00Z'));
		await placeLegalHold(t.db, admin, { practiceId: f.practice.id }, 'Keep everything');
		const before = await countRows(t.db, 'audit_event');
		expect(await deleteOldAuditEntries(t.db, RETENTION, '2025-06-01')).toEqual({ entries: 0 });
		expect(await deleteOldAuditEntries(t.db, RETENTION, '2025-06-02')).toEqual({ entries: 1 });
		const summaries = (await t.db.selectFrom('audit_event').select('summary').execute()).map((e) => e.summary);
		expect(summaries).not.toContain('old, no practice');
		expect(summaries).toContain('old, held practice');
		expect(summaries).toContain('Deleted 1 audit entry older than 72 months');
		expect(await countRows(t.db, 'audit_event')).toBe(before);
	});

	it('follows the configured lengths', async () => {
		const short = { commentsMonths: 1, answersMonths: 2, auditMonths: 3 };
		expect(await deleteDueComments(t.db, short, '2023-02-20')).toEqual({ rounds: 0, comments: 0 });
		expect(await deleteDueComments(t.db, short, '2023-02-21')).toEqual({ rounds: 1, comments: 6 });
		expect(await reduceDueRounds(t.db, short, '2023-03-21')).toEqual({ rounds: 1, responses: 6 });
	});
});

describe('the daily purge', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(async () => {
		await t.close();
	});

	it('deletes what has expired or been used, keeps what is still live, and finds nothing the second time', async () => {
		const now = new Date('2026-12-06T12:00:00Z');
		const past = '2026-12-06T11:59:00.000Z';
		const future = '2026-12-06T12:30:00.000Z';
		const user = await createSignedInUser(t.db, 'admin');
		await t.db
			.insertInto('session')
			.values([
				{ id: 'expired', user_id: user.id, created_at: past, expires_at: past },
				{ id: 'live', user_id: user.id, created_at: past, expires_at: future }
			])
			.execute();
		await t.db
			.insertInto('account_link')
			.values([
				{ token_hash: 'expired', user_id: user.id, purpose: 'invitation', created_by: null, created_at: past, expires_at: past, used_at: null },
				{ token_hash: 'used', user_id: user.id, purpose: 'password_reset', created_by: null, created_at: past, expires_at: future, used_at: past },
				{ token_hash: 'live', user_id: user.id, purpose: 'password_reset', created_by: null, created_at: past, expires_at: future, used_at: null }
			])
			.execute();
		await t.db.insertInto('sign_in_challenge').values([{ token_hash: 'expired', user_id: user.id, expires_at: past }, { token_hash: 'live', user_id: user.id, expires_at: future }]).execute();
		const attempt = { state: 's', nonce: 'n', code_verifier: 'v', next_path: '/', invitation_hash: null };
		await t.db.insertInto('sso_attempt').values([{ key_hash: 'expired', expires_at: past, ...attempt }, { key_hash: 'live', expires_at: future, ...attempt }]).execute();
		await t.db
			.insertInto('api_token')
			.values([
				{ user_id: user.id, name: 'revoked', token_hash: 'revoked', created_at: past, last_used_at: null, revoked_at: past },
				{ user_id: user.id, name: 'live', token_hash: 'live', created_at: past, last_used_at: null, revoked_at: null }
			])
			.execute();
		expect(await purgeExpired(t.db, '2026-12-06', now)).toMatchObject({ sessions: 1, accountLinks: 2, signInChallenges: 1, ssoAttempts: 1, apiTokens: 1 });
		expect((await t.db.selectFrom('session').select('id').execute()).map((r) => r.id)).toEqual(['live']);
		expect((await t.db.selectFrom('account_link').select('token_hash').execute()).map((r) => r.token_hash)).toEqual(['live']);
		expect((await t.db.selectFrom('api_token').select('name').execute()).map((r) => r.name)).toEqual(['live']);
		const again = await purgeExpired(t.db, '2026-12-06', now);
		expect(Object.values(again).every((n) => n === 0)).toBe(true);
	});
});
