/**
 * Everything held about an account, downloaded and erased (issue 27): the export holds every
 * section and no secret; erasure leaves no name or address anywhere in the database, no way in,
 * and the practice's records in place as "A former user". Only administrators do either.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { ABOUT, exportAccount, type AccountExportData } from '../../src/lib/server/accounts/account-export';
import { FORMER_USER, eraseAccount, namesInRenames, withoutPerson } from '../../src/lib/server/accounts/account-erasure';
import { checkAccountLink } from '../../src/lib/server/accounts/account-links';
import { issuePasswordReset } from '../../src/lib/server/accounts/invitations';
import { saveNoticeChoices } from '../../src/lib/server/accounts/mail-preferences';
import { updateUser } from '../../src/lib/server/accounts/people-changes';
import { getPersonFor, listPeopleFor } from '../../src/lib/server/accounts/people-list';
import { hashPassword } from '../../src/lib/server/accounts/passwords';
import { createSession, validateSessionToken } from '../../src/lib/server/accounts/sessions';
import { signInWithPassword } from '../../src/lib/server/accounts/sign-in';
import { createUser, getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import { authenticateApiToken, createApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { markActionDone, recordAction } from '../../src/lib/server/linkworker/action-changes';
import { getAssessmentsForRound, saveAssessment } from '../../src/lib/server/linkworker/assessments';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { commentOnFlag, listFlagsForPractice } from '../../src/lib/server/linkworker/flags';
import { listActionsForPractice } from '../../src/lib/server/linkworker/practice-actions';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { GET as exportRoute } from '../../src/routes/(app)/users/[userId]/export/+server';
import { actions as eraseActions, load as eraseLoad } from '../../src/routes/(app)/users/[userId]/erase/+page.server';
import { actions as personActions, load as personLoad } from '../../src/routes/(app)/users/[userId]/+page.server';
import { createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { TEST_COST, TEST_PASSWORD, createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';

const NOW = new Date('2026-11-28T10:00:00Z');
const EMAIL = 'robin.quayle@practice.example';
const FIRST_NAME = 'Robin Quayle';
const NAME = 'Robin Quayle-Marsh';
const STAFF_COMMENT = 'A staff comment that no account may ever be tied to';

type AnyRoute = (event: never) => unknown;
const call = (fn: AnyRoute, event: ReturnType<typeof fakeEvent>) => outcomeOf(() => fn(event as never));

/** Secrets made along the way that never reach a download: raw tokens, as the person or their browser holds them. */
interface Made {
	sessionToken: string;
	apiToken: string;
	resetToken: string;
}

let t: TestDatabase;
let f: PracticeFixture;
let admin: SignedInUser;
let otherAdmin: SignedInUser;
let manager: SignedInUser;
let lead: SignedInUser;
let icbLead: SignedInUser;
let robin: SignedInUser;
let made: Made;
let flagId: number;
let actionId: number;

