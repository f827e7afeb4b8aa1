import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { parseInstrument } from '../../src/lib/npt/instrument';
import {
	ImmutableVersionError,
	getInstrumentVersion,
	itemIdsOf,
	storeBuiltInInstruments,
	storeInstrumentVersion,
	versionIdOf
} from '../../src/lib/server/surveys/instruments';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

describe('stored instrument versions', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('stores the built-in staff and link worker versions once, with every item', async () => {
		await storeBuiltInInstruments(t.db);
		const versions = await t.db.selectFrom('instrument_version').select(['id', 'source']).execute();
		expect(versions).toHaveLength(2);
		const staffId = (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!;
		const ids = await itemIdsOf(t.db, staffId);
		expect([...ids.agreement.keys()]).toEqual(DEFAULT_STAFF_INSTRUMENT.items.map((i) => i.id));
		expect([...ids.general.keys()]).toEqual(['G1', 'G2', 'G3']);
		const stored = await getInstrumentVersion(t.db, staffId);
		expect(stored?.instrument).toEqual(DEFAULT_STAFF_INSTRUMENT);
		expect(stored?.source).toBe('built_in');
	});

	it('refuses to change a published version; a new version number is stored beside it', async () => {
		const edited = parseInstrument({
			...DEFAULT_STAFF_INSTRUMENT,
			items: DEFAULT_STAFF_INSTRUMENT.items.map((item, i) => (i === 0 ? { ...item, text: 'Changed wording.' } : item))
		});
		await expect(storeInstrumentVersion(t.db, edited, 'imported')).rejects.toThrow(ImmutableVersionError);
		const newId = await storeInstrumentVersion(t.db, { ...edited, version: '1.1' }, 'imported');
		const oldId = await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT);
		expect(newId).not.toBe(oldId);
		expect((await getInstrumentVersion(t.db, oldId!))!.instrument.items[0]!.text).toBe(
			DEFAULT_STAFF_INSTRUMENT.items[0]!.text
		);
	});
});
