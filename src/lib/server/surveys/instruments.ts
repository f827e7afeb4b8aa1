/** Instrument versions in the database: stored once, never changed (docs/scoring.md §1). */
import { BUILT_IN_INSTRUMENTS } from '../../npt/builtin';
import { parseInstrument, type Audience, type Instrument } from '../../npt/instrument';
import { databaseIdentity, type Db, type DbOrTx } from '../db';
import { instrumentContentHash } from './instrument-hash';

export class ImmutableVersionError extends Error {
	name = 'ImmutableVersionError';
}

/** Who imported a version, who owns a new instrument, and to whom the version is offered at first. */
export interface ImportDetails {
	importedBy: number;
	/** The ICB that owns the instrument when it is new; null for the whole service. */
	ownerIcbId: number | null;
}

/**
 * Stores an instrument version unless it is already there, returning its id. The same id and
 * version with different content is refused: editing an instrument means a new version.
 */
export async function storeInstrumentVersion(
	db: Db,
	instrument: Instrument,
	source: 'built_in' | 'imported',
	now: Date = new Date()
): Promise<number> {
	return db.transaction().execute(async (tx) => (await storeVersionIn(tx, instrument, source, now)).versionId);
}

/**
 * storeInstrumentVersion inside the caller's transaction, saying whether it stored a new version.
 * An imported version (with `details`) is offered to no practice until its owner chooses; a
 * built-in one is offered everywhere.
 */
