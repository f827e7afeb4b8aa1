import { guard } from '$lib/server/access';
import { listPeopleFor } from '$lib/server/accounts/people-list';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const viewer = guard(event, { roles: ['admin', 'pcn_lead'] });
	const people = await listPeopleFor(event.locals.db, viewer);
	return {
		viewerRole: viewer.role,
		people: people.map((p) => ({
			id: p.id,
			displayName: p.displayName,
			email: p.email,
			roleName: p.roleName,
			scopeInWords: p.scopeInWords,
			status: p.status,
			statusName: p.statusName,
			invitationExpires: p.invitationExpires
		})),
		accessRemoved: event.url.searchParams.has('access-removed')
	};
}) satisfies PageServerLoad;