/** A link worker with a bit of everything: sessions, a token, two-step sign-in, a flag, an assessment, mail… */
async function linkWorkerWithHistory(): Promise<void> {
	const account = await createUser(t.db, {
		email: EMAIL,
		displayName: FIRST_NAME,
		role: 'link_worker',
		scope: { practiceIds: [f.practice.id] },
		passwordHash: await hashPassword(TEST_PASSWORD, TEST_COST)
	});
	expect(await updateUser(t.db, admin, account.id, { displayName: NAME, role: 'link_worker', scope: { practiceIds: [f.practice.id] } }, NOW)).toEqual({ ok: true });
	robin = await toSignedInUser(t.db, (await getUser(t.db, account.id))!);

	const saved = await saveChecklist(t.db, robin, f.practice.id, [{ itemId: 'private-room', status: 'missing', note: 'The room is booked most mornings' }], { 'private-room': 'practice_and_pcn' }, NOW);
	expect(saved.ok).toBe(true);
	flagId = (await t.db.selectFrom('flag').select('id').where('raised_by', '=', robin.id).executeTakeFirstOrThrow()).id;
	expect(await commentOnFlag(t.db, robin, flagId, 'Still no room on Tuesdays', NOW)).toMatchObject({ ok: true });
	expect(await commentOnFlag(t.db, manager, flagId, 'We are asking the partners', NOW)).toMatchObject({ ok: true });

	const answers = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((i) => [`item-${i.id}`, '4']));
	expect(await saveAssessment(t.db, robin, f.round.id, Object.entries(answers), NOW)).toMatchObject({ ok: true });

	const recorded = await recordAction(t.db, manager, f.practice.id, { what: 'Book the treatment room on Tuesdays', owner: 'Practice manager', dueOn: '2026-12-15', linkedTo: `flag:${flagId}` }, NOW);
	if (!recorded.ok) throw new Error(JSON.stringify(recorded.problems));
	actionId = recorded.value;
	expect(await markActionDone(t.db, manager, actionId, { doneOn: '2026-11-28', note: 'Tuesdays are booked for the link worker' }, NOW)).toMatchObject({ ok: true });

	const session = await createSession(t.db, robin.id, NOW);
	await createSession(t.db, robin.id, NOW, true);
	const token = await createApiToken(t.db, robin, 'Reporting laptop', NOW);
	if (!token.ok) throw new Error('no token');
	await t.db.insertInto('second_factor').values({ user_id: robin.id, secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', confirmed_at: NOW.toISOString(), last_counter: 1234, created_at: NOW.toISOString() }).execute();
	await t.db
		.insertInto('recovery_code')
		.values([
			{ user_id: robin.id, code_hash: 'a1'.repeat(32), used_at: null },
			{ user_id: robin.id, code_hash: 'b2'.repeat(32), used_at: null },
			{ user_id: robin.id, code_hash: 'c3'.repeat(32), used_at: NOW.toISOString() }
		])
		.execute();
	await saveNoticeChoices(t.db, robin, ['round_opened']);
	const reset = await issuePasswordReset(t.db, admin, robin.id, { origin: 'http://localhost', mail: true, now: NOW });
	if (!reset.ok) throw new Error('no reset');
	expect(await signInWithPassword(t.db, { email: EMAIL, password: 'not the password at all', clientAddress: '192.0.2.9' }, NOW)).toMatchObject({ ok: false, status: 401 });
	await t.db
		.insertInto('survey_calendar')
		.values({ practice_id: f.practice.id, cadence: 'every', every_months: 6, anchor_on: '2027-03-01', months: null, open_day: null, length_days: 21, fixed_headcount: null, planned_through: null, updated_at: NOW.toISOString(), updated_by: robin.id })
		.execute();
	await t.db.insertInto('legal_hold').values({ practice_id: f.practice.id, round_id: null, reason: 'A complaint is open', placed_by: robin.id, placed_at: NOW.toISOString(), released_by: null, released_at: null }).execute();
	made = { sessionToken: session.token, apiToken: token.token.token, resetToken: new URL(reset.link.url).pathname.split('/').pop()! };
}

beforeEach(async () => {
	t = await createTestDatabase();
	f = await createPracticeWithRound(t.db, { status: 'closed', title: 'Autumn round', opensOn: '2026-10-01', closesOn: '2026-10-31' });
	admin = await createSignedInUser(t.db, 'admin');
	otherAdmin = await createSignedInUser(t.db, 'admin');
	manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
	lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
	icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
	// Five anonymous staff responses, one with a comment: nothing of them may reach anyone's file.
	const ids = await itemIdsOf(t.db, f.versionId);
	for (const point of [3, 4, 4, 5, 5] as AgreementPoint[]) {
		const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((i) => [i.id, point]));
		await storeResponse(t.db, f.round.id, ids, { roleGroup: null, agreement, general: {}, comment: point === 3 ? STAFF_COMMENT : null, code: null }, '2026-10-15');
	}
	await linkWorkerWithHistory();
});

afterEach(() => t.close());

async function exported(userId = robin.id): Promise<{ data: AccountExportData; text: string }> {
	const outcome = await exportAccount(t.db, admin, userId, NOW);
	if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
	return { data: JSON.parse(outcome.download.file) as AccountExportData, text: outcome.download.file };
}

