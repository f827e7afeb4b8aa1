import { redirect } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard, RESULT_READERS } from '$lib/server/access';
import { listPracticeIndex } from '$lib/server/home/practice-index';
import { pageSchema } from '$lib/server/platform/paging';
import type { PageServerLoad } from './$types';

/** The Flags link of someone with several practices: each practice's flags as they see them. With one practice, its own flags page. */
export const load = (async (event) => {
	const user = guard(event, { roles: RESULT_READERS });
	if (user.practiceIds.length === 1) redirect(303, `/practices/${user.practiceIds[0]}/flags`);
	const page = pageSchema.parse(event.url.searchParams.get('page') ?? 1);
	return { practices: await listPracticeIndex(event.locals.db, user, 'flags', ukDate(), page) };
}) satisfies PageServerLoad;
