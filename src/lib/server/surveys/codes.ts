/**
 * Optional single-use invitation codes (docs/scoring.md §6). Only a hash of each code is kept, with
 * a flag saying whether it has been used: nothing links a code to the response it unlocked.
 */
import { createHash, randomInt } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH, normaliseCode } from '../../npt/submission';
import type { DbOrTx } from '../db';

export function hashCode(code: string): string {
	return createHash('sha256').update(normaliseCode(code)).digest('hex');
}

function randomCode(): string {
	let code = '';
	for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
	return code;
}

/** "ABCD2345" → "ABCD-2345", easier to read from a printed slip. */
export function formatCode(code: string): string {
	return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Creates `count` new codes for a round and returns them; they cannot be shown again later. */
export async function issueCodes(db: DbOrTx, roundId: number, count: number): Promise<string[]> {
	const codes = new Set<string>();
	while (codes.size < count) codes.add(randomCode());
	await db
		.insertInto('round_code')
		.values([...codes].map((code) => ({ round_id: roundId, code_hash: hashCode(code) })))
		.execute();
	return [...codes].map(formatCode);
}

export type CodeUse = 'accepted' | 'already_used' | 'unknown';

/** Marks a code used if it is valid and unused. Call inside the transaction that stores the response. */
export async function useCode(db: DbOrTx, roundId: number, code: string): Promise<CodeUse> {
	const hash = hashCode(code);
	const updated = await db
		.updateTable('round_code')
		.set({ used: 1 })
		.where('round_id', '=', roundId)
		.where('code_hash', '=', hash)
		.where('used', '=', 0)
		.executeTakeFirst();
	if (Number(updated.numUpdatedRows) === 1) return 'accepted';
	const known = await db
		.selectFrom('round_code')
		.select('used')
		.where('round_id', '=', roundId)
		.where('code_hash', '=', hash)
		.executeTakeFirst();
	return known ? 'already_used' : 'unknown';
}

/** How many codes a round has and how many of them have unlocked a response: counts, never the codes. */
export async function countCodes(db: DbOrTx, roundId: number): Promise<{ issued: number; used: number }> {
	const row = await db
		.selectFrom('round_code')
		.select((eb) => [eb.fn.countAll<number>().as('issued'), eb.fn.sum<number | null>('used').as('used')])
		.where('round_id', '=', roundId)
		.executeTakeFirstOrThrow();
	return { issued: Number(row.issued), used: Number(row.used ?? 0) };
}