/** Every cell of every table, as text, for looking for a name or an address anywhere. */
async function wholeDatabase(): Promise<string> {
	const tables = await t.db.introspection.getTables();
	const dumps: string[] = [];
	for (const table of tables) {
		const rows = await t.db.selectFrom(table.name as 'user_account').selectAll().execute();
		dumps.push(`${table.name}: ${JSON.stringify(rows)}`);
	}
	return dumps.join('\n').toLowerCase();
}

/** What a refused erasure must leave exactly as it was. */
async function snapshot(userId: number) {
	const count = async (table: 'session' | 'api_token' | 'account_link' | 'user_practice' | 'mail_outbox' | 'audit_event') =>
		Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	return {
		account: await getUser(t.db, userId),
		sessions: await count('session'),
		tokens: await count('api_token'),
		links: await count('account_link'),
		scope: await count('user_practice'),
		mail: await count('mail_outbox'),
		audit: await count('audit_event')
	};
}

describe('exporting an account', () => {
	it('holds every section for a link worker: profile, scope, sign-ins, two-step, tokens, mail, audit, assessments, checklist, flags and more', async () => {
		const { data } = await exported();
		expect(Object.keys(data.about)).toEqual(Object.keys(ABOUT));
		expect(data.profile).toMatchObject({ id: robin.id, email: EMAIL, displayName: NAME, role: 'link_worker', roleName: 'Link worker', passwordSet: true, switchedOffAt: null });
		expect(data.profile.singleSignOn).toEqual({ linked: false, issuer: null, requiredSince: null });
		expect(data.scope).toEqual({ icbs: [], pcns: [], practices: [{ name: 'Test Surgery', odsCode: 'A10001' }] });
		expect(data.signIns.sessions).toHaveLength(2);
		expect(data.signIns.sessions.map((s) => s.singleSignOn).sort()).toEqual([false, true]);
		expect(data.twoStep).toMatchObject({ enabled: true, confirmedAt: NOW.toISOString(), recoveryCodesLeft: 2 });
		expect(data.apiTokens).toEqual([{ name: 'Reporting laptop', createdAt: NOW.toISOString(), lastUsedAt: null, revokedAt: null }]);
		expect(data.mailPreferences.filter((p) => p.wanted).map((p) => p.kind)).toEqual(['round_opened']);
		expect(data.accountLinks).toEqual([expect.objectContaining({ purpose: 'password_reset', usedAt: null })]);
		const actionsBy = data.auditEntries.byThem.map((e) => e.action);
		expect(actionsBy).toEqual(expect.arrayContaining(['flag_raised', 'flag_changed', 'assessment_saved', 'api_token_created', 'mail_preferences_changed']));
		const about = data.auditEntries.aboutThem.map((e) => e.action);
		expect(about).toEqual(expect.arrayContaining(['user_changed', 'password_reset_issued', 'sign_in_failed']));
		// Who did it is another person: no entry carries an actor.
		expect(JSON.stringify(data.auditEntries)).not.toContain(admin.email);
		expect(data.linkWorkerAssessments).toHaveLength(1);
		expect(data.linkWorkerAssessments[0]).toMatchObject({ round: { title: 'Autumn round' }, practice: { name: 'Test Surgery', odsCode: 'A10001' } });
		expect(data.linkWorkerAssessments[0]!.answers.length).toBeGreaterThan(10);
		expect(data.linkWorkerAssessments[0]!.answers.every((a) => a.answer === 4 && a.statement.length > 0)).toBe(true);
		expect(data.infrastructureChecklist).toEqual([expect.objectContaining({ item: 'private-room', status: 'missing', note: 'The room is booked most mornings' })]);
		expect(data.flagsRaised).toEqual([expect.objectContaining({ flag: flagId, state: 'Open', visibility: 'practice and PCN lead' })]);
		// Their own changes and comments, never the manager's reply.
		expect(data.flagEvents.map((e) => e.comment)).toEqual(['The room is booked most mornings', 'Still no room on Tuesdays']);
		expect(data.surveyCalendars).toEqual([{ practice: { name: 'Test Surgery', odsCode: 'A10001' }, updatedAt: NOW.toISOString() }]);
		expect(data.legalHolds).toEqual([expect.objectContaining({ reason: 'A complaint is open', placedByThem: true, releasedByThem: false })]);
		expect(data.mail).toEqual([expect.objectContaining({ kind: 'password reset link', status: 'waiting', sentAt: null })]);
		expect(Object.keys(data.mail[0]!)).not.toContain('body');
		// A link worker records no actions; the manager's file holds theirs, with the note.
		expect(data.practiceActions).toEqual([]);
		const managerFile = (await exported(manager.id)).data;
		expect(managerFile.practiceActions).toEqual([
			expect.objectContaining({ action: actionId, flag: flagId, doneNote: 'Tuesdays are booked for the link worker', recordedByThem: true, markedDoneByThem: true })
		]);
	});

	it('holds no password hash, session, link or token (or their hashes), authenticator secret, recovery code, mail body or staff answer', async () => {
		const { text } = await exported();
		const secrets: string[] = [made.sessionToken, made.apiToken, made.resetToken];
		const account = (await getUser(t.db, robin.id))!;
		secrets.push(account.password_hash!);
		for (const s of await t.db.selectFrom('session').select('id').execute()) secrets.push(s.id);
		for (const l of await t.db.selectFrom('account_link').select('token_hash').execute()) secrets.push(l.token_hash);
		for (const a of await t.db.selectFrom('api_token').select('token_hash').execute()) secrets.push(a.token_hash);
		for (const r of await t.db.selectFrom('recovery_code').select('code_hash').execute()) secrets.push(r.code_hash);
		for (const s of await t.db.selectFrom('second_factor').select('secret').execute()) secrets.push(s.secret);
		for (const k of await t.db.selectFrom('sign_in_failure').select('throttle_key').execute()) secrets.push(k.throttle_key.split(':')[1]!);
		for (const m of await t.db.selectFrom('mail_outbox').select(['text_body', 'html_body']).execute()) secrets.push(m.text_body!, m.html_body!);
		expect(secrets.length).toBeGreaterThan(12);
		for (const secret of secrets) expect(text, 'a secret reached the file').not.toContain(secret);
		expect(text).not.toContain(STAFF_COMMENT);
		for (const r of await t.db.selectFrom('response').select('id').execute()) expect(text).not.toContain(r.id);
	});

	it('is audited with counts only, and refused to anyone but an administrator', async () => {
		await exported();
		const entry = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'export_downloaded').executeTakeFirstOrThrow();
		expect(entry).toMatchObject({ actor_user_id: admin.id });
		expect(entry.summary).toMatch(new RegExp(`^Downloaded everything held about account #${robin.id}: 2 sessions, 1 API tokens`));
		expect(entry.summary).not.toContain(EMAIL);
		expect(entry.summary).not.toContain(NAME);
		for (const who of [lead, icbLead, manager, robin]) expect(await exportAccount(t.db, who, robin.id, NOW)).toMatchObject({ ok: false, status: 403 });
		expect(await exportAccount(t.db, admin, 999_999, NOW)).toMatchObject({ ok: false, status: 404 });
	});

	it('downloads as a JSON attachment that is not cached, for administrators only', async () => {
		const path = `/users/${robin.id}/export`;
		const ok = await call(exportRoute, fakeEvent({ db: t.db, user: admin, path, params: { userId: String(robin.id) } }));
		const response = ok.result as Response;
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="belonging-account-${robin.id}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
		expect(response.headers.get('cache-control')).toContain('no-store');
		expect((JSON.parse(await response.text()) as AccountExportData).profile.email).toBe(EMAIL);
		for (const who of [lead, icbLead, manager, robin]) {
			expect(statusOf(await call(exportRoute, fakeEvent({ db: t.db, user: who, path, params: { userId: String(robin.id) } })))).toBe(403);
		}
		const anonymous = await call(exportRoute, fakeEvent({ db: t.db, path, params: { userId: String(robin.id) } }));
		expect(isRedirect(anonymous.thrown)).toBe(true);
		for (const userId of ['999999', '0x2', 'abc']) {
			expect(statusOf(await call(exportRoute, fakeEvent({ db: t.db, user: admin, path: `/users/${userId}/export`, params: { userId } })))).toBe(404);
		}
		expect(await t.db.selectFrom('audit_event').select('id').where('action', '=', 'export_downloaded').execute()).toHaveLength(1);
	});
});

