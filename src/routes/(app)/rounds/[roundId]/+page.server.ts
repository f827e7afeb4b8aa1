import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { recordAudit } from '$lib/server/audit';
import { getRoundReport } from '$lib/server/results';
import { practiceOfRound } from '$lib/server/rounds';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	const { params, locals } = event;
	guard(event);
	const roundId = Number(params.roundId);
	const practiceId = Number.isSafeInteger(roundId) && roundId > 0 ? await practiceOfRound(locals.db, roundId) : undefined;
	if (practiceId === undefined) error(404, 'We could not find that survey round.');
	// Checked before any result is computed: out of scope reads exactly like "not there".
	const user = guard(event, { practiceId });
	const report = await getRoundReport(locals.db, roundId, locals.config, ukDate());
	if (!report) error(404, 'We could not find that survey round.');
	const { round, instrument, builtIn, outcome } = report;
	await recordAudit(locals.db, user, {
		action: 'results_viewed',
		summary: `Viewed results of round ${round.id} “${round.title}” at ${round.practice.name}`,
		practiceId
	});
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
