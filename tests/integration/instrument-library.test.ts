import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { linkWorkerScores } from '../../src/lib/npt/perception-gap';
import type { Instrument } from '../../src/lib/npt/instrument';
import type { SignedInUser } from '../../src/lib/server/identity';
import { linkWorkerInstrumentFor, saveAssessment } from '../../src/lib/server/linkworker/assessments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { instrumentVersionsForPractice, listInstrumentLibrary, setAvailability } from '../../src/lib/server/surveys/instrument-library';
import { getInstrumentVersion, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { actions as importActions } from '../../src/routes/(app)/instruments/import/+page.server';
import { actions as versionActions } from '../../src/routes/(app)/instruments/[versionId]/+page.server';
import { actions as editActions } from '../../src/routes/(app)/instruments/[versionId]/edit/+page.server';
import { GET as exportGet } from '../../src/routes/(app)/instruments/[versionId]/export/[format]/+server';
import { load as diffLoad } from '../../src/routes/(app)/instruments/[versionId]/diff/+page.server';
import { actions as newRoundActions, load as newRoundLoad } from '../../src/routes/(app)/practices/[practiceId]/rounds/new/+page.server';
import { planDueRounds } from '../../src/lib/server/calendar/calendar-pass';
import { actions as editRoundActions, load as editRoundLoad } from '../../src/routes/(app)/rounds/[roundId]/edit/+page.server';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { saveEveryFourMonthsAtA2 } from '../helpers/calendar';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, statusOf } from '../helpers/events';
import { smallInstrument, smallLinkWorkerInstrument } from '../helpers/instruments';

type Def = Record<string, any>;

