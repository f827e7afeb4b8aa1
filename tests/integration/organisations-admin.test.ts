import { isHttpError, isRedirect } from '@sveltejs/kit';
import { render } from 'svelte/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { isUniqueViolation, type Db } from '../../src/lib/server/db';
import { DuplicateOdsCodeError, OrganisationInputError } from '../../src/lib/server/organisations/organisation-forms';
import { applyDueMoves, listPracticeMoves, recordPracticeMove } from '../../src/lib/server/organisations/practice-moves';
import {
	createIcb,
	createPcn,
	createPractice,
	updateIcb,
	updatePcn,
	updatePractice
} from '../../src/lib/server/organisations/organisation-changes';
import { getOrganisationsOverview, getPractice, listIcbs } from '../../src/lib/server/organisations/organisations';
import { createUser, getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load as adminHomeLoad } from '../../src/routes/(app)/admin/+page.server';
import { actions as icbActions, load as icbLoad } from '../../src/routes/(app)/admin/icbs/[icbId]/+page.server';
import {
	actions as organisationActions,
	load as organisationsLoad
} from '../../src/routes/(app)/admin/organisations/+page.server';
import OrganisationsPage from '../../src/routes/(app)/admin/organisations/+page.svelte';
import { actions as pcnActions, load as pcnLoad } from '../../src/routes/(app)/admin/pcns/[pcnId]/+page.server';
import {
	actions as practiceActions,
	load as practiceLoad
} from '../../src/routes/(app)/admin/practices/[practiceId]/+page.server';
import { createTestDatabase, type TestDatabase, onPostgres } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, type EventOptions } from '../helpers/events';

/** Route handlers want their own RequestEvent type; the fake event is the same shape for every route. */
type Handler = (event: never) => unknown;
const run = (handler: Handler, options: EventOptions) => outcomeOf(() => handler(fakeEvent(options) as never));

const redirectOf = (thrown: unknown) => (isRedirect(thrown) ? { status: thrown.status, location: thrown.location } : thrown);
const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);

async function counts(db: Db) {
	const n = async (table: 'icb' | 'pcn' | 'practice' | 'practice_pcn_move' | 'audit_event') =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	return { icbs: await n('icb'), pcns: await n('pcn'), practices: await n('practice'), moves: await n('practice_pcn_move'), audit: await n('audit_event') };
}

