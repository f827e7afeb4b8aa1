import { error, redirect } from '@sveltejs/kit';
import { CONSTRUCTS, CONSTRUCT_NAMES, SUB_CONSTRUCTS, constructOf, type SubConstruct } from '$lib/npt/constructs';
import { suggestNextVersion, type InstrumentEdits, type NewItem } from '$lib/npt/instrument-edit';
import { subConstructLabel } from '$lib/npt/instrument-summary';
import type { FieldProblem } from '$lib/npt/submission';
import { guard } from '$lib/server/access';
import { formFailure, readFields, refusalFailure } from '$lib/server/platform/forms';
import { idFromParam } from '$lib/server/platform/ids';
import { editIntoNewVersion } from '$lib/server/surveys/instrument-import';
import { getVersionRecord, instrumentVersionView, managesOwner, versionsOfSameInstrument, type VersionRecord } from '$lib/server/surveys/instrument-library';
import type { SignedInUser } from '$lib/server/identity';
import type { Actions, PageServerLoad } from './$types';

const EDITORS = ['admin', 'icb_lead'] as const;
/** How many new statements one edit may add. */
const NEW_ITEMS = 3;
const FORM_LIMIT = 256 * 1024;
const BAND_NAMES = ['fittingIn', 'belonging', 'belongingConstructMinimum'] as const;

async function editable(event: { locals: App.Locals; params: { versionId?: string } }, user: SignedInUser): Promise<{ versionId: number; record: VersionRecord }> {
	const versionId = idFromParam(event.params.versionId);
	const view = versionId === undefined ? undefined : await instrumentVersionView(event.locals.db, user, versionId);
	if (!view || versionId === undefined) error(404, 'We could not find that instrument version.');
	const record = (await getVersionRecord(event.locals.db, versionId))!;
	if (!managesOwner(user, record.owner.kind === 'icb' ? record.owner.icbId : null)) {
		error(403, 'Only the instrument’s owner can make a new version of it.');
	}
	return { versionId, record };
}

export const load = (async (event) => {
	const user = guard(event, { roles: EDITORS });
	const { versionId, record } = await editable(event, user);
	const siblings = await versionsOfSameInstrument(event.locals.db, record.instrumentId);
	const { instrument } = record;
	return {
		versionId,
		title: instrument.title,
		version: instrument.version,
		suggestedVersion: suggestNextVersion(instrument.version, siblings.map((s) => s.version)),
		items: instrument.items.map((i) => ({ id: i.id, construct: CONSTRUCT_NAMES[i.construct].name, text: i.text, help: i.help ?? '', reversed: i.reversed })),
		generalItems: instrument.generalItems,
		bands: instrument.bands,
		newItems: NEW_ITEMS,
		subConstructs: CONSTRUCTS.map((c) => ({
			construct: CONSTRUCT_NAMES[c].name,
			options: SUB_CONSTRUCTS[c].map((s) => ({ value: s, label: subConstructLabel(s) }))
		}))
	};
}) satisfies PageServerLoad;

/** The form field a problem with the new definition belongs to, so the summary links to it. */
function fieldOf(keptIds: Set<string>, keptCount: number) {
	return (path: PropertyKey[], definition: unknown): string => {
		const [top, index, key] = path;
		const def = definition as { items?: { id?: string }[]; generalItems?: { id?: string }[] };
		if (top === 'items' && typeof index === 'number') {
			const id = def.items?.[index]?.id;
			if (index < keptCount && id && keptIds.has(id)) return `item-${id}-${key === 'help' ? 'help' : 'text'}`;
			const k = index - keptCount;
			const part = key === 'construct' ? 'subConstruct' : typeof key === 'string' ? key : 'text';
			return `new-${k}-${['id', 'subConstruct', 'text', 'help'].includes(part) ? part : 'text'}`;
		}
		if (top === 'generalItems' && typeof index === 'number') {
			const id = def.generalItems?.[index]?.id;
			return id ? `general-${id}-${typeof key === 'string' && ['minLabel', 'maxLabel'].includes(key) ? key : 'text'}` : 'form';
		}
		if (top === 'bands' && typeof index === 'string') return `bands-${index}`;
		if (top === 'version') return 'version';
		return 'form';
	};
}

export const actions = {
	default: async (event) => {
		const user = guard(event, { roles: EDITORS });
		const { versionId, record } = await editable(event, user);
		// Every statement's wording and help in one form: an instrument of 100 statements needs more than the default.
		const read = await readFields(event.request, FORM_LIMIT);
		if (!read.ok) return read.failure;
		const fields = new Map<string, string>();
		for (const [name, value] of read.fields) if (!fields.has(name)) fields.set(name, value);
		const values = Object.fromEntries(fields);
		const text = (name: string) => fields.get(name) ?? '';
		const problems: FieldProblem[] = [];

		const items: Record<string, InstrumentEdits['items'][string]> = {};
		for (const item of record.instrument.items) {
			items[item.id] = {
				text: fields.has(`item-${item.id}-text`) ? text(`item-${item.id}-text`) : item.text,
				help: fields.has(`item-${item.id}-help`) ? text(`item-${item.id}-help`) : (item.help ?? ''),
				retire: fields.has(`item-${item.id}-retire`)
			};
		}
		const newItems: NewItem[] = [];
		for (let k = 0; k < NEW_ITEMS; k++) {
			const id = text(`new-${k}-id`).trim();
			const itemText = text(`new-${k}-text`);
			const sub = text(`new-${k}-subConstruct`);
			if (!id && !itemText.trim() && !sub) continue;
			const known = (CONSTRUCTS.flatMap((c) => SUB_CONSTRUCTS[c]) as readonly string[]).includes(sub);
			if (!known) {
				problems.push({ field: `new-${k}-subConstruct`, message: `New statement ${k + 1}: choose the sub-construct it measures` });
				continue;
			}
			newItems.push({
				id,
				construct: constructOf(sub as SubConstruct),
				subConstruct: sub,
				text: itemText,
				reversed: fields.has(`new-${k}-reversed`),
				help: text(`new-${k}-help`)
			});
		}
		const generalItems: Record<string, InstrumentEdits['generalItems'][string]> = {};
		for (const item of record.instrument.generalItems) {
			generalItems[item.id] = {
				text: fields.get(`general-${item.id}-text`) ?? item.text,
				minLabel: fields.get(`general-${item.id}-minLabel`) ?? item.minLabel,
				maxLabel: fields.get(`general-${item.id}-maxLabel`) ?? item.maxLabel
			};
		}
		const bands = { ...record.instrument.bands };
		for (const name of BAND_NAMES) {
			const raw = text(`bands-${name}`).trim();
			if (!fields.has(`bands-${name}`)) continue;
			const value = /^\d{1,2}(\.\d{1,2})?$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isFinite(value) || value > 10) problems.push({ field: `bands-${name}`, message: 'Enter a score from 0 to 10, for example 7.5' });
			else bands[name] = value;
		}
		const version = text('version').trim();
		if (!version) problems.push({ field: 'version', message: 'Enter the new version number, for example 1.1' });
		if (problems.length) return formFailure(400, problems, values);

		const kept = record.instrument.items.filter((item) => !items[item.id]!.retire);
		const outcome = await editIntoNewVersion(
			event.locals.db,
			user,
			versionId,
			{ version, items, newItems, generalItems, bands },
			fieldOf(new Set(kept.map((i) => i.id)), kept.length)
		);
		if (!outcome.ok) return refusalFailure(outcome, values, { notFoundInForm: false });
		redirect(303, `/instruments/${outcome.versionId}?imported`);
	}
} satisfies Actions;
