import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { viewInstrumentReport } from '$lib/server/results/instrument-report';
import { guardReport, REPORT_NOT_FOUND } from './report.server';
import type { PageServerLoad } from './$types';

/** PCN leads, ICB leads and administrators, each on the scopes they may see (instrument-report.ts). */
export const load = (async (event) => {
	const { user, versionId, scope } = guardReport(event);
	const view = await viewInstrumentReport(event.locals.db, user, versionId, scope, event.locals.config, ukDate());
	if (!view) error(404, REPORT_NOT_FOUND);
	return view;
}) satisfies PageServerLoad;
