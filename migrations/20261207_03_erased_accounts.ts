import type { Kysely } from 'kysely';

/**
 * An erased account (accounts/account-erasure.ts) stays as a row, because the practice's records
 * point at it (a flag's raiser, an assessment's link worker, an action's recorder) and some of
 * those references may not be empty. user_account.erased_at says the row is only that: its name
 * reads "A former user", it cannot sign in, it is left out of the people lists and nobody acts on it.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('user_account').addColumn('erased_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('user_account').dropColumn('erased_at').execute();
}
