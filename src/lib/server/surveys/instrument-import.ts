/**
 * Importing an instrument version into the library, and making a new version from edits
 * (issue 29). Both take an already-parsed, untrusted definition, so any source that yields one
 * (a JSON file, pasted JSON, or another file format turned into a definition first) goes through
 * the same checks: the schema (a licence is required), the owner, the retired item ids, and for a
 * link-worker version its pairing with a stored staff version. Nothing is stored on any problem.
 */
import { instrumentSchema, pairingProblems, type Instrument } from '../../npt/instrument';
import { diffInstruments } from '../../npt/instrument-diff';
import { applyInstrumentEdits, type InstrumentEdits } from '../../npt/instrument-edit';
import { summariseInstrument } from '../../npt/instrument-summary';
import { definitionFromItemBank } from '../../npt/instrument-formats/item-bank';
import type { FieldProblem } from '../../npt/submission';
import { recordAudit } from '../platform/audit';
import { refuse, refuseProblems, type Outcome } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { getInstrumentVersion, storeVersionIn } from './instruments';
import { getVersionRecord, managesOwner } from './instrument-library';

/** Who will own the instrument: the whole service, or one ICB. */
export type OwnerChoice = { kind: 'service' } | { kind: 'icb'; icbId: number };

export interface ImportCheck {
	instrument: Instrument;
	/** The newest stored version of the same instrument, when this is a new version of it. */
	previous: { versionId: number; instrument: Instrument } | null;
	/** For a link-worker version: the stored staff version it pairs with. */
	pairsWith: { versionId: number; title: string; version: string } | null;
}

export type ImportOutcome = Outcome<{ check: ImportCheck }>;

