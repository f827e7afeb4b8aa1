/**
 * An ICB lead's home page: the ICBs they oversee, a page at a time, each with the PCNs now in it.
 * Only the page's ICBs and their PCNs are read, through the lead's scope rows in the database
 * (icbsInScope), so the page costs what a page of the lead's scope holds, never the country.
 */
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { icbsInScope } from '../accounts/scope';
import { readPage } from '../platform/paging';
import type { Page } from '../../views/paging';
import type { IcbOverview } from '../../views/overview';

/** ICBs on one page of the home page: an ICB holds about 30 PCNs, so a page holds a couple of hundred links. */
export const ICB_HOME_PAGE_SIZE = 5;

/** One page (counted from 1; past the last, the last) of the viewer's ICBs by name; none for any role but ICB lead. */
export async function listOverseenIcbs(db: DbOrTx, viewer: Pick<SignedInUser, 'id' | 'role'>, askedPage = 1): Promise<Page<IcbOverview>> {
	const overseen = db.selectFrom('icb').where('icb.id', 'in', icbsInScope(db, viewer));
	const { n } = await overseen.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return readPage(Number(n), askedPage, ICB_HOME_PAGE_SIZE, async (limit, offset) => {
		const icbs = await overseen.select(['icb.id', 'icb.ods_code', 'icb.name']).orderBy('icb.name').orderBy('icb.id').limit(limit).offset(offset).execute();
		if (icbs.length === 0) return [];
		// At most a page of ids.
		const pcns = await db
			.selectFrom('pcn')
			.leftJoin('practice', 'practice.pcn_id', 'pcn.id')
			.select(['pcn.id', 'pcn.ods_code', 'pcn.name', 'pcn.icb_id', (eb) => eb.fn.count<number>('practice.id').as('practice_count')])
			.where(
				'pcn.icb_id',
				'in',
				icbs.map((icb) => icb.id)
			)
			.groupBy(['pcn.id', 'pcn.ods_code', 'pcn.name', 'pcn.icb_id'])
			.orderBy('pcn.name')
			.orderBy('pcn.id')
			.execute();
		return icbs.map((icb) => ({
			id: icb.id,
			odsCode: icb.ods_code,
			name: icb.name,
			pcns: pcns
				.filter((pcn) => pcn.icb_id === icb.id)
				.map((pcn) => ({ id: pcn.id, odsCode: pcn.ods_code, name: pcn.name, practiceCount: Number(pcn.practice_count) }))
		}));
	});
}