describe('the instrument library', () => {
	let t: TestDatabase;
	let icb: { id: number };
	let otherIcb: { id: number };
	let practiceA: { id: number };
	let practiceOther: { id: number };
	let admin: SignedInUser;
	let icbLead: SignedInUser;
	let otherIcbLead: SignedInUser;
	let managerA: SignedInUser;
	let managerOther: SignedInUser;
	let linkWorker: SignedInUser;
	let builtInId: number;

	beforeEach(async () => {
		t = await createTestDatabase();
		icb = await createIcb(t.db, { odsCode: 'QAA', name: 'North ICB' });
		otherIcb = await createIcb(t.db, { odsCode: 'QBB', name: 'South ICB' });
		const pcn = await createPcn(t.db, { odsCode: 'U10001', name: 'PCN North', icbId: icb.id });
		const otherPcn = await createPcn(t.db, { odsCode: 'U20001', name: 'PCN South', icbId: otherIcb.id });
		practiceA = await createPractice(t.db, { odsCode: 'A10001', name: 'North Surgery', pcnId: pcn.id });
		practiceOther = await createPractice(t.db, { odsCode: 'B20001', name: 'South Surgery', pcnId: otherPcn.id });
		admin = await createSignedInUser(t.db, 'admin');
		icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [icb.id] });
		otherIcbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [otherIcb.id] });
		managerA = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practiceA.id] });
		managerOther = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [practiceOther.id] });
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [practiceA.id] });
		builtInId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
	});
	afterEach(() => t.close());

	const preview = (user: SignedInUser, definition: Def | string, owner: string) =>
		outcomeOf(() =>
			importActions.preview(
				fakeEvent({ db: t.db, user, path: '/instruments/import?/preview', form: { owner, text: typeof definition === 'string' ? definition : JSON.stringify(definition) } }) as never
			)
		);
	const confirm = (user: SignedInUser, definition: Def, owner: string) =>
		outcomeOf(() =>
			importActions.confirm(fakeEvent({ db: t.db, user, path: '/instruments/import?/confirm', form: { owner, definition: JSON.stringify(definition) } }) as never)
		);
	/** Stores a definition through the confirm action and returns the new version's id. */
	async function imported(user: SignedInUser, definition: Def, owner: string): Promise<number> {
		const outcome = await confirm(user, definition, owner);
		expect(statusOf(outcome), JSON.stringify((outcome.result as { data?: unknown })?.data)).toBe(303);
		const location = (outcome.thrown as { location: string }).location;
		return Number(/^\/instruments\/(\d+)\?imported$/.exec(location)![1]);
	}
	const problemsOf = (outcome: { result?: unknown }) =>
		((outcome.result as { data: { problems: { field: string; message: string }[] } }).data.problems ?? []).map((p) => `${p.field} | ${p.message}`);

	describe('import', () => {
		it('previews a file without storing anything: its statements, licence and owner', async () => {
			const before = await countRows(t.db, 'instrument_version');
			const outcome = await preview(admin, smallInstrument(), 'service');
			expect(statusOf(outcome)).toBe(200);
			const result = outcome.result as { preview: { summary: { itemCount: number; reversedIds: string[]; provenance: { licence: string }; constructs: { itemCount: number }[] }; previous: unknown } };
			expect(result.preview.summary.itemCount).toBe(8);
			expect(result.preview.summary.reversedIds).toEqual(['T4']);
			expect(result.preview.summary.constructs.map((c) => c.itemCount)).toEqual([2, 2, 2, 2]);
			expect(result.preview.summary.provenance.licence).toBe('CC BY 4.0: free to use with attribution');
			expect(result.preview.previous).toBeNull();
			expect(await countRows(t.db, 'instrument_version')).toBe(before);
			expect(await countRows(t.db, 'instrument')).toBe(2);
		});

		it('stores on confirm, imported by the admin for the whole service, offered to no practice yet, and audited', async () => {
			const versionId = await imported(admin, smallInstrument(), 'service');
			const row = await t.db
				.selectFrom('instrument_version')
				.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
				.select(['instrument_version.source', 'instrument_version.imported_by_user_id', 'instrument_version.offered_to', 'instrument.owner_icb_id', 'instrument.key'])
				.where('instrument_version.id', '=', versionId)
				.executeTakeFirstOrThrow();
			expect(row).toEqual({ source: 'imported', imported_by_user_id: admin.id, offered_to: 'icbs', owner_icb_id: null, key: 'team-fit' });
			expect(await countRows(t.db, 'instrument_version_icb')).toBe(0);
			expect(await instrumentVersionsForPractice(t.db, practiceA.id)).toHaveLength(1);
			const audit = await t.db.selectFrom('audit_event').select(['action', 'actor_user_id']).where('action', '=', 'instrument_imported').execute();
			expect(audit).toEqual([{ action: 'instrument_imported', actor_user_id: admin.id }]);
			// The same file again: the version is there already, and stored versions never change.
			expect(statusOf(await confirm(admin, smallInstrument(), 'service'))).toBe(409);
		});

		it('lists every problem by field, and stores nothing', async () => {
			const bad = smallInstrument((d) => {
				d.items[3].construct = 'belonging';
				d.items[0].text = '';
			});
			const outcome = await preview(admin, bad, 'service');
			expect(statusOf(outcome)).toBe(400);
			const problems = problemsOf(outcome);
			expect(problems.some((p) => p.startsWith('text | items[3].construct: '))).toBe(true);
			expect(problems.some((p) => p.startsWith('text | items[0].text: '))).toBe(true);
			expect(problems).toHaveLength(2);
			expect(statusOf(await confirm(admin, bad, 'service'))).toBe(400);
			// Rules across fields are checked once every field is right.
			const bands = await preview(admin, smallInstrument((d) => (d.bands.fittingIn = 9)), 'service');
			expect(problemsOf(bands)).toEqual(['text | bands.fittingIn: must be below bands.belonging']);
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
		});

		it('refuses a file that is not JSON, naming the field', async () => {
			const outcome = await preview(admin, '{"id": "x",', 'service');
			expect(statusOf(outcome)).toBe(400);
			expect(problemsOf(outcome)[0]).toMatch(/^text \| The file is not valid JSON/);
		});

		it("reads a file that points at the JSON Schema, storing the instrument without the pointer", async () => {
			const pointing = { $schema: 'https://example.org/instrument.schema.json', ...smallInstrument() };
			const outcome = await preview(admin, JSON.stringify(pointing), 'service');
			expect(statusOf(outcome), JSON.stringify(outcome.result)).toBe(200);
			const versionId = await imported(admin, pointing as unknown as Def, 'service');
			const stored = await t.db.selectFrom('instrument_version').select('definition').where('id', '=', versionId).executeTakeFirstOrThrow();
			expect(JSON.parse(stored.definition)).not.toHaveProperty('$schema');
			expect(JSON.parse(stored.definition).title).toBe(smallInstrument().title);
		});

		it('refuses a file without a licence', async () => {
			const outcome = await confirm(admin, smallInstrument((d) => delete d.provenance.licence), 'service');
			expect(statusOf(outcome)).toBe(400);
			expect(problemsOf(outcome).some((p) => p.includes('provenance.licence:'))).toBe(true);
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
		});

		it('refuses an upload over 256 KB with a clear message', async () => {
			const form = new FormData();
			form.set('owner', 'service');
			form.set('file', new File([`{"padding": "${'x'.repeat(300 * 1024)}"}`], 'big.json', { type: 'application/json' }));
			const outcome = await outcomeOf(() => importActions.preview(fakeEvent({ db: t.db, user: admin, path: '/instruments/import?/preview', form }) as never));
			expect(statusOf(outcome)).toBe(413);
			expect(problemsOf(outcome)[0]).toMatch(/^file \| The instrument file is larger than 256 KB/);
		});

		it('reads an uploaded file like pasted text', async () => {
			const form = new FormData();
			form.set('owner', `icb-${icb.id}`);
			form.set('file', new File([JSON.stringify(smallInstrument())], 'team-fit.json', { type: 'application/json' }));
			const outcome = await outcomeOf(() => importActions.preview(fakeEvent({ db: t.db, user: icbLead, path: '/instruments/import?/preview', form }) as never));
			expect(statusOf(outcome)).toBe(200);
		});

		it('lets an ICB lead import only for their own ICB', async () => {
			expect(statusOf(await confirm(icbLead, smallInstrument(), `icb-${otherIcb.id}`))).toBe(403);
			expect(statusOf(await confirm(icbLead, smallInstrument(), 'service'))).toBe(403);
			expect(statusOf(await confirm(icbLead, smallInstrument(), 'icb-999999'))).toBe(403);
			expect(await countRows(t.db, 'instrument_version')).toBe(2);
			const versionId = await imported(icbLead, smallInstrument(), `icb-${icb.id}`);
			const owner = await t.db.selectFrom('instrument').select('owner_icb_id').where('key', '=', 'team-fit').executeTakeFirstOrThrow();
			expect(owner.owner_icb_id).toBe(icb.id);
			expect(versionId).toBeGreaterThan(0);
			// A practice manager is not an importer at all.
			expect(statusOf(await confirm(managerA, smallInstrument((d) => (d.id = 'other')), `icb-${icb.id}`))).toBe(403);
		});

		it('keeps another owner’s instrument theirs: no new version from anyone else', async () => {
			await imported(icbLead, smallInstrument(), `icb-${icb.id}`);
			const next = smallInstrument((d) => (d.version = '1.1'));
			expect(statusOf(await confirm(otherIcbLead, next, `icb-${otherIcb.id}`))).toBe(403);
			// An administrator may, but only keeping its owner.
			expect(statusOf(await confirm(admin, next, 'service'))).toBe(400);
			await imported(admin, next, `icb-${icb.id}`);
			const previewed = await preview(icbLead, smallInstrument((d) => ((d.version = '1.2'), (d.items[0].text = 'Reworded.'))), `icb-${icb.id}`);
			const diff = (previewed.result as { preview: { previous: { version: string; diff: { reworded: { id: string }[] } } } }).preview.previous;
			expect(diff.version).toBe('1.1');
			expect(diff.diff.reworded.map((r) => r.id)).toEqual(['T1']);
		});

		it('never lets a retired item id come back, nor an id change construct', async () => {
			await imported(admin, smallInstrument(), 'service');
			await imported(admin, smallInstrument((d) => ((d.version = '1.1'), d.items.pop(), d.items.push({ ...d.items[6], id: 'T9', text: 'We adjust how we work.' }))), 'service');
			const back = await confirm(admin, smallInstrument((d) => (d.version = '1.2')), 'service');
			expect(statusOf(back)).toBe(400);
			expect(problemsOf(back)).toEqual(['definition | items[7].id: “T8” was retired in an earlier version, and a retired id is never used again; give this item a new id']);
			const moved = await confirm(
				admin,
				smallInstrument((d) => {
					d.version = '1.2';
					d.items.pop();
					d.items.push({ ...d.items[6], id: 'T9', text: 'We adjust how we work.' });
					d.items[0] = { ...d.items[0], construct: 'cognitive_participation', subConstruct: 'enrolment' };
					d.items[2] = { ...d.items[2], construct: 'coherence', subConstruct: 'internalisation' };
				}),
				'service'
			);
			expect(statusOf(moved)).toBe(400);
			expect(problemsOf(moved)).toContain('definition | items[0].construct: “T1” measured coherence in earlier versions; an id never changes construct, so give this item a new id');
			expect(await countRows(t.db, 'instrument_version')).toBe(4);
		});
	});

	describe('link-worker versions', () => {
		it('must pair with a stored staff version, item by item', async () => {
			const noStaff = await confirm(admin, smallLinkWorkerInstrument(), 'service');
			expect(statusOf(noStaff)).toBe(400);
			expect(problemsOf(noStaff)).toEqual(['definition | pairedWith: no staff instrument “team-fit” version 1.0 is stored; import the staff version first']);
			await imported(admin, smallInstrument(), 'service');
			const wrong = await confirm(admin, smallLinkWorkerInstrument((d) => ((d.items[0].pairs = 'T9'), (d.items[1].pairs = 'T3'), (d.items[2].pairs = 'T2'))), 'service');
			expect(statusOf(wrong)).toBe(400);
			expect(problemsOf(wrong)).toEqual([
				'definition | items[0]: the staff instrument has no item "T9" to pair with',
				'definition | items[1]: pairs with "T3", which measures cognitive_participation, not coherence',
				'definition | items[2]: pairs with "T2", which measures coherence, not cognitive_participation'
			]);
			const unpaired = await confirm(admin, smallLinkWorkerInstrument((d) => delete d.pairedWith), 'service');
			expect(problemsOf(unpaired)[0]).toMatch(/^definition \| pairedWith: a link-worker instrument must name/);
			await imported(admin, smallLinkWorkerInstrument(), 'service');
		});

		it('are what the link worker answers for a round of the staff version they pair with, and nothing otherwise', async () => {
			const staffId = await imported(admin, smallInstrument(), 'service');
			const lwId = await imported(admin, smallLinkWorkerInstrument(), 'service');
			const today = ukDate();
			const round = await createRound(t.db, { practiceId: practiceA.id, instrumentVersionId: staffId, title: 'Spring', opensOn: today, closesOn: addDays(today, 20), staffHeadcount: 10, status: 'open' });
			const paired = await linkWorkerInstrumentFor(t.db, round.id);
			expect(paired?.versionId).toBe(lwId);
			// The built-in round keeps the built-in link-worker version.
			const builtInRound = await createRound(t.db, { practiceId: practiceOther.id, instrumentVersionId: builtInId, title: 'Built in', opensOn: today, closesOn: addDays(today, 20), staffHeadcount: 10, status: 'open' });
			expect((await linkWorkerInstrumentFor(t.db, builtInRound.id))?.instrument.id).toBe('belonging-npt');

			// A staff version with no link-worker counterpart: nothing to answer, and nothing is stored.
			const loneId = await imported(admin, smallInstrument((d) => (d.id = 'lone')), 'service');
			const lone = await createRound(t.db, { practiceId: practiceA.id, instrumentVersionId: loneId, title: 'Lone', opensOn: addDays(today, 30), closesOn: addDays(today, 40), staffHeadcount: 10, status: 'closed' });
			expect(await linkWorkerInstrumentFor(t.db, lone.id)).toBeUndefined();
			const saved = await saveAssessment(t.db, linkWorker, lone.id, [['item-T1', '4']]);
			expect(saved.ok).toBe(false);
			expect(saved.ok ? 0 : saved.status).toBe(409);
			expect(await countRows(t.db, 'link_worker_assessment')).toBe(0);

			// The perception gap compares each link-worker statement with the staff item it pairs with.
			const stored = (await getInstrumentVersion(t.db, lwId))!.instrument as Instrument;
			expect(linkWorkerScores(stored, { L1: 5, L4: 5 }).items).toMatchObject({ T1: 10, T4: 0 });
			const answered = await saveAssessment(t.db, linkWorker, round.id, [['item-L1', '5']]);
			expect(answered.ok).toBe(true);
		});
	});

	describe('availability', () => {
		const newRoundForm = (versionId: number) => {
			const today = ukDate();
			return { title: 'Spring survey', opensOn: today, closesOn: addDays(today, 21), staffHeadcount: '12', instrumentVersionId: String(versionId), start: 'draft' };
		};
		const listed = async (manager: SignedInUser, practiceId: number) => {
			const page = (await newRoundLoad(fakeEvent({ db: t.db, user: manager, params: { practiceId: String(practiceId) } }) as never)) as { versions: { value: string; label: string }[] };
			return page.versions;
		};
		const schedule = (manager: SignedInUser, practiceId: number, versionId: number) =>
			outcomeOf(() =>
				newRoundActions.default(fakeEvent({ db: t.db, user: manager, params: { practiceId: String(practiceId) }, path: `/practices/${practiceId}/rounds/new`, form: newRoundForm(versionId) }) as never)
			);

		it('decides what the round form lists and what it accepts', async () => {
			const versionId = await imported(icbLead, smallInstrument(), `icb-${icb.id}`);
			// Offered to no practice yet: not listed, and refused.
			expect((await listed(managerA, practiceA.id)).map((v) => v.value)).toEqual([String(builtInId)]);
			expect(statusOf(await schedule(managerA, practiceA.id, versionId))).toBe(400);
			expect(await countRows(t.db, 'round')).toBe(0);

			const offer = await outcomeOf(() =>
				versionActions.offer(fakeEvent({ db: t.db, user: icbLead, params: { versionId: String(versionId) }, path: `/instruments/${versionId}?/offer`, form: { offeredTo: 'icbs', icbIds: [String(icb.id)] } }) as never)
			);
			expect(statusOf(offer)).toBe(303);
			const versions = await listed(managerA, practiceA.id);
			expect(versions.map((v) => v.value)).toEqual([String(builtInId), String(versionId)]);
			expect(versions[0]!.label).toBe('Belonging: the link worker role in our practice, version 1.0 (built in, recommended)'.replace(/^.*, version/, `${DEFAULT_STAFF_INSTRUMENT.title}, version`));
			expect(versions[1]!.label).toBe(`Team fit check, version 1.0 (imported by ${icbLead.displayName})`);
			// The other ICB's practice neither sees it nor may use it.
			expect((await listed(managerOther, practiceOther.id)).map((v) => v.value)).toEqual([String(builtInId)]);
			const refused = await schedule(managerOther, practiceOther.id, versionId);
			expect(statusOf(refused)).toBe(400);
			expect(problemsOf(refused)).toEqual(['instrumentVersionId | Choose which version of the staff survey to use']);
			expect(await countRows(t.db, 'round')).toBe(0);

			expect(statusOf(await schedule(managerA, practiceA.id, versionId))).toBe(303);
			const round = await t.db.selectFrom('round').select(['practice_id', 'instrument_version_id']).executeTakeFirstOrThrow();
			expect(round).toEqual({ practice_id: practiceA.id, instrument_version_id: versionId });
		});

		it('lets an ICB lead offer only within their ICBs, and only an admin everywhere', async () => {
			const versionId = await imported(icbLead, smallInstrument(), `icb-${icb.id}`);
			expect(await setAvailability(t.db, icbLead, versionId, { everywhere: true, icbIds: [] })).toMatchObject({ ok: false, status: 403 });
			expect(await setAvailability(t.db, icbLead, versionId, { everywhere: false, icbIds: [otherIcb.id] })).toMatchObject({ ok: false, status: 403 });
			// The other ICB's lead cannot even see it.
			expect(await setAvailability(t.db, otherIcbLead, versionId, { everywhere: false, icbIds: [otherIcb.id] })).toMatchObject({ ok: false, status: 404 });
			expect(await setAvailability(t.db, admin, builtInId, { everywhere: false, icbIds: [] })).toMatchObject({ ok: false, status: 409 });
			// The admin offers it to the other ICB too; the ICB lead's later choice keeps that offer.
			expect(await setAvailability(t.db, admin, versionId, { everywhere: false, icbIds: [icb.id, otherIcb.id] })).toEqual({ ok: true });
			expect(await setAvailability(t.db, icbLead, versionId, { everywhere: false, icbIds: [] })).toEqual({ ok: true });
			const offers = await t.db.selectFrom('instrument_version_icb').select('icb_id').execute();
			expect(offers).toEqual([{ icb_id: otherIcb.id }]);
			expect((await instrumentVersionsForPractice(t.db, practiceOther.id)).map((v) => v.versionId)).toEqual([builtInId, versionId]);
			expect(await setAvailability(t.db, admin, versionId, { everywhere: true, icbIds: [] })).toEqual({ ok: true });
			expect((await instrumentVersionsForPractice(t.db, practiceA.id)).map((v) => v.versionId)).toEqual([builtInId, versionId]);
			expect(await t.db.selectFrom('audit_event').select('action').where('action', '=', 'instrument_offered').execute()).toHaveLength(3);
		});

		it('shows each role the instruments it may see', async () => {
			await imported(otherIcbLead, smallInstrument(), `icb-${otherIcb.id}`);
			const keys = async (user: SignedInUser) => (await listInstrumentLibrary(t.db, user)).map((i) => i.key).sort();
			expect(await keys(admin)).toEqual(['belonging-npt', 'belonging-npt', 'team-fit']);
			expect(await keys(otherIcbLead)).toEqual(['belonging-npt', 'belonging-npt', 'team-fit']);
			expect(await keys(icbLead)).toEqual(['belonging-npt', 'belonging-npt']);
			expect(await keys(managerA)).toEqual(['belonging-npt', 'belonging-npt']);
			expect(await keys(managerOther)).toEqual(['belonging-npt', 'belonging-npt']);
		});
	});

	describe('versions, diff, export and edits', () => {
		it('exports a version as its JSON file, and not another ICB’s to someone outside it', async () => {
			const response = await exportGet(fakeEvent({ db: t.db, user: managerA, params: { versionId: String(builtInId), format: 'json' }, path: `/instruments/${builtInId}/export/json` }) as never);
			expect(response.headers.get('content-disposition')).toBe('attachment; filename="belonging-npt-staff-v1.0.json"');
			expect(JSON.parse(await response.text())).toEqual(JSON.parse(JSON.stringify(DEFAULT_STAFF_INSTRUMENT)));
			const theirs = await imported(otherIcbLead, smallInstrument(), `icb-${otherIcb.id}`);
			const hidden = await outcomeOf(() => exportGet(fakeEvent({ db: t.db, user: icbLead, params: { versionId: String(theirs), format: 'json' } }) as never));
			expect(statusOf(hidden)).toBe(404);
			const unknown = await outcomeOf(() => exportGet(fakeEvent({ db: t.db, user: admin, params: { versionId: String(builtInId), format: 'fhir-xml' } }) as never));
			expect(statusOf(unknown)).toBe(404);
		});

		it('edits into a new version, never changing the old one, and compares the two', async () => {
			const before = (await t.db.selectFrom('instrument_version').select(['definition', 'content_hash']).where('id', '=', builtInId).executeTakeFirstOrThrow());
			const form = {
				version: '1.1',
				'item-CO1-text': 'Everyone here can say what the link worker does.',
				'item-CO2-retire': 'yes',
				'new-0-id': 'CO9',
				'new-0-text': 'The link worker’s role is written down where we can all see it.',
				'new-0-subConstruct': 'communal_specification',
				'bands-belonging': '8'
			};
			const outcome = await outcomeOf(() => editActions.default(fakeEvent({ db: t.db, user: admin, params: { versionId: String(builtInId) }, path: `/instruments/${builtInId}/edit`, form }) as never));
			expect(statusOf(outcome)).toBe(303);
			const newId = Number(/(\d+)\?imported$/.exec((outcome.thrown as { location: string }).location)![1]);
			const after = await t.db.selectFrom('instrument_version').select(['definition', 'content_hash']).where('id', '=', builtInId).executeTakeFirstOrThrow();
			expect(after).toEqual(before);
			const diff = (await diffLoad(fakeEvent({ db: t.db, user: admin, params: { versionId: String(newId) }, path: `/instruments/${newId}/diff?against=${builtInId}` }) as never)) as {
				diff: { added: { id: string }[]; retired: { id: string }[]; reworded: { id: string }[]; thresholds: unknown[] };
			};
			expect(diff.diff.added.map((i) => i.id)).toEqual(['CO9']);
			expect(diff.diff.retired.map((i) => i.id)).toEqual(['CO2']);
			expect(diff.diff.reworded.map((i) => i.id)).toEqual(['CO1']);
			expect(diff.diff.thresholds).toEqual([{ name: 'belonging', from: 7.5, to: 8 }]);
			// Not offered until its owner chooses: the round form still lists only the built-in version.
			expect((await instrumentVersionsForPractice(t.db, practiceA.id)).map((v) => v.versionId)).toEqual([builtInId]);

			// Bringing the retired CO2 back as a new statement is refused, with the problem on that field.
			const again = await outcomeOf(() =>
				editActions.default(
					fakeEvent({ db: t.db, user: admin, params: { versionId: String(newId) }, path: `/instruments/${newId}/edit`, form: { version: '1.2', 'new-0-id': 'CO2', 'new-0-text': 'Back again.', 'new-0-subConstruct': 'differentiation' } }) as never
				)
			);
			expect(statusOf(again)).toBe(400);
			expect(problemsOf(again)[0]).toMatch(/^form \| items\[22\]\.id: “CO2” was retired/);
			// An empty wording is refused on its own field.
			const empty = await outcomeOf(() =>
				editActions.default(fakeEvent({ db: t.db, user: admin, params: { versionId: String(newId) }, path: `/instruments/${newId}/edit`, form: { version: '1.2', 'item-CO3-text': '   ' } }) as never)
			);
			expect(problemsOf(empty)).toEqual(['item-CO3-text | items[1].text: must not be empty']);
			// An ICB lead does not own the built-in instrument.
			const lead = await outcomeOf(() => editActions.default(fakeEvent({ db: t.db, user: icbLead, params: { versionId: String(builtInId) }, form: { version: '1.5' } }) as never));
			expect(statusOf(lead)).toBe(403);
			expect(await countRows(t.db, 'instrument_version')).toBe(3);
		});

		it('compares only versions of the same instrument', async () => {
			const other = await imported(admin, smallInstrument(), 'service');
			const outcome = await outcomeOf(() => diffLoad(fakeEvent({ db: t.db, user: admin, params: { versionId: String(other) }, path: `/instruments/${other}/diff?against=${builtInId}` }) as never));
			expect(statusOf(outcome)).toBe(404);
		});
	});
});


