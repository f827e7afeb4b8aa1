import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	auditEventsToCsv,
	listAuditEvents,
	listAuditPage,
	parseAuditFilter,
	recordAudit,
	ukDayStart,
	type AuditLogEvent
} from '../../src/lib/server/platform/audit';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load } from '../../src/routes/(app)/admin/audit/+page.server';
import { GET as exportLog } from '../../src/routes/(app)/admin/audit/export/+server';
import { readWorkbook } from '../helpers/xlsx';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';
import { parseCsv } from '../helpers/csv';

const at = (iso: string) => new Date(iso);

async function seedLog(t: TestDatabase) {
	const { practice, pcn } = await createPracticeWithRound(t.db);
	const db = t.db;
	await recordAudit(db, { anonymous: 'jo.evans@example.nhs.uk' }, { action: 'sign_in_failed', summary: 'Wrong password' }, at('2026-03-01T10:00:00Z'));
	await recordAudit(db, { anonymous: 'jo_evans@example.nhs.uk' }, { action: 'sign_in', summary: 'Signed in' }, at('2026-03-02T10:00:00Z'));
	await recordAudit(db, { anonymous: 'joxevans@example.nhs.uk' }, { action: 'sign_in', summary: 'Signed in' }, at('2026-03-03T10:00:00Z'));
	await recordAudit(db, { anonymous: '100%sure@example.nhs.uk' }, { action: 'sign_in', summary: 'Signed in' }, at('2026-03-04T10:00:00Z'));
	await recordAudit(db, { anonymous: '100xsure@example.nhs.uk' }, { action: 'sign_in', summary: 'Signed in' }, at('2026-03-05T10:00:00Z'));
	await recordAudit(db, { anonymous: 'back\\slash@example.nhs.uk' }, { action: 'sign_in', summary: 'Signed in' }, at('2026-03-06T10:00:00Z'));
	await recordAudit(
		db,
		{ system: 'Belonging (closing date reached)' },
		{ action: 'round_closed', summary: 'Closed round 1 “Spring, 2026”', practiceId: practice.id, pcnId: pcn.id },
		at('2026-03-07T10:00:00Z')
	);
	return { practice, pcn };
}

const actors = (events: AuditLogEvent[]) => events.map((e) => e.actor_label);

