/**
 * The home page and every results reader cost what the viewer's scope holds: the home page reads
 * only the viewer's practices, a page of PCNs at a time, and a scope of more closed rounds than
 * SQLite can bind values in one statement (32,766) loads on both engines.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { summariseRespondents, summaryToJson, SUMMARY_FORMAT } from '../../src/lib/npt/round-summary';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { describeAccess } from '../../src/lib/server/accounts/people-list';
import { createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getPcnDashboard } from '../../src/lib/server/results/pcn-dashboard';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { summariseClosedRound } from '../../src/lib/server/surveys/round-summaries';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { NetworkOverview } from '../../src/lib/views/overview';
import { load as loadHome } from '../../src/routes/(app)/+page.server';
import HomePage from '../../src/routes/(app)/+page.svelte';
import WhatYouSee from '../../src/routes/(app)/account/WhatYouSee.svelte';
import { createIcb } from '../../src/lib/server/organisations/organisation-changes';
import type { IcbOverview } from '../../src/lib/views/overview';
import type { Page } from '../../src/lib/views/paging';
import { render } from 'svelte/server';
import { createPracticeWithRound, createTestDatabase, type PracticeFixture, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent } from '../helpers/events';
import type { SignedInUser } from '../../src/lib/server/identity';

const TODAY = '2026-11-28';
const config = { minResponses: 5 };
/** One more closed round than SQLite binds values in one statement. */
const MANY_ROUNDS = 32_767;

function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

async function home(t: TestDatabase, user: SignedInUser, query = ''): Promise<NetworkOverview> {
	const data = (await loadHome(fakeEvent({ db: t.db, user, path: `/${query}` }) as never)) as { overview: NetworkOverview };
	return data.overview;
}

/** `n` closed rounds of a practice, each with the stored summary of a round nobody answered, in two statements. */
async function bulkClosedRounds(t: TestDatabase, practiceId: number, versionId: number, n: number): Promise<void> {
	await sql`
		with recursive counter(i) as (select 1 union all select i + 1 from counter where i < ${n})
		insert into round (practice_id, instrument_version_id, title, opens_on, closes_on, closed_on, status, public_token, requires_code, planned_by_calendar, created_at)
		select ${practiceId}, ${versionId}, 'Bulk round', '2020-01-01', '2020-01-21', '2020-01-21', 'closed', ${`bulk-${practiceId}-`} || i, 0, 0, '2020-01-01T00:00:00.000Z'
		from counter`.execute(t.db);
	const empty = summaryToJson(summariseRespondents(DEFAULT_STAFF_INSTRUMENT, []));
	await sql`
		insert into round_summary (round_id, format, summary)
		select id, ${SUMMARY_FORMAT}, ${empty} from round where practice_id = ${practiceId}`.execute(t.db);
}

