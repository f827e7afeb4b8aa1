import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { changeIcb } from '$lib/server/organisations/organisation-admin';
import { getIcb, listPcns } from '$lib/server/organisations/organisations';
import { icbOdsCodeSchema, organisationNameSchema } from '$lib/server/organisations/organisation-forms';
import { idFromParam } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

async function icbOf(event: { locals: App.Locals; params: { icbId: string } }) {
	const id = idFromParam(event.params.icbId);
	const icb = id === undefined ? undefined : await getIcb(event.locals.db, id);
	if (!icb) error(404, 'We could not find that ICB.');
	return icb;
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const icb = await icbOf(event);
	return {
		icb,
		pcns: await listPcns(event.locals.db, icb.id),
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

const icbFormSchema = z.object({ odsCode: icbOdsCodeSchema, name: organisationNameSchema });

export const actions = {
	default: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const icb = await icbOf(event);
		const form = await readForm(event.request, icbFormSchema);
		if (!form.ok) return form.failure;
		const outcome = await changeIcb(event.locals.db, user, icb.id, form.data);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/admin/icbs/${icb.id}?saved`);
	}
} satisfies Actions;
