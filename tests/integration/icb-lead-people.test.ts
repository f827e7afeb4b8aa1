/**
 * What an ICB lead may do to people, and what an administrator does to ICB leads, in
 * lib/server/accounts/. Fixture (tests/helpers/access-fixture.ts): the ICB lead oversees the test
 * ICB, which holds PCN A (practices A1, A2) and PCN B (B1); PCN C is in another ICB. Lead A leads
 * PCN A; invited lead B is waiting to join PCN B; invited lead AC would lead PCN A and PCN C.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disableUser, enableUser, removePracticeAccess, signOutEverywhere, updateUser } from '../../src/lib/server/accounts/people-changes';
import { getPersonFor, listGrantableChoices, listPeopleFor } from '../../src/lib/server/accounts/people-list';
import { inviteUser, issuePasswordReset, reissueInvitation, type LinkOptions } from '../../src/lib/server/accounts/invitations';
import { canManagePerson, canSeePerson, grantProblem } from '../../src/lib/server/accounts/people-rules';
import { findUserByEmail, getScope, getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import { updatePcn } from '../../src/lib/server/organisations/organisation-changes';
import type { Role } from '../../src/lib/server/identity';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser } from '../helpers/events';
import { queuedMail } from '../helpers/mail';

const T0 = new Date('2026-11-22T10:00:00.000Z');

describe('ICB leads and people', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	let send: LinkOptions;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		send = { origin: 'https://belonging.example.org', mail: true, now: T0 };
	});
	afterEach(() => t.close());

	const icbLead = () => f.users.icbLead;
	const linksOf = (userId: number) => t.db.selectFrom('account_link').select('token_hash').where('user_id', '=', userId).execute();

	describe('what an ICB lead sees', () => {
		it('sees the PCN leads whose PCNs are in their ICB, and nobody else', async () => {
			// Another ICB lead of the same ICB, and a PCN lead only of PCN C: neither is theirs to see.
			const otherIcbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] }, 'icb.colead@matrix.example');
			const leadC = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcns.c.id] }, 'lead.c@matrix.example');
			// A scope row left behind on an account of another role does not make it a PCN lead's.
			await t.db.insertInto('user_pcn').values({ user_id: f.users.admin.id, pcn_id: f.pcns.a.id }).execute();
			expect(icbLead()).toMatchObject({ icbIds: [f.icb.id], pcnIds: [f.pcns.a.id, f.pcns.b.id].sort((a, b) => a - b), practiceIds: [] });

			const people = (await listPeopleFor(t.db, icbLead(), T0)).items;
			expect(people.map((p) => [p.email, p.roleName])).toEqual([
				['invited.lead.ac@matrix.example', 'PCN lead'],
				['invited.lead.b@matrix.example', 'PCN lead'],
				['lead.a@matrix.example', 'PCN lead']
			]);
			// PCN C is outside the ICB: the ICB lead learns only that there is one more PCN.
			expect(people[0]).toMatchObject({ pcns: [{ name: 'PCN A' }], elsewhere: 1, scopeInWords: 'PCN A and 1 other PCN', manageable: false });
			expect(people[1]).toMatchObject({ scopeInWords: 'PCN B', manageable: true });

			for (const hidden of [f.users.admin, f.users.manager, f.users.linkWorker, f.others.managerA2, f.others.invitedB1, otherIcbLead, leadC, icbLead()]) {
				expect(await getPersonFor(t.db, icbLead(), hidden.id, T0), hidden.email).toBeUndefined();
			}
			expect((await getPersonFor(t.db, icbLead(), f.users.pcnLead.id, T0))?.email).toBe('lead.a@matrix.example');
		});

		it('filters within what they see: any role but PCN lead finds nobody', async () => {
			for (const role of ['admin', 'icb_lead', 'practice_manager', 'link_worker'] as const) {
				expect((await listPeopleFor(t.db, icbLead(), T0, { role })).total, role).toBe(0);
			}
			expect((await listPeopleFor(t.db, icbLead(), T0, { role: 'pcn_lead', search: 'invited' })).items.map((p) => p.email)).toEqual([
				'invited.lead.ac@matrix.example',
				'invited.lead.b@matrix.example'
			]);
		});

		it('loses sight of a PCN’s lead once the PCN moves to another ICB', async () => {
			await updatePcn(t.db, f.pcns.b.id, { odsCode: f.pcns.b.ods_code, name: f.pcns.b.name, icbId: f.otherIcb.id });
			const now = await toSignedInUser(t.db, (await getUser(t.db, icbLead().id))!);
			expect(now.pcnIds).toEqual([f.pcns.a.id]);
			expect((await listPeopleFor(t.db, now, T0)).items.map((p) => p.email)).toEqual(['invited.lead.ac@matrix.example', 'lead.a@matrix.example']);
			expect(await getPersonFor(t.db, now, f.others.invitedLeadB.id, T0)).toBeUndefined();
		});

		it('manages a PCN lead only when every PCN of theirs is in the ICB', () => {
			const scope = (pcnIds: number[]) => ({ icbIds: [], pcnIds, practiceIds: [] });
			expect(canManagePerson(icbLead(), 'pcn_lead', scope([f.pcns.a.id, f.pcns.b.id]))).toBe(true);
			expect(canSeePerson(icbLead(), 'pcn_lead', scope([f.pcns.a.id, f.pcns.c.id]))).toBe(true);
			expect(canManagePerson(icbLead(), 'pcn_lead', scope([f.pcns.a.id, f.pcns.c.id]))).toBe(false);
			// Whatever scope rows another role is given, an ICB lead never sees or manages it.
			for (const role of ['admin', 'icb_lead', 'practice_manager', 'link_worker'] as const) {
				const all = { icbIds: [f.icb.id], pcnIds: [f.pcns.a.id], practiceIds: [f.practices.a1.id] };
				expect(canSeePerson(icbLead(), role, all), role).toBe(false);
				expect(canManagePerson(icbLead(), role, all), role).toBe(false);
			}
		});
	});

	describe('what an ICB lead may give', () => {
		const invite = (role: Role, scope: { icbIds?: number[]; pcnIds?: number[]; practiceIds?: number[] }, email = 'x@example.nhs.uk') =>
			inviteUser(t.db, icbLead(), { email, displayName: 'Xan Person', role, scope }, send);

		it('is offered the role of PCN lead alone, for the PCNs in their ICB, and no practice or ICB', async () => {
			const choices = await listGrantableChoices(t.db, icbLead());
			expect(choices).toMatchObject({ roles: [{ value: 'pcn_lead', label: 'PCN lead' }], icbs: [], practiceGroups: [], icbsByCode: false, pcnsByCode: false, practicesByCode: false });
			expect(choices.pcns.map((p) => p.name)).toEqual(['PCN A', 'PCN B']);
		});

		it('invites a PCN lead for a PCN in their ICB, mailed and audited', async () => {
			const outcome = await invite('pcn_lead', { pcnIds: [f.pcns.b.id] }, 'new.lead@example.nhs.uk');
			if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
			expect(await getScope(t.db, outcome.user.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.b.id], practiceIds: [] });
			expect((await queuedMail(t.db)).map((m) => m.to)).toEqual(['new.lead@example.nhs.uk']);
			const audit = await t.db.selectFrom('audit_event').select(['actor_label', 'summary', 'pcn_id']).where('action', '=', 'invitation_issued').execute();
			expect(audit).toEqual([
				{ actor_label: 'icb.lead@matrix.example', summary: 'Invited Xan Person (new.lead@example.nhs.uk) as PCN lead: PCN B', pcn_id: f.pcns.b.id }
			]);
			// The ICB lead may send it again: the new lead's whole scope is in the ICB.
			expect(await reissueInvitation(t.db, icbLead(), outcome.user.id, send)).toMatchObject({ ok: true });
		});

		it.each([
			['an administrator', 'admin', () => ({}), 'role', 'Only an administrator can make someone an administrator.'],
			['another ICB lead, even for their own ICB', 'icb_lead', (f: AccessFixture) => ({ icbIds: [f.icb.id] }), 'role', 'You cannot give people this role. Ask an administrator.'],
			['a practice manager in their ICB', 'practice_manager', (f: AccessFixture) => ({ practiceIds: [f.practices.a1.id] }), 'role', 'You cannot give people this role. Ask an administrator.'],
			['a link worker in their ICB', 'link_worker', (f: AccessFixture) => ({ practiceIds: [f.practices.b1.id] }), 'role', 'You cannot give people this role. Ask an administrator.'],
			['a PCN lead for a PCN in another ICB', 'pcn_lead', (f: AccessFixture) => ({ pcnIds: [f.pcns.c.id] }), 'pcnIds', 'You can only give access to PCNs in your ICB.'],
			['a PCN lead for PCNs in and out of their ICB', 'pcn_lead', (f: AccessFixture) => ({ pcnIds: [f.pcns.a.id, f.pcns.c.id] }), 'pcnIds', 'You can only give access to PCNs in your ICB.']
		] as const)('cannot invite %s: 403, nothing stored or mailed', async (_label, role, scope, field, message) => {
			const outcome = await invite(role, scope(f));
			expect(outcome).toEqual({ ok: false, status: 403, problems: [{ field, message }] });
			expect(await findUserByEmail(t.db, 'x@example.nhs.uk')).toBeUndefined();
			expect(await queuedMail(t.db)).toEqual([]);
		});

		it('never gives an ICB: an ICB sent beside a PCN lead’s PCNs is dropped, as unused boxes are', async () => {
			const outcome = await invite('pcn_lead', { pcnIds: [f.pcns.a.id], icbIds: [f.icb.id, f.otherIcb.id] });
			if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
			expect(await getScope(t.db, outcome.user.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.a.id], practiceIds: [] });
		});

		it('is refused an ICB in any grant, even one not trimmed to the role', async () => {
			const scope = { icbIds: [f.icb.id], pcnIds: [f.pcns.a.id], practiceIds: [] };
			for (const actor of [icbLead(), f.users.pcnLead, f.users.admin]) {
				expect(await grantProblem(t.db, actor, 'pcn_lead', scope), actor.email).toMatchObject({ ok: false, status: 400, problems: [{ field: 'pcnIds' }] });
			}
			expect(await grantProblem(t.db, icbLead(), 'icb_lead', { ...scope, pcnIds: [] })).toMatchObject({ ok: false, status: 403, problems: [{ field: 'role' }] });
			expect(await grantProblem(t.db, f.users.admin, 'icb_lead', { ...scope, pcnIds: [] })).toBeUndefined();
		});

		it('is told plainly about a PCN that does not exist or none at all', async () => {
			expect(await invite('pcn_lead', { pcnIds: [987_654] })).toMatchObject({ ok: false, status: 400, problems: [{ field: 'pcnIds' }] });
			expect(await invite('pcn_lead', {})).toEqual({ ok: false, status: 400, problems: [{ field: 'pcnIds', message: 'Choose at least one PCN.' }] });
			expect(await findUserByEmail(t.db, 'x@example.nhs.uk')).toBeUndefined();
		});
	});

	describe('what an ICB lead may do to an account', () => {
		it('sends a new invitation only to a PCN lead wholly in their ICB', async () => {
			expect(await reissueInvitation(t.db, icbLead(), f.others.invitedLeadB.id, send)).toMatchObject({ ok: true });

			const before = await linksOf(f.others.invitedLeadAC.id);
			await t.db.deleteFrom('mail_outbox').execute();
			const shared = await reissueInvitation(t.db, icbLead(), f.others.invitedLeadAC.id, send);
			expect(shared).toEqual({
				ok: false,
				status: 403,
				problems: [{ field: 'form', message: 'Invited Lead AC also has access outside your ICB, so only an administrator can send their invitation again.' }]
			});
			expect(JSON.stringify(shared)).not.toContain('/invitation/');
			expect(await linksOf(f.others.invitedLeadAC.id)).toEqual(before);
			expect(await queuedMail(t.db)).toEqual([]);
			// Someone they cannot see is not there at all.
			expect(await reissueInvitation(t.db, icbLead(), f.others.invitedA2.id, send)).toMatchObject({ ok: false, status: 404 });
			expect(await reissueInvitation(t.db, icbLead(), f.others.invitedB1.id, send)).toMatchObject({ ok: false, status: 404 });
		});

		it('cannot change, switch off or on, sign out, reset or take practices from anyone', async () => {
			const lead = f.users.pcnLead;
			const change = { displayName: 'Renamed', role: 'pcn_lead' as const, scope: { pcnIds: [f.pcns.b.id] } };
			expect(await updateUser(t.db, icbLead(), lead.id, change)).toMatchObject({ ok: false, status: 403 });
			expect(await disableUser(t.db, icbLead(), lead.id)).toMatchObject({ ok: false, status: 403 });
			expect(await enableUser(t.db, icbLead(), lead.id)).toMatchObject({ ok: false, status: 403 });
			expect(await signOutEverywhere(t.db, icbLead(), lead.id)).toMatchObject({ ok: false, status: 403 });
			expect(await issuePasswordReset(t.db, icbLead(), lead.id, send)).toMatchObject({ ok: false, status: 403 });
			expect(await removePracticeAccess(t.db, icbLead(), f.users.linkWorker.id, [f.practices.a1.id], T0)).toEqual({
				ok: false,
				status: 403,
				problems: [{ field: 'form', message: 'You cannot change who can see a practice.' }]
			});
			expect(await getUser(t.db, lead.id)).toMatchObject({ display_name: lead.displayName, disabled_at: null });
			expect(await getScope(t.db, lead.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.a.id], practiceIds: [] });
			expect(await getScope(t.db, f.users.linkWorker.id)).toEqual({ icbIds: [], pcnIds: [], practiceIds: [f.practices.a1.id, f.practices.b1.id].sort((a, b) => a - b) });
			expect(await linksOf(lead.id)).toEqual([]);
			// Their own sessions are theirs to end.
			expect(await signOutEverywhere(t.db, icbLead(), icbLead().id)).toEqual({ ok: true });
		});
	});

	describe('what an administrator does to ICB leads', () => {
		it('invites an ICB lead for one or more ICBs, named in words', async () => {
			const outcome = await inviteUser(
				t.db,
				f.users.admin,
				{ email: 'ivy@example.nhs.uk', displayName: 'Ivy Overseer', role: 'icb_lead', scope: { icbIds: [f.icb.id, f.otherIcb.id], pcnIds: [f.pcns.a.id] } },
				send
			);
			if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
			// The PCN sent beside the ICBs is not an ICB lead's to hold.
			expect((await getScope(t.db, outcome.user.id)).pcnIds).toEqual([]);
			expect((await getPersonFor(t.db, f.users.admin, outcome.user.id, T0))?.scopeInWords).toBe('Other ICB and Test ICB');
			expect((await queuedMail(t.db))[0]!.text).toContain('has invited you to Belonging as an ICB lead.');
			const summary = (await t.db.selectFrom('audit_event').select('summary').where('action', '=', 'invitation_issued').executeTakeFirstOrThrow()).summary;
			expect(summary).toBe('Invited Ivy Overseer (ivy@example.nhs.uk) as ICB lead: Other ICB and Test ICB');
		});

		it('changes an ICB lead’s ICBs, and saves and audits a change of ICBs alone', async () => {
			const id = icbLead().id;
			const change = (icbIds: number[]) => updateUser(t.db, f.users.admin, id, { displayName: icbLead().displayName, role: 'icb_lead', scope: { icbIds } }, T0);
			expect(await change([f.otherIcb.id])).toEqual({ ok: true });
			expect(await getScope(t.db, id)).toEqual({ icbIds: [f.otherIcb.id], pcnIds: [], practiceIds: [] });
			const audit = await t.db.selectFrom('audit_event').select(['action', 'summary']).execute();
			expect(audit).toEqual([{ action: 'scope_changed', summary: `${icbLead().displayName} (icb.lead@matrix.example) can now see: Other ICB` }]);
			const now = await toSignedInUser(t.db, (await getUser(t.db, id))!);
			expect(now).toMatchObject({ icbIds: [f.otherIcb.id], pcnIds: [f.pcns.c.id], practiceIds: [] });
		});

		it('makes a PCN lead an ICB lead and back, each role keeping only its own kind of scope', async () => {
			const id = f.users.pcnLead.id;
			const name = f.users.pcnLead.displayName;
			expect(await updateUser(t.db, f.users.admin, id, { displayName: name, role: 'icb_lead', scope: { icbIds: [f.icb.id], pcnIds: [f.pcns.a.id] } })).toEqual({ ok: true });
			expect(await getScope(t.db, id)).toEqual({ icbIds: [f.icb.id], pcnIds: [], practiceIds: [] });
			expect(await updateUser(t.db, f.users.admin, id, { displayName: name, role: 'pcn_lead', scope: { icbIds: [f.icb.id], pcnIds: [f.pcns.b.id] } })).toEqual({ ok: true });
			expect(await getScope(t.db, id)).toEqual({ icbIds: [], pcnIds: [f.pcns.b.id], practiceIds: [] });
		});

		it('refuses an ICB lead without an ICB, or with one that does not exist, storing nothing', async () => {
			const id = icbLead().id;
			const none = await updateUser(t.db, f.users.admin, id, { displayName: 'X', role: 'icb_lead', scope: {} });
			expect(none).toEqual({ ok: false, status: 400, problems: [{ field: 'icbIds', message: 'Choose at least one ICB.' }] });
			const gone = await updateUser(t.db, f.users.admin, id, { displayName: 'X', role: 'icb_lead', scope: { icbIds: [987_654] } });
			expect(gone).toMatchObject({ ok: false, status: 400, problems: [{ field: 'icbIds' }] });
			expect(await getScope(t.db, id)).toEqual({ icbIds: [f.icb.id], pcnIds: [], practiceIds: [] });
			expect(await getUser(t.db, id)).toMatchObject({ display_name: icbLead().displayName });
		});

		it('is the only one who makes ICB leads: a PCN lead cannot', async () => {
			const outcome = await inviteUser(t.db, f.users.pcnLead, { email: 'y@example.nhs.uk', displayName: 'Y', role: 'icb_lead', scope: { icbIds: [f.icb.id] } }, send);
			expect(outcome).toMatchObject({ ok: false, status: 403, problems: [{ field: 'role' }] });
			expect(await findUserByEmail(t.db, 'y@example.nhs.uk')).toBeUndefined();
		});

		it('lets no PCN lead see an ICB lead, even one over their PCN', async () => {
			expect(await getPersonFor(t.db, f.users.pcnLead, icbLead().id, T0)).toBeUndefined();
			expect((await listPeopleFor(t.db, f.users.pcnLead, T0, { role: 'icb_lead' })).total).toBe(0);
		});
	});
});
