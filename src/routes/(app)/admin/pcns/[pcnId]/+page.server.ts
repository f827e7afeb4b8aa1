import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { formFailure, readForm } from '$lib/server/platform/forms';
import { describeChanges, updatePcn } from '$lib/server/organisations/organisation-changes';
import { getPcn, listIcbs, listPractices } from '$lib/server/organisations/organisations';
import {
	idFromParam,
	idTextSchema,
	organisationNameSchema,
	organisationProblem,
	pcnOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
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
		try {
			await event.locals.db.transaction().execute(async (tx) => {
				const updated = await updatePcn(tx, pcn.id, form.data);
				const icb = updated.icb_id === pcn.icb_id ? pcn.icb : (await getPcn(tx, pcn.id))!.icb;
				const changes = describeChanges([
					['ODS code', pcn.ods_code, updated.ods_code],
					['name', pcn.name, updated.name],
					['ICB', pcn.icb.ods_code, icb.ods_code]
				]);
				if (!changes) return;
				await recordAudit(tx, user, {
					action: 'organisation_changed',
					summary: `Changed PCN ${pcn.ods_code}: ${changes}`,
					pcnId: pcn.id
				});
			});
		} catch (cause) {
			const problem = organisationProblem(cause);
			if (!problem) throw cause;
			return formFailure(400, [problem], form.values);
		}
		redirect(303, `/admin/pcns/${pcn.id}?saved`);
	}
} satisfies Actions;
