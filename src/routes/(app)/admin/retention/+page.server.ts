import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatDate, formatWhen, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { practiceOdsCodeSchema } from '$lib/server/organisations/organisation-forms';
import { idTextSchema } from '$lib/server/platform/ids';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { refuse } from '$lib/server/platform/outcome';
import { dueSoon, holdReasonSchema, listLegalHolds, placeLegalHold, releaseLegalHold } from '$lib/server/retention/legal-holds';
import { DUE_SOON_DAYS } from '$lib/server/retention/policy';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db, config } = event.locals;
	const today = ukDate();
	const [due, holds] = await Promise.all([dueSoon(db, config.retention, today), listLegalHolds(db)]);
	return {
		retention: config.retention,
		dueSoonDays: DUE_SOON_DAYS,
		until: formatDate(due.until),
		due: due.rounds.map((round) => ({
			...round,
			closedOn: formatDate(round.closedOn),
			commentsGoOn: round.commentsGoOn && formatDate(round.commentsGoOn),
			answersGoOn: round.answersGoOn && formatDate(round.answersGoOn),
			overdue: (round.commentsGoOn !== null && round.commentsGoOn <= today) || (round.answersGoOn !== null && round.answersGoOn <= today)
		})),
		moreRounds: due.moreRounds,
		auditEntries: due.auditEntries,
		holds: holds.map((hold) => ({
			...hold,
			placedAt: formatWhen(new Date(hold.placedAt)),
			releasedAt: hold.releasedAt && formatWhen(new Date(hold.releasedAt))
		})),
		done: event.url.searchParams.get('done')
	};
}) satisfies PageServerLoad;

const practiceHoldSchema = z.object({ odsCode: practiceOdsCodeSchema, reason: holdReasonSchema });
const roundHoldSchema = z.object({ roundId: idTextSchema('Choose a round to hold'), reason: holdReasonSchema });
const releaseSchema = z.object({
	holdId: idTextSchema('Choose a hold to release'),
	understood: z.literal('yes', { error: 'Tick the box to confirm: once released, anything overdue is deleted at the next run' })
});

export const actions = {
	holdPractice: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, practiceHoldSchema);
		if (!form.ok) return form.failure;
		const practice = await event.locals.db.selectFrom('practice').select('id').where('ods_code', '=', form.data.odsCode).executeTakeFirst();
		if (!practice) return refusalFailure(refuse(404, `No practice has the ODS code ${form.data.odsCode}.`, 'odsCode'), form.values, { notFoundInForm: true });
		const outcome = await placeLegalHold(event.locals.db, user, { practiceId: practice.id }, form.data.reason);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, '/admin/retention?done=placed#holds');
	},
	holdRound: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, roundHoldSchema);
		if (!form.ok) return form.failure;
		const outcome = await placeLegalHold(event.locals.db, user, { roundId: form.data.roundId }, form.data.reason);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, '/admin/retention?done=placed#holds');
	},
	release: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, releaseSchema);
		if (!form.ok) return form.failure;
		const outcome = await releaseLegalHold(event.locals.db, user, form.data.holdId);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, '/admin/retention?done=released#holds');
	}
} satisfies Actions;
