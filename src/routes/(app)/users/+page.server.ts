import { z } from 'zod';
import { guard } from '$lib/server/access';
import { listPeopleFor } from '$lib/server/accounts/people-list';
import { visibleRoles } from '$lib/server/accounts/people-rules';
import { ROLE_NAMES, ROLES } from '$lib/server/identity';
import { pageSchema, searchSchema } from '$lib/server/platform/paging';
import type { PageServerLoad } from './$types';

/** A role to list only, from the address; anything else lists every role. */
const roleSchema = z.enum(ROLES).nullable().catch(null);

export const load = (async (event) => {
	const viewer = guard(event, { roles: ['admin', 'icb_lead', 'pcn_lead'] });
	const { searchParams } = event.url;
	const filter = {
		search: searchSchema.parse(searchParams.get('q') ?? ''),
		role: roleSchema.parse(searchParams.get('role')),
		page: pageSchema.parse(searchParams.get('page') ?? 1)
	};
	const people = await listPeopleFor(event.locals.db, viewer, new Date(), filter);
	return {
		viewerRole: viewer.role,
		filter: { search: filter.search, role: filter.role ?? '' },
		// Only the roles of people the viewer may see: an ICB lead sees PCN leads alone.
		roleOptions: visibleRoles(viewer).map((role) => ({ value: role, label: ROLE_NAMES[role] })),
		people: {
			...people,
			items: people.items.map((p) => ({
				id: p.id,
				displayName: p.displayName,
				email: p.email,
				roleName: p.roleName,
				scopeInWords: p.scopeInWords,
				status: p.status,
				statusName: p.statusName,
				invitationExpires: p.invitationExpires
			}))
		},
		accessRemoved: searchParams.has('access-removed')
	};
}) satisfies PageServerLoad;
