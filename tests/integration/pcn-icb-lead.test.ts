/**
 * An ICB lead on a PCN's dashboard, its downloads and its API (issue 26): let in for the PCNs now
 * in their ICBs and nowhere else, shown the same figures as the PCN's lead, and never given what
 * is not theirs: a link worker's own assessment (docs/scoring.md §6), a flag for the PCN lead only in
 * any per-practice form, a flag's comments, notes, raiser or id, or a link into a practice.
 */
import { isHttpError } from '@sveltejs/kit';
import { render } from 'svelte/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMonths, ukDate } from '../../src/lib/dates';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { CURRENT_CHECKLIST, checklistItem } from '../../src/lib/npt/infrastructure';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import { createApiToken } from '../../src/lib/server/api/tokens';
import type { Db } from '../../src/lib/server/db';
import type { FlagVisibility } from '../../src/lib/server/db/schema';
import type { SignedInUser } from '../../src/lib/server/identity';
import { recordAction } from '../../src/lib/server/linkworker/action-changes';
import { saveAssessment } from '../../src/lib/server/linkworker/assessments';
import { saveChecklist } from '../../src/lib/server/linkworker/checklist';
import { changeFlagState, commentOnFlag, getFlag, listFlagStatusesForPcn, listFlagsForPcn } from '../../src/lib/server/linkworker/flags';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { itemIdsOf, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { load } from '../../src/routes/(app)/pcns/[pcnId]/+page.server';
import PcnPage from '../../src/routes/(app)/pcns/[pcnId]/+page.svelte';
import { GET as downloadPcn } from '../../src/routes/(app)/pcns/[pcnId]/export/[kind]/+server';
import { GET as apiHeatmap } from '../../src/routes/api/v1/pcns/[pcnId]/heatmap/+server';
import { GET as apiRounds } from '../../src/routes/api/v1/pcns/[pcnId]/rounds/+server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

const ITEMS = DEFAULT_STAFF_INSTRUMENT.items;
const PERIOD = 'from=2026-01-01&to=2026-10-31';

/** Words that appear only in what an ICB lead must never receive, so finding one anywhere is a leak. */
const SECRET = {
	sharedComment: 'Room booked from March, said the lead (comment-shared-q7)',
	sharedNote: 'Only the store cupboard is free (note-shared-q7)',
	hiddenComment: 'The employer will not fund supervision (comment-hidden-q7)',
	hiddenNote: 'My VCSE manager blocks supervision (note-hidden-q7)'
};

/** Every staff answer is `point` in the scored direction, so every score is (point − 1) × 2.5. */
function staff(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(ITEMS.map((i) => [i.id, (i.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: null, agreement, general: {}, comment: null, code: null };
}

let t: TestDatabase;
let pcnId: number;
let sisterPcnId: number;
let farPcnId: number;
let north: number;
let south: number;
let lead: SignedInUser;
let icbLead: SignedInUser;
let farIcbLead: SignedInUser;
let worker: SignedInUser;
let flags: Record<'sharedRoom' | 'hiddenRoom' | 'hiddenSupervision' | 'hiddenRecords', number>;

beforeEach(async () => {
	t = await createTestDatabase();
	const icb = await createIcb(t.db, { odsCode: 'QAA', name: 'Lakes ICB' });
	const farIcb = await createIcb(t.db, { odsCode: 'QBB', name: 'Hills ICB' });
	pcnId = (await createPcn(t.db, { odsCode: 'U10001', name: 'Lakeside PCN', icbId: icb.id })).id;
	sisterPcnId = (await createPcn(t.db, { odsCode: 'U10002', name: 'Meadow PCN', icbId: icb.id })).id;
	farPcnId = (await createPcn(t.db, { odsCode: 'U20001', name: 'Summit PCN', icbId: farIcb.id })).id;
	north = (await createPractice(t.db, { odsCode: 'A10001', name: 'North Surgery', pcnId })).id;
	south = (await createPractice(t.db, { odsCode: 'A10002', name: 'South Surgery', pcnId })).id;
	const east = (await createPractice(t.db, { odsCode: 'A10003', name: 'East Surgery', pcnId: sisterPcnId })).id;
	const far = (await createPractice(t.db, { odsCode: 'A20001', name: 'Far Surgery', pcnId: farPcnId })).id;

	const versionId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
	const ids = await itemIdsOf(t.db, versionId);
	// Five staff each in an October round: North 7.5, South 5.0, East and Far 2.5 on everything.
	const closed = async (practiceId: number, point: AgreementPoint) => {
		const round = await createRound(t.db, {
			practiceId,
			instrumentVersionId: versionId,
			title: 'Autumn round',
			opensOn: '2026-10-01',
			closesOn: '2026-10-31',
			staffHeadcount: 10,
			status: 'closed'
		});
		for (let i = 0; i < 5; i++) await storeResponse(t.db, round.id, ids, staff(point), '2026-10-15');
		return round.id;
	};
	const northRound = await closed(north, 4);
	await closed(south, 3);
	await closed(east, 2);
	await closed(far, 2);

	lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcnId] });
	icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [icb.id] });
	farIcbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [farIcb.id] });
	worker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [north, south] });

	// North: no private room, shared with the practice. South: three gaps for the PCN lead only,
	// the room among them, so the room is a gap at both practices to the lead and at North alone to the ICB.
	flags = {
		sharedRoom: await raise(north, 'private-room', 'practice_and_pcn', SECRET.sharedNote),
		hiddenRoom: await raise(south, 'private-room', 'pcn_only'),
		hiddenSupervision: await raise(south, 'supervision', 'pcn_only', SECRET.hiddenNote),
		hiddenRecords: await raise(south, 'record-access', 'pcn_only')
	};
	expect(await changeFlagState(t.db, lead, flags.sharedRoom, 'acknowledged')).toMatchObject({ ok: true });
	expect(await commentOnFlag(t.db, lead, flags.sharedRoom, SECRET.sharedComment)).toMatchObject({ ok: true });
	expect(await commentOnFlag(t.db, lead, flags.hiddenSupervision, SECRET.hiddenComment)).toMatchObject({ ok: true });

	// The link worker's own view of North's round: 2.5 everywhere against the staff's 7.5.
	const entries = ITEMS.map((i) => [`item-${i.id}`, String(i.reversed ? 4 : 2)] as [string, string]);
	expect(await saveAssessment(t.db, worker, northRound, entries)).toMatchObject({ ok: true });

	// Actions: North one on a construct and one on its shared flag; South one on a PCN-lead-only flag.
	const dueOn = addMonths(ukDate(), 1);
	const act = async (practiceId: number, linkedTo: string, what: string) =>
		expect(await recordAction(t.db, lead, practiceId, { what, owner: 'Sam Patel', dueOn, linkedTo })).toMatchObject({ ok: true });
	await act(north, 'construct:coherence', 'Brief the team on the role');
	await act(north, `flag:${flags.sharedRoom}`, 'Book the treatment room on Tuesdays');
	await act(south, `flag:${flags.hiddenSupervision}`, 'Raise supervision with the VCSE employer (action-hidden-q7)');
});

