import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { changePcn } from '$lib/server/organisations/organisation-admin';
import { getPcn, listIcbs, listPractices } from '$lib/server/organisations/organisations';
import {
	organisationNameSchema,
	pcnOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
import { idFromParam, idTextSchema } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

async function pcnOf(event: { locals: App.Locals; params: { pcnId: string } }) {
	const id = idFromParam(event.params.pcnId);
	const pcn = id === undefined ? undefined : await getPcn(event.locals.db, id);
	if (!pcn) error(404, 'We could not find that PCN.');
	return pcn;
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const pcn = await pcnOf(event);
	const { db } = event.locals;
	const [icbs, practices] = await Promise.all([listIcbs(db), listPractices(db, pcn.id)]);
	return {
		pcn,
		icbOptions: icbs.map((icb) => ({ value: String(icb.id), label: `${icb.name} (${icb.ods_code})` })),
		practices,
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

const pcnFormSchema = z.object({
	odsCode: pcnOdsCodeSchema,
	name: organisationNameSchema,
	icbId: idTextSchema('Choose the ICB the PCN is in')
});

export const actions = {
	default: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const pcn = await pcnOf(event);
		const form = await readForm(event.request, pcnFormSchema);
		if (!form.ok) return form.failure;
		const outcome = await changePcn(event.locals.db, user, pcn.id, form.data);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/admin/pcns/${pcn.id}?saved`);
	}
} satisfies Actions;
