import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatDate, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { changePractice, movePractice } from '$lib/server/organisations/organisation-admin';
import { effectiveDateSchema, listPracticeMoves } from '$lib/server/organisations/practice-moves';
import { getPractice, listPcns } from '$lib/server/organisations/organisations';
import {
	organisationNameSchema,
	practiceOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
import { idFromParam, idTextSchema } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

async function practiceOf(event: { locals: App.Locals; params: { practiceId: string } }) {
	const id = idFromParam(event.params.practiceId);
	const practice = id === undefined ? undefined : await getPractice(event.locals.db, id);
	if (!practice) error(404, 'We could not find that practice.');
	return practice;
}

/** Where the practice could move: not where it is now, unless a planned move is to be overtaken. */
function moveOptions(currentPcnId: number | null, moveWaiting: boolean, pcns: Awaited<ReturnType<typeof listPcns>>) {
	const options = pcns.map((pcn) => ({ value: String(pcn.id), label: `${pcn.name} (${pcn.ods_code}), ${pcn.icb.name}` }));
	options.push({ value: 'none', label: 'Not in a PCN' });
	return moveWaiting ? options : options.filter((o) => o.value !== (currentPcnId === null ? 'none' : String(currentPcnId)));
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const practice = await practiceOf(event);
	const { db } = event.locals;
	const today = ukDate();
	const [pcns, moves] = await Promise.all([listPcns(db), listPracticeMoves(db, practice.id)]);
	return {
		practice,
		today,
		moveOptions: moveOptions(practice.pcn_id, moves.some((m) => !m.applied), pcns),
		moves: moves.map((move) => ({
			...move,
			recordedOn: formatDate(ukDate(new Date(move.recordedAt)))
		})),
		saved: event.url.searchParams.has('saved'),
		moved: event.url.searchParams.get('moved')
	};
}) satisfies PageServerLoad;

const detailsSchema = z.object({ odsCode: practiceOdsCodeSchema, name: organisationNameSchema });
const CHOOSE_PCN = 'Choose the PCN the practice moves to, or ‘Not in a PCN’';
const moveSchema = z.object({
	pcnId: z.union([z.literal('none').transform(() => null), idTextSchema(CHOOSE_PCN)], { error: CHOOSE_PCN }),
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
		const outcome = await movePractice(event.locals.db, user, practice.id, form.data, ukDate());
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/admin/practices/${practice.id}?moved=${outcome.appliedNow ? 'now' : 'later'}`);
	}
} satisfies Actions;
