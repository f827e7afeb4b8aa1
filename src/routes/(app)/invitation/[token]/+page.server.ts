import { loadLinkPage, setPasswordFromLink } from '$lib/server/accounts/link-pages';
import type { Actions, PageServerLoad } from './$types';

/** Public: the invitation link itself is the key (see link-pages.ts). */
export const load = (async (event) => ({
	invitation: await loadLinkPage(event, 'invitation'),
	sso: event.locals.config.sso ? { name: event.locals.config.sso.name } : null
})) satisfies PageServerLoad;

export const actions = {
	default: (event) => setPasswordFromLink(event, 'invitation', '/')
} satisfies Actions;
