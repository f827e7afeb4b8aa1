/**
 * A person's scope as SQL: the ids of the PCNs and practices they may see, as subqueries over
 * their scope rows, so a query over a scope of any size binds one value (the user's id) rather
 * than one per PCN or practice. They read the same rows as the session's scope (signedInUserOf):
 * an ICB lead sees the PCNs now in their ICBs (and no practice's own pages), a PCN lead the
 * practices now in their PCNs, a practice manager or link worker the practices given to them,
 * an administrator none.
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db';
import type { Database } from '../db/schema';
import type { SignedInUser } from '../identity';

/** A query of PCN or practice ids, for `where(column, 'in', …)`. */
export type IdQuery = SelectQueryBuilder<Database, any, { id: number }>;

type Viewer = Pick<SignedInUser, 'id' | 'role'>;

/** A condition no row meets: a role whose scope is not made of these rows sees none of them. */
const NONE = sql<SqlBool>`1 = 0`;

/**
 * The condition that a `practice` row is in a person's scope: tested row by row against the
 * person's scope rows, so a query over a few practices costs a few lookups, whatever the scope.
 */
export function practiceInScope(db: DbOrTx, viewer: Viewer) {
	return (eb: ExpressionBuilder<Database, 'practice'>): Expression<SqlBool> => {
		if (viewer.role === 'admin' || viewer.role === 'icb_lead') return NONE;
		if (viewer.role === 'pcn_lead') return eb('practice.pcn_id', 'in', pcnsInScope(db, viewer));
		return eb('practice.id', 'in', db.selectFrom('user_practice').select('user_practice.practice_id').where('user_practice.user_id', '=', viewer.id));
	};
}

/** The practices a person may see. */
export function practicesInScope(db: DbOrTx, viewer: Viewer): IdQuery {
	return db.selectFrom('practice').select('practice.id as id').where(practiceInScope(db, viewer));
}

/** The PCNs a PCN lead leads, or those now in an ICB lead's ICBs; none for any other role. */
export function pcnsInScope(db: DbOrTx, viewer: Viewer): IdQuery {
	if (viewer.role === 'icb_lead') return db.selectFrom('pcn').select('pcn.id as id').where('pcn.icb_id', 'in', icbsInScope(db, viewer));
	const led = db.selectFrom('user_pcn').select('user_pcn.pcn_id as id').where('user_pcn.user_id', '=', viewer.id);
	return viewer.role === 'pcn_lead' ? led : led.where(NONE);
}

/** The ICBs an ICB lead oversees; none for any other role. */
export function icbsInScope(db: DbOrTx, viewer: Viewer): IdQuery {
	const overseen = db.selectFrom('user_icb').select('user_icb.icb_id as id').where('user_icb.user_id', '=', viewer.id);
	return viewer.role === 'icb_lead' ? overseen : overseen.where(NONE);
}

/** The practices now in one PCN. */
export function practicesOfPcn(db: DbOrTx, pcnId: number): IdQuery {
	return db.selectFrom('practice').select('practice.id as id').where('practice.pcn_id', '=', pcnId);
}

/** The practices now in one ICB's PCNs. */
export function practicesOfIcb(db: DbOrTx, icbId: number): IdQuery {
	return db.selectFrom('practice').innerJoin('pcn', 'pcn.id', 'practice.pcn_id').select('practice.id as id').where('pcn.icb_id', '=', icbId);
}

/** One practice, as a query. */
export function onePractice(db: DbOrTx, practiceId: number): IdQuery {
	return db.selectFrom('practice').select('practice.id as id').where('practice.id', '=', practiceId);
}