describe('organisations in lib/server', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('refuses a second organisation with the same ODS code, naming the code, before writing', async () => {
		const icb = await createIcb(t.db, { odsCode: 'qe1', name: 'NHS Example ICB' });
		await expect(createIcb(t.db, { odsCode: 'QE1 ', name: 'Twin' })).rejects.toThrow('Another ICB already has the ODS code QE1');
		const pcn = await createPcn(t.db, { odsCode: 'U12345', name: 'Riverside PCN', icbId: icb.id });
		await expect(createPcn(t.db, { odsCode: 'u12345', name: 'Twin', icbId: icb.id })).rejects.toThrow(
			'Another PCN already has the ODS code U12345'
		);
		await createPractice(t.db, { odsCode: 'A81001', name: 'Riverside Surgery', pcnId: pcn.id });
		const twin = await createPractice(t.db, { odsCode: 'a81001', name: 'Twin', pcnId: null }).catch((e: unknown) => e);
		expect(twin).toBeInstanceOf(DuplicateOdsCodeError);
		expect(twin).toMatchObject({ field: 'odsCode', kind: 'practice', message: 'Another practice already has the ODS code A81001' });
		expect(await counts(t.db)).toMatchObject({ icbs: 1, pcns: 1, practices: 1 });
	});

	it('turns the UNIQUE constraint into the same error when two requests race past the check', async () => {
		const results = await Promise.allSettled([
			createPractice(t.db, { odsCode: 'A81001', name: 'First', pcnId: null }),
			createPractice(t.db, { odsCode: 'A81001', name: 'Second', pcnId: null })
		]);
		// On one connection the first wins; on a pool (PostgreSQL) either may.
		expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
		const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DuplicateOdsCodeError;
		expect(reason).toBeInstanceOf(DuplicateOdsCodeError);
		expect(reason.message).toBe('Another practice already has the ODS code A81001');
		// On SQLite's one connection both checks run before either insert, so the constraint is what
		// caught the twin. On a pool the first may have committed before the second checks, and then
		// the check catches it: the same error either way.
		if (!onPostgres || reason.cause !== undefined) expect(isUniqueViolation(reason.cause, 'practice', 'ods_code')).toBe(true);
	});

	it('updates names and codes, keeping an organisation’s own code and refusing another’s', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'Old ICB name' });
		const other = await createIcb(t.db, { odsCode: 'QF7', name: 'Other ICB' });
		expect(await updateIcb(t.db, icb.id, { odsCode: 'QE1', name: 'New ICB name' })).toMatchObject({ ods_code: 'QE1', name: 'New ICB name' });
		await expect(updateIcb(t.db, icb.id, { odsCode: 'qf7', name: 'x' })).rejects.toThrow('Another ICB already has the ODS code QF7');
		await expect(updateIcb(t.db, icb.id, { odsCode: 'QE12', name: 'x' })).rejects.toThrow(/like QE1/);

		const pcn = await createPcn(t.db, { odsCode: 'U12345', name: 'PCN', icbId: icb.id });
		expect(await updatePcn(t.db, pcn.id, { odsCode: 'U54321', name: 'Renamed PCN', icbId: other.id })).toMatchObject({
			ods_code: 'U54321',
			icb_id: other.id
		});
		const missingIcb = await updatePcn(t.db, pcn.id, { odsCode: 'U54321', name: 'x', icbId: 999 }).catch((e: unknown) => e);
		expect(missingIcb).toBeInstanceOf(OrganisationInputError);
		expect(missingIcb).toMatchObject({ field: 'icbId' });

		const a = await createPractice(t.db, { odsCode: 'A81001', name: 'A', pcnId: pcn.id });
		await createPractice(t.db, { odsCode: 'A81002', name: 'B', pcnId: null });
		expect(await updatePractice(t.db, a.id, { odsCode: 'A81001', name: 'A renamed' })).toMatchObject({ name: 'A renamed', pcn_id: pcn.id });
		await expect(updatePractice(t.db, a.id, { odsCode: 'A81002', name: 'A' })).rejects.toThrow(
			'Another practice already has the ODS code A81002'
		);
		expect((await getPractice(t.db, a.id))!.ods_code).toBe('A81001');
	});

	it('lists ICBs with counts, and pages the practices in no PCN or what a search finds', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'B ICB' });
		await createIcb(t.db, { odsCode: 'QE2', name: 'A ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U12345', name: 'PCN', icbId: icb.id });
		await createPcn(t.db, { odsCode: 'U12346', name: 'Second PCN', icbId: icb.id });
		await createPractice(t.db, { odsCode: 'A81001', name: 'In PCN', pcnId: pcn.id });
		await createPractice(t.db, { odsCode: 'A81002', name: 'Also in PCN', pcnId: pcn.id });
		await createPractice(t.db, { odsCode: 'A81003', name: 'Alone', pcnId: null });
		expect((await listIcbs(t.db)).map((i) => [i.name, i.pcnCount, i.practiceCount])).toEqual([
			['A ICB', 0, 0],
			['B ICB', 2, 2]
		]);
		const overview = await getOrganisationsOverview(t.db, '', 1);
		expect(overview.icbs.map((i) => i.ods_code)).toEqual(['QE2', 'QE1']);
		expect(overview.found).toBeNull();
		expect(overview.unassigned).toMatchObject({ page: 1, pages: 1, total: 1, first: 1, last: 1 });
		expect(overview.unassigned!.items.map((p) => p.ods_code)).toEqual(['A81003']);

		// "pcn" is in two PCNs' names and two practices'; "u1234" only in the PCNs' codes; any case.
		const found = await getOrganisationsOverview(t.db, 'PcN', 1);
		expect(found.unassigned).toBeNull();
		expect(found.found!.items.map((o) => [o.kind, o.ods_code])).toEqual([
			['practice', 'A81002'],
			['practice', 'A81001'],
			['pcn', 'U12345'],
			['pcn', 'U12346']
		]);
		expect((await getOrganisationsOverview(t.db, 'u1234', 1)).found!.items.map((o) => o.ods_code)).toEqual(['U12345', 'U12346']);
		// % and _ are only themselves, not LIKE's wildcards.
		expect((await getOrganisationsOverview(t.db, '%', 1)).found).toMatchObject({ total: 0, items: [], page: 1, pages: 1, first: 0, last: 0 });
		expect((await getOrganisationsOverview(t.db, 'A_ICB', 1)).found!.total).toBe(0);
	});

	it('pages 120 practices in no PCN 50 at a time by name, and a search the same way', async () => {
		// Names "Practice 001" to "Practice 120": page 2 holds 051 to 100, page 3 (and past it) 101 to 120.
		await t.db
			.insertInto('practice')
			.values(Array.from({ length: 120 }, (_, i) => ({ ods_code: `A${String(80001 + i)}`, name: `Practice ${String(i + 1).padStart(3, '0')}`, pcn_id: null })))
			.execute();
		const names = (page: { items: { name: string }[] } | null) => page!.items.map((p) => p.name);
		const second = (await getOrganisationsOverview(t.db, '', 2)).unassigned!;
		expect(second).toMatchObject({ page: 2, pages: 3, total: 120, first: 51, last: 100 });
		expect(names(second)).toEqual(Array.from({ length: 50 }, (_, i) => `Practice ${String(51 + i).padStart(3, '0')}`));
		for (const asked of [3, 4, 1_000_000]) {
			const last = (await getOrganisationsOverview(t.db, '', asked)).unassigned!;
			expect(last).toMatchObject({ page: 3, first: 101, last: 120 });
			expect(names(last)[0]).toBe('Practice 101');
		}
		// "e 1" is in Practice 100 to 120: 21 names, one page.
		const found = (await getOrganisationsOverview(t.db, 'e 1', 1)).found!;
		expect(found).toMatchObject({ page: 1, pages: 1, total: 21, first: 1, last: 21 });
		expect(names(found)[20]).toBe('Practice 120');
		// "practice" is in all 120: page 2 of the search holds 51 to 100.
		expect((await getOrganisationsOverview(t.db, 'practice', 2)).found).toMatchObject({ page: 2, pages: 3, total: 120, first: 51, last: 100 });
	});
});

