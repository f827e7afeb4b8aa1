/**
 * Instrument versions stored as the first schema held them (migrations/20261122_01_core_schema),
 * for migration tests that go back before later columns existed: the current store writes those
 * columns, so it cannot run on such a database.
 */
import type { Kysely } from 'kysely';
import type { Instrument } from '../../src/lib/npt/instrument';
import { instrumentContentHash } from '../../src/lib/server/surveys/instrument-hash';

/** Stores the version with its items and general items; returns the version's id. */
export async function storeAsFirstSchema(db: Kysely<any>, instrument: Instrument, source: 'built_in' | 'imported'): Promise<number> {
	const owner =
		(await db.selectFrom('instrument').select('id').where('key', '=', instrument.id).where('audience', '=', instrument.audience).executeTakeFirst()) ??
		(await db
			.insertInto('instrument')
			.values({ key: instrument.id, audience: instrument.audience, title: instrument.title })
			.returning('id')
			.executeTakeFirstOrThrow());
	const version = await db
		.insertInto('instrument_version')
		.values({
			instrument_id: owner.id,
			version: instrument.version,
			definition: JSON.stringify(instrument),
			content_hash: instrumentContentHash(instrument),
			source,
			created_at: '2026-01-01T00:00:00.000Z'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await db
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
		await db
			.insertInto('instrument_general_item')
			.values(instrument.generalItems.map((item, position) => ({ instrument_version_id: version.id, item_key: item.id, position, text: item.text })))
			.execute();
	}
	return version.id;
}
