import { recordAudit } from '$lib/server/platform/audit';
import { listReportScopes } from '$lib/server/results/instrument-report';
import { readReport } from './report.server';
import type { PageServerLoad } from './$types';

/** PCN leads, ICB leads and administrators, each on the scopes they may see (instrument-report.ts). */
export const load = (async (event) => {
	const { user, report } = await readReport(event);
	const [scopes] = await Promise.all([
		listReportScopes(event.locals.db, user),
		recordAudit(event.locals.db, user, {
			action: 'results_viewed',
			summary: `Viewed the instrument report of ${report.instrument.title} version ${report.instrument.version} for ${report.scope.name}`,
			pcnId: report.scope.kind === 'pcn' ? report.scope.id : null
		})
	]);
	return { report, scopes };
}) satisfies PageServerLoad;