afterEach(async () => {
	await t.close();
});

async function raise(practiceId: number, itemId: string, visibility: FlagVisibility, note: string | null = null): Promise<number> {
	expect(await saveChecklist(t.db, worker, practiceId, [{ itemId, status: 'missing', note }], { [itemId]: visibility })).toMatchObject({ ok: true });
	const row = await t.db.selectFrom('flag').select('id').where('practice_id', '=', practiceId).where('item_id', '=', itemId).executeTakeFirstOrThrow();
	return row.id;
}

type PageData = Awaited<ReturnType<typeof load>> & object;

const openPage = (user: SignedInUser, id: number | string = pcnId, db: Db = t.db) =>
	outcomeOf(() => load(fakeEvent({ db, user, path: `/pcns/${id}?${PERIOD}`, params: { pcnId: String(id) } }) as never) as Promise<PageData>);

async function pageOf(user: SignedInUser): Promise<PageData> {
	const { result, thrown } = await openPage(user);
	if (thrown) throw thrown;
	return result!;
}

const statusOf = (outcome: { thrown?: unknown }) =>
	outcome.thrown === undefined ? 200 : isHttpError(outcome.thrown) ? outcome.thrown.status : outcome.thrown;

/** A database that fails the test if anything reads it: for showing the guard refuses first. */
const untouchable = new Proxy({} as Db, {
	get(_, name) {
		throw new Error(`the database was used (${String(name)}) before the guard refused`);
	}
});

