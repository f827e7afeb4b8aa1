import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { formFailure, readForm, refusalFailure } from '$lib/server/platform/forms';
import { pageSchema, searchSchema } from '$lib/server/platform/paging';
import { addIcb, addPcn, addPractice } from '$lib/server/organisations/organisation-admin';
import { findPcnByOdsCode, getIcb, getOrganisationsOverview, getPcn, getPractice } from '$lib/server/organisations/organisations';
import {
	icbOdsCodeSchema,
	organisationNameSchema,
	pcnOdsCodeOrNoneSchema,
	pcnOdsCodeSchema,
	practiceOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
import { idFromParam, idTextSchema } from '$lib/server/platform/ids';
import type { Actions, PageServerLoad } from './$types';

type Added = { kind: 'icb' | 'pcn' | 'practice'; href: string; label: string };

async function addedNotice(event: Parameters<PageServerLoad>[0]): Promise<Added | null> {
	const { db } = event.locals;
	const kind = event.url.searchParams.get('added');
	const id = idFromParam(event.url.searchParams.get('id') ?? undefined);
	if (id === undefined) return null;
	if (kind === 'icb') {
		const icb = await getIcb(db, id);
		return icb ? { kind, href: `/admin/icbs/${id}`, label: `${icb.name} (${icb.ods_code})` } : null;
	}
	if (kind === 'pcn') {
		const pcn = await getPcn(db, id);
		return pcn ? { kind, href: `/admin/pcns/${id}`, label: `${pcn.name} (${pcn.ods_code})` } : null;
	}
	if (kind === 'practice') {
		const practice = await getPractice(db, id);
		return practice ? { kind, href: `/admin/practices/${id}`, label: `${practice.name} (${practice.ods_code})` } : null;
	}
	return null;
}

function importedNotice(params: URLSearchParams): { practices: number; pcns: number } | null {
	const practices = idFromParam(params.get('imported') ?? undefined);
	if (practices === undefined) return null;
	return { practices, pcns: Number(/^\d{1,6}$/.exec(params.get('pcns') ?? '')?.[0] ?? 0) };
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { searchParams } = event.url;
	const overview = await getOrganisationsOverview(
		event.locals.db,
		searchSchema.parse(searchParams.get('q') ?? ''),
		pageSchema.parse(searchParams.get('page') ?? 1)
	);
	return {
		overview,
		icbOptions: overview.icbs.map((icb) => ({ value: String(icb.id), label: `${icb.name} (${icb.ods_code})` })),
		added: await addedNotice(event),
		imported: importedNotice(searchParams)
	};
}) satisfies PageServerLoad;

const addIcbSchema = z.object({ icbOdsCode: icbOdsCodeSchema, icbName: organisationNameSchema });
const addPcnSchema = z.object({
	pcnOdsCode: pcnOdsCodeSchema,
	pcnName: organisationNameSchema,
	pcnIcbId: idTextSchema('Choose the ICB the PCN is in')
});
const addPracticeSchema = z.object({
	practiceOdsCode: practiceOdsCodeSchema,
	practiceName: organisationNameSchema,
	practicePcnOdsCode: pcnOdsCodeOrNoneSchema('', 'Enter the ODS code of the practice’s PCN, U and five digits like U12345, or leave it empty')
});

export const actions = {
	addIcb: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, addIcbSchema);
		if (!form.ok) return form.failure;
		const outcome = await addIcb(event.locals.db, user, { odsCode: form.data.icbOdsCode, name: form.data.icbName });
		if (!outcome.ok) return refusalFailure(outcome, form.values, { fields: { odsCode: 'icbOdsCode' } });
		redirect(303, `/admin/organisations?added=icb&id=${outcome.icb.id}`);
	},

	addPcn: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, addPcnSchema);
		if (!form.ok) return form.failure;
		const { pcnOdsCode, pcnName, pcnIcbId } = form.data;
		const outcome = await addPcn(event.locals.db, user, { odsCode: pcnOdsCode, name: pcnName, icbId: pcnIcbId });
		if (!outcome.ok) return refusalFailure(outcome, form.values, { fields: { odsCode: 'pcnOdsCode', icbId: 'pcnIcbId' } });
		redirect(303, `/admin/organisations?added=pcn&id=${outcome.pcn.id}`);
	},

	addPractice: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(event.request, addPracticeSchema);
		if (!form.ok) return form.failure;
		const { practiceOdsCode, practiceName, practicePcnOdsCode } = form.data;
		const pcn = practicePcnOdsCode === null ? null : await findPcnByOdsCode(event.locals.db, practicePcnOdsCode);
		if (pcn === undefined) {
			return formFailure(400, [{ field: 'practicePcnOdsCode', message: `No PCN has the ODS code ${practicePcnOdsCode}` }], form.values);
		}
		const outcome = await addPractice(event.locals.db, user, { odsCode: practiceOdsCode, name: practiceName, pcnId: pcn?.id ?? null });
		if (!outcome.ok) return refusalFailure(outcome, form.values, { fields: { odsCode: 'practiceOdsCode', pcnId: 'practicePcnOdsCode' } });
		redirect(303, `/admin/organisations?added=practice&id=${outcome.practice.id}`);
	}
} satisfies Actions;
