import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../src/lib/server/db/schema-builders';

const ROLES_BEFORE = `role in ('admin', 'pcn_lead', 'practice_manager', 'link_worker')`;
const ROLES_AFTER = `role in ('admin', 'icb_lead', 'pcn_lead', 'practice_manager', 'link_worker')`;

/**
 * ICB leads (issue 26): a fifth role, whose scope is one or more Integrated Care Boards, held in
 * user_icb as PCN leads' is in user_pcn. An ICB lead sees the PCNs now in those ICBs, so a PCN
 * that moves to another ICB moves out of the old lead's sight without touching this table.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await setRoleCheck(db, ROLES_BEFORE, ROLES_AFTER);
	await db.schema
		.createTable('user_icb')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
		.addColumn('icb_id', 'integer', (c) => c.notNull().references('icb.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('user_icb_pk', ['user_id', 'icb_id'])
		.execute();
	await db.schema.createIndex('user_icb_icb_idx').on('user_icb').column('icb_id').execute();
}

/** Back to four roles: ICB leads' accounts go with their scope (their sessions and links cascade). */
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('user_icb').execute();
	await db.deleteFrom('user_account').where('role', '=', 'icb_lead').execute();
	await setRoleCheck(db, ROLES_AFTER, ROLES_BEFORE);
}

/**
 * Replaces the check on user_account.role. PostgreSQL alters the named constraint. SQLite cannot
 * alter a check, so the table is rebuilt under the new one as its documentation lays out: with
 * foreign keys off (dropping the table would otherwise delete every session, scope and link that
 * refers to it), the same definition under a new name, every row copied, the old table dropped,
 * the new one renamed, its indexes made again, and the references checked before the commit.
 */
async function setRoleCheck(db: Kysely<any>, from: string, to: string): Promise<void> {
	if (!isSqlite(db)) {
		await sql`alter table user_account drop constraint user_account_role_check`.execute(db);
		await sql`alter table user_account add constraint user_account_role_check check (${sql.raw(to)})`.execute(db);
		return;
	}
	const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'user_account'`.execute(db);
	const definition = table.rows[0]?.sql ?? '';
	if (!definition.includes(from)) throw new Error('user_account.role does not have the check this migration expects');
	const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'user_account' and sql is not null`.execute(db);
	const next = definition.replace(/^CREATE TABLE\s+("user_account"|user_account)/i, 'CREATE TABLE "user_account_next"').replace(from, to);
	await sql`pragma foreign_keys = off`.execute(db);
	try {
		await db.transaction().execute(async (tx) => {
			await sql.raw(next).execute(tx);
			await sql`insert into user_account_next select * from user_account`.execute(tx);
			await sql`drop table user_account`.execute(tx);
			await sql`alter table user_account_next rename to user_account`.execute(tx);
			for (const index of indexes.rows) await sql.raw(index.sql).execute(tx);
			const broken = await sql`pragma foreign_key_check`.execute(tx);
			if (broken.rows.length) throw new Error('Rebuilding user_account left references without their row');
		});
	} finally {
		await sql`pragma foreign_keys = on`.execute(db);
	}
}