/** Every flag object anywhere in the page's gap matrices (the matrix and the glance's shared needs). */
function matrixFlags(data: PageData): object[] {
	const items = [...data.gapMatrix.aspects.flatMap((a) => a.items), ...data.glance.sharedNeeds];
	return items.flatMap((item) => item.cells.flatMap((cell) => [...cell.unresolved, ...(cell.closed ? [cell.closed] : [])]));
}

const needOf = (data: PageData, itemId: string) => data.gapMatrix.aspects.flatMap((a) => a.items).find((i) => i.item.id === itemId);
const countsAt = (data: PageData, practiceId: number) => data.actionCounts.find((c) => c.practiceId === practiceId);
const needingSupport = (data: PageData, practiceId: number) => data.glance.needingSupport.find((p) => p.practiceId === practiceId);

describe('who may open a PCN’s dashboard as an ICB lead', () => {
	it('lets an ICB lead into each PCN now in their ICB, and no other', async () => {
		expect(statusOf(await openPage(icbLead, pcnId))).toBe(200);
		expect(statusOf(await openPage(icbLead, sisterPcnId))).toBe(200);
		for (const id of [farPcnId, 999999, 'abc', '0x1']) expect(statusOf(await openPage(icbLead, id)), String(id)).toBe(404);
		expect(statusOf(await openPage(farIcbLead, pcnId))).toBe(404);
		expect(statusOf(await openPage(farIcbLead, farPcnId))).toBe(200);
		// A PCN outside the ICB is refused before anything is read: no query, so nothing to time or count.
		expect(statusOf(await openPage(icbLead, farPcnId, untouchable))).toBe(404);
	});

	it('follows the PCN when it moves to another ICB', async () => {
		const farIcbId = (await t.db.selectFrom('icb').select('id').where('ods_code', '=', 'QBB').executeTakeFirstOrThrow()).id;
		await t.db.updateTable('pcn').set({ icb_id: farIcbId }).where('id', '=', pcnId).execute();
		// Each request resolves the session afresh, as here.
		const now = async (user: SignedInUser) => toSignedInUser(t.db, (await getUser(t.db, user.id))!);
		expect(statusOf(await openPage(await now(icbLead), pcnId))).toBe(404);
		expect(statusOf(await openPage(await now(farIcbLead), pcnId))).toBe(200);
	});

	it('audits the view as it does a PCN lead’s', async () => {
		await pageOf(icbLead);
		const audit = await listAuditEvents(t.db, { action: 'results_viewed' });
		expect(audit.map((e) => [e.summary, e.actor_user_id, e.pcn_id])).toEqual([
			['Viewed the PCN dashboard of Lakeside PCN (U10001), 2026-01-01 to 2026-10-31', icbLead.id, pcnId]
		]);
	});
});

