/**
 * Issue 29: the spreadsheet path into the instrument library (a CSV item bank and the details
 * typed into the form) and the downloads of a version (JSON, item bank, FHIR, REDCap), on a real
 * database. A check stores nothing; confirming stores exactly the instrument previewed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { definitionFromItemBank, instrumentDetails, itemBankCsv } from '../../src/lib/npt/instrument-formats/item-bank';
import { REDCAP_COLUMNS } from '../../src/lib/npt/instrument-formats/redcap';
import { parseInstrument, type Instrument } from '../../src/lib/npt/instrument';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { getInstrumentVersion, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { actions as importActions } from '../../src/routes/(app)/instruments/import/+page.server';
import { GET as exportGet } from '../../src/routes/(app)/instruments/[versionId]/export/[format]/+server';
import { actions as statementsActions, load as statementsLoad } from '../../src/routes/(app)/instruments/[versionId]/statements/+page.server';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';
import { smallInstrument, smallLinkWorkerInstrument } from '../helpers/instruments';

type Fields = Record<string, string>;

/** The small instrument's statements as a spreadsheet would save them (header row 1, statements rows 2–9). */
const SMALL_BANK = [
	'id,construct,subConstruct,text,reversed,help',
	'T1,coherence,differentiation,I can say how the link worker role differs from mine.,no,',
	'T2,Coherence,Communal specification,We agree as a team what the link worker is for.,no,Think of the last team meeting.',
	'T3,cognitive_participation,initiation,Someone here drives the link worker role forward.,no,',
	'T4,cognitive_participation,legitimation,Referring to the link worker is not my job.,yes,',
	'T5,collective_action,interactional_workability,Referring a patient to the link worker is easy.,no,',
	'T6,collective_action,contextual_integration,The link worker has what they need to work here.,no,',
	'T7,reflexive_monitoring,systematisation,I hear what happened to patients I referred.,no,',
	'T8,reflexive_monitoring,reconfiguration,We have changed how we work because of what we learnt.,no,'
].join('\r\n');