describe('listing the audit log', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
		await seedLog(t);
	});
	afterEach(() => t.close());

	it('lists events newest first, with the names of the practice and PCN they are about', async () => {
		const events = await listAuditEvents(t.db);
		expect(events).toHaveLength(7);
		expect(events[0]).toMatchObject({ action: 'round_closed', practice_name: 'Test Surgery', pcn_name: 'Test PCN' });
		expect(events[1]).toMatchObject({ practice_name: null, pcn_name: null });
		expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
	});

	it('filters by action', async () => {
		expect(actors(await listAuditEvents(t.db, { action: 'sign_in_failed' }))).toEqual(['jo.evans@example.nhs.uk']);
		expect(await listAuditEvents(t.db, { action: 'sign_in' })).toHaveLength(5);
	});

	it('matches the start of the actor, ignoring case, with % and _ taken literally', async () => {
		expect(actors(await listAuditEvents(t.db, { actor: 'JO' }))).toEqual([
			'joxevans@example.nhs.uk',
			'jo_evans@example.nhs.uk',
			'jo.evans@example.nhs.uk'
		]);
		expect(actors(await listAuditEvents(t.db, { actor: 'jo_' }))).toEqual(['jo_evans@example.nhs.uk']);
		expect(actors(await listAuditEvents(t.db, { actor: '100%' }))).toEqual(['100%sure@example.nhs.uk']);
		expect(actors(await listAuditEvents(t.db, { actor: 'back\\' }))).toEqual(['back\\slash@example.nhs.uk']);
		expect(await listAuditEvents(t.db, { actor: '%' })).toEqual([]);
		expect(await listAuditEvents(t.db, { actor: 'evans' })).toEqual([]);
	});

	it('filters by UK calendar day, both ends inclusive', async () => {
		const events = await listAuditEvents(t.db, { from: '2026-03-02', to: '2026-03-04' });
		expect(actors(events)).toEqual(['100%sure@example.nhs.uk', 'joxevans@example.nhs.uk', 'jo_evans@example.nhs.uk']);
		expect(await listAuditEvents(t.db, { from: '2026-03-08' })).toEqual([]);
	});

	it('starts a UK day at midnight UK time, in summer and in winter', async () => {
		expect(ukDayStart('2026-01-15')).toBe('2026-01-15T00:00:00.000Z');
		expect(ukDayStart('2026-07-15')).toBe('2026-07-14T23:00:00.000Z');
		// The days the clocks go forward (29 March 2026) and back (25 October 2026).
		expect(ukDayStart('2026-03-29')).toBe('2026-03-29T00:00:00.000Z');
		expect(ukDayStart('2026-03-30')).toBe('2026-03-29T23:00:00.000Z');
		expect(ukDayStart('2026-10-25')).toBe('2026-10-24T23:00:00.000Z');
		expect(ukDayStart('2026-10-26')).toBe('2026-10-26T00:00:00.000Z');

		// 23:30 UTC on 14 July is already 15 July in the UK.
		await recordAudit(t.db, { system: 'late' }, { action: 'round_opened', summary: 'x' }, at('2026-07-14T23:30:00Z'));
		expect(actors(await listAuditEvents(t.db, { from: '2026-07-15', to: '2026-07-15' }))).toEqual(['late']);
		expect(await listAuditEvents(t.db, { to: '2026-07-14', action: 'round_opened' })).toEqual([]);
	});

	it('pages backwards in time with `before`', async () => {
		const first = await listAuditPage(t.db, {}, 3);
		expect(first.events).toHaveLength(3);
		expect(first.olderBefore).toBe(first.events[2]!.id);
		const second = await listAuditPage(t.db, { before: first.olderBefore! }, 3);
		expect(second.events).toHaveLength(3);
		expect(second.events[0]!.id).toBeLessThan(first.events[2]!.id);
		const third = await listAuditPage(t.db, { before: second.olderBefore! }, 3);
		expect(third.events).toHaveLength(1);
		expect(third.olderBefore).toBeNull();
		const all = [...first.events, ...second.events, ...third.events].map((e) => e.id);
		expect(new Set(all).size).toBe(7);
	});
});

describe('reading the filter from the address', () => {
	const parse = (query: string) => parseAuditFilter(new URLSearchParams(query));

	it('accepts a full filter, and UK-style dates typed by hand', () => {
		expect(parse('action=sign_in&actor=+jo+&from=2026-03-01&to=2%2F3%2F2026&before=12')).toEqual({
			ok: true,
			values: { action: 'sign_in', actor: ' jo ', from: '2026-03-01', to: '2/3/2026' },
			filter: { action: 'sign_in', actor: 'jo', from: '2026-03-01', to: '2026-03-02', before: 12 }
		});
		expect(parse('action=&actor=&from=&to=')).toMatchObject({ ok: true, filter: {} });
	});

	it.each([
		['action=drop_tables', 'action', 'Choose an action from the list'],
		['from=2026-02-30', 'from', 'Enter a real date for ‘From’'],
		['to=yesterday', 'to', 'Enter a real date for ‘To’'],
		['from=2026-03-05&to=2026-03-01', 'to', 'must be the same as or before'],
		['before=-1', 'before', 'page link is not right'],
		[`actor=${'a'.repeat(255)}`, 'actor', 'no more than 254']
	])('explains a bad value (%s)', (query, field, message) => {
		const parsed = parse(query);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.problems).toEqual([{ field, message: expect.stringContaining(message) }]);
	});
});

