/**
 * The people routes for and about ICB leads, called as SvelteKit would call them: who gets which
 * page, which forms an ICB lead and an administrator are offered, and what each post answers and
 * stores. Fixture as in icb-lead-people.test.ts.
 */
import { render } from 'svelte/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUserByEmail, getScope } from '../../src/lib/server/accounts/users';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load as peopleLoad } from '../../src/routes/(app)/users/+page.server';
import PeoplePage from '../../src/routes/(app)/users/+page.svelte';
import { actions as inviteActions, load as inviteLoad } from '../../src/routes/(app)/users/invite/+page.server';
import InvitePage from '../../src/routes/(app)/users/invite/+page.svelte';
import { actions as personActions, load as personLoad } from '../../src/routes/(app)/users/[userId]/+page.server';
import PersonPage from '../../src/routes/(app)/users/[userId]/+page.svelte';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { fakeEvent, outcomeOf, statusOf } from '../helpers/events';
import { queuedMail } from '../helpers/mail';

type AnyRoute = (event: never) => unknown;
const call = (fn: AnyRoute, event: ReturnType<typeof fakeEvent>) => outcomeOf(() => fn(event as never));

describe('people routes for ICB leads', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	const invite = (user: SignedInUser, form: Record<string, string | string[]>) =>
		call(inviteActions.default, fakeEvent({ db: t.db, user, path: '/users/invite', form: { displayName: 'Nia Lead', email: 'nia@example.nhs.uk', ...form } }));
	const nia = () => findUserByEmail(t.db, 'nia@example.nhs.uk');

	describe('/users', () => {
		it('lists the PCN leads in the ICB, offers only their role to filter by, and says whose list it is', async () => {
			const data = (await call(peopleLoad, fakeEvent({ db: t.db, user: f.users.icbLead, path: '/users' }))).result as {
				people: { items: { email: string }[] };
				roleOptions: { value: string }[];
			};
			expect(data.people.items.map((p) => p.email)).toEqual(['invited.lead.ac@matrix.example', 'invited.lead.b@matrix.example', 'lead.a@matrix.example']);
			expect(data.roleOptions).toEqual([{ value: 'pcn_lead', label: 'PCN lead' }]);
			const html = render(PeoplePage, { props: { data, params: {} } as never }).body;
			expect(html).toContain('PCN leads in your ICB: 3 people');
			expect(html).toContain('The PCN leads of the PCNs in your ICB.');
			expect(html).not.toContain('<option value="practice_manager"');
			// A PCN lead is never offered ICB leads to filter by: they never see one.
			const lead = (await call(peopleLoad, fakeEvent({ db: t.db, user: f.users.pcnLead, path: '/users' }))).result as { roleOptions: { value: string }[] };
			expect(lead.roleOptions.map((o) => o.value)).toEqual(['pcn_lead', 'practice_manager', 'link_worker']);
		});

		it('lets an administrator filter the list by the ICB lead role, naming each ICB lead’s ICBs', async () => {
			const data = (await call(peopleLoad, fakeEvent({ db: t.db, user: f.users.admin, path: '/users?role=icb_lead' }))).result as {
				people: { items: { email: string; roleName: string; scopeInWords: string }[] };
				roleOptions: { value: string; label: string }[];
			};
			expect(data.roleOptions).toContainEqual({ value: 'icb_lead', label: 'ICB lead' });
			expect(data.people.items).toEqual([expect.objectContaining({ email: 'icb.lead@matrix.example', roleName: 'ICB lead', scopeInWords: 'Test ICB' })]);
		});

		it('reads any role in the address as a filter, finding nobody outside what the ICB lead sees', async () => {
			for (const role of ['admin', 'practice_manager', 'icb_lead', 'nonsense']) {
				const data = (await call(peopleLoad, fakeEvent({ db: t.db, user: f.users.icbLead, path: `/users?role=${role}` }))).result as { people: { total: number } };
				expect(data.people.total, role).toBe(role === 'nonsense' ? 3 : 0);
			}
		});
	});

	describe('/users/invite', () => {
		it('offers an ICB lead one role, already chosen, and the PCNs in their ICB, with no practice or ICB to tick', async () => {
			const data = (await call(inviteLoad, fakeEvent({ db: t.db, user: f.users.icbLead, path: '/users/invite' }))).result as {
				choices: { roles: { value: string }[]; pcns: { name: string }[] };
			};
			expect(data.choices.roles.map((r) => r.value)).toEqual(['pcn_lead']);
			expect(data.choices.pcns.map((p) => p.name)).toEqual(['PCN A', 'PCN B']);
			const html = render(InvitePage, { props: { data, form: null, params: {} } as never }).body;
			expect(html).toMatch(/<input type="radio" id="role-pcn_lead" name="role" value="pcn_lead"[^>]* checked/);
			expect(html.match(/name="pcnIds"/g)).toHaveLength(2);
			expect(html).not.toMatch(/name="(practiceIds|practiceCodes|icbIds|icbCodes)"/);
			expect(html).not.toContain('There are no practices to choose from yet.');
		});

		it('offers an administrator the ICBs to tick for an ICB lead', async () => {
			const data = (await call(inviteLoad, fakeEvent({ db: t.db, user: f.users.admin, path: '/users/invite' }))).result as { choices: unknown };
			const html = render(InvitePage, { props: { data, form: null, params: {} } as never }).body;
			expect(html).toMatch(/<legend[^>]*>ICBs they oversee<\/legend>/);
			expect(html).toMatch(new RegExp(`<input type="checkbox" id="icb-${f.icb.id}" name="icbIds" value="${f.icb.id}"`));
			expect(html).toMatch(/<label for="role-icb_lead">ICB lead<\/label>/);
		});

		it('lets an ICB lead invite a PCN lead for a PCN in their ICB, ticked or typed', async () => {
			expect((await invite(f.users.icbLead, { role: 'pcn_lead', pcnIds: [String(f.pcns.b.id)] })).result).toMatchObject({ invited: { roleName: 'PCN lead' } });
			expect(await getScope(t.db, (await nia())!.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.b.id], practiceIds: [] });
			const typed = await call(
				inviteActions.default,
				fakeEvent({ db: t.db, user: f.users.icbLead, path: '/users/invite', form: { displayName: 'Tom Typed', email: 'tom@example.nhs.uk', role: 'pcn_lead', pcnCodes: 'u10001' } })
			);
			expect(typed.result).toMatchObject({ invited: {} });
			expect(await getScope(t.db, (await findUserByEmail(t.db, 'tom@example.nhs.uk'))!.id)).toEqual({ icbIds: [], pcnIds: [f.pcns.a.id], practiceIds: [] });
		});

		it.each([
			['a PCN outside their ICB', { role: 'pcn_lead', pcnIds: ['c'] }, 403, 'pcnIds', 'You can only give access to PCNs in your ICB.'],
			['a PCN outside their ICB, typed', { role: 'pcn_lead', pcnCodes: 'U10001 U39001' }, 400, 'pcnCodes', 'There is no PCN with the ODS code U39001 in your ICB. Nothing was saved.'],
			['an ICB lead for their own ICB', { role: 'icb_lead', icbIds: ['icb'] }, 403, 'role', 'You cannot give people this role. Ask an administrator.'],
			['an administrator', { role: 'admin' }, 403, 'role', 'Only an administrator can make someone an administrator.'],
			['a practice manager in their ICB', { role: 'practice_manager', practiceIds: ['a1'] }, 403, 'role', 'You cannot give people this role. Ask an administrator.'],
			['a PCN lead for no PCN', { role: 'pcn_lead', icbIds: ['icb'] }, 400, 'pcnIds', 'Choose at least one PCN.'],
			['a PCN id that is not a number', { role: 'pcn_lead', pcnIds: ['1; drop table pcn'] }, 400, 'pcnIds', 'Choose from the list'],
			['an ICB id that is not a number', { role: 'pcn_lead', pcnIds: ['a'], icbIds: ['-1'] }, 400, 'icbIds', 'Choose from the list']
		] as const)('refuses an ICB lead inviting for %s, storing and mailing nothing', async (_label, asked, status, field, message) => {
			const ids: Record<string, number> = { a: f.pcns.a.id, c: f.pcns.c.id, icb: f.icb.id, a1: f.practices.a1.id };
			const form = Object.fromEntries(Object.entries(asked).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => String(ids[x] ?? x)) : v]));
			const { result } = await invite(f.users.icbLead, form);
			expect(result).toMatchObject({ status, data: { problems: [{ field, message }] } });
			expect(await nia()).toBeUndefined();
			expect(await queuedMail(t.db)).toEqual([]);
		});

		it('lets an administrator invite an ICB lead by ticked ICB or by ODS code, and names an unknown code', async () => {
			expect((await invite(f.users.admin, { role: 'icb_lead', icbIds: [String(f.icb.id)] })).result).toMatchObject({ invited: { roleName: 'ICB lead' } });
			expect(await getScope(t.db, (await nia())!.id)).toEqual({ icbIds: [f.icb.id], pcnIds: [], practiceIds: [] });
			const unknown = await call(
				inviteActions.default,
				fakeEvent({ db: t.db, user: f.users.admin, path: '/users/invite', form: { displayName: 'Ian', email: 'ian@example.nhs.uk', role: 'icb_lead', icbCodes: 'qbb, QZX q9' } })
			);
			expect(unknown.result).toMatchObject({
				status: 400,
				data: { problems: [{ field: 'icbCodes', message: 'There are no ICBs with the ODS codes QZX and Q9. Nothing was saved.' }] }
			});
			expect(await findUserByEmail(t.db, 'ian@example.nhs.uk')).toBeUndefined();
			const typed = await call(
				inviteActions.default,
				fakeEvent({ db: t.db, user: f.users.admin, path: '/users/invite', form: { displayName: 'Ian', email: 'ian@example.nhs.uk', role: 'icb_lead', icbCodes: 'qbb' } })
			);
			expect(typed.result).toMatchObject({ invited: {} });
			expect(await getScope(t.db, (await findUserByEmail(t.db, 'ian@example.nhs.uk'))!.id)).toEqual({ icbIds: [f.otherIcb.id], pcnIds: [], practiceIds: [] });
			// Anything but letters and digits is no code, and is refused before any lookup (a NUL byte would stop PostgreSQL).
			for (const icbCodes of ['QAA\u0000', 'Q%A', "QAA'; --"]) {
				const odd = await invite(f.users.admin, { email: 'odd@example.nhs.uk', role: 'icb_lead', icbCodes });
				expect(odd.result, JSON.stringify(icbCodes)).toMatchObject({
					status: 400,
					data: { problems: [{ field: 'icbCodes', message: 'ODS codes are letters and digits only, for example U12345 for a PCN or A81001 for a practice' }] }
				});
			}
			expect(await findUserByEmail(t.db, 'odd@example.nhs.uk')).toBeUndefined();
			const none = await invite(f.users.admin, { email: 'nobody@example.nhs.uk', role: 'icb_lead' });
			expect(none.result).toMatchObject({ status: 400, data: { problems: [{ field: 'icbIds', message: 'Choose at least one ICB.' }] } });
		});
	});

	describe('/users/[userId]', () => {
		const view = (userId: number | string, user: SignedInUser = f.users.icbLead) =>
			call(personLoad, fakeEvent({ db: t.db, user, path: `/users/${userId}`, params: { userId: String(userId) } }));
		const post = (action: AnyRoute, userId: number, form: Record<string, string | string[]> = {}, user: SignedInUser = f.users.icbLead) =>
			call(action, fakeEvent({ db: t.db, user, path: `/users/${userId}`, params: { userId: String(userId) }, form }));

		it('shows an ICB lead the PCN leads in their ICB, and nobody else (404)', async () => {
			expect(statusOf(await view(f.users.pcnLead.id))).toBe(200);
			for (const id of [f.users.admin.id, f.others.managerA2.id, f.users.linkWorker.id, f.users.icbLead.id, 999_999, 'abc']) {
				expect(statusOf(await view(id)), String(id)).toBe(404);
			}
		});

		it('says a PCN lead who also leads a PCN outside the ICB is the administrator’s to send again, and offers nothing else', async () => {
			const data = (await view(f.others.invitedLeadAC.id)).result as { person: { manageable: boolean; scopeInWords: string }; canRemoveAccess: boolean };
			expect(data).toMatchObject({ person: { manageable: false, scopeInWords: 'PCN A and 1 other PCN' }, canRemoveAccess: false, choices: null });
			const html = render(PersonPage, { props: { data, form: null, params: {} } as never }).body;
			expect(html).toContain('Invited Lead AC also has access outside your ICB, so only an administrator can send their');
			expect(html).not.toContain('?/reinvite');
			expect(html).not.toContain('?/removeAccess');
			expect(html).not.toContain('?/update');
			const mine = (await view(f.others.invitedLeadB.id)).result as never;
			expect(render(PersonPage, { props: { data: mine, form: null, params: {} } as never }).body).toContain('action="?/reinvite"');
		});

		it('sends the invitation again for a PCN lead wholly in the ICB, and refuses one partly outside with 403', async () => {
			const sent = await post(personActions.reinvite, f.others.invitedLeadB.id);
			expect(sent.result).toMatchObject({ link: { kind: 'invitation', email: 'invited.lead.b@matrix.example' } });
			await t.db.deleteFrom('mail_outbox').execute();
			const refused = await post(personActions.reinvite, f.others.invitedLeadAC.id);
			expect(refused.result).toMatchObject({
				status: 403,
				data: { problems: [{ message: 'Invited Lead AC also has access outside your ICB, so only an administrator can send their invitation again.' }] }
			});
			expect(JSON.stringify(refused.result)).not.toContain('/invitation/');
			expect(await t.db.selectFrom('account_link').select('token_hash').where('user_id', '=', f.others.invitedLeadAC.id).execute()).toEqual([]);
			expect(await queuedMail(t.db)).toEqual([]);
			expect(statusOf(await post(personActions.reinvite, f.others.invitedA2.id))).toBe(404);
		});

		it('refuses an ICB lead every other action with 403, changing nothing', async () => {
			const target = f.users.pcnLead.id;
			for (const [name, action] of Object.entries(personActions)) {
				if (name === 'reinvite') continue;
				const form: Record<string, string | string[]> = name === 'update' ? { displayName: 'Renamed', role: 'pcn_lead', pcnIds: [String(f.pcns.b.id)] } : name === 'removeAccess' ? { practiceIds: [String(f.practices.a1.id)] } : {};
				expect(statusOf(await post(action as AnyRoute, target, form)), name).toBe(403);
			}
			expect(statusOf(await post(personActions.removeAccess, f.users.linkWorker.id, { practiceIds: [String(f.practices.a1.id)] }))).toBe(403);
			expect(await findUserByEmail(t.db, 'lead.a@matrix.example')).toMatchObject({ display_name: f.users.pcnLead.displayName, disabled_at: null });
			expect(await getScope(t.db, target)).toEqual({ icbIds: [], pcnIds: [f.pcns.a.id], practiceIds: [] });
			expect((await getScope(t.db, f.users.linkWorker.id)).practiceIds).toHaveLength(2);
			expect(await t.db.selectFrom('audit_event').select('action').execute()).toEqual([]);
		});

		it('lets an administrator change an ICB lead’s ICBs on the edit form, showing them ticked', async () => {
			const data = (await view(f.users.icbLead.id, f.users.admin)).result as { person: { scopeInWords: string; icbs: { id: number }[] } };
			expect(data.person).toMatchObject({ scopeInWords: 'Test ICB', icbs: [{ id: f.icb.id }] });
			const html = render(PersonPage, { props: { data, form: null, params: {} } as never }).body;
			expect(html).toMatch(new RegExp(`id="icb-${f.icb.id}" name="icbIds" value="${f.icb.id}" checked`));
			expect(html).not.toMatch(new RegExp(`id="icb-${f.otherIcb.id}" name="icbIds" value="${f.otherIcb.id}" checked`));

			const update = (form: Record<string, string | string[]>) =>
				post(personActions.update, f.users.icbLead.id, { displayName: f.users.icbLead.displayName, role: 'icb_lead', ...form }, f.users.admin);
			expect((await update({ icbIds: [] })).result).toMatchObject({ status: 400, data: { problems: [{ field: 'icbIds', message: 'Choose at least one ICB.' }] } });
			expect((await update({ icbCodes: 'QAA QZX' })).result).toMatchObject({ status: 400, data: { problems: [{ field: 'icbCodes' }] } });
			expect(await getScope(t.db, f.users.icbLead.id)).toEqual({ icbIds: [f.icb.id], pcnIds: [], practiceIds: [] });
			expect(statusOf(await update({ icbIds: [String(f.icb.id), String(f.otherIcb.id)] }))).toBe(303);
			expect((await getScope(t.db, f.users.icbLead.id)).icbIds.sort((a, b) => a - b)).toEqual([f.icb.id, f.otherIcb.id].sort((a, b) => a - b));
		});
	});
});