export async function storeVersionIn(
	tx: DbOrTx,
	instrument: Instrument,
	source: 'built_in' | 'imported',
	now: Date = new Date(),
	details?: ImportDetails
): Promise<{ versionId: number; created: boolean }> {
	const hash = instrumentContentHash(instrument);
	let instrumentRow = await tx
		.selectFrom('instrument')
		.select('id')
		.where('key', '=', instrument.id)
		.where('audience', '=', instrument.audience)
		.executeTakeFirst();
	instrumentRow ??= await tx
		.insertInto('instrument')
		.values({ key: instrument.id, audience: instrument.audience, title: instrument.title, owner_icb_id: details?.ownerIcbId ?? null })
		.returning('id')
		.executeTakeFirstOrThrow();

	const existing = await tx
		.selectFrom('instrument_version')
		.select(['id', 'content_hash'])
		.where('instrument_id', '=', instrumentRow.id)
		.where('version', '=', instrument.version)
		.executeTakeFirst();
	if (existing) {
		if (existing.content_hash !== hash) {
			throw new ImmutableVersionError(
				`Instrument "${instrument.id}" (${instrument.audience}) version ${instrument.version} is already published with different content. ` +
					'Published versions never change: give the edited definition a new version number.'
			);
		}
		return { versionId: existing.id, created: false };
	}

	const version = await tx
		.insertInto('instrument_version')
		.values({
			instrument_id: instrumentRow.id,
			version: instrument.version,
			definition: JSON.stringify(instrument),
			content_hash: hash,
			source,
			created_at: now.toISOString(),
			imported_by_user_id: details?.importedBy ?? null,
			offered_to: details ? 'icbs' : 'everywhere'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await tx
		.insertInto('instrument_item')
		.values(
			instrument.items.map((item, position) => ({
				instrument_version_id: version.id,
				item_key: item.id,
				position,
				construct: item.construct,
				sub_construct: item.subConstruct,
				reversed: item.reversed ? 1 : 0,
				text: item.text
			}))
		)
		.execute();
	if (instrument.generalItems.length > 0) {
		await tx
			.insertInto('instrument_general_item')
			.values(
				instrument.generalItems.map((item, position) => ({
					instrument_version_id: version.id,
					item_key: item.id,
					position,
					text: item.text
				}))
			)
			.execute();
	}
	return { versionId: version.id, created: true };
}

export async function storeBuiltInInstruments(db: Db): Promise<void> {
	for (const instrument of BUILT_IN_INSTRUMENTS) await storeInstrumentVersion(db, instrument, 'built_in');
}

export interface StoredInstrument {
	versionId: number;
	source: 'built_in' | 'imported';
	instrument: Instrument;
}

export async function getInstrumentVersion(db: DbOrTx, versionId: number): Promise<StoredInstrument | undefined> {
	const row = await db
		.selectFrom('instrument_version')
		.select(['id', 'definition', 'source'])
		.where('id', '=', versionId)
		.executeTakeFirst();
	if (!row) return undefined;
	return {
		versionId: row.id,
		source: row.source,
		instrument: parseInstrument(JSON.parse(row.definition), `version ${row.id}`)
	};
}

/** The stored version id of an instrument definition (built in or imported earlier). */
export async function versionIdOf(db: DbOrTx, instrument: Instrument): Promise<number | undefined> {
	const row = await db
		.selectFrom('instrument_version')
		.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
		.select('instrument_version.id')
		.where('instrument.key', '=', instrument.id)
		.where('instrument.audience', '=', instrument.audience)
		.where('instrument_version.version', '=', instrument.version)
		.executeTakeFirst();
	return row?.id;
}

/** Database ids of a version's items, by the item ids the definition uses. */
export interface ItemIds {
	agreement: Map<string, number>;
	general: Map<string, number>;
}

// The same holds for a version's item ids, which every stored answer needs.
const itemIdCache = new WeakMap<object, Map<number, ItemIds>>();

/** Database ids of a version's items, by the item ids the definition uses; read once per database. */
export async function itemIdsOf(db: DbOrTx, versionId: number): Promise<ItemIds> {
	const key = databaseIdentity(db);
	let cache = itemIdCache.get(key);
	if (!cache) itemIdCache.set(key, (cache = new Map()));
	let ids = cache.get(versionId);
	if (!ids) cache.set(versionId, (ids = await readItemIds(db, versionId)));
	return ids;
}

async function readItemIds(db: DbOrTx, versionId: number): Promise<ItemIds> {
	const [items, general] = await Promise.all([
		db
			.selectFrom('instrument_item')
			.select(['id', 'item_key'])
			.where('instrument_version_id', '=', versionId)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('instrument_general_item')
			.select(['id', 'item_key'])
			.where('instrument_version_id', '=', versionId)
			.orderBy('position')
			.execute()
	]);
	return {
		agreement: new Map(items.map((i) => [i.item_key, i.id])),
		general: new Map(general.map((i) => [i.item_key, i.id]))
	};
}

export interface InstrumentVersionChoice {
	versionId: number;
	title: string;
	version: string;
	source: 'built_in' | 'imported';
}

/** The stored versions for one audience, newest first: what a new round may use. */
export async function listInstrumentVersions(db: DbOrTx, audience: Audience): Promise<InstrumentVersionChoice[]> {
	const rows = await db
		.selectFrom('instrument_version')
		.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
		.select(['instrument_version.id', 'instrument.title', 'instrument_version.version', 'instrument_version.source'])
		.where('instrument.audience', '=', audience)
		.orderBy('instrument_version.id', 'desc')
		.execute();
	return rows.map((r) => ({ versionId: r.id, title: r.title, version: r.version, source: r.source }));
}

// Instrument versions never change once stored, so each database parses each version once.
const instrumentCache = new WeakMap<object, Map<number, StoredInstrument>>();

/** The stored versions of the given ids, with where each came from, by version id. */
export async function storedInstrumentsOf(db: DbOrTx, versionIds: Iterable<number>): Promise<Map<number, StoredInstrument>> {
	const key = databaseIdentity(db);
	let cache = instrumentCache.get(key);
	if (!cache) instrumentCache.set(key, (cache = new Map()));
	for (const id of new Set(versionIds)) {
		if (cache.has(id)) continue;
		const stored = await getInstrumentVersion(db, id);
		if (!stored) throw new Error(`A round points at missing instrument version ${id}`);
		cache.set(id, stored);
	}
	return cache;
}

/** The instruments of the given versions, by version id. */
export async function instrumentsOf(db: DbOrTx, versionIds: Iterable<number>): Promise<Map<number, Instrument>> {
	const ids = [...new Set(versionIds)];
	const stored = await storedInstrumentsOf(db, ids);
	return new Map(ids.map((id) => [id, stored.get(id)!.instrument]));
}