describe('the audit log page', () => {
	let t: TestDatabase;
	let admin: SignedInUser;
	let scope: { pcnIds: number[]; practiceIds: number[] };
	beforeEach(async () => {
		t = await createTestDatabase();
		const { practice, pcn } = await seedLog(t);
		scope = { pcnIds: [pcn.id], practiceIds: [practice.id] };
		admin = await createSignedInUser(t.db, 'admin');
	});
	afterEach(() => t.close());

	const view = (path: string, user: SignedInUser | null) => outcomeOf(() => load(fakeEvent({ db: t.db, user, path }) as never));

	it('shows admins the events in UK time, with labels and names', async () => {
		const { result } = await view('/admin/audit', admin);
		const log = result!.log!;
		expect(log.events).toHaveLength(7);
		expect(log.events[0]).toMatchObject({
			at: '2026-03-07T10:00:00.000Z',
			when: '7 Mar 2026, 10:00:00 GMT',
			who: 'Belonging (closing date reached)',
			what: 'Closed a round',
			practice: 'Test Surgery',
			pcn: 'Test PCN'
		});
		expect(log).toMatchObject({ filtered: false, paged: false, newerHref: null, olderHref: null, exportHref: '/admin/audit/export' });
		expect(result!.actions).toContainEqual({ value: 'export_downloaded', label: 'Downloaded an export' });
	});

	it('shows summer times in BST', async () => {
		await recordAudit(t.db, admin, { action: 'round_opened', summary: 'x' }, at('2026-07-14T23:30:00Z'));
		const { result } = await view('/admin/audit?action=round_opened', admin);
		expect(result!.log!.events[0]!.when).toBe('15 Jul 2026, 00:30:00 BST');
	});

	it('keeps the filter in the links to older events and to the download', async () => {
		for (let i = 0; i < 55; i++) await recordAudit(t.db, admin, { action: 'results_viewed', summary: `view ${i}` });
		const { result } = await view('/admin/audit?action=results_viewed&actor=admin', admin);
		const log = result!.log!;
		expect(log.events).toHaveLength(50);
		const oldest = log.events[49]!.id;
		expect(log.olderHref).toBe(`/admin/audit?action=results_viewed&actor=admin&before=${oldest}`);
		expect(log.exportHref).toBe('/admin/audit/export?action=results_viewed&actor=admin');

		const older = await view(log.olderHref!, admin);
		expect(older.result!.log!.events).toHaveLength(5);
		expect(older.result!.log).toMatchObject({ paged: true, olderHref: null, newerHref: '/admin/audit?action=results_viewed&actor=admin' });
	});

	it('explains a bad filter instead of failing', async () => {
		const { result, thrown } = await view('/admin/audit?from=2026-13-01&action=nope', admin);
		expect(thrown).toBeUndefined();
		expect(result!.log).toBeNull();
		expect(result!.values).toMatchObject({ from: '2026-13-01', action: 'nope' });
		expect(result!.problems.map((p) => p.field).sort()).toEqual(['action', 'from']);
	});

	it.each(['pcn_lead', 'practice_manager', 'link_worker'] as const)('refuses a %s with 403', async (role) => {
		const user = await createSignedInUser(t.db, role, role === 'pcn_lead' ? { pcnIds: scope.pcnIds } : { practiceIds: scope.practiceIds });
		const { thrown } = await view('/admin/audit', user);
		expect(isHttpError(thrown) && thrown.status).toBe(403);
	});

	it('sends someone not signed in to sign in, and back', async () => {
		const { thrown } = await view('/admin/audit?action=sign_in', null);
		expect(isRedirect(thrown) && thrown.location).toBe('/sign-in?next=%2Fadmin%2Faudit%3Faction%3Dsign_in');
	});
});

