import type { LayoutServerLoad } from './$types';

export const load = (async ({ locals }) => ({ demo: locals.config.demo })) satisfies LayoutServerLoad;