describe('erasing an account', () => {
	it('leaves neither name nor address anywhere in the database, and erased twice changes nothing more', async () => {
		const before = await wholeDatabase();
		for (const text of [EMAIL, NAME, FIRST_NAME]) expect(before).toContain(text.toLowerCase());
		expect(await eraseAccount(t.db, admin, robin.id, NOW)).toEqual({ ok: true, alreadyErased: false });
		const after = await wholeDatabase();
		for (const text of [EMAIL, NAME, FIRST_NAME, 'robin', 'quayle']) expect(after, text).not.toContain(text.toLowerCase());
		const account = (await getUser(t.db, robin.id))!;
		expect(account).toMatchObject({ display_name: FORMER_USER, email: `erased-${robin.id}@erased.invalid`, password_hash: null, sso_subject: null, erased_at: NOW.toISOString() });
		expect(account.disabled_at).not.toBeNull();

		const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'account_erased').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actor_user_id: admin.id, actor_label: admin.email });
		expect(audit[0]!.summary).toMatch(new RegExp(`^Erased account #${robin.id}: removed 2 sessions, 1 account links, 1 API tokens, 1 second factors, 3 recovery codes, 5 mail choices, 1 scope rows, 1 mails, 1 failed sign-ins; \\d+ audit entries rewritten$`));
		// Their own entries stay, signed "A former user"; entries about them read so too.
		const theirs = await t.db.selectFrom('audit_event').select(['actor_label']).where('actor_user_id', '=', robin.id).execute();
		expect(theirs.length).toBeGreaterThan(3);
		expect(new Set(theirs.map((e) => e.actor_label))).toEqual(new Set([FORMER_USER]));
		const renamed = await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'user_changed').executeTakeFirstOrThrow();
		expect(renamed.summary).toBe('Changed a former user: name changed');
		const failed = await t.db.selectFrom('audit_event').select(['actor_label', 'actor_user_id']).where('action', '=', 'sign_in_failed').executeTakeFirstOrThrow();
		expect(failed).toEqual({ actor_label: FORMER_USER, actor_user_id: null });

		const auditCount = (await t.db.selectFrom('audit_event').select('id').execute()).length;
		expect(await eraseAccount(t.db, admin, robin.id, NOW)).toEqual({ ok: true, alreadyErased: true });
		expect((await t.db.selectFrom('audit_event').select('id').execute()).length).toBe(auditCount);
		expect(await wholeDatabase()).toBe(after);
	});

	it('takes away every way in: password, sessions, API tokens, links, two-step sign-in and the people lists', async () => {
		const otherSession = await createSession(t.db, manager.id, NOW);
		await eraseAccount(t.db, admin, robin.id, NOW);
		expect(await signInWithPassword(t.db, { email: EMAIL, password: TEST_PASSWORD, clientAddress: '192.0.2.10' }, NOW)).toMatchObject({ ok: false, status: 401 });
		expect(await signInWithPassword(t.db, { email: `erased-${robin.id}@erased.invalid`, password: TEST_PASSWORD, clientAddress: '192.0.2.11' }, NOW)).toMatchObject({ ok: false });
		expect(await validateSessionToken(t.db, made.sessionToken, NOW)).toBeUndefined();
		expect(await authenticateApiToken(t.db, made.apiToken, NOW)).toBeNull();
		expect(await checkAccountLink(t.db, made.resetToken, 'password_reset', NOW)).toEqual({ ok: false, reason: 'unknown' });
		for (const table of ['second_factor', 'recovery_code', 'mail_preference', 'user_practice', 'api_token', 'session', 'account_link'] as const) {
			expect(await t.db.selectFrom(table).select('user_id').where('user_id', '=', robin.id).execute(), table).toEqual([]);
		}
		// Nobody else's way in is touched.
		expect(await validateSessionToken(t.db, otherSession.token, NOW)).toBeDefined();

		const people = await listPeopleFor(t.db, admin, NOW);
		expect(people.items.map((p) => p.id)).not.toContain(robin.id);
		expect(people.total).toBe(5);
		expect((await listPeopleFor(t.db, admin, NOW, { search: 'former' })).total).toBe(0);
		expect((await listPeopleFor(t.db, admin, NOW, { search: 'erased' })).total).toBe(0);
		expect(await getPersonFor(t.db, admin, robin.id)).toBeUndefined();
		const page = await call(personLoad, fakeEvent({ db: t.db, user: admin, path: `/users/${robin.id}`, params: { userId: String(robin.id) } }));
		expect(statusOf(page)).toBe(404);
		// No action brings the account back: switching it on, a reset link, a new invitation.
		for (const action of ['switchOn', 'reset', 'reinvite', 'signOut'] as const) {
			const outcome = await call(personActions[action], fakeEvent({ db: t.db, user: admin, path: `/users/${robin.id}?/${action}`, params: { userId: String(robin.id) }, form: { confirm: action } }));
			expect(statusOf(outcome), action).toBe(404);
		}
		expect(await exportAccount(t.db, admin, robin.id, NOW)).toMatchObject({ ok: false, status: 404 });
		expect((await getUser(t.db, robin.id))!.password_hash).toBeNull();
	});

	it('keeps flags, their history, assessments and actions for the practice, reading “A former user”', async () => {
		await eraseAccount(t.db, admin, robin.id, NOW);
		await eraseAccount(t.db, admin, manager.id, NOW);
		const flags = await listFlagsForPractice(t.db, lead, f.practice.id);
		expect(flags).toHaveLength(1);
		expect(flags[0]!.raisedBy.name).toBe(FORMER_USER);
		expect(flags[0]!.note).toBe('The room is booked most mornings');
		expect(flags[0]!.events.map((e) => [e.actorName, e.comment])).toEqual([
			[FORMER_USER, 'The room is booked most mornings'],
			[FORMER_USER, 'Still no room on Tuesdays'],
			[FORMER_USER, 'We are asking the partners']
		]);
		const assessments = await getAssessmentsForRound(t.db, f.round.id);
		expect(assessments.map((a) => a.linkWorkerName)).toEqual([FORMER_USER]);
		const actions = await listActionsForPractice(t.db, lead, f.practice.id, '2026-11-28');
		expect(actions).toEqual([expect.objectContaining({ id: actionId, doneNote: 'Tuesdays are booked for the link worker', recordedBy: FORMER_USER, doneBy: FORMER_USER })]);
	});

	it('is refused, changing nothing, to leads, to oneself and for the last administrator who can sign in', async () => {
		const before = await snapshot(robin.id);
		for (const who of [lead, icbLead, manager]) expect(await eraseAccount(t.db, who, robin.id, NOW)).toMatchObject({ ok: false, status: 403 });
		expect(await eraseAccount(t.db, admin, admin.id, NOW)).toMatchObject({ ok: false, status: 400 });
		expect(await eraseAccount(t.db, admin, 999_999, NOW)).toMatchObject({ ok: false, status: 404 });
		// The other administrator was switched off in another tab while this one still had the page open.
		await t.db.updateTable('user_account').set({ disabled_at: NOW.toISOString() }).where('id', '=', admin.id).execute();
		const beforeLast = await snapshot(otherAdmin.id);
		expect(await eraseAccount(t.db, admin, otherAdmin.id, NOW)).toMatchObject({ ok: false, status: 409 });
		expect(await snapshot(otherAdmin.id)).toEqual(beforeLast);
		expect(await snapshot(robin.id)).toEqual(before);
		// With another administrator able to sign in, it goes ahead.
		await t.db.updateTable('user_account').set({ disabled_at: null }).where('id', '=', admin.id).execute();
		expect(await eraseAccount(t.db, admin, otherAdmin.id, NOW)).toEqual({ ok: true, alreadyErased: false });
	});

	it('asks first on a page of its own: leads get 403 there and from its form, an unticked box erases nothing', async () => {
		const path = `/users/${robin.id}/erase`;
		const params = { userId: String(robin.id) };
		const page = (await call(eraseLoad, fakeEvent({ db: t.db, user: admin, path, params }))).result as { erased: boolean; person: { displayName: string }; stays: Record<string, number> };
		expect(page).toMatchObject({ erased: false, person: { displayName: NAME }, stays: { flagsRaised: 1, flagChanges: 2, assessments: 1, actions: 0 } });
		const before = await snapshot(robin.id);
		for (const who of [lead, icbLead, manager, robin]) {
			expect(statusOf(await call(eraseLoad, fakeEvent({ db: t.db, user: who, path, params }))), who.role).toBe(403);
			expect(statusOf(await call(eraseActions.default, fakeEvent({ db: t.db, user: who, path, params, form: { confirm: 'yes' } }))), who.role).toBe(403);
		}
		for (const form of [{}, { confirm: 'no' }, { confirm: 'YES ' }] as Record<string, string>[]) {
			expect(statusOf(await call(eraseActions.default, fakeEvent({ db: t.db, user: admin, path, params, form })))).toBe(400);
		}
		expect(await snapshot(robin.id)).toEqual(before);
		const done = await call(eraseActions.default, fakeEvent({ db: t.db, user: admin, path, params, form: { confirm: 'yes' } }));
		expect(isRedirect(done.thrown) && done.thrown.location).toBe(path);
		expect((await getUser(t.db, robin.id))!.erased_at).not.toBeNull();
		expect((await call(eraseLoad, fakeEvent({ db: t.db, user: admin, path, params }))).result).toEqual({ userId: robin.id, erased: true });
		// Sent again (a second click, the back button): the same page, nothing more done.
		const again = await call(eraseActions.default, fakeEvent({ db: t.db, user: admin, path, params, form: { confirm: 'yes' } }));
		expect(isRedirect(again.thrown) && again.thrown.location).toBe(path);
		expect(await t.db.selectFrom('audit_event').select('id').where('action', '=', 'account_erased').execute()).toHaveLength(1);
		// One's own page offers no form, and the action refuses it.
		const own = (await call(eraseLoad, fakeEvent({ db: t.db, user: admin, path: `/users/${admin.id}/erase`, params: { userId: String(admin.id) } }))).result;
		expect(own).toMatchObject({ isSelf: true });
		expect(statusOf(await call(eraseActions.default, fakeEvent({ db: t.db, user: admin, path: `/users/${admin.id}/erase`, params: { userId: String(admin.id) }, form: { confirm: 'yes' } })))).toBe(400);
		const missing = await call(eraseLoad, fakeEvent({ db: t.db, user: admin, path: '/users/999999/erase', params: { userId: '999999' } }));
		expect(isHttpError(missing.thrown) && missing.thrown.status).toBe(404);
	});
});

