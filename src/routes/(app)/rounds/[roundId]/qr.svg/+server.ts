import { guardSharedRound, surveyQrSvg } from '$lib/server/surveys/sharing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { round, link } = await guardSharedRound(event);
	// The link inside the picture is a way into the survey, so it is never kept by a shared cache.
	const cacheControl = 'private, no-store';
	if (!link) {
		const why = round.status === 'draft' ? 'has not been opened yet' : 'has closed';
		return new Response(`This survey round ${why}, so there is no survey link to share.\n`, {
			status: 409,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': cacheControl }
		});
	}
	return new Response(surveyQrSvg(link.url), {
		headers: {
			'Content-Type': 'image/svg+xml; charset=utf-8',
			'Content-Disposition': `inline; filename="${link.qrFilename}"`,
			'Cache-Control': cacheControl,
			'X-Content-Type-Options': 'nosniff'
		}
	});
};