describe('what an ICB lead reads on the page', () => {
	it('gives the same figures, heatmap, trends, rounds, benchmarks and common gaps as the PCN lead sees', async () => {
		const [asLead, asIcb] = [await pageOf(lead), await pageOf(icbLead)];
		expect(asLead.access).toBe('lead');
		expect(asIcb.access).toBe('reader');
		for (const key of ['pcn', 'period', 'bands', 'practices', 'figures', 'before', 'commonGaps', 'trends', 'trendRange', 'rounds', 'benchmarks'] as const) {
			expect(asIcb[key], key).toEqual(asLead[key]);
		}
		expect(asIcb.glance.figure).toEqual(asLead.glance.figure);
		expect(asIcb.glance.weakest).toEqual(asLead.glance.weakest);
		// The same suppression: the scores are there, and as the lead sees them.
		expect(asIcb.practices.map((p) => [p.name, p.state === 'shown' ? p.scores.overall?.mean : null])).toEqual([
			['North Surgery', 7.5],
			['South Surgery', 5]
		]);
	});

	it('holds no link worker’s own assessment', async () => {
		const asLead = await pageOf(lead);
		if (asLead.access !== 'lead') throw new Error('expected the PCN lead’s page');
		// The fixture has one, so its absence below is the rule and not an empty PCN.
		expect(asLead.perceptionGaps.find((r) => r.practiceId === north)).toMatchObject({ state: 'compared' });

		const asIcb = await pageOf(icbLead);
		expect(asIcb).not.toHaveProperty('perceptionGaps');
		const json = JSON.stringify(asIcb);
		expect(json).not.toMatch(/linkWorkers|perception/i);
		expect(json).not.toContain(worker.displayName);
	});

	it('holds only the flags shared with the practice, each as its state alone', async () => {
		const asLead = await pageOf(lead);
		const asIcb = await pageOf(icbLead);

		// To the lead the room is a gap at both practices, and supervision and records at South.
		expect(needOf(asLead, 'private-room')?.practicesWithGap).toBe(2);
		expect(needOf(asLead, 'supervision')?.practicesWithGap).toBe(1);
		expect(matrixFlags(asLead)).toContainEqual({ id: flags.sharedRoom, state: 'acknowledged', raisedBy: worker.displayName });

		// To the ICB lead: the room at North alone, and nothing of South's gaps.
		const room = needOf(asIcb, 'private-room')!;
		expect(room.practicesWithGap).toBe(1);
		expect(room.flagsByState).toEqual([{ state: 'acknowledged', count: 1 }]);
		expect(asIcb.gapMatrix.practices.map((p) => p.name)).toEqual(['North Surgery', 'South Surgery']);
		expect(room.cells.map((c) => [c.practiceId, c.unresolved, c.closed])).toEqual([
			[north, [{ state: 'acknowledged' }], null],
			[south, [], null]
		]);
		expect(asIcb.gapMatrix.aspects.flatMap((a) => a.items.map((i) => i.item.id))).toEqual(['private-room']);
		// No flag carries anything but its state: no id to open, no raiser.
		const shown = matrixFlags(asIcb);
		expect(shown.length).toBeGreaterThan(0);
		for (const flag of shown) expect(Object.keys(flag)).toEqual(['state']);

		const json = JSON.stringify(asIcb);
		for (const text of Object.values(SECRET)) expect(json).not.toContain(text);
		// South's other needs, by id or by their words, appear nowhere.
		for (const itemId of ['supervision', 'record-access']) {
			expect(json).not.toContain(`"${itemId}"`);
			expect(json).not.toContain(checklistItem(CURRENT_CHECKLIST, itemId)!.gap);
		}
		expect(json).not.toMatch(/raisedBy|\/flags|"events"|"note"|comment/i);
	});

	it('names no practice for gaps it cannot see, in the glance as in the matrix', async () => {
		const asLead = await pageOf(lead);
		const asIcb = await pageOf(icbLead);
		// South has three gaps open for the PCN lead only: the lead's glance names it for them.
		expect(needingSupport(asLead, south)?.reasons).toContainEqual({ kind: 'open_gaps', count: 3 });
		expect(asLead.glance.sharedNeeds.map((n) => n.item.id)).toEqual(['private-room']);

		expect(needingSupport(asIcb, south)?.reasons.some((r) => r.kind === 'open_gaps') ?? false).toBe(false);
		expect(asIcb.glance.sharedNeeds).toEqual([]);
	});

	it('counts actions on constructs and shared flags, never those on a flag for the PCN lead only', async () => {
		const asLead = await pageOf(lead);
		const asIcb = await pageOf(icbLead);
		expect(countsAt(asLead, north)).toMatchObject({ planned: 2 });
		expect(countsAt(asLead, south)).toMatchObject({ planned: 1 });

		expect(countsAt(asIcb, north)).toMatchObject({ planned: 2 });
		expect(countsAt(asIcb, south)).toEqual({ practiceId: south, practiceName: 'South Surgery', planned: 0, overdue: 0, doneInPeriod: 0, lastDoneOn: null });
		expect(JSON.stringify(asIcb)).not.toContain('action-hidden-q7');
	});

	it('renders without links into practices or flags, and leads back to the ICB', async () => {
		const asIcb = await pageOf(icbLead);
		const html = render(PcnPage, { props: { data: asIcb, params: { pcnId: String(pcnId) } } as never }).body;
		expect(html).not.toMatch(/href="\/practices\//);
		expect(html).not.toContain('How link workers and staff see each practice');
		expect(html).not.toMatch(/<form[^>]*method="post"/i);
		const icbId = asIcb.pcn.icbId;
		expect(html).toMatch(new RegExp(`<nav aria-label="Breadcrumb"[^>]*>[\\s\\S]*?<a href="/icbs/${icbId}">Lakes ICB</a>`));
		// The practices are still named, as plain text.
		expect(html).toContain('North Surgery');
		expect(html).toContain('South Surgery');

		// The lead's page keeps every link.
		const asLead = await pageOf(lead);
		const leadHtml = render(PcnPage, { props: { data: asLead, params: { pcnId: String(pcnId) } } as never }).body;
		expect(leadHtml).toContain(`href="/practices/${north}"`);
		expect(leadHtml).toContain(`href="/practices/${north}/flags#flag-${flags.sharedRoom}"`);
		expect(leadHtml).toContain(`href="/practices/${south}/actions"`);
		expect(leadHtml).toContain('How link workers and staff see each practice');
		expect(leadHtml).toMatch(/<nav aria-label="Breadcrumb"[^>]*>[\s\S]*?<a href="\/">Practices<\/a>/);
	});
});

describe('flags to an ICB lead', () => {
	it('reads the shared flags’ states and opens, changes or comments on none', async () => {
		expect((await listFlagStatusesForPcn(t.db, icbLead, pcnId)).map((f) => f.id)).toEqual([flags.sharedRoom]);
		expect(await listFlagStatusesForPcn(t.db, icbLead, farPcnId)).toEqual([]);
		expect(await listFlagStatusesForPcn(t.db, farIcbLead, pcnId)).toEqual([]);
		expect(await listFlagsForPcn(t.db, icbLead, pcnId)).toEqual([]);
		expect(await getFlag(t.db, icbLead, flags.sharedRoom)).toBeNull();
		expect(await changeFlagState(t.db, icbLead, flags.sharedRoom, 'in_progress')).toMatchObject({ ok: false, status: 404 });
		expect(await commentOnFlag(t.db, icbLead, flags.sharedRoom, 'From the ICB')).toMatchObject({ ok: false, status: 404 });
		const row = await t.db.selectFrom('flag').select('state').where('id', '=', flags.sharedRoom).executeTakeFirstOrThrow();
		expect(row.state).toBe('acknowledged');
		// The PCN lead still acts on every flag.
		expect((await listFlagsForPcn(t.db, lead, pcnId)).map((f) => f.id).sort((a, b) => a - b)).toEqual(Object.values(flags).sort((a, b) => a - b));
	});
});

describe('the PCN’s downloads and API for an ICB lead', () => {
	const download = (user: SignedInUser, id: number, kind: string, query = '', db: Db = t.db) =>
		outcomeOf(() =>
			downloadPcn(fakeEvent({ db, user, path: `/pcns/${id}/export/${kind}${query ? `?${query}` : ''}`, params: { pcnId: String(id), kind } }) as never)
		);

	it('downloads each CSV exactly as the PCN lead gets it, and nothing outside the ICB', async () => {
		for (const [kind, query] of [
			['heatmap.csv', PERIOD],
			['rounds.csv', '']
		] as const) {
			const mine = await download(icbLead, pcnId, kind, query);
			expect(statusOf(mine), kind).toBe(200);
			const text = await (mine.result as Response).text();
			expect(text, kind).toContain('North Surgery');
			expect(text, kind).toBe(await ((await download(lead, pcnId, kind, query)).result as Response).text());
			for (const secret of Object.values(SECRET)) expect(text).not.toContain(secret);
			expect(statusOf(await download(icbLead, farPcnId, kind, query)), kind).toBe(404);
			expect(statusOf(await download(icbLead, farPcnId, kind, query, untouchable)), kind).toBe(404);
		}
		expect(statusOf(await download(icbLead, pcnId, 'answers.csv'))).toBe(404);
		expect(statusOf(await download(icbLead, pcnId, 'heatmap.csv', 'from=2026-10-01&to=2026-01-01'))).toBe(400);
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit.filter((e) => e.actor_user_id === icbLead.id).map((e) => e.summary)).toEqual([
			'Downloaded the scores of every round at Lakeside PCN',
			'Downloaded the heatmap of Lakeside PCN (2026-01-01 to 2026-10-31)'
		]);
	});

	async function callApi(handler: typeof apiHeatmap, user: SignedInUser, id: number, path: string) {
		const created = await createApiToken(t.db, user, 'ICB report');
		if (!created.ok) throw new Error(created.problems[0]!.message);
		const event = fakeEvent({ db: t.db, path, params: { pcnId: String(id) }, headers: { authorization: `Bearer ${created.token.token}` } });
		const response = (await handler(event as never)) as Response;
		return { status: response.status, body: JSON.parse(await response.text()) as unknown };
	}

	it('serves each endpoint as the PCN lead gets it, and 404 outside the ICB', async () => {
		for (const [handler, name, query] of [
			[apiHeatmap, 'heatmap', `?${PERIOD}`],
			[apiRounds, 'rounds', '']
		] as const) {
			const path = (id: number) => `/api/v1/pcns/${id}/${name}${query}`;
			const mine = await callApi(handler, icbLead, pcnId, path(pcnId));
			expect(mine.status, name).toBe(200);
			expect(mine.body, name).toEqual((await callApi(handler, lead, pcnId, path(pcnId))).body);
			expect(JSON.stringify(mine.body)).toContain('North Surgery');
			for (const secret of Object.values(SECRET)) expect(JSON.stringify(mine.body)).not.toContain(secret);
			expect((await callApi(handler, icbLead, farPcnId, path(farPcnId))).status, name).toBe(404);
			expect((await callApi(handler, icbLead, sisterPcnId, path(sisterPcnId))).status, name).toBe(200);
		}
		const reads = await listAuditEvents(t.db, { action: 'api_read' });
		expect(reads.filter((e) => e.actor_user_id === icbLead.id && e.pcn_id === pcnId).map((e) => e.summary)).toEqual(
			expect.arrayContaining([
				'Read the heatmap of Lakeside PCN (2026-01-01 to 2026-10-31) through the API (token “ICB report”)',
				'Read the scores of every round at Lakeside PCN through the API (token “ICB report”)'
			])
		);
	});
});