describe('writing a person out of an audit summary', () => {
	it('replaces “name (address)”, the address and their names, and drops a recorded rename', () => {
		const names = ['Sam Lee', ...namesInRenames(['Changed sam@x.example: name from “Sam Lee” to “Samantha Lee”; role from A to B'])];
		expect(names).toEqual(['Sam Lee', 'Sam Lee', 'Samantha Lee']);
		expect(withoutPerson('Switched off Samantha Lee (sam@x.example); their sessions ended', 'sam@x.example', names)).toBe('Switched off a former user; their sessions ended');
		expect(withoutPerson('Samantha Lee (SAM@x.example) can now see: One Surgery', 'sam@x.example', names)).toBe('A former user can now see: One Surgery');
		expect(withoutPerson('Changed sam@x.example: name from “Sam Lee” to “Samantha Lee”; role from A to B', 'sam@x.example', names)).toBe('Changed a former user: name changed; role from A to B');
		expect(withoutPerson('Sent a password reset link to sam@x.example', 'sam@x.example', names)).toBe('Sent a password reset link to a former user');
		// A name inside a longer word is not theirs.
		expect(withoutPerson('Invited Sam Leeming (sam@x.example)', 'sam@x.example', ['Sam Lee'])).toBe('Invited Sam Leeming (a former user)');
	});
});
