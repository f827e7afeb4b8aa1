import { guard } from '$lib/server/access';
import { countOrganisations } from '$lib/server/organisations/organisations';
import { countAccounts } from '$lib/server/accounts/users';
import { outboxOverview } from '$lib/server/mail/outbox';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db } = event.locals;
	const [organisations, accounts, outbox] = await Promise.all([countOrganisations(db), countAccounts(db), outboxOverview(db)]);
	return { organisations, accounts, mail: { ...outbox.counts, description: event.locals.mail.description } };
}) satisfies PageServerLoad;
