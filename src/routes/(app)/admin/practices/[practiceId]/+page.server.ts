import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatDate, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { formFailure, readForm, refusalFailure } from '$lib/server/platform/forms';
import { changePractice, movePractice } from '$lib/server/organisations/organisation-admin';
import { effectiveDateSchema, listPracticeMoves } from '$lib/server/organisations/practice-moves';
import { findPcnByOdsCode, getPractice } from '$lib/server/organisations/organisations';
import {
	organisationNameSchema,
	pcnOdsCodeOrNoneSchema,
	practiceOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
import { idFromParam } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

async function practiceOf(event: { locals: App.Locals; params: { practiceId: string } }) {
	const id = idFromParam(event.params.practiceId);
	const practice = id === undefined ? undefined : await getPractice(event.locals.db, id);
	if (!practice) error(404, 'We could not find that practice.');
	return practice;
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const practice = await practiceOf(event);
	const { db } = event.locals;
	const today = ukDate();
	const moves = await listPracticeMoves(db, practice.id);
	return {
		practice,
		today,
		moves: moves.map((move) => ({
			...move,
			recordedOn: formatDate(ukDate(new Date(move.recordedAt)))
		})),
		saved: event.url.searchParams.has('saved'),
		moved: event.url.searchParams.get('moved')
	};
}) satisfies PageServerLoad;

const detailsSchema = z.object({ odsCode: practiceOdsCodeSchema, name: organisationNameSchema });
const CHOOSE_PCN = 'Enter the ODS code of the PCN the practice moves to, U and five digits like U12345, or ‘none’ to take it out of any PCN';
const moveSchema = z.object({
	pcnOdsCode: pcnOdsCodeOrNoneSchema('none', CHOOSE_PCN),
	effectiveOn: effectiveDateSchema
});

export const actions = {
	save: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const practice = await practiceOf(event);
		const form = await readForm(event.request, detailsSchema);
		if (!form.ok) return form.failure;
		const outcome = await changePractice(event.locals.db, user, practice.id, form.data);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/admin/practices/${practice.id}?saved`);
	},

	move: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const practice = await practiceOf(event);
		const form = await readForm(event.request, moveSchema);
		if (!form.ok) return form.failure;
		const { pcnOdsCode, effectiveOn } = form.data;
		const pcn = pcnOdsCode === null ? null : await findPcnByOdsCode(event.locals.db, pcnOdsCode);
		if (pcn === undefined) return formFailure(400, [{ field: 'pcnOdsCode', message: `No PCN has the ODS code ${pcnOdsCode}` }], form.values);
		const outcome = await movePractice(event.locals.db, user, practice.id, { pcnId: pcn?.id ?? null, effectiveOn }, ukDate());
		if (!outcome.ok) return refusalFailure(outcome, form.values, { fields: { pcnId: 'pcnOdsCode' } });
		redirect(303, `/admin/practices/${practice.id}?moved=${outcome.appliedNow ? 'now' : 'later'}`);
	}
} satisfies Actions;
