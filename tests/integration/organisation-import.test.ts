import { isHttpError, isRedirect } from '@sveltejs/kit';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import type { Db } from '../../src/lib/server/db';
import { EXAMPLE_CSV, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseImportCsv } from '../../src/lib/server/organisations/import-csv';
import { checkImport, previewRows, validateImport } from '../../src/lib/server/organisations/import-check';
import { importOrganisations } from '../../src/lib/server/organisations/import';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import type { SignedInUser } from '../../src/lib/server/identity';
import { actions, load } from '../../src/routes/(app)/admin/import/+page.server';
import { GET as exampleCsv } from '../../src/routes/(app)/admin/import/example.csv/+server';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, type EventOptions } from '../helpers/events';

type Handler = (event: never) => unknown;
const run = (handler: Handler, options: EventOptions) => outcomeOf(() => handler(fakeEvent(options) as never));

async function counts(db: Db) {
	const n = async (table: 'icb' | 'pcn' | 'practice' | 'audit_event') =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	return { icbs: await n('icb'), pcns: await n('pcn'), practices: await n('practice'), audit: await n('audit_event') };
}

function upload(text: string | Uint8Array, fields: Record<string, string> = {}, name = 'practices.csv') {
	const form = new FormData();
	form.append('csvFile', new File([text as BlobPart], name, { type: 'text/csv' }));
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	return form;
}

function multipart(fields: Record<string, string>) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	return form;
}

describe('reading the CSV', () => {
	it('accepts a BOM, CRLF, quoted fields and header names in any case or spacing', () => {
		const text =
			'\uFEFF  ods CODE ,NAME,Pcn Code,PCN_name,icb-code\r\n' +
			'a81001,"Canal Street Practice, Westgate",u12345,"The ""Old"" PCN",qe1\r\n' +
			'\r\n' +
			',,,,\r\n' +
			'B82004 , Moorland   Health Centre ,,,\r\n';
		const parsed = parseImportCsv(text);
		expect(parsed).toEqual({
			ok: true,
			hasHeader: true,
			ignoredColumns: [],
			rows: [
				{
					line: 2,
					cells: { practiceCode: 'a81001', practiceName: 'Canal Street Practice, Westgate', pcnCode: 'u12345', pcnName: 'The "Old" PCN', icbCode: 'qe1' },
					extra: []
				},
				{ line: 5, cells: { practiceCode: 'B82004', practiceName: 'Moorland   Health Centre', pcnCode: '', pcnName: '', icbCode: '' }, extra: [] }
			]
		});
	});

	it('reads rows without a header in the documented order, and headed columns in any order, ignoring others', () => {
		const bare = parseImportCsv('A81001,Riverside Surgery,U12345,Riverside PCN,QE1\nA81002,Hillview,,,');
		expect(bare.ok && bare.hasHeader).toBe(false);
		expect(bare.ok && bare.rows.map((r) => [r.line, r.cells.practiceCode, r.cells.icbCode])).toEqual([
			[1, 'A81001', 'QE1'],
			[2, 'A81002', '']
		]);
		const reordered = parseImportCsv('Notes,ICB code,Practice name,Practice code\nsee me,QE1,Riverside Surgery,A81001');
		expect(reordered).toMatchObject({
			ok: true,
			hasHeader: true,
			ignoredColumns: ['Notes'],
			rows: [{ line: 2, cells: { practiceCode: 'A81001', practiceName: 'Riverside Surgery', icbCode: 'QE1', pcnCode: '' } }]
		});
	});

	it('counts lines as people see them, even when a quoted name runs over two lines', () => {
		const parsed = parseImportCsv('ODS code,Name\r\nA81001,"Two\r\nlines"\r\n\r\nA81002,Next');
		expect(parsed.ok && parsed.rows.map((r) => r.line)).toEqual([2, 5]);
	});

	it('takes tab-separated rows pasted from a spreadsheet', () => {
		const parsed = parseImportCsv('ODS code\tName\tPCN code\nA81001\tRiverside, Surgery\tU12345');
		expect(parsed).toMatchObject({ ok: true, rows: [{ cells: { practiceCode: 'A81001', practiceName: 'Riverside, Surgery', pcnCode: 'U12345' } }] });
	});

	it.each([
		['an empty file', '  \n\n', /The file is empty/],
		['semicolons', 'ODS code;Name\nA81001;Riverside', /Separate the columns with commas/],
		['an unclosed quotation mark', 'ODS code,Name\nA81001,"Riverside\nA81002,Hillview', /never closed \(line \d+\)/],
		['a header without a name column', 'ODS code,PCN code\nA81001,U12345', /needs a column called ‘ODS code’ and one called ‘Name’/],
		['a header naming a column twice', 'ODS code,Name,Practice name\nA81001,a,b', /more than one column for ‘Name’/]
	])('describes %s as a problem with the whole file', (_label, text, message) => {
		const parsed = parseImportCsv(text);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.problem).toMatch(message);
	});
});