function describePath(path: PropertyKey[]): string {
	return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/** The schema's problems, each naming its field (e.g. "items[3].construct: …"), about `field` of the form. */
export function definitionProblems(definition: unknown, field: string): { instrument: Instrument } | { problems: FieldProblem[] } {
	const parsed = instrumentSchema.safeParse(definition);
	if (parsed.success) return { instrument: parsed.data };
	return {
		problems: parsed.error.issues.map((issue) => ({ field, message: `${describePath(issue.path) || '(top level)'}: ${issue.message}` }))
	};
}

/**
 * Checks a definition against the library without storing anything: the preview, and again inside
 * the transaction that stores it. `field` is the form field the definition's problems belong to.
 */
export async function checkInstrumentImport(
	db: DbOrTx,
	user: SignedInUser,
	definition: unknown,
	owner: OwnerChoice,
	field = 'definition'
): Promise<ImportOutcome> {
	if (user.role !== 'admin' && user.role !== 'icb_lead') return refuse(403, 'Only administrators and ICB leads import instruments.');
	const ownerIcbId = owner.kind === 'icb' ? owner.icbId : null;
	if (ownerIcbId !== null) {
		const icb = await db.selectFrom('icb').select('id').where('id', '=', ownerIcbId).executeTakeFirst();
		if (!icb || !managesOwner(user, ownerIcbId)) return refuse(403, 'You can import instruments only for your own ICBs.', 'owner');
	} else if (user.role !== 'admin') {
		return refuse(403, 'Only an administrator can import an instrument for the whole service. Choose your ICB.', 'owner');
	}
	const parsed = definitionProblems(definition, field);
	if ('problems' in parsed) return refuseProblems(400, parsed.problems);
	const instrument = parsed.instrument;

	const existing = await db
		.selectFrom('instrument as i')
		.leftJoin('icb', 'icb.id', 'i.owner_icb_id')
		.select(['i.id', 'i.owner_icb_id', 'icb.name as owner_name'])
		.where('i.key', '=', instrument.id)
		.where('i.audience', '=', instrument.audience)
		.executeTakeFirst();
	let previous: ImportCheck['previous'] = null;
	const problems: FieldProblem[] = [];
	if (existing) {
		const ownerName = existing.owner_icb_id === null ? 'the whole service' : (existing.owner_name ?? 'another ICB');
		if (!managesOwner(user, existing.owner_icb_id)) {
			return refuse(403, `An instrument with the id “${instrument.id}” already belongs to ${ownerName}. Only its owner can add versions; give yours another id.`, field);
		}
		if (existing.owner_icb_id !== ownerIcbId) {
			return refuse(400, `This is a new version of “${instrument.id}”, which belongs to ${ownerName}. A new version keeps its owner: choose ${ownerName}.`, 'owner');
		}
		const stored = await db
			.selectFrom('instrument_version')
			.select('id')
			.where('instrument_id', '=', existing.id)
			.where('version', '=', instrument.version)
			.executeTakeFirst();
		if (stored) {
			return refuse(409, `Version ${instrument.version} of “${instrument.id}” is already stored, and stored versions never change. Give this one a new version number.`, field);
		}
		const latest = await db
			.selectFrom('instrument_version')
			.select('id')
			.where('instrument_id', '=', existing.id)
			.orderBy('id', 'desc')
			.executeTakeFirst();
		const latestStored = latest && (await getInstrumentVersion(db, latest.id));
		if (latestStored) previous = { versionId: latestStored.versionId, instrument: latestStored.instrument };
		problems.push(...(await retiredIdProblems(db, existing.id, instrument, field)));
	}

	let pairsWith: ImportCheck['pairsWith'] = null;
	if (instrument.audience === 'link_worker') {
		const wanted = instrument.pairedWith;
		const staffRow = wanted
			? await db
					.selectFrom('instrument_version as v')
					.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
					.select(['v.id', 'i.title', 'v.version'])
					.where('i.key', '=', wanted.id)
					.where('i.audience', '=', 'staff')
					.where('v.version', '=', wanted.version)
					.executeTakeFirst()
			: undefined;
		if (!wanted) {
			problems.push({ field, message: 'pairedWith: a link-worker instrument must name the stored staff instrument (id and version) whose items it pairs with' });
		} else if (!staffRow) {
			problems.push({ field, message: `pairedWith: no staff instrument “${wanted.id}” version ${wanted.version} is stored; import the staff version first` });
		} else {
			const staff = await getInstrumentVersion(db, staffRow.id);
			if (staff) problems.push(...pairingProblems(staff.instrument, instrument).map((message) => ({ field, message })));
			pairsWith = { versionId: staffRow.id, title: staffRow.title, version: staffRow.version };
		}
	}
	if (problems.length) return refuseProblems(400, problems);
	return { ok: true, check: { instrument, previous, pairsWith } };
}

/**
 * An item id is never used again once retired, and never for another construct (docs/scoring.md §1:
 * answers point at items, so an id must always mean the same thing). Every id an instrument has
 * used is in instrument_item (and instrument_general_item), one row per version.
 */
async function retiredIdProblems(db: DbOrTx, instrumentId: number, instrument: Instrument, field: string): Promise<FieldProblem[]> {
	const versions = await db.selectFrom('instrument_version').select('id').where('instrument_id', '=', instrumentId).orderBy('id', 'desc').execute();
	const latestId = versions[0]?.id;
	if (latestId === undefined) return [];
	const ids = versions.map((v) => v.id);
	const [items, general] = await Promise.all([
		db.selectFrom('instrument_item').select(['instrument_version_id', 'item_key', 'construct']).where('instrument_version_id', 'in', ids).execute(),
		db.selectFrom('instrument_general_item').select(['instrument_version_id', 'item_key']).where('instrument_version_id', 'in', ids).execute()
	]);
	const problems: FieldProblem[] = [];
	const everConstruct = new Map(items.map((r) => [r.item_key, r.construct]));
	const current = new Set(items.filter((r) => r.instrument_version_id === latestId).map((r) => r.item_key));
	instrument.items.forEach((item, i) => {
		const earlier = everConstruct.get(item.id);
		if (earlier === undefined) return;
		if (!current.has(item.id)) {
			problems.push({ field, message: `items[${i}].id: “${item.id}” was retired in an earlier version, and a retired id is never used again; give this item a new id` });
		} else if (earlier !== item.construct) {
			problems.push({ field, message: `items[${i}].construct: “${item.id}” measured ${earlier} in earlier versions; an id never changes construct, so give this item a new id` });
		}
	});
	const everGeneral = new Set(general.map((r) => r.item_key));
	const currentGeneral = new Set(general.filter((r) => r.instrument_version_id === latestId).map((r) => r.item_key));
	instrument.generalItems.forEach((item, i) => {
		if (everGeneral.has(item.id) && !currentGeneral.has(item.id)) {
			problems.push({ field, message: `generalItems[${i}].id: “${item.id}” was retired in an earlier version, and a retired id is never used again` });
		}
	});
	const agreementIds = new Set(items.map((r) => r.item_key));
	instrument.generalItems.forEach((item, i) => {
		if (agreementIds.has(item.id)) problems.push({ field, message: `generalItems[${i}].id: “${item.id}” was a statement in an earlier version; give this general item a new id` });
	});
	instrument.items.forEach((item, i) => {
		if (everGeneral.has(item.id)) problems.push({ field, message: `items[${i}].id: “${item.id}” was a general item in an earlier version; give this statement a new id` });
	});
	return problems;
}

function isConstraintViolation(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const APPEARED = 'This version was stored by someone else a moment ago. Nothing was saved; open the library to see it.';

/** Checks the definition again and stores it as an imported version, audited; 409 if it appeared meanwhile. */
export async function importInstrumentVersion(
	db: Db,
	user: SignedInUser,
	definition: unknown,
	owner: OwnerChoice,
	now: Date = new Date()
): Promise<Outcome<{ versionId: number; check: ImportCheck }>> {
	try {
		return await db.transaction().execute(async (tx) => {
			const checked = await checkInstrumentImport(tx, user, definition, owner);
			if (!checked.ok) return checked;
			const { instrument } = checked.check;
			const stored = await storeVersionIn(tx, instrument, 'imported', now, {
				importedBy: user.id,
				ownerIcbId: owner.kind === 'icb' ? owner.icbId : null
			});
			if (!stored.created) return refuse(409, APPEARED);
			await recordAudit(
				tx,
				user,
				{ action: 'instrument_imported', summary: `Imported ${instrument.title} version ${instrument.version} (${instrument.audience}, id ${instrument.id}) as version ${stored.versionId}` },
				now
			);
			return { ok: true, versionId: stored.versionId, check: checked.check };
		});
	} catch (error) {
		if (isConstraintViolation(error)) return refuse(409, APPEARED);
		throw error;
	}
}

/** Problems found in an edit, by the edit form's field names. */
export type EditOutcome = Outcome<{ versionId: number }>;

/**
 * A new version from edits to a stored one: never a change to the stored one. The new version
 * keeps the instrument's owner, goes through every import check, and is offered to no practice
 * until its owner chooses (offering is decided after seeing what changed). `fieldOf` names the
 * form field a definition path belongs to, so problems link to the field to correct.
 */
export async function editIntoNewVersion(
	db: Db,
	user: SignedInUser,
	versionId: number,
	edits: InstrumentEdits,
	fieldOf: (path: PropertyKey[], definition: unknown) => string,
	now: Date = new Date()
): Promise<EditOutcome> {
	const record = await getVersionRecord(db, versionId);
	if (!record) return refuse(404, 'We could not find that instrument version.');
	const ownerIcbId = record.owner.kind === 'icb' ? record.owner.icbId : null;
	if (!managesOwner(user, ownerIcbId)) return refuse(403, 'Only the instrument’s owner can make a new version of it.');
	const definition = applyInstrumentEdits(record.instrument, edits);
	const parsed = instrumentSchema.safeParse(definition);
	if (!parsed.success) {
		return refuseProblems(
			400,
			parsed.error.issues.map((issue) => ({ field: fieldOf(issue.path, definition), message: `${describePath(issue.path) || '(top level)'}: ${issue.message}` }))
		);
	}
	const owner: OwnerChoice = ownerIcbId === null ? { kind: 'service' } : { kind: 'icb', icbId: ownerIcbId };
	try {
		return await db.transaction().execute(async (tx): Promise<EditOutcome> => {
			const checked = await checkInstrumentImport(tx, user, parsed.data, owner, 'form');
			if (!checked.ok) {
				return { ...checked, problems: checked.problems.map((p) => (p.message.startsWith('Version ') ? { ...p, field: 'version' } : p)) };
			}
			const stored = await storeVersionIn(tx, parsed.data, 'imported', now, { importedBy: user.id, ownerIcbId });
			if (!stored.created) return refuse(409, APPEARED);
			await recordAudit(
				tx,
				user,
				{ action: 'instrument_edited', summary: `Made ${parsed.data.title} version ${parsed.data.version} (${stored.versionId}) from version ${record.instrument.version} (${versionId})` },
				now
			);
			return { ok: true, versionId: stored.versionId };
		});
	} catch (error) {
		if (isConstraintViolation(error)) return refuse(409, APPEARED, 'version');
		throw error;
	}
}

/**
 * An editor that checks a file against docs/instrument.schema.json may have written a "$schema"
 * pointer into it. That says where the format is described, not what the instrument is, so it is
 * dropped; every other unknown field is still refused.
 */
function withoutSchemaPointer(json: unknown): unknown {
	if (typeof json !== 'object' || json === null || Array.isArray(json) || !('$schema' in json)) return json;
	const { $schema: _pointer, ...definition } = json as Record<string, unknown>;
	return definition;
}

/**
 * Text a person sends in: a JSON instrument file, or a CSV item bank with the details a
 * spreadsheet cannot hold (built by the form: instrument-item-bank.ts). `detailsField` names the
 * form field a details path such as "provenance.licence" belongs to.
 */
export type DefinitionSource =
	| { format: 'json'; text: string }
	| { format: 'item_bank'; text: string; details: unknown; detailsField: (path: string) => string };

/**
 * The untrusted definition a source holds. Every format ends in the same checks
 * (checkInstrumentImport); an item bank's problems name their row and column, or the form field
 * of the detail they are about.
 */
export function definitionFromSource(source: DefinitionSource, field: string): { ok: true; definition: unknown } | { ok: false; problems: FieldProblem[] } {
	switch (source.format) {
		case 'json': {
			let json: unknown;
			try {
				json = JSON.parse(source.text);
			} catch (cause) {
				return { ok: false, problems: [{ field, message: `The file is not valid JSON: ${(cause as Error).message}. Nothing was saved.` }] };
			}
			return { ok: true, definition: withoutSchemaPointer(json) };
		}
		case 'item_bank': {
			const built = definitionFromItemBank(source.text, source.details);
			if (built.ok) return { ok: true, definition: built.instrument };
			return {
				ok: false,
				problems: built.problems.map((message) => {
					if (/^(row \d+|item bank|items)\b/.test(message)) return { field, message };
					const path = /^([A-Za-z.[\]0-9]+): /.exec(message)?.[1] ?? '';
					return { field: source.detailsField(path), message };
				})
			};
		}
	}
}

/** What the preview shows: the version as people will read it, and what changes from the newest stored one. */
export function importPreviewOf(check: ImportCheck) {
	return {
		summary: summariseInstrument(check.instrument),
		previous: check.previous
			? { versionId: check.previous.versionId, version: check.previous.instrument.version, diff: diffInstruments(check.previous.instrument, check.instrument) }
			: null,
		pairsWith: check.pairsWith
	};
}