describe('admin organisation pages', () => {
	let t: TestDatabase;
	let admin: SignedInUser;
	beforeEach(async () => {
		t = await createTestDatabase();
		admin = await createSignedInUser(t.db, 'admin');
	});
	afterEach(() => t.close());

	const asAdmin = (form: Record<string, string>, params: Record<string, string> = {}, path = '/admin/organisations') =>
		({ db: t.db, user: admin, form, params, path }) satisfies EventOptions;

	it('answers a national database (42 ICBs, 1,300 PCNs, 4,000 practices) with a page, not the country', async () => {
		const icbs = await t.db
			.insertInto('icb')
			.values(Array.from({ length: 42 }, (_, i) => ({ ods_code: `Q${String(i).padStart(2, '0')}`, name: `ICB ${i}` })))
			.returning('id')
			.execute();
		const pcns = await t.db
			.insertInto('pcn')
			.values(Array.from({ length: 1300 }, (_, i) => ({ ods_code: `U${String(10000 + i)}`, name: `PCN ${i}`, icb_id: icbs[i % 42]!.id })))
			.returning('id')
			.execute();
		// 3,500 practices in PCNs and 500 in none, inserted 500 a statement (under SQLite's variable limit).
		for (let batch = 0; batch < 8; batch++) {
			await t.db
				.insertInto('practice')
				.values(
					Array.from({ length: 500 }, (_, j) => {
						const i = batch * 500 + j;
						return { ods_code: `B${String(10000 + i)}`, name: `Practice ${i}`, pcn_id: batch < 7 ? pcns[i % 1300]!.id : null };
					})
				)
				.execute();
		}
		const page = (await organisationsLoad(fakeEvent({ db: t.db, user: admin, path: '/admin/organisations' }) as never)) as Awaited<
			ReturnType<typeof organisationsLoad>
		>;
		expect(page.overview.icbs).toHaveLength(42);
		expect(page.overview.icbs.reduce((sum, icb) => sum + icb.practiceCount, 0)).toBe(3500);
		expect(page.overview.unassigned).toMatchObject({ total: 500, pages: 10, first: 1, last: 50 });
		expect(page.overview.unassigned!.items).toHaveLength(50);
		// 42 ICBs and 50 practices with their options: a few kilobytes, where the whole tree was over 500.
		expect(JSON.stringify(page).length).toBeLessThan(20_000);
		// The HTML: a row for each ICB and each practice on the page, a header row for each table, and no select of PCNs.
		const html = render(OrganisationsPage, { props: { data: page, form: null, params: {} } as never }).body;
		expect(html.match(/<tr[\s>]/g)).toHaveLength(42 + 1 + 50 + 1);
		expect(html).not.toContain('U10000');
		expect(html.match(/<option[\s>]/g)).toHaveLength(1 + 42);
		expect(html.length).toBeLessThan(60_000);
		const search = (await organisationsLoad(fakeEvent({ db: t.db, user: admin, path: '/admin/organisations?q=practice%201&page=2' }) as never)) as Awaited<
			ReturnType<typeof organisationsLoad>
		>;
		// "practice 1" is in Practice 1, 10–19, 100–199 and 1000–1999: 1,111 names, 23 pages.
		expect(search.overview.found).toMatchObject({ total: 1111, pages: 23, page: 2, first: 51, last: 100 });
		expect(JSON.stringify(search).length).toBeLessThan(20_000);
	});

	it('adds an ICB, a PCN and a practice, recording each in the audit log', async () => {
		const icbOutcome = await run(organisationActions.addIcb, asAdmin({ icbOdsCode: ' qe1 ', icbName: 'NHS Example ICB' }));
		const icb = await t.db.selectFrom('icb').selectAll().executeTakeFirstOrThrow();
		expect(icb).toMatchObject({ ods_code: 'QE1', name: 'NHS Example ICB' });
		expect(redirectOf(icbOutcome.thrown)).toEqual({ status: 303, location: `/admin/organisations?added=icb&id=${icb.id}` });

		const pcnOutcome = await run(organisationActions.addPcn, asAdmin({ pcnOdsCode: 'U12345', pcnName: 'Riverside PCN', pcnIcbId: String(icb.id) }));
		const pcn = await t.db.selectFrom('pcn').selectAll().executeTakeFirstOrThrow();
		expect(pcn).toMatchObject({ ods_code: 'U12345', icb_id: icb.id });
		expect(redirectOf(pcnOutcome.thrown)).toMatchObject({ status: 303 });

		await run(organisationActions.addPractice, asAdmin({ practiceOdsCode: 'A81001', practiceName: 'Riverside Surgery', practicePcnOdsCode: 'u12345' }));
		await run(organisationActions.addPractice, asAdmin({ practiceOdsCode: 'A81002', practiceName: 'On its own', practicePcnOdsCode: '' }));
		const practices = await t.db.selectFrom('practice').select(['ods_code', 'pcn_id']).orderBy('ods_code').execute();
		expect(practices).toEqual([
			{ ods_code: 'A81001', pcn_id: pcn.id },
			{ ods_code: 'A81002', pcn_id: null }
		]);

		const events = await listAuditEvents(t.db, { action: 'organisation_created' });
		expect(events.map((e) => e.summary).reverse()).toEqual([
			'Added ICB NHS Example ICB (QE1)',
			'Added PCN Riverside PCN (U12345)',
			'Added practice Riverside Surgery (A81001)',
			'Added practice On its own (A81002)'
		]);
		expect(events.every((e) => e.actor_user_id === admin.id)).toBe(true);

		const page = (await organisationsLoad(fakeEvent({ db: t.db, user: admin, path: `/admin/organisations?added=pcn&id=${pcn.id}` }) as never)) as Awaited<
			ReturnType<typeof organisationsLoad>
		>;
		expect(page.added).toEqual({ kind: 'pcn', href: `/admin/pcns/${pcn.id}`, label: 'Riverside PCN (U12345)' });
		expect(page.overview.unassigned!.items.map((p) => p.ods_code)).toEqual(['A81002']);
		expect(page.icbOptions).toEqual([{ value: String(icb.id), label: 'NHS Example ICB (QE1)' }]);
	});

	it('turns a duplicate or bad code, or an unknown choice, into a problem on the field, writing nothing', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		await createPcn(t.db, { odsCode: 'U12345', name: 'PCN', icbId: icb.id });
		await createPractice(t.db, { odsCode: 'A81001', name: 'Practice', pcnId: null });
		const before = await counts(t.db);
		const cases: [Handler, Record<string, string>, string, RegExp][] = [
			[organisationActions.addIcb, { icbOdsCode: 'qe1', icbName: 'Twin' }, 'icbOdsCode', /^Another ICB already has the ODS code QE1$/],
			[organisationActions.addIcb, { icbOdsCode: 'QE', icbName: 'Short' }, 'icbOdsCode', /like QE1/],
			[organisationActions.addIcb, { icbOdsCode: 'QE9', icbName: '  ' }, 'icbName', /Enter a name/],
			[organisationActions.addPcn, { pcnOdsCode: 'U12345', pcnName: 'Twin', pcnIcbId: String(icb.id) }, 'pcnOdsCode', /^Another PCN already has the ODS code U12345$/],
			[organisationActions.addPcn, { pcnOdsCode: 'X12345', pcnName: 'Bad', pcnIcbId: String(icb.id) }, 'pcnOdsCode', /like U12345/],
			[organisationActions.addPcn, { pcnOdsCode: 'U99999', pcnName: 'No ICB', pcnIcbId: '999' }, 'pcnIcbId', /Choose an ICB/],
			[organisationActions.addPcn, { pcnOdsCode: 'U99999', pcnName: 'No ICB', pcnIcbId: '' }, 'pcnIcbId', /Choose the ICB/],
			[organisationActions.addPractice, { practiceOdsCode: 'a81001', practiceName: 'Twin', practicePcnOdsCode: '' }, 'practiceOdsCode', /^Another practice already has the ODS code A81001$/],
			[organisationActions.addPractice, { practiceOdsCode: 'A8100', practiceName: 'Bad', practicePcnOdsCode: '' }, 'practiceOdsCode', /like A81001/],
			[organisationActions.addPractice, { practiceOdsCode: 'A81009', practiceName: 'x', practicePcnOdsCode: '12abc' }, 'practicePcnOdsCode', /U and five digits like U12345, or leave it empty/],
			[organisationActions.addPractice, { practiceOdsCode: 'A81009', practiceName: 'x', practicePcnOdsCode: 'U99999' }, 'practicePcnOdsCode', /^No PCN has the ODS code U99999$/]
		];
		for (const [handler, form, field, message] of cases) {
			const { result } = await run(handler, asAdmin(form));
			expect(result, JSON.stringify(form)).toMatchObject({ status: 400, data: { problems: [{ field, message: expect.stringMatching(message) }] } });
			expect((result as { data: { values: Record<string, string> } }).data.values).toMatchObject(form);
		}
		expect(await counts(t.db)).toEqual(before);
	});

	it('edits an ICB, a PCN and a practice, auditing only real changes, and answers unknown ids with 404', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		const icb2 = await createIcb(t.db, { odsCode: 'QE2', name: 'Second ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U12345', name: 'PCN', icbId: icb.id });
		const practice = await createPractice(t.db, { odsCode: 'A81001', name: 'Surgery', pcnId: pcn.id });
		await createPractice(t.db, { odsCode: 'A81002', name: 'Other', pcnId: pcn.id });

		const icbSave = await run(icbActions.default, asAdmin({ odsCode: 'QE1', name: 'Renamed ICB' }, { icbId: String(icb.id) }));
		expect(redirectOf(icbSave.thrown)).toEqual({ status: 303, location: `/admin/icbs/${icb.id}?saved` });
		const pcnSave = await run(pcnActions.default, asAdmin({ odsCode: 'U12399', name: 'PCN', icbId: String(icb2.id) }, { pcnId: String(pcn.id) }));
		expect(redirectOf(pcnSave.thrown)).toEqual({ status: 303, location: `/admin/pcns/${pcn.id}?saved` });
		// Saving without a change leaves no audit entry.
		await run(practiceActions.save, asAdmin({ odsCode: 'A81001', name: 'Surgery' }, { practiceId: String(practice.id) }));
		const duplicate = await run(practiceActions.save, asAdmin({ odsCode: 'A81002', name: 'Surgery' }, { practiceId: String(practice.id) }));
		expect(duplicate.result).toMatchObject({
			status: 400,
			data: { problems: [{ field: 'odsCode', message: 'Another practice already has the ODS code A81002' }] }
		});

		const changes = await listAuditEvents(t.db, { action: 'organisation_changed' });
		expect(changes.map((e) => e.summary).reverse()).toEqual([
			'Changed ICB QE1: name from ‘ICB’ to ‘Renamed ICB’',
			'Changed PCN U12345: ODS code from ‘U12345’ to ‘U12399’, ICB from ‘QE1’ to ‘QE2’'
		]);
		expect(await t.db.selectFrom('pcn').select(['ods_code', 'icb_id']).executeTakeFirst()).toEqual({ ods_code: 'U12399', icb_id: icb2.id });

		const icbPage = (await icbLoad(fakeEvent({ db: t.db, user: admin, params: { icbId: String(icb2.id) } }) as never)) as Awaited<ReturnType<typeof icbLoad>>;
		expect(icbPage.pcns.map((p) => [p.ods_code, p.practiceCount])).toEqual([['U12399', 2]]);
		const pcnPage = (await pcnLoad(fakeEvent({ db: t.db, user: admin, params: { pcnId: String(pcn.id) } }) as never)) as Awaited<ReturnType<typeof pcnLoad>>;
		expect(pcnPage.practices.map((p) => p.ods_code)).toEqual(['A81002', 'A81001']);

		for (const [handler, params] of [
			[icbLoad, { icbId: '999' }],
			[icbLoad, { icbId: 'abc' }],
			[pcnLoad, { pcnId: '999' }],
			[practiceLoad, { practiceId: '0' }],
			[icbActions.default, { icbId: '999' }],
			[practiceActions.move, { practiceId: '999' }]
		] as [Handler, Record<string, string>][]) {
			const { thrown } = await run(handler, asAdmin({ odsCode: 'QE5', name: 'x', pcnOdsCode: 'none', effectiveOn: ukDate() }, params));
			expect(statusOf(thrown), JSON.stringify(params)).toBe(404);
		}
	});

	it('moves a practice now or on a later date, keeps the history and changes what PCN leads see', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		const from = await createPcn(t.db, { odsCode: 'U10001', name: 'Old PCN', icbId: icb.id });
		const to = await createPcn(t.db, { odsCode: 'U20002', name: 'New PCN', icbId: icb.id });
		const practice = await createPractice(t.db, { odsCode: 'A81001', name: 'Riverside Surgery', pcnId: from.id });
		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [to.id] });
		const params = { practiceId: String(practice.id) };
		const today = ukDate();
		const later = addDays(today, 30);

		const now = await run(practiceActions.move, asAdmin({ pcnOdsCode: 'u20002', effectiveOn: today }, params));
		expect(redirectOf(now.thrown)).toEqual({ status: 303, location: `/admin/practices/${practice.id}?moved=now` });
		expect((await getPractice(t.db, practice.id))!.pcn_id).toBe(to.id);
		const leadAccount = (await getUser(t.db, lead.id))!;
		expect((await toSignedInUser(t.db, leadAccount)).practiceIds).toEqual([practice.id]);

		// A typed UK date works where the browser has no date picker.
		const [y, m, d] = later.split('-');
		const planned = await run(practiceActions.move, asAdmin({ pcnOdsCode: ' None ', effectiveOn: `${Number(d)}/${Number(m)}/${y}` }, params));
		expect(redirectOf(planned.thrown)).toEqual({ status: 303, location: `/admin/practices/${practice.id}?moved=later` });
		expect((await getPractice(t.db, practice.id))!.pcn_id).toBe(to.id);

		const history = await listPracticeMoves(t.db, practice.id);
		expect(history.map((h) => [h.effectiveOn, h.pcn?.ods_code ?? null, h.applied, h.recordedBy])).toEqual([
			[later, null, false, admin.email],
			[today, 'U20002', true, admin.email]
		]);
		const page = (await practiceLoad(fakeEvent({ db: t.db, user: admin, params, path: `/admin/practices/${practice.id}?moved=later` }) as never)) as Awaited<
			ReturnType<typeof practiceLoad>
		>;
		expect(page.moved).toBe('later');
		expect(page.today).toBe(today);
		expect(page.moves).toHaveLength(2);

		expect(await applyDueMoves(t.db, addDays(later, -1))).toBe(0);
		expect(await applyDueMoves(t.db, later)).toBe(1);
		expect((await getPractice(t.db, practice.id))!.pcn_id).toBeNull();
		expect((await toSignedInUser(t.db, leadAccount)).practiceIds).toEqual([]);

		const moves = await listAuditEvents(t.db, { action: 'practice_moved' });
		expect(moves.map((e) => e.summary).reverse()).toEqual([
			`Moved practice Riverside Surgery (A81001) from Old PCN (U10001) to New PCN (U20002), effective ${today}`,
			`Recorded that practice Riverside Surgery (A81001) moves to no PCN on ${later}`
		]);
		expect(moves.every((e) => e.practice_id === practice.id)).toBe(true);
	});

	it('refuses a move to where the practice already is, an unknown PCN and an impossible date', async () => {
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'PCN', icbId: icb.id });
		const practice = await createPractice(t.db, { odsCode: 'A81001', name: 'Riverside Surgery', pcnId: pcn.id });
		const params = { practiceId: String(practice.id) };
		const before = await counts(t.db);
		const cases: [Record<string, string>, string, RegExp][] = [
			[{ pcnOdsCode: 'U10001', effectiveOn: ukDate() }, 'pcnOdsCode', /Riverside Surgery is in that PCN already/],
			[{ pcnOdsCode: 'U99999', effectiveOn: ukDate() }, 'pcnOdsCode', /^No PCN has the ODS code U99999$/],
			[{ pcnOdsCode: '', effectiveOn: ukDate() }, 'pcnOdsCode', /Enter the ODS code of the PCN the practice moves to/],
			[{ pcnOdsCode: 'nowhere', effectiveOn: ukDate() }, 'pcnOdsCode', /or ‘none’ to take it out of any PCN/],
			[{ pcnOdsCode: 'none', effectiveOn: '2026-02-30' }, 'effectiveOn', /real date/],
			[{ pcnOdsCode: 'none', effectiveOn: '' }, 'effectiveOn', /Enter the date of the move/],
			[{ pcnOdsCode: 'none', effectiveOn: '31/2/2030' }, 'effectiveOn', /real date/]
		];
		for (const [form, field, message] of cases) {
			const { result } = await run(practiceActions.move, asAdmin(form, params));
			expect(result, JSON.stringify(form)).toMatchObject({ status: 400, data: { problems: [{ field, message: expect.stringMatching(message) }] } });
		}
		await expect(recordPracticeMove(t.db, { practiceId: practice.id, pcnId: pcn.id, effectiveOn: '2030-01-01' }, ukDate(), null)).rejects.toThrow(
			OrganisationInputError
		);
		expect(await counts(t.db)).toEqual(before);
	});

	it('counts organisations and accounts on the admin home page', async () => {
		const empty = (await adminHomeLoad(fakeEvent({ db: t.db, user: admin, path: '/admin' }) as never)) as Awaited<ReturnType<typeof adminHomeLoad>>;
		expect(empty.organisations).toEqual({ icbs: 0, pcns: 0, practices: 0 });
		expect(empty.accounts).toEqual({ active: 1, invited: 0, disabled: 0 });

		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'PCN', icbId: icb.id });
		await createPractice(t.db, { odsCode: 'A81001', name: 'Surgery', pcnId: pcn.id });
		await createUser(t.db, { email: 'invited@test.example', displayName: 'Invited', role: 'pcn_lead', scope: { pcnIds: [pcn.id] } });
		const off = await createSignedInUser(t.db, 'admin');
		await t.db.updateTable('user_account').set({ disabled_at: new Date().toISOString() }).where('id', '=', off.id).execute();
		const full = (await adminHomeLoad(fakeEvent({ db: t.db, user: admin, path: '/admin' }) as never)) as Awaited<ReturnType<typeof adminHomeLoad>>;
		expect(full.organisations).toEqual({ icbs: 1, pcns: 1, practices: 1 });
		expect(full.accounts).toEqual({ active: 1, invited: 1, disabled: 1 });
	});
});