describe('the home page', () => {
	let t: TestDatabase;
	let f: PracticeFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		// Open for years, so it is open on the day the home page reads as today.
		f = await createPracticeWithRound(t.db, { title: 'Winter 2026', opensOn: '2026-11-01', closesOn: '2099-11-30', status: 'open' });
	});
	afterEach(async () => {
		await t.close();
	});

	it('shows only the practices in the viewer’s scope, with their PCN', async () => {
		const neighbour = await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		const otherPcn = await createPcn(t.db, { odsCode: 'U20002', name: 'Other PCN', icbId: f.icb.id });
		const elsewhere = await createPractice(t.db, { odsCode: 'C10001', name: 'Castle Practice', pcnId: otherPcn.id });
		await createPractice(t.db, { odsCode: 'D10001', name: 'Dale Practice', pcnId: otherPcn.id });

		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [neighbour.id] });
		const managed = await home(t, manager);
		expect(managed.pcns.map((p) => [p.name, p.practices.map((x) => x.name)])).toEqual([['Test PCN', ['Brook Surgery']]]);
		expect(managed).toMatchObject({ page: 1, pages: 1, pcnCount: 1, firstShown: 1 });

		const worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id, elsewhere.id] });
		expect((await home(t, worker)).pcns.map((p) => [p.name, p.practices.map((x) => x.name)])).toEqual([
			['Other PCN', ['Castle Practice']],
			['Test PCN', ['Test Surgery']]
		]);

		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [otherPcn.id] });
		expect((await home(t, lead)).pcns.map((p) => [p.name, p.practices.map((x) => x.name)])).toEqual([['Other PCN', ['Castle Practice', 'Dale Practice']]]);
	});

	it('pages a scope of many PCNs ten at a time by name, and reads a page out of range as the nearest one', async () => {
		const names: string[] = [];
		for (let i = 1; i <= 23; i++) {
			const pcn = await createPcn(t.db, { odsCode: `U3${String(i).padStart(4, '0')}`, name: `Network ${String(i).padStart(2, '0')}`, icbId: f.icb.id });
			await createPractice(t.db, { odsCode: `E3${String(i).padStart(4, '0')}`, name: `Surgery ${i}`, pcnId: pcn.id });
			names.push(pcn.name);
		}
		const lead = await createSignedInUser(t.db, 'pcn_lead', {
			pcnIds: (await t.db.selectFrom('pcn').select('id').execute()).map((p) => p.id)
		});
		// 24 PCNs: "Network 01" … "Network 23", then "Test PCN".
		const all = [...names, 'Test PCN'];
		const first = await home(t, lead);
		expect(first).toMatchObject({ page: 1, pages: 3, pcnCount: 24, firstShown: 1 });
		expect(first.pcns.map((p) => p.name)).toEqual(all.slice(0, 10));
		const third = await home(t, lead, '?page=3');
		expect(third).toMatchObject({ page: 3, pages: 3, firstShown: 21 });
		expect(third.pcns.map((p) => p.name)).toEqual(all.slice(20));
		expect(third.pcns.at(-1)!.practices.map((p) => p.name)).toEqual(['Test Surgery']);
		expect((await home(t, lead, '?page=99')).page).toBe(3);
		for (const nonsense of ['?page=0', '?page=two', '?page=-4', '?page=1.5', '?page=']) expect((await home(t, lead, nonsense)).page).toBe(1);
	});

	it('names the first 50 PCNs and practices of a wide scope on the account page and counts the rest', async () => {
		for (let i = 1; i <= 54; i++) {
			const pcn = await createPcn(t.db, { odsCode: `U4${String(i).padStart(4, '0')}`, name: `Network ${String(i).padStart(2, '0')}`, icbId: f.icb.id });
			await createPractice(t.db, { odsCode: `F4${String(i).padStart(4, '0')}`, name: `Surgery ${String(i).padStart(2, '0')}`, pcnId: pcn.id });
		}
		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: (await t.db.selectFrom('pcn').select('id').execute()).map((p) => p.id) });
		const access = await describeAccess(t.db, lead);
		expect(access.pcnCount).toBe(55);
		expect(access.practiceCount).toBe(55);
		expect(access.pcns.map((p) => p.name)).toEqual(Array.from({ length: 50 }, (_, i) => `Network ${String(i + 1).padStart(2, '0')}`));
		expect(access.practices.at(-1)!.name).toBe('Surgery 50');
		const manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		expect(await describeAccess(t.db, manager)).toMatchObject({ pcns: [], pcnCount: 0, practices: [{ name: 'Test Surgery' }], practiceCount: 1 });
	});

	it(`loads a scope of ${MANY_ROUNDS.toLocaleString('en-GB')} closed rounds, with every figure of the rounds beside them as it was`, { timeout: 180_000 }, async () => {
		const bulk = await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		await bulkClosedRounds(t, bulk.id, f.versionId, MANY_ROUNDS);
		// A real closed round at Test Surgery: six people who all agree (4), so every score is 7.5: Belonging.
		const round = await createRound(t.db, {
			practiceId: f.practice.id,
			instrumentVersionId: f.versionId,
			title: 'Summer 2026',
			opensOn: '2026-06-01',
			closesOn: '2026-06-30',
			staffHeadcount: 20,
			status: 'closed'
		});
		const items = await itemIdsOf(t.db, f.versionId);
		for (let i = 0; i < 6; i++) await storeResponse(t.db, round.id, items, respondent(4), '2026-06-10');
		await summariseClosedRound(t.db, round);

		const dashboard = (await getPcnDashboard(t.db, f.pcn.id, config, { from: '2025-11-28', to: TODAY }, TODAY))!;
		expect(dashboard.practices.map((p) => [p.name, p.state])).toEqual([
			['Brook Surgery', 'no_round'],
			['Test Surgery', 'shown']
		]);
		expect(dashboard.trends.find((p) => p.name === 'Brook Surgery')!.points).toHaveLength(MANY_ROUNDS);
		expect(dashboard.figures.practiceMean.overall).toEqual({ mean: 7.5, practices: 1, band: 'belonging' });

		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		const [pcn] = (await home(t, lead)).pcns;
		const [brook, test] = pcn!.practices;
		expect(brook!.rounds).toHaveLength(MANY_ROUNDS);
		expect(brook!.latest!.summary).toEqual({ kind: 'withheld' });
		expect(test!.latest!.summary).toEqual({ kind: 'placed', band: 'belonging', description: 'Belonging' });
		// The open round of 0 responses still needs all five.
		expect(test!.rounds[0]!.summary).toEqual({ kind: 'collecting', respondentsNeeded: 5 });
	});
});

