/**
 * People management in lib/server/accounts/ on a real SQLite file: invitations, reset links,
 * password rules, and what a PCN lead may and may not do. Fixture: PCN A holds A1 and A2, PCN B
 * holds B1; the lead leads PCN A; the link worker serves A1 and B1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINK_PROBLEMS } from '../../src/lib/server/accounts/account-links';
import type { Db } from '../../src/lib/server/db';
import { queuedMail } from '../helpers/mail';
import { verifyPassword } from '../../src/lib/server/accounts/passwords';
import { acceptInvitation, changePassword, resetPassword } from '../../src/lib/server/accounts/choosing-password';
import { disableUser, removePracticeAccess, signOutEverywhere, updateUser } from '../../src/lib/server/accounts/people-changes';
import { getPersonFor, listGrantableChoices, listPeopleFor } from '../../src/lib/server/accounts/people-list';
import {
	inviteUser,
	issuePasswordReset,
	reissueInvitation,
	requestPasswordReset,
	type LinkOptions
} from '../../src/lib/server/accounts/invitations';
import { createSession } from '../../src/lib/server/accounts/sessions';
import { findUserByEmail, getScope, getUser } from '../../src/lib/server/accounts/users';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_COST, TEST_PASSWORD } from '../helpers/events';

const GOOD_PASSWORD = 'mossy harbour violin teapot';
const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-11-22T10:00:00.000Z');

const tokenOf = (url: string) => url.split('/').pop()!;

async function countSessions(db: Db, userId: number): Promise<number> {
	const rows = await db.selectFrom('session').select('id').where('user_id', '=', userId).execute();
	return rows.length;
}

async function auditActions(db: Db): Promise<{ action: string; actor_label: string; summary: string; practice_id: number | null }[]> {
	return db.selectFrom('audit_event').select(['action', 'actor_label', 'summary', 'practice_id']).orderBy('id').execute();
}

describe('people', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	let send: LinkOptions;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		send = { origin: 'https://belonging.example.org', mail: true, now: T0 };
	});
	afterEach(() => t.close());

	async function invite(email = 'new.person@example.nhs.uk', practiceIds = [f.practices.a2.id]) {
		const outcome = await inviteUser(
			t.db,
			f.users.admin,
			{ email, displayName: 'Bernadette Quigley', role: 'practice_manager', scope: { practiceIds } },
			send
		);
		if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
		return outcome;
	}

	describe('invitations', () => {
		it('creates an account without a password, mails and returns a 7-day link, and audits it', async () => {
			const { user, link } = await invite('  New.Person@Example.NHS.uk ');
			expect(user.email).toBe('new.person@example.nhs.uk');
			expect(user.password_hash).toBeNull();
			expect(await getScope(t.db, user.id)).toEqual({ icbIds: [], pcnIds: [], practiceIds: [f.practices.a2.id] });
			expect(link.url).toMatch(/^https:\/\/belonging\.example\.org\/invitation\/[A-Za-z0-9_-]{43}$/);
			expect(link.expiresAt.toISOString()).toBe('2026-11-29T10:00:00.000Z');
			expect(link.mailed).toBe(true);
			expect((await queuedMail(t.db))).toHaveLength(1);
			expect((await queuedMail(t.db))[0]!.to).toBe('new.person@example.nhs.uk');
			expect((await queuedMail(t.db))[0]!.text).toContain(link.url);
			expect((await queuedMail(t.db))[0]!.text).toContain('as a practice manager');
			const audit = (await auditActions(t.db)).at(-1)!;
			expect(audit).toMatchObject({ action: 'invitation_issued', actor_label: 'admin@matrix.example', practice_id: f.practices.a2.id });
			expect(audit.summary).toBe('Invited Bernadette Quigley (new.person@example.nhs.uk) as Practice manager: Practice A2');
			const person = await getPersonFor(t.db, f.users.admin, user.id, T0);
			expect(person).toMatchObject({ status: 'invited', statusName: 'Invitation pending', scopeInWords: 'Practice A2' });
		});

		it('refuses an email address that already has an account, whatever its case', async () => {
			const outcome = await inviteUser(
				t.db,
				f.users.admin,
				{ email: 'LEAD.A@matrix.example', displayName: 'Someone', role: 'link_worker', scope: { practiceIds: [f.practices.a1.id] } },
				send
			);
			expect(outcome).toMatchObject({ ok: false, status: 409, problems: [{ field: 'email' }] });
			expect((await queuedMail(t.db))).toHaveLength(0);
		});

		it('accepts the invitation once: the password is set and audited, and a second use is refused', async () => {
			const { user, link } = await invite();
			const accepted = await acceptInvitation(t.db, tokenOf(link.url), GOOD_PASSWORD, { now: new Date(T0.getTime() + DAY_MS), cost: TEST_COST });
			expect(accepted).toMatchObject({ ok: true, user: { id: user.id, role: 'practice_manager', practiceIds: [f.practices.a2.id] } });
			const stored = (await getUser(t.db, user.id))!;
			expect(await verifyPassword(stored.password_hash!, GOOD_PASSWORD)).toBe(true);
			expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'invitation_accepted', actor_label: user.email });

			const again = await acceptInvitation(t.db, tokenOf(link.url), 'another perfectly fine passphrase', { cost: TEST_COST, now: new Date(T0.getTime() + DAY_MS) });
			expect(again).toEqual({ ok: false, status: 410, problems: [{ field: 'form', message: LINK_PROBLEMS.used }] });
			expect(await verifyPassword((await getUser(t.db, user.id))!.password_hash!, GOOD_PASSWORD)).toBe(true);
		});

		it('lets only one of two simultaneous uses of a link through', async () => {
			const { user, link } = await invite();
			const token = tokenOf(link.url);
			const outcomes = await Promise.all(
				['first perfectly fine passphrase', 'second perfectly fine passphrase'].map((password) =>
					acceptInvitation(t.db, token, password, { now: T0, cost: TEST_COST })
				)
			);
			expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
			expect(outcomes.find((o) => !o.ok)).toMatchObject({ status: 410, problems: [{ message: LINK_PROBLEMS.used }] });
			const winner = outcomes[0]!.ok ? 'first perfectly fine passphrase' : 'second perfectly fine passphrase';
			expect(await verifyPassword((await getUser(t.db, user.id))!.password_hash!, winner)).toBe(true);
		});

		it('works until the moment it expires, seven days on, and not after', async () => {
			const { link } = await invite();
			const token = tokenOf(link.url);
			const late = await acceptInvitation(t.db, token, GOOD_PASSWORD, { now: new Date(T0.getTime() + 7 * DAY_MS), cost: TEST_COST });
			expect(late).toEqual({ ok: false, status: 410, problems: [{ field: 'form', message: LINK_PROBLEMS.expired }] });
			const person = (await listPeopleFor(t.db, f.users.admin, new Date(T0.getTime() + 7 * DAY_MS))).items.find((p) => p.email === 'new.person@example.nhs.uk');
			expect(person?.status).toBe('invitation_expired');
			const inTime = await acceptInvitation(t.db, token, GOOD_PASSWORD, { now: new Date(T0.getTime() + 7 * DAY_MS - 1000), cost: TEST_COST });
			expect(inTime.ok).toBe(true);
		});

		it('refuses an unknown link with 404', async () => {
			const outcome = await acceptInvitation(t.db, 'not-a-real-token', GOOD_PASSWORD, { cost: TEST_COST });
			expect(outcome).toEqual({ ok: false, status: 404, problems: [{ field: 'form', message: LINK_PROBLEMS.unknown }] });
		});

		it.each([
			['too short', 'short pass', 'Use at least 12 characters.'],
			['a common password', 'password1234', 'one of the most common passwords'],
			['built from the person’s name', 'bernadettequigley', 'easy to guess']
		])('refuses a password that is %s, and leaves the link usable', async (_label, password, message) => {
			const { user, link } = await invite();
			const outcome = await acceptInvitation(t.db, tokenOf(link.url), password, { now: T0, cost: TEST_COST });
			expect(outcome).toMatchObject({ ok: false, status: 400, problems: [{ field: 'password', message: expect.stringContaining(message) }] });
			expect((await getUser(t.db, user.id))!.password_hash).toBeNull();
			expect((await acceptInvitation(t.db, tokenOf(link.url), GOOD_PASSWORD, { now: T0, cost: TEST_COST })).ok).toBe(true);
		});

		it('sends a fresh invitation that replaces the old link', async () => {
			const { user, link } = await invite();
			const later = new Date(T0.getTime() + 8 * DAY_MS);
			const again = await reissueInvitation(t.db, f.users.pcnLead, user.id, { ...send, now: later });
			if (!again.ok) throw new Error('expected a new invitation');
			expect(again.link.expiresAt.toISOString()).toBe('2026-12-07T10:00:00.000Z');
			expect((await queuedMail(t.db)).map((m) => m.to)).toEqual(['new.person@example.nhs.uk', 'new.person@example.nhs.uk']);
			expect((await acceptInvitation(t.db, tokenOf(link.url), GOOD_PASSWORD, { now: later, cost: TEST_COST })).ok).toBe(false);
			expect((await acceptInvitation(t.db, tokenOf(again.link.url), GOOD_PASSWORD, { now: later, cost: TEST_COST })).ok).toBe(true);
			// Accepted now: there is nothing left to send again.
			expect(await reissueInvitation(t.db, f.users.admin, user.id, send)).toMatchObject({ ok: false, status: 409 });
		});

		it('refuses a link once the account is switched off', async () => {
			const { user, link } = await invite();
			expect((await disableUser(t.db, f.users.admin, user.id, T0)).ok).toBe(true);
			const outcome = await acceptInvitation(t.db, tokenOf(link.url), GOOD_PASSWORD, { now: T0, cost: TEST_COST });
			expect(outcome).toMatchObject({ ok: false, status: 404 });
		});
	});

	describe('password resets', () => {
		it('lets only an administrator issue a reset link, which lasts one hour and ends every session when used', async () => {
			const target = f.users.manager;
			expect(await issuePasswordReset(t.db, f.users.pcnLead, target.id, send)).toMatchObject({ ok: false, status: 403 });
			const issued = await issuePasswordReset(t.db, f.users.admin, target.id, send);
			if (!issued.ok) throw new Error('expected a reset link');
			expect(issued.link.url).toMatch(/^https:\/\/belonging\.example\.org\/reset-password\//);
			expect(issued.link.expiresAt.toISOString()).toBe('2026-11-22T11:00:00.000Z');
			expect((await queuedMail(t.db))[0]).toMatchObject({ to: target.email, subject: 'Reset your Belonging password' });
			expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'password_reset_issued', actor_label: 'admin@matrix.example' });

			const token = tokenOf(issued.link.url);
			const expired = await resetPassword(t.db, token, GOOD_PASSWORD, { now: new Date('2026-11-22T11:00:00.000Z'), cost: TEST_COST });
			expect(expired).toEqual({ ok: false, status: 410, problems: [{ field: 'form', message: LINK_PROBLEMS.expired }] });

			expect(await countSessions(t.db, target.id)).toBe(1);
			const done = await resetPassword(t.db, token, GOOD_PASSWORD, { now: new Date('2026-11-22T10:59:00.000Z'), cost: TEST_COST });
			expect(done.ok).toBe(true);
			expect(await countSessions(t.db, target.id)).toBe(0);
			expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'password_reset', actor_label: target.email });
			expect(await resetPassword(t.db, token, 'yet another fine passphrase', { cost: TEST_COST })).toMatchObject({ ok: false, status: 410 });
		});

		it('does not issue a reset link to someone who has not accepted their invitation', async () => {
			const { user } = await invite();
			expect(await issuePasswordReset(t.db, f.users.admin, user.id, send)).toMatchObject({ ok: false, status: 409 });
		});

		it('mails the forgotten-password link only to active accounts with a password, at most three an hour', async () => {
			const { user: pending } = await invite('pending@example.nhs.uk');
			await disableUser(t.db, f.users.admin, f.others.managerB1.id, T0);
			await requestPasswordReset(t.db, 'nobody@example.nhs.uk', send);
			await requestPasswordReset(t.db, pending.email, send);
			await requestPasswordReset(t.db, f.others.managerB1.email, send);
			expect((await queuedMail(t.db)).map((m) => m.to)).toEqual([pending.email]); // the invitation only

			await t.db.deleteFrom('mail_outbox').execute();
			for (let minute = 0; minute < 5; minute++) {
				await requestPasswordReset(t.db, ' Manager.A1@Matrix.example ', { ...send, now: new Date(T0.getTime() + minute * 60_000) });
			}
			expect((await queuedMail(t.db)).map((m) => m.to)).toEqual([f.users.manager.email, f.users.manager.email, f.users.manager.email]);
			// An hour after the first, one more may go.
			await requestPasswordReset(t.db, f.users.manager.email, { ...send, now: new Date(T0.getTime() + 60 * 60_000 + 1) });
			expect((await queuedMail(t.db))).toHaveLength(4);
			// Only the newest link works.
			const tokens = (await queuedMail(t.db)).map((m) => tokenOf(/https:\S+/.exec(m.text)![0]));
			const now = new Date(T0.getTime() + 61 * 60_000);
			expect((await resetPassword(t.db, tokens[2]!, GOOD_PASSWORD, { now, cost: TEST_COST })).ok).toBe(false);
			expect((await resetPassword(t.db, tokens[3]!, GOOD_PASSWORD, { now, cost: TEST_COST })).ok).toBe(true);
		});
	});

	describe('changing your own password', () => {
		it('needs the current password, ends every session and audits the change', async () => {
			const me = f.users.manager;
			await createSession(t.db, me.id);
			expect(await countSessions(t.db, me.id)).toBe(2);

			const wrong = await changePassword(t.db, me, { current: 'not my password', password: GOOD_PASSWORD }, { clientAddress: '192.0.2.9', cost: TEST_COST });
			expect(wrong).toMatchObject({ ok: false, status: 401, problems: [{ field: 'current' }] });
			const weak = await changePassword(t.db, me, { current: TEST_PASSWORD, password: 'password1234' }, { clientAddress: '192.0.2.9', cost: TEST_COST });
			expect(weak).toMatchObject({ ok: false, status: 400, problems: [{ field: 'password' }] });
			expect(await countSessions(t.db, me.id)).toBe(2);

			const done = await changePassword(t.db, me, { current: TEST_PASSWORD, password: GOOD_PASSWORD }, { clientAddress: '192.0.2.9', cost: TEST_COST });
			expect(done).toEqual({ ok: true });
			expect(await countSessions(t.db, me.id)).toBe(0);
			expect(await verifyPassword((await getUser(t.db, me.id))!.password_hash!, GOOD_PASSWORD)).toBe(true);
			expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'password_changed', actor_label: me.email });
		});

		it('stops after five wrong current passwords in a row', async () => {
			const me = f.users.manager;
			for (let i = 0; i < 5; i++) {
				await changePassword(t.db, me, { current: `wrong ${i}`, password: GOOD_PASSWORD }, { clientAddress: '192.0.2.9', cost: TEST_COST });
			}
			const blocked = await changePassword(t.db, me, { current: TEST_PASSWORD, password: GOOD_PASSWORD }, { clientAddress: '192.0.2.9', cost: TEST_COST });
			// The oldest of the five wrong tries leaves the 15-minute window in (just under) 900 seconds.
			expect(blocked).toMatchObject({
				ok: false,
				status: 429,
				problems: [{ field: 'current', message: 'Too many wrong passwords. Wait 15 minutes and try again.' }]
			});
			expect(blocked.ok === false && blocked.retryAfterSeconds).toBeGreaterThan(880);
			expect(blocked.ok === false && blocked.retryAfterSeconds).toBeLessThanOrEqual(900);
			expect(await verifyPassword((await getUser(t.db, me.id))!.password_hash!, TEST_PASSWORD)).toBe(true);
		});
	});

	describe('what a PCN lead may do', () => {
		const lead = () => f.users.pcnLead;

		it('sees the people working in their PCN, never administrators or people only in another PCN', async () => {
			const people = (await listPeopleFor(t.db, lead(), T0)).items;
			expect(people.map((p) => p.email).sort()).toEqual([
				'invited.a2@matrix.example',
				'invited.lead.ac@matrix.example',
				'lead.a@matrix.example',
				'lw@matrix.example',
				'manager.a1@matrix.example',
				'manager.a2@matrix.example',
				'spare.a2@matrix.example'
			]);
			const linkWorker = people.find((p) => p.email === 'lw@matrix.example')!;
			// B1 is in PCN B: the lead learns only that there is one more practice elsewhere.
			expect(linkWorker.practices.map((p) => p.name)).toEqual(['Practice A1']);
			expect(linkWorker.scopeInWords).toBe('Practice A1 and 1 practice in other PCNs');
			expect(await getPersonFor(t.db, lead(), f.others.managerB1.id)).toBeUndefined();
			expect(await getPersonFor(t.db, lead(), f.users.admin.id)).toBeUndefined();
			expect(await getPersonFor(t.db, lead(), f.users.icbLead.id)).toBeUndefined();
			expect(await getPersonFor(t.db, lead(), 999_999)).toBeUndefined();
			expect((await listPeopleFor(t.db, f.users.admin, T0)).total).toBe(12);
			expect((await listPeopleFor(t.db, f.users.manager, T0)).items).toEqual([]);
		});

		it('is offered only their own PCN, its practices and the roles below administrator', async () => {
			const choices = await listGrantableChoices(t.db, lead());
			// Never an ICB lead: only administrators make ICB leads.
			expect(choices.roles.map((r) => r.value)).toEqual(['pcn_lead', 'practice_manager', 'link_worker']);
			expect(choices).toMatchObject({ icbs: [], icbsByCode: false });
			expect(choices.pcns.map((p) => p.name)).toEqual(['PCN A']);
			expect(choices.practiceGroups.map((g) => [g.pcn?.name, g.practices.map((p) => p.name)])).toEqual([['PCN A', ['Practice A1', 'Practice A2']]]);
			const all = await listGrantableChoices(t.db, f.users.admin);
			expect(all.roles.map((r) => r.value)).toEqual(['admin', 'icb_lead', 'pcn_lead', 'practice_manager', 'link_worker']);
			expect(all.icbs.map((i) => i.name)).toEqual(['Other ICB', 'Test ICB']);
			expect(all.practiceGroups.flatMap((g) => g.practices).length).toBe(3);
		});

		it.each([
			['an administrator', 'admin', {}, 'role'],
			['a practice manager for a practice in another PCN', 'practice_manager', { practiceIds: ['b1'] }, 'practiceIds'],
			['a link worker for practices in both PCNs', 'link_worker', { practiceIds: ['a1', 'b1'] }, 'practiceIds'],
			['a PCN lead for another PCN', 'pcn_lead', { pcnIds: ['b'] }, 'pcnIds']
		] as const)('cannot invite %s', async (_label, role, scope, field) => {
			const resolved = {
				pcnIds: ('pcnIds' in scope ? scope.pcnIds : []).map((k) => f.pcns[k].id),
				practiceIds: ('practiceIds' in scope ? scope.practiceIds : []).map((k) => f.practices[k].id)
			};
			const outcome = await inviteUser(t.db, lead(), { email: 'x@example.nhs.uk', displayName: 'X Person', role, scope: resolved }, send);
			expect(outcome).toMatchObject({ ok: false, status: 403, problems: [{ field }] });
			expect(await findUserByEmail(t.db, 'x@example.nhs.uk')).toBeUndefined();
			expect((await queuedMail(t.db))).toHaveLength(0);
		});

		it('can invite a link worker for a practice in their PCN, and another PCN lead for their PCN', async () => {
			const worker = await inviteUser(
				t.db,
				lead(),
				{ email: 'lw2@example.nhs.uk', displayName: 'Lee Worker', role: 'link_worker', scope: { practiceIds: [f.practices.a2.id] } },
				send
			);
			expect(worker.ok).toBe(true);
			const colead = await inviteUser(
				t.db,
				lead(),
				{ email: 'colead@example.nhs.uk', displayName: 'Co Lead', role: 'pcn_lead', scope: { pcnIds: [f.pcns.a.id] } },
				send
			);
			expect(colead.ok).toBe(true);
			expect((await auditActions(t.db)).filter((a) => a.action === 'invitation_issued').map((a) => a.actor_label)).toEqual([
				'lead.a@matrix.example',
				'lead.a@matrix.example'
			]);
		});

		it('removes access to practices in their PCN and never touches the rest', async () => {
			const worker = f.users.linkWorker;
			const outside = await removePracticeAccess(t.db, lead(), worker.id, [f.practices.b1.id], T0);
			expect(outside).toMatchObject({ ok: false, status: 403 });
			expect((await getScope(t.db, worker.id)).practiceIds.sort()).toEqual([f.practices.a1.id, f.practices.b1.id].sort());

			const removed = await removePracticeAccess(t.db, lead(), worker.id, [f.practices.a1.id], T0);
			expect(removed).toEqual({ ok: true, practicesLeft: 1 });
			expect(await getScope(t.db, worker.id)).toEqual({ icbIds: [], pcnIds: [], practiceIds: [f.practices.b1.id] });
			expect((await auditActions(t.db)).at(-1)).toMatchObject({
				action: 'scope_changed',
				summary: `Removed ${worker.displayName} (lw@matrix.example)’s access to Practice A1`
			});
			// Now out of the lead's sight: a second try is a 404, as for anyone they cannot see.
			expect(await removePracticeAccess(t.db, lead(), worker.id, [f.practices.b1.id], T0)).toMatchObject({ ok: false, status: 404 });
			expect(await removePracticeAccess(t.db, lead(), f.others.managerB1.id, [f.practices.b1.id], T0)).toMatchObject({ ok: false, status: 404 });
		});

		it('cannot change roles, names or scope, switch accounts off, sign people out or reset passwords', async () => {
			const manager = f.others.managerA2;
			const change = { displayName: 'Renamed', role: 'practice_manager' as const, scope: { practiceIds: [f.practices.a1.id] } };
			expect(await updateUser(t.db, lead(), manager.id, change)).toMatchObject({ ok: false, status: 403 });
			expect(await disableUser(t.db, lead(), manager.id)).toMatchObject({ ok: false, status: 403 });
			expect(await signOutEverywhere(t.db, lead(), manager.id)).toMatchObject({ ok: false, status: 403 });
			expect(await issuePasswordReset(t.db, lead(), manager.id, send)).toMatchObject({ ok: false, status: 403 });
			const unchanged = (await getUser(t.db, manager.id))!;
			expect([unchanged.display_name, unchanged.disabled_at]).toEqual([manager.displayName, null]);
			expect(await getScope(t.db, manager.id)).toEqual({ icbIds: [], pcnIds: [], practiceIds: [f.practices.a2.id] });
		});

		// Issue 12, item 1: a pending account whose scope only overlaps the lead's PCN is seen, not managed.
		it.each([
			['a link worker for practices in both PCNs', 'link_worker', { practiceIds: ['a1', 'b1'] }],
			['a PCN lead for both PCNs', 'pcn_lead', { pcnIds: ['a', 'b'] }]
		] as const)('cannot send a new invitation link to %s, so cannot take the account over', async (_label, role, scope) => {
			const resolved = {
				pcnIds: ('pcnIds' in scope ? scope.pcnIds : []).map((k) => f.pcns[k].id),
				practiceIds: ('practiceIds' in scope ? scope.practiceIds : []).map((k) => f.practices[k].id)
			};
			const invited = await inviteUser(t.db, f.users.admin, { email: 'shared@example.nhs.uk', displayName: 'Sam Shared', role, scope: resolved }, send);
			if (!invited.ok) throw new Error('fixture');
			const linksBefore = await t.db.selectFrom('account_link').select('token_hash').where('user_id', '=', invited.user.id).execute();
			await t.db.deleteFrom('mail_outbox').execute();

			const person = await getPersonFor(t.db, lead(), invited.user.id, T0);
			expect(person).toMatchObject({ manageable: false });
			const outcome = await reissueInvitation(t.db, lead(), invited.user.id, send);
			expect(outcome).toMatchObject({ ok: false, status: 403 });
			expect(JSON.stringify(outcome)).not.toContain('/invitation/');
			expect((await queuedMail(t.db))).toHaveLength(0);
			// The admin's link still works and no new one exists.
			expect(await t.db.selectFrom('account_link').select('token_hash').where('user_id', '=', invited.user.id).execute()).toEqual(linksBefore);
			expect(await acceptInvitation(t.db, tokenOf(invited.link.url), GOOD_PASSWORD, { cost: TEST_COST, now: T0 })).toMatchObject({ ok: true });
			// The administrator may still send it again.
			expect((await getPersonFor(t.db, f.users.admin, invited.user.id, T0))?.manageable).toBe(true);
		});

		it('may send a new invitation to someone whose whole scope is in their PCN', async () => {
			const person = await getPersonFor(t.db, lead(), f.others.invitedA2.id, T0);
			expect(person?.manageable).toBe(true);
			expect(await reissueInvitation(t.db, lead(), f.others.invitedA2.id, send)).toMatchObject({ ok: true });
			// The active link worker across both PCNs is visible, but not manageable.
			expect((await getPersonFor(t.db, lead(), f.users.linkWorker.id, T0))?.manageable).toBe(false);
		});

		it('gets nothing from practice managers and link workers, who manage nobody', async () => {
			const outcome = await inviteUser(
				t.db,
				f.users.manager,
				{ email: 'y@example.nhs.uk', displayName: 'Y', role: 'link_worker', scope: { practiceIds: [f.practices.a1.id] } },
				send
			);
			expect(outcome).toMatchObject({ ok: false, status: 403 });
			expect(await reissueInvitation(t.db, f.users.linkWorker, f.users.manager.id, send)).toMatchObject({ ok: false, status: 403 });
		});
	});

	describe('what an administrator may do', () => {
		it('changes name, role and scope, with one audit entry for each kind of change', async () => {
			const target = f.others.managerA2;
			const outcome = await updateUser(
				t.db,
				f.users.admin,
				target.id,
				{ displayName: '  Dana Reid ', role: 'pcn_lead', scope: { pcnIds: [f.pcns.b.id], practiceIds: [f.practices.a2.id] } },
				T0
			);
			expect(outcome).toEqual({ ok: true });
			expect(await getUser(t.db, target.id)).toMatchObject({ display_name: 'Dana Reid', role: 'pcn_lead' });
			// The practice list is ignored for a PCN lead, whose scope is PCNs.
			expect(await getScope(t.db, target.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.b.id], practiceIds: [] });
			const audit = (await auditActions(t.db)).slice(-2);
			expect(audit.map((a) => a.action)).toEqual(['user_changed', 'scope_changed']);
			expect(audit[0]!.summary).toContain('role from Practice manager to PCN lead');
			expect(audit[1]!.summary).toContain('can now see: PCN B');
		});

		it('refuses a role without the scope it needs, and an organisation that does not exist', async () => {
			const id = f.others.managerA2.id;
			const noPractice = await updateUser(t.db, f.users.admin, id, { displayName: 'X', role: 'link_worker', scope: {} });
			expect(noPractice).toMatchObject({ ok: false, status: 400, problems: [{ field: 'practiceIds', message: 'Choose at least one practice.' }] });
			const missing = await updateUser(t.db, f.users.admin, id, { displayName: 'X', role: 'link_worker', scope: { practiceIds: [987_654] } });
			expect(missing).toMatchObject({ ok: false, status: 400, problems: [{ field: 'practiceIds' }] });
		});

		it('cannot change their own role or switch themselves off', async () => {
			const admin = f.users.admin;
			expect(await updateUser(t.db, admin, admin.id, { displayName: 'Me', role: 'pcn_lead', scope: { pcnIds: [f.pcns.a.id] } })).toMatchObject({
				ok: false,
				status: 400,
				problems: [{ field: 'role' }]
			});
			expect(await disableUser(t.db, admin, admin.id)).toMatchObject({ ok: false, status: 400 });
		});

		it('switching an account off ends its sessions', async () => {
			const target = f.users.manager;
			expect(await countSessions(t.db, target.id)).toBe(1);
			expect(await disableUser(t.db, f.users.admin, target.id, T0)).toEqual({ ok: true });
			expect(await countSessions(t.db, target.id)).toBe(0);
			expect((await getPersonFor(t.db, f.users.admin, target.id))?.status).toBe('switched_off');
			expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'user_disabled' });
		});
	});
});
