import { redirect } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { viewHome } from '$lib/server/home/home-page';
import { pageSchema } from '$lib/server/platform/paging';
import type { PageServerLoad } from './$types';

/**
 * The home page depends on who is signed in: visitors see what Belonging is and how to sign
 * in, admins go to administration (their home, with their own to-do list), ICB leads see their
 * ICBs and the PCNs in them (they open no practice's own pages), everyone else sees first what is
 * theirs to do and then the practices in their scope, a page of PCNs at a time.
 */
export const load = (async ({ locals, url }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	if (user.role === 'admin') redirect(303, '/admin');
	const page = pageSchema.parse(url.searchParams.get('page') ?? 1);
	return viewHome(locals.db, user, locals.config, ukDate(), new Date(), page);
}) satisfies PageServerLoad;
