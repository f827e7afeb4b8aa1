import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { summariseInstrument } from '$lib/npt/instrument-summary';
import { guard } from '$lib/server/access';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { idFromParam } from '$lib/server/platform/ids';
import { instrumentVersionView, setAvailability } from '$lib/server/surveys/instrument-library';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const user = guard(event);
	const versionId = idFromParam(event.params.versionId);
	const view = versionId === undefined ? undefined : await instrumentVersionView(event.locals.db, user, versionId);
	if (!view || versionId === undefined) error(404, 'We could not find that instrument version.');
	const { record } = view;
	return {
		versionId,
		summary: summariseInstrument(record.instrument),
		source: record.source,
		createdAt: record.createdAt,
		importedBy: record.importedBy,
		owner: record.owner,
		offeredTo: record.offeredTo,
		roundsUsing: view.roundsUsing,
		otherVersions: view.otherVersions,
		canOffer: view.canOffer,
		canOfferEverywhere: view.canOfferEverywhere,
		canEdit: view.canEdit,
		icbChoices: view.icbChoices,
		imported: event.url.searchParams.has('imported'),
		offered: event.url.searchParams.has('offered')
	};
}) satisfies PageServerLoad;

const offerSchema = z.object({
	offeredTo: z.enum(['everywhere', 'icbs'], { error: 'Choose to whom it is offered' }),
	icbIds: z.array(z.string().regex(/^[1-9]\d{0,9}$/, 'Choose ICBs from the list').transform(Number)).max(200, 'Choose ICBs from the list')
});

export const actions = {
	offer: async (event) => {
		const user = guard(event, { roles: ['admin', 'icb_lead'] });
		const versionId = idFromParam(event.params.versionId);
		if (versionId === undefined) error(404, 'We could not find that instrument version.');
		const form = await readForm(event.request, offerSchema, { multiple: ['icbIds'] });
		if (!form.ok) return form.failure;
		const outcome = await setAvailability(event.locals.db, user, versionId, {
			everywhere: form.data.offeredTo === 'everywhere',
			icbIds: form.data.offeredTo === 'everywhere' ? [] : form.data.icbIds
		});
		if (!outcome.ok) return refusalFailure(outcome, form.values, { fields: { everywhere: 'offeredTo' } });
		redirect(303, `/instruments/${versionId}?offered`);
	}
} satisfies Actions;