describe('the item bank import and the downloads', () => {
	let t: TestDatabase;
	let icb: { id: number };
	let otherIcb: { id: number };
	let admin: SignedInUser;
	let icbLead: SignedInUser;
	let otherIcbLead: SignedInUser;
	let managerA: SignedInUser;
	let builtInId: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		icb = await createIcb(t.db, { odsCode: 'QAA', name: 'North ICB' });
		otherIcb = await createIcb(t.db, { odsCode: 'QBB', name: 'South ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'PCN North', icbId: icb.id });
		const practiceA = await createPractice(t.db, { odsCode: 'A10001', name: 'North Surgery', pcnId: pcn.id });
		admin = await createSignedInUser(t.db, 'admin');
		icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [icb.id] });
		otherIcbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [otherIcb.id] });
		managerA = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practiceA.id] });
		builtInId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
	});
	afterEach(() => t.close());

	/** The form as an importer fills it in for the small instrument, pasting the rows. */
	const bankForm = (change: Fields = {}): Fields => ({
		'bank-owner': 'service',
		'bank-text': SMALL_BANK,
		'bank-id': 'team-fit',
		'bank-version': '1.0',
		'bank-title': 'Team fit check',
		'bank-language': 'en-GB',
		'bank-audience': 'staff',
		'bank-authors': 'A. Author\r\n\r\nB. Writer',
		'bank-citation': 'Author A, Writer B. Team fit check. Example Press; 2026.',
		'bank-licence': 'CC BY 4.0: free to use with attribution',
		'bank-doi': '10.1234/team-fit',
		'bank-licenceUrl': '',
		'bank-derivedFrom': '',
		'bank-baseVersionId': String(builtInId),
		'bank-pairsWithVersionId': String(builtInId),
		...change
	});
	const previewBank = (user: SignedInUser, form: Fields | FormData) =>
		outcomeOf(() => importActions.previewItemBank(fakeEvent({ db: t.db, user, path: '/instruments/import?/previewItemBank', form }) as never));
	const confirm = (user: SignedInUser, definition: string, owner: string) =>
		outcomeOf(() => importActions.confirm(fakeEvent({ db: t.db, user, path: '/instruments/import?/confirm', form: { owner, definition } }) as never));
	const problemsOf = (outcome: { result?: unknown }) =>
		((outcome.result as { data: { problems: { field: string; message: string }[] } }).data.problems ?? []).map((p) => `${p.field} | ${p.message}`);
	const previewed = (outcome: { result?: unknown }) => outcome.result as { definition: string; values: Fields; preview: { summary: { itemCount: number; reversedIds: string[] }; previous: unknown } };

	/** What the form should build: the small instrument with the built-in survey's other parts. */
	const expected = (): Instrument => {
		const small = smallInstrument();
		const base = instrumentDetails(DEFAULT_STAFF_INSTRUMENT);
		return parseInstrument({
			id: small.id,
			version: small.version,
			title: small.title,
			language: 'en-GB',
			audience: 'staff',
			provenance: small.provenance,
			answerScale: base.answerScale,
			constructIntros: base.constructIntros,
			items: small.items,
			generalItems: base.generalItems,
			roleGroups: base.roleGroups,
			freeText: base.freeText,
			scoring: base.scoring,
			bands: base.bands
		});
	};

	describe('checking an item bank', () => {
		it('previews the instrument built from the rows and the form, and stores nothing', async () => {
			const before = await countRows(t.db, 'instrument_version');
			const outcome = await previewBank(admin, bankForm());
			expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(200);
			const result = previewed(outcome);
			expect(result.preview.summary.itemCount).toBe(8);
			expect(result.preview.summary.reversedIds).toEqual(['T4']);
			expect(result.preview.previous).toBeNull();
			expect(result.values.owner).toBe('service');
			// The general ratings, role groups and bands are the built-in survey's; the statements and provenance the form's.
			expect(JSON.parse(result.definition)).toEqual(expected());
			expect(await countRows(t.db, 'instrument_version')).toBe(before);
			expect(await countRows(t.db, 'audit_event')).toBe(0);
		});

		it('reads an uploaded CSV file like pasted rows, and tab-separated rows pasted from a spreadsheet', async () => {
			const form = new FormData();
			for (const [name, value] of Object.entries(bankForm({ 'bank-text': '' }))) form.set(name, value);
			form.set('bank-file', new File([`\uFEFF${SMALL_BANK}`], 'team-fit-items.csv', { type: 'text/csv' }));
			const fromFile = await previewBank(admin, form);
			expect(statusOf(fromFile)).toBe(200);
			expect(JSON.parse(previewed(fromFile).definition)).toEqual(expected());
			const tabbed = SMALL_BANK.split('\r\n').map((line) => line.split(',').join('\t')).join('\n');
			const pasted = await previewBank(admin, bankForm({ 'bank-text': tabbed }));
			expect(JSON.parse(previewed(pasted).definition)).toEqual(expected());
		});

		it('stores on confirm exactly the instrument previewed, through the JSON path', async () => {
			const { definition } = previewed(await previewBank(admin, bankForm()));
			const outcome = await confirm(admin, definition, 'service');
			expect(statusOf(outcome)).toBe(303);
			const versionId = Number(/^\/instruments\/(\d+)\?imported$/.exec((outcome.thrown as { location: string }).location)![1]);
			expect((await getInstrumentVersion(t.db, versionId))!.instrument).toEqual(expected());
			expect(await countRows(t.db, 'audit_event')).toBe(1);
		});

		it('lists every problem by row and column, and each detail at its field; nothing is stored', async () => {
			const rows = SMALL_BANK.split('\r\n');
			rows[3] = 'T3,cognitive_participation,initiation,,no,';
			rows[5] = 'T5,belonging,interactional_workability,Referring a patient to the link worker is easy.,perhaps,';
			const outcome = await previewBank(admin, bankForm({ 'bank-text': rows.join('\n'), 'bank-version': 'one', 'bank-doi': 'https://doi.org/10.1234/x' }));
			expect(statusOf(outcome)).toBe(400);
			const problems = problemsOf(outcome);
			expect(problems.filter((p) => p.startsWith('bank-text | row 4, text: '))).toHaveLength(1);
			expect(problems.some((p) => p.startsWith('bank-text | row 6, reversed: must be yes or no'))).toBe(true);
			expect(problems.some((p) => p.startsWith('bank-text | row 6, construct: '))).toBe(true);
			expect(problems).toContain('bank-version | version: must look like 1, 1.0 or 1.0.0');
			expect(problems).toContain('bank-doi | provenance.doi: must be a DOI such as 10.1234/abcd (without https://doi.org/)');
			// Rows first, in order, then the form's details.
			expect(problems.findIndex((p) => p.includes('row 6'))).toBeGreaterThan(problems.findIndex((p) => p.includes('row 4')));
			expect(problems.findIndex((p) => p.startsWith('bank-version'))).toBeGreaterThan(problems.findIndex((p) => p.includes('row 6')));
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
		});

		it('refuses an item bank without a licence', async () => {
			const outcome = await previewBank(admin, bankForm({ 'bank-licence': '   ' }));
			expect(statusOf(outcome)).toBe(400);
			expect(problemsOf(outcome)).toEqual(['bank-licence | provenance.licence: a licence statement is required: say on what terms this instrument may be used']);
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
		});

		it('refuses an upload over 256 KB with a clear message', async () => {
			const form = new FormData();
			for (const [name, value] of Object.entries(bankForm({ 'bank-text': '' }))) form.set(name, value);
			form.set('bank-file', new File([`${SMALL_BANK}\r\n${'x'.repeat(300 * 1024)}`], 'big.csv', { type: 'text/csv' }));
			const outcome = await previewBank(admin, form);
			expect(statusOf(outcome)).toBe(413);
			expect(problemsOf(outcome)[0]).toMatch(/^bank-file \| The item bank is larger than 256 KB/);
			const pasted = await previewBank(admin, bankForm({ 'bank-text': `${SMALL_BANK}\r\n${'x'.repeat(257 * 1024)}` }));
			expect(statusOf(pasted)).toBe(413);
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
		});

		it('keeps a statement that starts like a formula, defused in the download, the same through a round trip', async () => {
			const formulaLike = smallInstrument((d) => (d.items[4].text = '=Referring a patient is easy, "mostly"; +1 to that'));
			const versionId = await storeJson(formulaLike);
			const response = await download(admin, versionId, 'items');
			const csv = await response.text();
			expect(csv).toContain(`"'=Referring a patient is easy, ""mostly""; +1 to that"`);
			const outcome = await previewBank(admin, bankForm({ 'bank-text': csv, 'bank-version': '1.1' }));
			expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(200);
			const built = JSON.parse(previewed(outcome).definition) as Instrument;
			expect(built.items[4]!.text).toBe('=Referring a patient is easy, "mostly"; +1 to that');
			expect(built.items).toEqual(parseInstrument(formulaLike).items);
		});

		it('builds a link worker’s view paired with a staff version, from the pairs column', async () => {
			const staffId = await storeJson(smallInstrument());
			const lw = smallLinkWorkerInstrument();
			const bank = itemBankCsv(parseInstrument(lw));
			const outcome = await previewBank(
				admin,
				bankForm({ 'bank-text': bank, 'bank-id': 'team-fit-lw', 'bank-title': lw.title, 'bank-audience': 'link_worker', 'bank-pairsWithVersionId': String(staffId) })
			);
			expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(200);
			const built = JSON.parse(previewed(outcome).definition) as Instrument;
			expect(built.pairedWith).toEqual({ id: 'team-fit', version: '1.0' });
			expect(built.generalItems).toEqual([]);
			expect(built.items.map((i) => i.pairs)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8']);
			// Paired with a staff survey whose statements it does not match: every row named by its id.
			const wrong = await previewBank(admin, bankForm({ 'bank-text': bank, 'bank-id': 'team-fit-lw', 'bank-audience': 'link_worker', 'bank-pairsWithVersionId': String(builtInId) }));
			expect(statusOf(wrong)).toBe(400);
			const problems = problemsOf(wrong);
			expect(problems).toHaveLength(8);
			expect(problems).toContain('bank-text | the row with id L1: the staff instrument has no item "T1" to pair with');
		});

		it('refuses a version number already stored, at the version field', async () => {
			await storeJson(smallInstrument());
			const outcome = await previewBank(admin, bankForm());
			expect(statusOf(outcome)).toBe(409);
			expect(problemsOf(outcome)[0]).toMatch(/^bank-version \| Version 1\.0 of “team-fit” is already stored/);
		});
	});

	describe('scope', () => {
		it('lets an ICB lead choose only their own ICB as owner', async () => {
			expect(statusOf(await previewBank(icbLead, bankForm({ 'bank-owner': `icb-${icb.id}` })))).toBe(200);
			const other = await previewBank(icbLead, bankForm({ 'bank-owner': `icb-${otherIcb.id}` }));
			expect(statusOf(other)).toBe(403);
			expect(problemsOf(other)).toEqual(['bank-owner | You can import instruments only for your own ICBs.']);
			const service = await previewBank(icbLead, bankForm({ 'bank-owner': 'service' }));
			expect(statusOf(service)).toBe(403);
			expect(problemsOf(service)[0]).toMatch(/^bank-owner \| Only an administrator/);
		});

		it('refuses a base or paired version the importer cannot read, as if it were not there', async () => {
			const theirs = await storeJson(smallInstrument(), otherIcbLead, `icb-${otherIcb.id}`);
			const base = await previewBank(icbLead, bankForm({ 'bank-owner': `icb-${icb.id}`, 'bank-id': 'mine', 'bank-baseVersionId': String(theirs) }));
			expect(statusOf(base)).toBe(400);
			expect(problemsOf(base)).toEqual([
				'bank-baseVersionId | Choose a staff survey from the list to take the general ratings, role groups, scoring rules and bands from'
			]);
			for (const unknown of ['999999', '2147483648', '99999999999']) {
				const missing = await previewBank(icbLead, bankForm({ 'bank-owner': `icb-${icb.id}`, 'bank-id': 'mine', 'bank-baseVersionId': unknown }));
				expect(problemsOf(missing)).toEqual(problemsOf(base));
			}
			// An owner beyond any id is no owner: refused as such, never an overflow in the query.
			expect(problemsOf(await previewBank(admin, bankForm({ 'bank-owner': 'icb-2147483648' })))).toEqual(['bank-owner | Choose who will own this instrument']);
			const pairs = await previewBank(
				icbLead,
				bankForm({ 'bank-owner': `icb-${icb.id}`, 'bank-id': 'mine', 'bank-audience': 'link_worker', 'bank-pairsWithVersionId': String(theirs) })
			);
			expect(problemsOf(pairs)).toEqual(['bank-pairsWithVersionId | Choose the staff survey whose statements this link worker’s view pairs with']);
			expect(await countRows(t.db, 'instrument_version')).toBe(3);
		});

		it('is for administrators and ICB leads only', async () => {
			expect(statusOf(await previewBank(managerA, bankForm()))).toBe(403);
		});
	});

	describe('editing the statements in a spreadsheet', () => {
		const previewEdit = (user: SignedInUser, versionId: number, form: Fields) =>
			outcomeOf(() => statementsActions.preview(fakeEvent({ db: t.db, user, params: { versionId: String(versionId) }, path: `/instruments/${versionId}/statements?/preview`, form }) as never));

		it('makes a new version from the edited item bank, everything else as in the version it came from', async () => {
			const versionId = await storeJson(smallInstrument(), icbLead, `icb-${icb.id}`);
			const page = await statementsLoad(fakeEvent({ db: t.db, user: icbLead, params: { versionId: String(versionId) } }) as never);
			expect((page as { suggestedVersion: string }).suggestedVersion).toBe('1.1');
			const csv = await (await download(icbLead, versionId, 'items')).text();
			// Reword T1, retire T8, add T9.
			const edited = csv
				.replace('I can say how the link worker role differs from mine.', 'I can explain how the link worker role differs from mine.')
				.replace(/T8,reflexive_monitoring,[^\r]*\r\n/, 'T9,reflexive_monitoring,communal_appraisal,We talk as a team about what the link worker achieves.,no,\r\n');
			const before = await countRows(t.db, 'instrument_version');
			const outcome = await previewEdit(icbLead, versionId, { version: '1.1', text: edited });
			expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(200);
			const result = outcome.result as { definition: string; owner: string; preview: { previous: { versionId: number; diff: { same: boolean } } } };
			expect(result.owner).toBe(`icb-${icb.id}`);
			expect(result.preview.previous.versionId).toBe(versionId);
			expect(result.preview.previous.diff.same).toBe(false);
			const built = JSON.parse(result.definition) as Instrument;
			const original = parseInstrument(smallInstrument());
			expect(instrumentDetails(built)).toEqual({ ...instrumentDetails(original), version: '1.1' });
			expect(built.items.map((i) => i.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T9']);
			expect(built.items[0]!.text).toBe('I can explain how the link worker role differs from mine.');
			expect(await countRows(t.db, 'instrument_version')).toBe(before);
			// The confirm step is the import's, and stores what was previewed.
			const stored = await confirm(icbLead, result.definition, result.owner);
			expect(statusOf(stored)).toBe(303);
			expect(await countRows(t.db, 'instrument_version')).toBe(before + 1);
			expect((await getInstrumentVersion(t.db, versionId))!.instrument).toEqual(original);
		});

		it('names the rows and the version number at fault; a retired id never comes back', async () => {
			const versionId = await storeJson(smallInstrument());
			const csv = await (await download(admin, versionId, 'items')).text();
			const bad = await previewEdit(admin, versionId, { version: '1.0', text: csv.replace('T2,coherence', 'T2,cognitive_participation') });
			expect(problemsOf(bad)).toContain('text | row 3, subConstruct: "communal_specification" belongs to coherence, not cognitive_participation');
			const same = await previewEdit(admin, versionId, { version: '1.0', text: csv });
			expect(statusOf(same)).toBe(409);
			expect(problemsOf(same)[0]).toMatch(/^version \| Version 1\.0 of “team-fit” is already stored/);
			// 1.1 retires T8; 1.2 may not bring it back.
			const retired = await previewEdit(admin, versionId, { version: '1.1', text: csv.replace(/T8,[^\r]*\r\n/, '') });
			expect(statusOf(await confirm(admin, (retired.result as { definition: string }).definition, 'service'))).toBe(303);
			const back = await previewEdit(admin, versionId, { version: '1.2', text: csv });
			expect(statusOf(back)).toBe(400);
			expect(problemsOf(back)[0]).toMatch(/^text \| the row with id T8, id: “T8” was retired in an earlier version/);
		});

		it('is for the instrument’s owner only, and a version the user cannot read is not there', async () => {
			const theirs = await storeJson(smallInstrument(), otherIcbLead, `icb-${otherIcb.id}`);
			const csv = itemBankCsv(parseInstrument(smallInstrument()));
			expect(statusOf(await previewEdit(icbLead, theirs, { version: '1.1', text: csv }))).toBe(404);
			expect(statusOf(await previewEdit(icbLead, builtInId, { version: '1.1', text: csv }))).toBe(403);
			expect(statusOf(await previewEdit(managerA, builtInId, { version: '1.1', text: csv }))).toBe(403);
		});
	});

	describe('downloads', () => {
		it('gives the item bank, which reads back into the same statements', async () => {
			const response = await download(managerA, builtInId, 'items');
			expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-npt-staff-v1.0-items.csv"');
			const back = definitionFromItemBank(await response.text(), instrumentDetails(DEFAULT_STAFF_INSTRUMENT));
			expect(back.ok && back.instrument.items).toEqual(DEFAULT_STAFF_INSTRUMENT.items);
		});

		it('gives a FHIR Questionnaire with every statement, addressed under the configured origin, never the request’s host', async () => {
			const response = await exportGet(
				fakeEvent({
					db: t.db,
					user: managerA,
					params: { versionId: String(builtInId), format: 'fhir' },
					config: { origin: 'https://belonging.example.nhs.uk' },
					requestOrigin: 'http://evil.example'
				}) as never
			);
			expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
			expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-npt-staff-v1.0-questionnaire.json"');
			const text = await response.text();
			const questionnaire = JSON.parse(text) as { resourceType: string; url: string; item: { item?: { linkId: string; text: string }[] }[] };
			expect(questionnaire.resourceType).toBe('Questionnaire');
			expect(questionnaire.url).toBe('https://belonging.example.nhs.uk/fhir/Questionnaire/belonging-npt');
			expect(text).not.toContain('evil.example');
			const linked = questionnaire.item.flatMap((group) => group.item ?? []);
			for (const item of DEFAULT_STAFF_INSTRUMENT.items) expect(linked.find((l) => l.linkId === item.id)?.text).toBe(item.text);
			// Without a configured origin there is no address to give: the code systems are URNs.
			const plain = await (await download(managerA, builtInId, 'fhir', { origin: undefined })).text();
			expect(plain).toContain('"system": "urn:belonging:npt"');
			expect(plain).not.toContain('localhost');
		});

		it('gives a REDCap data dictionary with REDCap’s header row and a field for each statement', async () => {
			const response = await download(managerA, builtInId, 'redcap');
			expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-npt-staff-v1.0-redcap-data-dictionary.csv"');
			const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
			expect(lines[0]).toBe(REDCAP_COLUMNS.map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));
			expect(lines[1]!.startsWith('record_id,')).toBe(true);
			expect(lines.filter((l) => l.includes(',radio,')).length).toBeGreaterThanOrEqual(DEFAULT_STAFF_INSTRUMENT.items.length);
		});

		it('gives nothing of a version the user may not read, in any format (404)', async () => {
			const theirs = await storeJson(smallInstrument(), otherIcbLead, `icb-${otherIcb.id}`);
			for (const format of ['json', 'items', 'fhir', 'redcap']) {
				const hidden = await outcomeOf(() => exportGet(fakeEvent({ db: t.db, user: icbLead, params: { versionId: String(theirs), format } }) as never));
				expect(statusOf(hidden), format).toBe(404);
				expect(statusOf(await outcomeOf(() => download(otherIcbLead, theirs, format)))).toBe(200);
			}
		});
	});

	/** Stores a definition through the JSON import's confirm and returns its version id. */
	async function storeJson(definition: Record<string, unknown>, user: SignedInUser = admin, owner = 'service'): Promise<number> {
		const outcome = await confirm(user, JSON.stringify(definition), owner);
		expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(303);
		return Number(/^\/instruments\/(\d+)\?imported$/.exec((outcome.thrown as { location: string }).location)![1]);
	}

	function download(user: SignedInUser, versionId: number, format: string, config?: { origin: string | undefined }): Promise<Response> {
		return exportGet(fakeEvent({ db: t.db, user, params: { versionId: String(versionId), format }, ...(config ? { config } : {}) }) as never) as Promise<Response>;
	}
});
