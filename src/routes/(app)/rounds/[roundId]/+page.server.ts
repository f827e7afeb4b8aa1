import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { getRoundReport } from '$lib/server/results';
import type { PageServerLoad } from './$types';

export const load = (async ({ params, locals }) => {
	const roundId = Number(params.roundId);
	const report = Number.isSafeInteger(roundId) && roundId > 0
		? await getRoundReport(locals.db, roundId, locals.config, ukDate())
		: undefined;
	if (!report) error(404, 'We could not find that survey round.');
	const { round, instrument, builtIn, outcome } = report;
	return {
		round: {
			id: round.id,
			title: round.title,
			opensOn: round.opens_on,
			closesOn: round.closes_on,
			closedOn: round.closed_on,
			staffHeadcount: round.staff_headcount,
			practice: { odsCode: round.practice.ods_code, name: round.practice.name }
		},
		instrument,
		builtIn,
		outcome,
		minResponses: locals.config.minResponses
	};
}) satisfies PageServerLoad;
