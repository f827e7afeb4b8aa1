/**
 * Single-use submission keys. Each survey page is sent with a fresh random key in a hidden
 * field; storing a response also stores the key's hash, in the same transaction, so the same
 * answers sent twice (a post whose answer was lost, a second tap, a browser retry) are
 * recognised and thanked instead of being stored again. The table keeps no link to a response
 * and is emptied as rounds close.
 */
import { createHash, randomFillSync } from 'node:crypto';
import type { DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';

/** The hidden field the survey page carries its key in. */
export const SUBMISSION_KEY_FIELD = 'submission';
const KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;

const KEY_BYTES = 16;
/** Random bytes drawn 256 keys at a time: one call into the system's generator costs more than the key. */
const pool = Buffer.alloc(KEY_BYTES * 256);
let used = pool.byteLength;

export function newSubmissionKey(): string {
	if (used === pool.byteLength) {
		randomFillSync(pool);
		used = 0;
	}
	used += KEY_BYTES;
	return pool.toString('base64url', used - KEY_BYTES, used);
}

/** The key from a survey post: undefined when there is none, null when it is malformed. */
export function submissionKeyOf(fields: readonly (readonly [string, string])[]): string | undefined | null {
	const sent = fields.filter(([name]) => name === SUBMISSION_KEY_FIELD);
	if (sent.length === 0) return undefined;
	return sent.length === 1 && KEY_PATTERN.test(sent[0]![1]) ? sent[0]![1] : null;
}

/** What is stored of a key, worked out once per post: its SHA-256. */
export const submissionKeyHash = (key: string) => createHash('sha256').update(key).digest('base64url');

const keyUse = preparedQuery<'keyHash' | 'roundId', { key_hash: string }>((db, slot) =>
	db
		.insertInto('survey_submission_key')
		.values({ key_hash: slot('keyHash'), round_id: slot('roundId') })
		.onConflict((oc) => oc.columns(['round_id', 'key_hash']).doNothing())
		.returning('key_hash')
);

/** Records the key (by its hash) inside the response's transaction; false when it was already used. */
export async function useSubmissionKey(tx: DbOrTx, roundId: number, keyHash: string): Promise<boolean> {
	return (await keyUse.execute(tx, { keyHash, roundId })).rows.length > 0;
}

/** Keys of rounds that take no more answers are of no further use. */
export async function forgetKeysOfClosedRounds(db: DbOrTx, today: string): Promise<number> {
	const deleted = await db
		.deleteFrom('survey_submission_key')
		.where('round_id', 'in', (eb) =>
			eb.selectFrom('round').select('id').where((w) => w.or([w('status', '=', 'closed'), w('closes_on', '<', today)]))
		)
		.executeTakeFirst();
	return Number(deleted.numDeletedRows);
}
