import { redirect } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard, ROUND_MANAGERS } from '$lib/server/access';
import { listPracticeIndex } from '$lib/server/home/practice-index';
import { pageSchema } from '$lib/server/platform/paging';
import type { PageServerLoad } from './$types';

/** The Calendar link of someone with several practices: each practice's survey calendar and next round. With one practice, its own calendar. */
export const load = (async (event) => {
	const user = guard(event, { roles: ROUND_MANAGERS });
	if (user.practiceIds.length === 1) redirect(303, `/practices/${user.practiceIds[0]}/calendar`);
	const page = pageSchema.parse(event.url.searchParams.get('page') ?? 1);
	return { practices: await listPracticeIndex(event.locals.db, user, 'calendar', ukDate(), page) };
}) satisfies PageServerLoad;