describe('who may use the organisation pages', () => {
	let t: TestDatabase;
	let ids: { icb: string; pcn: string; practice: string };
	let others: SignedInUser[];
	beforeEach(async () => {
		t = await createTestDatabase();
		const icb = await createIcb(t.db, { odsCode: 'QE1', name: 'ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'PCN', icbId: icb.id });
		const practice = await createPractice(t.db, { odsCode: 'A81001', name: 'Surgery', pcnId: pcn.id });
		ids = { icb: String(icb.id), pcn: String(pcn.id), practice: String(practice.id) };
		others = [
			await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcn.id] }),
			await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practice.id] }),
			await createSignedInUser(t.db, 'link_worker', { practiceIds: [practice.id] })
		];
	});
	afterEach(() => t.close());

	const everything = (): [string, Handler, Record<string, string>, Record<string, string>][] => [
		['/admin', adminHomeLoad, {}, {}],
		['/admin/organisations', organisationsLoad, {}, {}],
		['/admin/organisations', organisationActions.addIcb, {}, { icbOdsCode: 'QE9', icbName: 'Sneaky ICB' }],
		['/admin/organisations', organisationActions.addPcn, {}, { pcnOdsCode: 'U99999', pcnName: 'Sneaky', pcnIcbId: ids.icb }],
		['/admin/organisations', organisationActions.addPractice, {}, { practiceOdsCode: 'A99999', practiceName: 'Sneaky', practicePcnOdsCode: '' }],
		[`/admin/icbs/${ids.icb}`, icbLoad, { icbId: ids.icb }, {}],
		[`/admin/icbs/${ids.icb}`, icbActions.default, { icbId: ids.icb }, { odsCode: 'QE1', name: 'Renamed' }],
		[`/admin/pcns/${ids.pcn}`, pcnLoad, { pcnId: ids.pcn }, {}],
		[`/admin/pcns/${ids.pcn}`, pcnActions.default, { pcnId: ids.pcn }, { odsCode: 'U10001', name: 'Renamed', icbId: ids.icb }],
		[`/admin/practices/${ids.practice}`, practiceLoad, { practiceId: ids.practice }, {}],
		[`/admin/practices/${ids.practice}`, practiceActions.save, { practiceId: ids.practice }, { odsCode: 'A81001', name: 'Renamed' }],
		[`/admin/practices/${ids.practice}`, practiceActions.move, { practiceId: ids.practice }, { pcnOdsCode: 'none', effectiveOn: ukDate() }]
	];

	it('sends someone not signed in to sign in and back, and refuses every other role with 403, changing nothing', async () => {
		const before = await counts(t.db);
		for (const [path, handler, params, form] of everything()) {
			const hasForm = Object.keys(form).length > 0;
			const anonymous = await run(handler, { db: t.db, user: null, path, params, form: hasForm ? form : undefined });
			expect(redirectOf(anonymous.thrown), path).toEqual({ status: 303, location: `/sign-in?next=${encodeURIComponent(path)}` });
			for (const user of others) {
				const { thrown } = await run(handler, { db: t.db, user, path, params, form: hasForm ? form : undefined });
				expect(statusOf(thrown), `${user.role} ${path}`).toBe(403);
			}
		}
		expect(await counts(t.db)).toEqual(before);
		expect(await t.db.selectFrom('practice').select('name').executeTakeFirst()).toEqual({ name: 'Surgery' });
	});

	it('refuses an oversized or unreadable body with 413 or 400, storing nothing', async () => {
		const admin = await createSignedInUser(t.db, 'admin');
		const before = await counts(t.db);
		const huge = `icbOdsCode=QE9&icbName=${'x'.repeat(40 * 1024)}`;
		const big = await run(organisationActions.addIcb, { db: t.db, user: admin, path: '/admin/organisations', form: huge });
		expect(big.result).toMatchObject({ status: 413 });
		const lying = await run(organisationActions.addIcb, {
			db: t.db,
			user: admin,
			path: '/admin/organisations',
			form: huge,
			headers: { 'content-length': '20' }
		});
		expect(lying.result).toMatchObject({ status: 413 });
		const garbled = await run(practiceActions.save, {
			db: t.db,
			user: admin,
			params: { practiceId: ids.practice },
			form: 'odsCode=A81001&name=x',
			headers: { 'content-type': 'multipart/form-data; boundary=nothing-here' }
		});
		expect(garbled.result).toMatchObject({ status: 400, data: { problems: [{ field: 'form' }] } });
		const file = new FormData();
		file.append('practiceOdsCode', 'A99999');
		file.append('practiceName', 'By file');
		file.append('practicePcnOdsCode', new File(['x'], 'x.txt'));
		const withFile = await run(organisationActions.addPractice, { db: t.db, user: admin, path: '/admin/organisations', form: file });
		expect(withFile.result).toMatchObject({ status: 400 });
		expect(await counts(t.db)).toEqual(before);
	});
});