describe('checking an import', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
		const qe1 = await createIcb(t.db, { odsCode: 'QE1', name: 'NHS Example ICB' });
		await createIcb(t.db, { odsCode: 'QF7', name: 'NHS Other ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'Existing PCN', icbId: qe1.id });
		await createPractice(t.db, { odsCode: 'A81001', name: 'Registered Surgery', pcnId: pcn.id });
	});
	afterEach(() => t.close());

	it('lists every problem on the row it is about and writes nothing', async () => {
		const rows = [
			'ODS code,Name,PCN code,PCN name,ICB code',
			'A8100,Bad Code Surgery,U20001,New PCN,QE1', // 2
			'B81002,Bad PCN Code,X20001,Whatever,QE1', // 3
			'B81003,,U20001,New PCN,QE1', // 4
			'B81004,Twin One,U20001,New PCN,QE1', // 5
			'b81004,Twin Two,U20001,New PCN,QE1', // 6
			'A81001,Registered Again,U10001,,', // 7
			'B81007,Name Clash,U30001,Clash PCN,QE1', // 8
			'B81008,Name Clash 2,U30001,Other Name,QE1', // 9
			'B81009,ICB Clash,U40001,ICB Clash PCN,QE1', // 10
			'B81010,ICB Clash 2,U40001,ICB Clash PCN,QF7', // 11
			'B81011,Wrong ICB,U10001,Existing PCN,QF7', // 12
			'B81012,Unknown ICB,U50001,Unknown ICB PCN,QZ9', // 13
			'B81013,Fine Row,U20001,new   pcn,', // 14
			'B81014,No PCN Name,U60001,,QE1', // 15
			'B81015,No ICB,U70001,No ICB PCN,', // 16
			'B81016,Too Many,U20001,New PCN,QE1,surprise', // 17
			'B81017,PCN name but no code,,Lost PCN,', // 18
			'B81018,Bad ICB code,U80001,Bad ICB PCN,Q-1' // 19
		];
		const before = await counts(t.db);
		const check = await checkImport(t.db, rows.join('\n'));
		const problemsByLine = Object.fromEntries(check.rows.map((r) => [r.line, r.problems]));
		expect(problemsByLine).toEqual({
			2: ['The practice code ‘A8100’ is not right: it should be a letter and five digits, like A81001.'],
			3: ['The PCN code ‘X20001’ is not right: it should be U and five digits, like U12345.'],
			4: ['Enter the practice’s name.'],
			5: ['Practice B81004 is in the file more than once (rows 5 and 6).'],
			6: ['Practice B81004 is in the file more than once (rows 5 and 6).'],
			7: ['Practice A81001 is already registered, as ‘Registered Surgery’.'],
			8: ['PCN U30001 has different names in the file: ‘Clash PCN’ (row 8), ‘Other Name’ (row 9). Use one name.'],
			9: ['PCN U30001 has different names in the file: ‘Clash PCN’ (row 8), ‘Other Name’ (row 9). Use one name.'],
			10: ['PCN U40001 has different ICB codes in the file: QE1 (row 10), QF7 (row 11). Use one ICB.'],
			11: ['PCN U40001 has different ICB codes in the file: QE1 (row 10), QF7 (row 11). Use one ICB.'],
			12: ['PCN U10001 is registered in ICB QE1, not QF7.'],
			13: ['There is no ICB with the code QZ9. Add the ICB on the Organisations page first.'],
			14: [],
			15: ['Enter a name for the new PCN U60001.'],
			16: ['Enter the ICB code for the new PCN U70001.'],
			17: ['This row has more values than there are columns. Put quotation marks around any value that contains a comma.'],
			18: ['Enter the PCN code, or leave the PCN name and ICB code empty if the practice is not in a PCN.'],
			19: ['The ICB code ‘Q-1’ is not right: it should be three letters or digits, like QE1.']
		});
		expect(check.problemCount).toBe(17);
		expect(check.plan).toBeNull();
		// The one good row says what would happen; it borrows the PCN's name and ICB from the other rows.
		const fine = previewRows(check).find((r) => r.line === 14)!;
		expect(fine.outcome).toBe('Adds the practice and a new PCN, ‘New PCN’ (U20001), in ICB QE1');
		expect(await counts(t.db)).toEqual(before);
	});

	it('plans new PCNs once, uses registered ones and says so row by row', async () => {
		const check = await checkImport(
			t.db,
			['B81001,First,U20001,New PCN,QE1', 'B81002,Second,U20001,,', 'B81003,Third,U10001,Any name,', 'B81004,Fourth,,,'].join('\n')
		);
		expect(check.problemCount).toBe(0);
		expect(check.counts).toEqual({ practices: 4, newPcns: 1, existingPcns: 1 });
		expect(check.plan!.pcns).toEqual([{ odsCode: 'U20001', name: 'New PCN', icbId: expect.any(Number) }]);
		expect(previewRows(check).map((r) => r.outcome)).toEqual([
			'Adds the practice and a new PCN, ‘New PCN’ (U20001), in ICB QE1',
			'Adds the practice to the new PCN ‘New PCN’',
			'Adds the practice to ‘Existing PCN’ (U10001), already registered',
			'Adds the practice, not in a PCN'
		]);
	});

	it('refuses more rows than one import takes', async () => {
		const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `B${String(i).padStart(5, '0')},Practice ${i}`).join('\n');
		const check = await checkImport(t.db, many);
		expect(check.fileProblems).toEqual([`The file has 5,001 practices. Import at most 5,000 at a time.`]);
		expect(check.plan).toBeNull();
	});

	it('finds the example on the page valid once its ICB exists', () => {
		const check = validateImport(parseImportCsv(EXAMPLE_CSV), { icbs: [{ id: 1, odsCode: 'QE1' }], pcns: [], practices: [] });
		expect(check.problemCount).toBe(0);
		expect(check.counts).toEqual({ practices: 4, newPcns: 1, existingPcns: 0 });
	});
});

