import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { formFailure, readForm } from '$lib/server/platform/forms';
import { describeChanges, updateIcb } from '$lib/server/organisations/organisation-changes';
import { getIcb, listPcns } from '$lib/server/organisations/organisations';
import {
	icbOdsCodeSchema,
	idFromParam,
	organisationNameSchema,
	organisationProblem
} from '$lib/server/organisations/organisation-forms';
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
		try {
			await event.locals.db.transaction().execute(async (tx) => {
				const updated = await updateIcb(tx, icb.id, form.data);
				const changes = describeChanges([
					['ODS code', icb.ods_code, updated.ods_code],
					['name', icb.name, updated.name]
				]);
				if (!changes) return;
				await recordAudit(tx, user, {
					action: 'organisation_changed',
					summary: `Changed ICB ${icb.ods_code}: ${changes}`
				});
			});
		} catch (cause) {
			const problem = organisationProblem(cause);
			if (!problem) throw cause;
			return formFailure(400, [problem], form.values);
		}
		redirect(303, `/admin/icbs/${icb.id}?saved`);
	}
} satisfies Actions;
