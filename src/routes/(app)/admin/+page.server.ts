import { guard } from '$lib/server/access';
import type { DbOrTx } from '$lib/server/db';
import { countOrganisations } from '$lib/server/organisations';
import type { PageServerLoad } from './$types';

/** Accounts by state: in use, invited but not yet accepted, switched off. */
async function countAccounts(db: DbOrTx): Promise<{ active: number; invited: number; disabled: number }> {
	const rows = await db
		.selectFrom('user_account')
		.select((eb) => [
			eb
				.case()
				.when('disabled_at', 'is not', null)
				.then('disabled')
				.when('password_hash', 'is', null)
				.then('invited')
				.else('active')
				.end()
				.as('state'),
			eb.fn.countAll<number>().as('n')
		])
		.groupBy('state')
		.execute();
	const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
	return { active: count('active'), invited: count('invited'), disabled: count('disabled') };
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db } = event.locals;
	const [organisations, accounts] = await Promise.all([countOrganisations(db), countAccounts(db)]);
	return { organisations, accounts };
}) satisfies PageServerLoad;