describe('the import page', () => {
	let t: TestDatabase;
	let admin: SignedInUser;
	let qe1: number;
	beforeEach(async () => {
		t = await createTestDatabase();
		admin = await createSignedInUser(t.db, 'admin');
		qe1 = (await createIcb(t.db, { odsCode: 'QE1', name: 'NHS Example ICB' })).id;
		await createPcn(t.db, { odsCode: 'U10001', name: 'Existing PCN', icbId: qe1 });
	});
	afterEach(() => t.close());

	const asAdmin = (form: EventOptions['form'], extra: Partial<EventOptions> = {}): EventOptions => ({
		db: t.db,
		user: admin,
		path: '/admin/import',
		form,
		...extra
	});
	const good = '\uFEFFODS code,Name,PCN code,PCN name,ICB code\r\nB81001,First Surgery,U20001,New PCN,QE1\r\nB81002,"Second, Surgery",U10001,,\r\nB81003,Third Surgery,,,\r\n';

	it('checks an uploaded file, shows the preview with the CSV to send back, and writes nothing', async () => {
		const before = await counts(t.db);
		const { result } = await run(actions.check, asAdmin(upload(good)));
		expect(result).toMatchObject({
			problems: [],
			csv: good.slice(1),
			preview: { ok: true, problemCount: 0, counts: { practices: 3, newPcns: 1, existingPcns: 1 }, hasHeader: true }
		});
		expect((result as { preview: { rows: { line: number }[] } }).preview.rows.map((r) => r.line)).toEqual([2, 3, 4]);
		expect(await counts(t.db)).toEqual(before);
	});

	it('returns pasted text with problems as a 400 listing each row, and writes nothing', async () => {
		const before = await counts(t.db);
		const pasted = 'A8100,Bad\nB81002,Fine,U10001,,';
		const { result } = await run(actions.check, asAdmin(multipart({ csvText: pasted })));
		expect(result).toMatchObject({
			status: 400,
			data: {
				// Form submissions turn every line break into CRLF.
				values: { csvText: pasted.replace('\n', '\r\n') },
				csv: null,
				problems: [{ field: 'row-1', message: expect.stringMatching(/^Row 1: The practice code ‘A8100’ is not right/) }],
				preview: { ok: false, problemCount: 1 }
			}
		});
		expect(await counts(t.db)).toEqual(before);
	});

	it('lists at most twenty problems at the top and points to the table for the rest', async () => {
		const text = Array.from({ length: 25 }, (_, i) => `X${i},Name`).join('\n');
		const { result } = await run(actions.check, asAdmin(multipart({ csvText: text })));
		const problems = (result as { data: { problems: { field: string; message: string }[] } }).data.problems;
		expect(problems).toHaveLength(21);
		expect(problems[20]).toEqual({ field: 'preview', message: 'There are 5 more problems. The table below lists every one.' });
	});

	it('imports everything in one go, records one audit event and redirects with the counts', async () => {
		const { thrown } = await run(actions.import, asAdmin(multipart({ csv: good })));
		expect(isRedirect(thrown) && [thrown.status, thrown.location]).toEqual([303, '/admin/organisations?imported=3&pcns=1']);
		const practices = await t.db
			.selectFrom('practice')
			.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
			.select(['practice.ods_code', 'practice.name', 'pcn.ods_code as pcn'])
			.orderBy('practice.ods_code')
			.execute();
		expect(practices).toEqual([
			{ ods_code: 'B81001', name: 'First Surgery', pcn: 'U20001' },
			{ ods_code: 'B81002', name: 'Second, Surgery', pcn: 'U10001' },
			{ ods_code: 'B81003', name: 'Third Surgery', pcn: null }
		]);
		expect(await t.db.selectFrom('pcn').select(['ods_code', 'name', 'icb_id']).where('ods_code', '=', 'U20001').execute()).toEqual([
			{ ods_code: 'U20001', name: 'New PCN', icb_id: qe1 }
		]);
		const events = await listAuditEvents(t.db);
		expect(events.map((e) => [e.action, e.summary, e.actor_user_id])).toEqual([
			['organisations_imported', 'Imported 3 practices (B81001, B81002, B81003) and 1 new PCN (U20001) from CSV', admin.id]
		]);
	});

	it('writes nothing at all when a write fails part of the way through', async () => {
		if (onPostgres) {
			await sql`create function refuse_third() returns trigger language plpgsql as $$
				begin raise exception 'disk on fire'; end $$`.execute(t.db);
			await sql`create trigger refuse_third before insert on practice for each row
				when (new.ods_code = 'B81003') execute function refuse_third()`.execute(t.db);
		} else {
			await sql`create trigger refuse_third before insert on practice when new.ods_code = 'B81003'
				begin select raise(abort, 'disk on fire'); end`.execute(t.db);
		}
		const before = await counts(t.db);
		await expect(importOrganisations(t.db, good, admin)).rejects.toThrow(/disk on fire/);
		expect(await counts(t.db)).toEqual(before);
		const viaPage = await run(actions.import, asAdmin(multipart({ csv: good })));
		expect(String(viaPage.thrown)).toMatch(/disk on fire/);
		expect(await counts(t.db)).toEqual(before);
		expect(await t.db.selectFrom('pcn').select('ods_code').where('ods_code', '=', 'U20001').execute()).toEqual([]);
	});

	it('checks again when importing and refuses if something changed since the preview', async () => {
		const checked = await run(actions.check, asAdmin(upload(good)));
		expect(checked.result).toMatchObject({ preview: { ok: true } });
		await createPractice(t.db, { odsCode: 'B81002', name: 'Added meanwhile', pcnId: null });
		const before = await counts(t.db);
		const { result } = await run(actions.import, asAdmin(multipart({ csv: good })));
		expect(result).toMatchObject({
			status: 400,
			data: {
				problems: [
					{ field: 'form', message: expect.stringMatching(/Something changed since the file was checked/) },
					{ field: 'row-3', message: 'Row 3: Practice B81002 is already registered, as ‘Added meanwhile’.' }
				],
				preview: { ok: false }
			}
		});
		expect(await counts(t.db)).toEqual(before);
	});

	it.each([
		['no file and no text', () => multipart({ csvText: '  ' }), 400, 'csvFile', /Choose a CSV file/],
		['a file and pasted text', () => upload(good, { csvText: good }), 400, 'csvFile', /not both/],
		['a file over the size limit', () => upload('x'.repeat(MAX_IMPORT_BYTES + 1)), 413, 'csvFile', /^The file is larger than 400 KB/],
		['pasted text over the size limit', () => multipart({ csvText: 'é'.repeat(MAX_IMPORT_BYTES / 2 + 1) }), 413, 'csvText', /^The text is larger than 400 KB/],
		['a body over the limit', () => upload('x'.repeat(MAX_IMPORT_BYTES + 20 * 1024)), 413, 'csvFile', /^What you sent is larger than 400 KB/],
		['a file not in UTF-8', () => upload(new Uint8Array([0x41, 0x38, 0x31, 0x30, 0x30, 0x31, 0x2c, 0x43, 0x61, 0x66, 0xe9])), 400, 'csvFile', /not saved as UTF-8/],
		['an Excel workbook', () => upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])), 400, 'csvFile', /spreadsheet, not a CSV/],
		['a file in the wrong field', () => {
			const form = multipart({ csvText: 'B81001,x' });
			form.append('other', new File(['x'], 'x.csv'));
			return form;
		}, 400, 'form', /one file only/],
		['two files', () => {
			const form = upload(good);
			form.append('csvFile', new File([good], 'again.csv'));
			return form;
		}, 400, 'form', /one file only/]
	])('refuses %s at the check, storing nothing', async (_label, body, status, field, message) => {
		const before = await counts(t.db);
		const { result } = await run(actions.check, asAdmin(body()));
		expect(result).toMatchObject({ status, data: { problems: [{ field, message: expect.stringMatching(message) }] } });
		expect(await counts(t.db)).toEqual(before);
	});

	it('refuses an empty or oversized import with 400 or 413, storing nothing', async () => {
		const before = await counts(t.db);
		expect((await run(actions.import, asAdmin(multipart({ csv: '' })))).result).toMatchObject({ status: 400, data: { problems: [{ field: 'csv' }] } });
		expect((await run(actions.import, asAdmin(multipart({})))).result).toMatchObject({ status: 400 });
		const huge = multipart({ csv: 'B81001,x\n'.repeat(MAX_IMPORT_BYTES / 9 + 1) });
		expect((await run(actions.import, asAdmin(huge))).result).toMatchObject({ status: 413 });
		// Fewer characters than the limit, but more bytes: the limit is on bytes.
		const tooBigForField = multipart({ csv: 'x'.repeat(MAX_IMPORT_BYTES - 2000) + 'é'.repeat(1500) });
		expect((await run(actions.import, asAdmin(tooBigForField))).result).toMatchObject({ status: 400, data: { problems: [{ field: 'csv' }] } });
		expect(await counts(t.db)).toEqual(before);
	});

	it('offers the example as a UTF-8 CSV download with a byte-order mark', async () => {
		const response = (await exampleCsv(fakeEvent({ db: t.db, user: admin, path: '/admin/import/example.csv' }) as never)) as Response;
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(new TextDecoder().decode(bytes)).toContain('A81003,"Canal Street Practice, Westgate",U12345');
	});

	it('is for administrators only: others get 403, and anyone not signed in is sent to sign in', async () => {
		const others = [
			await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [1] }),
			await createSignedInUser(t.db, 'practice_manager', { practiceIds: [(await createPractice(t.db, { odsCode: 'A81001', name: 'x', pcnId: null })).id] }),
			await createSignedInUser(t.db, 'link_worker', { practiceIds: [1] })
		];
		const before = await counts(t.db);
		const attempts: [string, Handler, () => EventOptions['form']][] = [
			['/admin/import', load, () => undefined],
			['/admin/import', actions.check, () => upload(good)],
			['/admin/import', actions.import, () => multipart({ csv: good })],
			['/admin/import/example.csv', exampleCsv, () => undefined]
		];
		for (const [path, handler, form] of attempts) {
			const anonymous = await run(handler, { db: t.db, user: null, path, form: form() });
			expect(isRedirect(anonymous.thrown) && [anonymous.thrown.status, anonymous.thrown.location], path).toEqual([
				303,
				`/sign-in?next=${encodeURIComponent(path)}`
			]);
			for (const user of others) {
				const { thrown } = await run(handler, { db: t.db, user, path, form: form() });
				expect(isHttpError(thrown) && thrown.status, `${user.role} ${path}`).toBe(403);
			}
		}
		expect(await counts(t.db)).toEqual(before);
	});
});
