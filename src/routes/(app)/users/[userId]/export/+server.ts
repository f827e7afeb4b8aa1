import { error } from '@sveltejs/kit';
import { guard } from '$lib/server/access';
import { downloadRoute } from '$lib/server/api/downloads';
import { exportAccount } from '$lib/server/accounts/account-export';
import { NOT_FOUND } from '$lib/server/accounts/people-rules';
import { idFromParam } from '$lib/server/platform/ids';
import type { RequestHandler } from './$types';

/** Everything held about one account, as JSON: administrators only (403 before any lookup; no token is an administrator's). */
export const GET: RequestHandler = downloadRoute(async (event) => {
	const admin = guard(event, { roles: ['admin'] });
	const userId = idFromParam(event.params.userId) ?? error(404, NOT_FOUND);
	const outcome = await exportAccount(event.locals.db, admin, userId);
	if (!outcome.ok) error(outcome.status, outcome.problems[0]!.message);
	return new Response(outcome.download.file, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${outcome.download.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
});
