import { ukDate } from '$lib/dates';
import { surveyAvailability } from '$lib/npt/round-schedule';
import { guardRoundSharing, isShareable, qrFilename, surveyQrSvg, surveyUrl } from '$lib/server/surveys/sharing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { round } = await guardRoundSharing(event);
	const origin = event.locals.config.origin ?? event.url.origin;
	// The link inside the picture is a way into the survey, so it is never kept by a shared cache.
	const cacheControl = 'private, no-store';
	if (!isShareable(surveyAvailability(round, ukDate()))) {
		const why = round.status === 'draft' ? 'has not been opened yet' : 'has closed';
		return new Response(`This survey round ${why}, so there is no survey link to share.\n`, {
			status: 409,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': cacheControl }
		});
	}
	return new Response(surveyQrSvg(surveyUrl(origin, round.public_token)), {
		headers: {
			'Content-Type': 'image/svg+xml; charset=utf-8',
			'Content-Disposition': `inline; filename="${qrFilename(round)}"`,
			'Cache-Control': cacheControl,
			'X-Content-Type-Options': 'nosniff'
		}
	});
};
