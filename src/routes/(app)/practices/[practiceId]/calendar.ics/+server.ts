import { ukDate } from '$lib/dates';
import { guardPracticeRow, ROUND_MANAGERS } from '$lib/server/access';
import { practiceCalendarDownload } from '$lib/server/calendar/calendar-download';
import type { RequestHandler } from './$types';

/** The survey calendar page's rounds as an .ics file: guarded exactly as that page is. */
export const GET: RequestHandler = async (event) => {
	const { practice } = await guardPracticeRow(event, ROUND_MANAGERS);
	const { locals, url } = event;
	const download = await practiceCalendarDownload(locals.db, practice, {
		origin: locals.config.origin ?? url.origin,
		today: ukDate(),
		now: new Date()
	});
	return new Response(download.body, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `attachment; filename="${download.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
};
