import type { Kysely } from 'kysely';
import { BUILT_IN_INSTRUMENTS } from '../src/lib/npt/builtin';
import { instrumentContentHash } from '../src/lib/server/surveys/instrument-hash';

/**
 * Instrument files now carry their provenance (authors, citation, licence), their answer codes
 * and, for a link-worker version, the staff version it pairs with. The built-in versions stored
 * before had none of these: their stored definitions gain them here. Nothing that is measured
 * changes (items, wording, scoring and bands are as they were), so no answer or summary moves.
 */
export async function up(db: Kysely<any>): Promise<void> {
	for (const instrument of BUILT_IN_INSTRUMENTS) {
		const owner = await db
			.selectFrom('instrument')
			.select('id')
			.where('key', '=', instrument.id)
			.where('audience', '=', instrument.audience)
			.executeTakeFirst();
		if (!owner) continue;
		await db
			.updateTable('instrument_version')
			.set({ definition: JSON.stringify(instrument), content_hash: instrumentContentHash(instrument) })
			.where('source', '=', 'built_in')
			.where('version', '=', instrument.version)
			.where('instrument_id', '=', owner.id)
			.execute();
	}
}

/** The added fields are kept: a definition that has them still describes the same measurement. */
export async function down(): Promise<void> {}
