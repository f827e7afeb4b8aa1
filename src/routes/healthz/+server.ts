import { json } from '@sveltejs/kit';
import { pingDatabase } from '$lib/server/db';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	try {
		await pingDatabase(locals.db);
		return json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
	} catch {
		return json({ status: 'error', message: 'The database is not answering' }, { status: 503 });
	}
};
