/**
 * 20261209_01_instrument_provenance: built-in instrument versions stored before instrument files
 * carried provenance, answer codes and pairing gain them, so they parse, equal the built-in files
 * and storing the built-ins at start-up no longer meets "already published with different content".
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import { parseInstrument, type Instrument } from '../../src/lib/npt/instrument';
import { MIGRATIONS, migrateDown, migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeAsFirstSchema } from '../helpers/stored-before';
import { ImmutableVersionError, storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { instrumentContentHash } from '../../src/lib/server/surveys/instrument-hash';
import { createEmptyTestDatabase, type TestDatabase } from '../helpers/database';
import { miniInstrument } from '../fixtures/instruments';

const MIGRATION = '20261209_01_instrument_provenance';

/**
 * A definition as the app parsed and stored it before this migration: the same object without the
 * fields the schema has gained since, in the schema's order (checked once against the old schema).
 */
function asBefore(instrument: Instrument): Instrument {
	const { provenance: _provenance, pairedWith: _pairedWith, answerScale: _answerScale, ...before } = instrument;
	return before as Instrument;
}

describe(`migration ${MIGRATION}`, () => {
	let t: TestDatabase | undefined;
	afterEach(async () => {
		await t?.close();
		t = undefined;
	});

	it('gives the built-in versions stored before it their provenance, answer codes and pairing, leaving imported versions as they were', async () => {
		t = await createEmptyTestDatabase();
		await migrateToLatest(t.db);
		// Back to 20261208_04_mail_headers, however many migrations come after this one by now.
		const later = Object.keys(MIGRATIONS).slice(Object.keys(MIGRATIONS).indexOf(MIGRATION));
		for (let i = 0; i < later.length; i++) await migrateDown(t.db);
		const applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(t.db)).rows.map((r) => r.name);
		expect(applied).not.toContain(MIGRATION);
		expect(applied).toContain('20261208_04_mail_headers');

		// Stored as storeInstrumentVersion stored them then: the definition is JSON.stringify of the
		// parsed object and its hash that text's SHA-256, items and general items beside it.
		const before = BUILT_IN_INSTRUMENTS.map(asBefore);
		for (const instrument of before) await storeAsFirstSchema(t.db, instrument, 'built_in');
		const importedBefore = asBefore(miniInstrument);
		await storeAsFirstSchema(t.db, importedBefore, 'imported');
		const stored = () =>
			t!.db
				.selectFrom('instrument_version')
				.innerJoin('instrument', 'instrument.id', 'instrument_version.instrument_id')
				.select(['instrument.key', 'instrument.audience', 'instrument_version.source', 'instrument_version.definition', 'instrument_version.content_hash'])
				.orderBy('instrument_version.id')
				.execute();
		const old = await stored();
		expect(old.map((r) => r.definition)).toEqual([...before, importedBefore].map((d) => JSON.stringify(d)));
		// Such a definition no longer parses as it is (no licence), and the start-up store is refused.
		expect(() => parseInstrument(JSON.parse(old[0]!.definition))).toThrow(/provenance/);
		await expect(storeBuiltInInstruments(t.db)).rejects.toThrow(ImmutableVersionError);

		expect(await migrateToLatest(t.db)).toEqual(later.map((name) => `applied ${name}`));
		const after = await stored();
		expect(after.map((r) => [r.key, r.audience, r.source])).toEqual([
			['belonging-npt', 'staff', 'built_in'],
			['belonging-npt', 'link_worker', 'built_in'],
			['mini', 'staff', 'imported']
		]);
		BUILT_IN_INSTRUMENTS.forEach((instrument, i) => {
			const parsed = parseInstrument(JSON.parse(after[i]!.definition), `version ${i}`);
			expect(parsed).toEqual(instrument);
			expect(after[i]!.content_hash).toBe(instrumentContentHash(instrument));
		});
		expect(JSON.parse(after[1]!.definition).pairedWith).toEqual({ id: 'belonging-npt', version: '1.0' });
		// An imported version is someone else's file: the migration does not touch it.
		expect(after[2]).toEqual(old[2]);
		await expect(storeBuiltInInstruments(t.db)).resolves.toBeUndefined();
		// The items stored beside the definitions are as they were: nothing measured changed.
		expect(await t.db.selectFrom('instrument_item').select('item_key').execute()).toHaveLength(
			BUILT_IN_INSTRUMENTS.reduce((n, i) => n + i.items.length, 0) + miniInstrument.items.length
		);
	});

	it('does nothing on a database with no instruments stored yet', async () => {
		t = await createEmptyTestDatabase();
		await migrateToLatest(t.db);
		expect(await t.db.selectFrom('instrument_version').select('id').execute()).toEqual([]);
		await storeBuiltInInstruments(t.db);
		expect(await t.db.selectFrom('instrument_version').select('id').execute()).toHaveLength(BUILT_IN_INSTRUMENTS.length);
	});
});