describe('downloading the audit log', () => {
	let t: TestDatabase;
	let admin: SignedInUser;
	let pcnId: number;
	beforeEach(async () => {
		t = await createTestDatabase();
		pcnId = (await seedLog(t)).pcn.id;
		admin = await createSignedInUser(t.db, 'admin', {}, 'alex.morgan@example.nhs.uk');
	});
	afterEach(() => t.close());

	const download = (path: string, user: SignedInUser | null) =>
		outcomeOf(() => exportLog(fakeEvent({ db: t.db, user, path }) as never));

	it('sends UTF-8 CSV with a byte-order mark, ISO times, the filter applied, and records the download', async () => {
		const { result } = await download('/admin/audit/export?action=round_closed', admin);
		const response = result!;
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="belonging-audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
		expect(rows[0]).toEqual(['id', 'occurred_at', 'actor', 'actor_user_id', 'action', 'action_label', 'summary', 'practice', 'pcn']);
		expect(rows).toHaveLength(2);
		expect(rows[1]).toEqual([
			expect.stringMatching(/^\d+$/),
			'2026-03-07T10:00:00.000Z',
			'Belonging (closing date reached)',
			'',
			'round_closed',
			'Closed a round',
			'Closed round 1 “Spring, 2026”',
			'Test Surgery',
			'Test PCN'
		]);

		const recorded = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(recorded).toHaveLength(1);
		expect(recorded[0]).toMatchObject({ actor_user_id: admin.id, actor_label: 'alex.morgan@example.nhs.uk' });
		expect(recorded[0]!.summary).toBe('Downloaded the audit log as CSV: 1 event, action “Closed a round”');
	});

	it('sends the same events as an Excel workbook: the id a number, the time a date, text as typed, and records it as Excel', async () => {
		await recordAudit(t.db, admin, { action: 'round_opened', summary: '=HYPERLINK("http://evil.example")' }, at('2026-03-08T09:15:00Z'));
		const { result } = await download('/admin/audit/export?action=round_opened&format=xlsx', admin);
		const response = result!;
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="belonging-audit-log-\d{4}-\d{2}-\d{2}\.xlsx"$/);
		const sheets = await readWorkbook(new Uint8Array(await response.arrayBuffer()));
		expect(Object.keys(sheets)).toEqual(['Data', 'Read me']);
		const [header, row] = sheets.Data!;
		expect(header).toEqual(['id', 'occurred_at', 'actor', 'actor_user_id', 'action', 'action_label', 'summary', 'practice', 'pcn']);
		expect(typeof row![0]).toBe('number');
		expect((row![1] as Date).toISOString()).toBe('2026-03-08T09:15:00.000Z');
		expect(row![3]).toBe(admin.id);
		expect(row![6]).toBe('=HYPERLINK("http://evil.example")');
		const recorded = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(recorded[0]!.summary).toBe('Downloaded the audit log as Excel: 1 event, action “Opened a round”');
	});

	it('refuses a format it does not write with 400, and records nothing', async () => {
		const { thrown } = await download('/admin/audit/export?format=pdf', admin);
		expect(isHttpError(thrown) && thrown.status).toBe(400);
		expect(await listAuditEvents(t.db, { action: 'export_downloaded' })).toEqual([]);
	});

	it('ignores paging: a download holds every matching event', async () => {
		const { result } = await download('/admin/audit/export?before=2', admin);
		const rows = parseCsv((await result!.text()).slice(1));
		expect(rows).toHaveLength(1 + 7);
	});

	it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
		const event: AuditLogEvent = {
			id: 9,
			occurred_at: '2026-03-07T10:00:00.000Z',
			actor_user_id: null,
			actor_label: '=HYPERLINK("http://evil.example")',
			action: 'sign_in_failed',
			summary: 'Said "hello",\nthen left',
			practice_id: null,
			pcn_id: null,
			practice_name: 'Smith, Jones & Zoë',
			pcn_name: '-1+1'
		};
		const csv = auditEventsToCsv([event]);
		expect(csv.startsWith('\uFEFFid,occurred_at,')).toBe(true);
		expect(csv.endsWith('\r\n')).toBe(true);
		expect(csv.split('\r\n')[1]).toBe(
			'9,2026-03-07T10:00:00.000Z,"\'=HYPERLINK(""http://evil.example"")",,sign_in_failed,Failed sign-in,"Said ""hello"",\nthen left","Smith, Jones & Zoë","\'-1+1"'
		);
		expect(parseCsv(csv.slice(1))[1]).toEqual([
			'9',
			'2026-03-07T10:00:00.000Z',
			'\'=HYPERLINK("http://evil.example")',
			'',
			'sign_in_failed',
			'Failed sign-in',
			'Said "hello",\nthen left',
			'Smith, Jones & Zoë',
			"'-1+1"
		]);
	});

	it('refuses a bad filter with 400', async () => {
		const { thrown } = await download('/admin/audit/export?from=soon', admin);
		expect(isHttpError(thrown) && thrown.status).toBe(400);
		expect(await listAuditEvents(t.db, { action: 'export_downloaded' })).toEqual([]);
	});

	it('refuses anyone but an admin, and sends someone not signed in to sign in', async () => {
		const lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [pcnId] });
		const refused = await download('/admin/audit/export', lead);
		expect(isHttpError(refused.thrown) && refused.thrown.status).toBe(403);
		const anonymous = await download('/admin/audit/export', null);
		expect(isRedirect(anonymous.thrown) && anonymous.thrown.location).toBe('/sign-in?next=%2Fadmin%2Faudit%2Fexport');
		expect(await listAuditEvents(t.db, { action: 'export_downloaded' })).toEqual([]);
	});
});