describe('the home page of an ICB lead', () => {
	let t: TestDatabase;
	let f: PracticeFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db, { title: 'Winter 2026', opensOn: '2026-11-01', closesOn: '2099-11-30', status: 'open' });
	});
	afterEach(async () => {
		await t.close();
	});

	type IcbHome = { home: 'icbs'; icbs: Page<IcbOverview> };
	const icbHome = async (user: SignedInUser, query = '') => (await loadHome(fakeEvent({ db: t.db, user, path: `/${query}` }) as never)) as IcbHome;

	it('lists their ICBs, each linked to its dashboard, with the PCNs now in it linked to theirs and no practice', async () => {
		await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		const empty = await createPcn(t.db, { odsCode: 'U20002', name: 'Another PCN', icbId: f.icb.id });
		const elsewhere = await createIcb(t.db, { odsCode: 'QBB', name: 'Elsewhere ICB' });
		await createPcn(t.db, { odsCode: 'U30003', name: 'Elsewhere PCN', icbId: elsewhere.id });

		const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		const data = await icbHome(lead);
		expect(data.home).toBe('icbs');
		expect(data.icbs).toMatchObject({ total: 1, page: 1, pages: 1 });
		expect(data.icbs.items).toEqual([
			{
				id: f.icb.id,
				odsCode: f.icb.ods_code,
				name: f.icb.name,
				pcns: [
					{ id: empty.id, odsCode: 'U20002', name: 'Another PCN', practiceCount: 0 },
					{ id: f.pcn.id, odsCode: f.pcn.ods_code, name: 'Test PCN', practiceCount: 2 }
				]
			}
		]);
		const html = render(HomePage, { props: { data, params: {} } as never }).body;
		expect(html).toContain('<h1>Your ICB</h1>');
		expect(html).toContain(`<a href="/icbs/${f.icb.id}">${f.icb.name}`);
		expect(html).toContain(`<a href="/pcns/${f.pcn.id}">Test PCN`);
		expect(html).toContain(`<a href="/pcns/${empty.id}">Another PCN`);
		expect(html).not.toContain('/practices/');
		expect(html).not.toContain('/rounds/');
		expect(html).not.toContain('Elsewhere');

		// Every ICB they oversee, by name.
		const both = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id, elsewhere.id] });
		const two = await icbHome(both);
		expect(two.icbs.items.map((i) => [i.name, i.pcns.map((p) => p.name)])).toEqual([
			['Elsewhere ICB', ['Elsewhere PCN']],
			[f.icb.name, ['Another PCN', 'Test PCN']]
		]);
		expect(render(HomePage, { props: { data: two, params: {} } as never }).body).toContain('<h1>Your ICBs</h1>');
	});

	it('pages many ICBs five at a time by name, and reads a page out of range as the nearest one', async () => {
		const ids = [f.icb.id];
		for (let i = 1; i <= 11; i++) ids.push((await createIcb(t.db, { odsCode: `Q${String(i).padStart(2, '0')}`, name: `ICB ${String(i).padStart(2, '0')}` })).id);
		const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: ids });
		const names = (data: IcbHome) => data.icbs.items.map((i) => i.name);
		expect((await icbHome(lead)).icbs).toMatchObject({ total: 12, pages: 3, page: 1, first: 1, last: 5 });
		expect(names(await icbHome(lead, '?page=3'))).toEqual(['ICB 11', f.icb.name]);
		expect((await icbHome(lead, '?page=99')).icbs.page).toBe(3);
		for (const nonsense of ['?page=0', '?page=two', '?page=-4']) expect((await icbHome(lead, nonsense)).icbs.page).toBe(1);
	});

	it('says plainly when they oversee no ICB yet', async () => {
		const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		await t.db.deleteFrom('user_icb').where('user_id', '=', lead.id).execute();
		const data = await icbHome(lead);
		expect(data.icbs).toMatchObject({ total: 0, items: [] });
		expect(render(HomePage, { props: { data, params: {} } as never }).body).toContain('Your account is not linked to any ICB yet.');
	});

	it('names their ICBs and the PCNs in them on the account page, and no practice', async () => {
		await createPractice(t.db, { odsCode: 'B10001', name: 'Brook Surgery', pcnId: f.pcn.id });
		const lead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		const access = await describeAccess(t.db, lead);
		const words = render(WhatYouSee, { props: { role: 'icb_lead', ...access } }).body.replace(/<!--[^>]*-->/g, '').replace(/\s+/g, ' ');
		expect(words).toContain(`You oversee:</p> <ul><li>${f.icb.name} <span class="code`);
		expect(words).toContain('So you can see figures for the ICB as a whole and for each PCN now in it:');
		expect(words).toContain('You never see a practice’s own pages, staff comments, what a link worker wrote on a flag, or a link worker’s own view of a practice.');
		expect(words).not.toContain('Brook Surgery');
		expect(access).toEqual({
			icbs: [{ id: f.icb.id, odsCode: f.icb.ods_code, name: f.icb.name }],
			icbCount: 1,
			pcns: [{ id: f.pcn.id, odsCode: f.pcn.ods_code, name: 'Test PCN' }],
			pcnCount: 1,
			practices: [],
			practiceCount: 0
		});
		// Other roles hold no ICBs.
		const pcnLead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		expect(await describeAccess(t.db, pcnLead)).toMatchObject({ icbs: [], icbCount: 0, pcnCount: 1, practiceCount: 2 });
	});
});
