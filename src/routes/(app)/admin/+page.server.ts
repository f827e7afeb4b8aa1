import { guard } from '$lib/server/access';
import { countOrganisations } from '$lib/server/organisations/organisations';
import { countAccounts } from '$lib/server/accounts/users';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db } = event.locals;
	const [organisations, accounts] = await Promise.all([countOrganisations(db), countAccounts(db)]);
	return { organisations, accounts };
}) satisfies PageServerLoad;
