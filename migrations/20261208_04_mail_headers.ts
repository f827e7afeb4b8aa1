import type { Kysely } from 'kysely';

/**
 * mail_outbox.headers: the mail's own headers (Auto-Submitted, List-Unsubscribe), as a JSON object,
 * kept with the message so the worker that sends it later sends it as it was written.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('mail_outbox').addColumn('headers', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('mail_outbox').dropColumn('headers').execute();
}
