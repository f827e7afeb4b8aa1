import { guard } from '$lib/server/access';
import { EXAMPLE_CSV } from '$lib/server/organisations/import-csv';
import type { RequestHandler } from './$types';

/** With a byte-order mark, so Excel opens it as UTF-8. */
export const GET = ((event) => {
	guard(event, { roles: ['admin'] });
	return new Response(`\uFEFF${EXAMPLE_CSV}\r\n`, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': 'attachment; filename="belonging-practices-example.csv"'
		}
	});
}) satisfies RequestHandler;