describe('the survey calendar and drafts choose among offered versions', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	let importedId: number;
	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		const outcome = await outcomeOf(() =>
			importActions.confirm(fakeEvent({ db: t.db, user: f.users.icbLead, path: '/instruments/import?/confirm', form: { owner: `icb-${f.icb.id}`, definition: JSON.stringify(smallInstrument()) } }) as never)
		);
		importedId = Number(/(\d+)\?imported$/.exec((outcome.thrown as { location: string }).location)![1]);
		expect(await setAvailability(t.db, f.users.icbLead, importedId, { everywhere: false, icbIds: [f.icb.id] })).toEqual({ ok: true });
		// A2's latest round used the imported version.
		await createRound(t.db, { practiceId: f.practices.a2.id, instrumentVersionId: importedId, title: 'A2 summer', opensOn: '2026-06-01', closesOn: '2026-06-21', staffHeadcount: 12, status: 'closed' });
		expect(await saveEveryFourMonthsAtA2(t.db, f)).toMatchObject({ ok: true });
	});
	afterEach(() => t.close());

	const plannedVersion = async () => {
		expect(await planDueRounds(t.db, { today: '2026-12-14', now: new Date('2026-12-14T07:00:00Z') })).toBe(1);
		const draft = await t.db.selectFrom('round').select(['id', 'instrument_version_id']).where('planned_by_calendar', '=', 1).executeTakeFirstOrThrow();
		return draft;
	};

	it('plan the next round with the practice’s last version while it is still offered', async () => {
		expect((await plannedVersion()).instrument_version_id).toBe(importedId);
	});

	it('fall back to the built-in version once the last one is no longer offered', async () => {
		expect(await setAvailability(t.db, f.users.icbLead, importedId, { everywhere: false, icbIds: [] })).toEqual({ ok: true });
		expect((await plannedVersion()).instrument_version_id).toBe(f.rounds.a1.instrument_version_id);
	});

	it('let a draft change to an offered version, and refuse one not offered or a round that is not a draft', async () => {
		const draft = await plannedVersion();
		const manager = f.others.managerA2;
		const params = { roundId: String(draft.id) };
		const page = (await editRoundLoad(fakeEvent({ db: t.db, user: manager, params, path: `/rounds/${draft.id}/edit` }) as never)) as { versions: { value: string }[] };
		expect(page.versions.map((v) => v.value)).toEqual([String(f.rounds.a1.instrument_version_id), String(importedId)]);
		const round = await t.db.selectFrom('round').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
		const form = (versionId: number) => ({ title: round.title, opensOn: round.opens_on, closesOn: round.closes_on, staffHeadcount: '12', instrumentVersionId: String(versionId) });
		const edit = (roundId: number, versionId: number) =>
			outcomeOf(() => editRoundActions.default(fakeEvent({ db: t.db, user: manager, params: { roundId: String(roundId) }, path: `/rounds/${roundId}/edit`, form: form(versionId) }) as never));
		expect(statusOf(await edit(draft.id, f.rounds.a1.instrument_version_id))).toBe(303);
		expect((await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', draft.id).executeTakeFirstOrThrow()).instrument_version_id).toBe(f.rounds.a1.instrument_version_id);
		// Another ICB's import, offered only there: refused, and the draft keeps its version.
		const theirs = await outcomeOf(() =>
			importActions.confirm(fakeEvent({ db: t.db, user: f.users.admin, path: '/instruments/import?/confirm', form: { owner: `icb-${f.otherIcb.id}`, definition: JSON.stringify(smallInstrument((d) => (d.id = 'south-only'))) } }) as never)
		);
		const theirsId = Number(/(\d+)\?imported$/.exec((theirs.thrown as { location: string }).location)![1]);
		expect(await setAvailability(t.db, f.users.admin, theirsId, { everywhere: false, icbIds: [f.otherIcb.id] })).toEqual({ ok: true });
		expect(statusOf(await edit(draft.id, theirsId))).toBe(400);
		// A round that has opened keeps its version: staff answer the same statements throughout.
		const open = f.rounds.a1Open;
		const opened = await outcomeOf(() =>
			editRoundActions.default(
				fakeEvent({ db: t.db, user: f.users.manager, params: { roundId: String(open.id) }, path: `/rounds/${open.id}/edit`, form: { title: open.title, opensOn: open.opens_on, closesOn: open.closes_on, staffHeadcount: '20', instrumentVersionId: String(importedId) } }) as never
			)
		);
		expect(statusOf(opened)).toBe(409);
		expect((await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', open.id).executeTakeFirstOrThrow()).instrument_version_id).toBe(open.instrument_version_id);
		expect((await t.db.selectFrom('round').select('instrument_version_id').where('id', '=', draft.id).executeTakeFirstOrThrow()).instrument_version_id).toBe(f.rounds.a1.instrument_version_id);
	});
});
