import { loadLinkPage, setPasswordFromLink } from '$lib/server/accounts/link-pages';
import type { Actions, PageServerLoad } from './$types';

/** Public: the reset link itself is the key (see link-pages.ts). */
export const load = (async (event) => ({ reset: await loadLinkPage(event, 'password_reset') })) satisfies PageServerLoad;

export const actions = {
	default: (event) => setPasswordFromLink(event, 'password_reset', '/account?done=password-reset')
} satisfies Actions;
