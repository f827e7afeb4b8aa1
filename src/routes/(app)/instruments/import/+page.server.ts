import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { formFailure, readForm, refusalFailure } from '$lib/server/platform/forms';
import type { SignedInUser } from '$lib/server/identity';
import { parseId } from '$lib/server/platform/ids';
import type { Refusal } from '$lib/server/platform/outcome';
import { icbChoicesFor } from '$lib/server/surveys/instrument-library';
import {
	INSTRUMENT_FORM_LIMIT,
	MAX_INSTRUMENT_FILE_BYTES,
	fieldOf,
	pastedToKeep,
	readInstrumentForm,
	uploadedText,
	type UploadWording
} from '$lib/server/surveys/instrument-upload';
import {
	definitionFromItemBankForm,
	itemBankBaseChoices,
	itemBankImportProblems,
	type ItemBankDetailsForm
} from '$lib/server/surveys/instrument-item-bank';
import {
	checkInstrumentImport,
	definitionFromSource,
	importInstrumentVersion,
	importPreviewOf,
	type OwnerChoice
} from '$lib/server/surveys/instrument-import';
import type { Actions, PageServerLoad } from './$types';

const IMPORTERS = ['admin', 'icb_lead'] as const;
const TOO_BIG = 'The instrument file is larger than 256 KB. An instrument file is usually a few KB: check that you chose the right file. Nothing was saved.';
const JSON_UPLOAD: UploadWording = {
	fileField: 'file',
	textField: 'text',
	tooBig: TOO_BIG,
	both: 'Choose a file or paste the JSON, not both.',
	neither: 'Choose an instrument file, or paste its JSON into the box.',
	notText: 'The file is not text saved as UTF-8. Choose the instrument’s .json file.'
};

export const load = (async (event) => {
	const user = guard(event, { roles: IMPORTERS });
	const [owners, bases] = await Promise.all([ownerChoices(event.locals.db, user), itemBankBaseChoices(event.locals.db, user)]);
	return { owners, bases, maxSize: '256 KB' };
}) satisfies PageServerLoad;

async function ownerChoices(db: App.Locals['db'], user: SignedInUser) {
	const icbs = await icbChoicesFor(db, user);
	return [
		...(user.role === 'admin' ? [{ value: 'service', label: 'The whole service' }] : []),
		...icbs.map((icb) => ({ value: `icb-${icb.id}`, label: icb.name }))
	];
}

/** "service" or "icb-<id>"; anything else is not a choice. */
function ownerFrom(value: string | undefined): OwnerChoice | undefined {
	if (value === 'service') return { kind: 'service' };
	// parseId: an id beyond PostgreSQL's integer is no ICB, never an overflow in the query.
	const icbId = parseId(/^icb-(.*)$/.exec(value ?? '')?.[1]);
	return icbId === undefined ? undefined : { kind: 'icb', icbId };
}

const OWNER_MESSAGE = 'Choose who will own this instrument';

function refused(refusal: Refusal, values: Record<string, string>) {
	// A refusal about scope (403) is shown on the form: the importer chose the owner themselves.
	if (refusal.status === 403 || refusal.status === 409) return formFailure(refusal.status, refusal.problems, values);
	return refusalFailure(refusal, values);
}

/** The item-bank form's fields: each is `bank-<name>` on the page, so the two forms' ids never clash. */
const BANK_FIELDS = ['id', 'version', 'title', 'language', 'audience', 'authors', 'citation', 'licence', 'doi', 'licenceUrl', 'derivedFrom', 'baseVersionId', 'pairsWithVersionId'] as const;
const bankField = (field: string) => (field === 'form' ? field : `bank-${field}`);
const BANK_UPLOAD: UploadWording = {
	fileField: 'bank-file',
	textField: 'bank-text',
	tooBig: 'The item bank is larger than 256 KB. An item bank is usually a few KB: check that you chose the right file. Nothing was saved.',
	both: 'Choose a file or paste the rows, not both.',
	neither: 'Choose the item bank’s CSV file, or paste its rows into the box.',
	notText: 'The file is not text saved as UTF-8. In your spreadsheet, save it as “CSV UTF-8”.'
};

export const actions = {
	/** The spreadsheet path: an item bank and the details beside it, built into an instrument and previewed like a JSON file. */
	previewItemBank: async (event) => {
		const user = guard(event, { roles: IMPORTERS });
		const form = await readInstrumentForm(event.request, BANK_UPLOAD);
		if (!form.ok) return form.failure;
		const { upload } = form;
		const field = (name: string) => fieldOf(upload, name);
		const pasted = field('bank-text');
		const values: Record<string, string> = { 'bank-text': pastedToKeep(pasted), 'bank-owner': field('bank-owner') };
		for (const name of BANK_FIELDS) values[`bank-${name}`] = field(`bank-${name}`).slice(0, 5000);
		const read = uploadedText(upload.file, pasted, BANK_UPLOAD);
		if (!read.ok) return formFailure(read.status, [read.problem], values);
		const owner = ownerFrom(values['bank-owner']);
		if (!owner) return formFailure(400, [{ field: 'bank-owner', message: OWNER_MESSAGE }], values);
		const details = Object.fromEntries(BANK_FIELDS.map((name) => [name, values[`bank-${name}`]!])) as unknown as ItemBankDetailsForm;
		const built = await definitionFromItemBankForm(event.locals.db, user, read.text, details);
		const { where } = read;
		const onPage = (problems: { field: string; message: string }[]) =>
			problems.map((p) => ({ field: p.field === 'itemBank' ? where : bankField(p.field), message: p.message }));
		if (!built.ok) return formFailure(400, onPage(built.problems), values);
		const checked = await checkInstrumentImport(event.locals.db, user, built.definition, owner, 'itemBank');
		if (!checked.ok) return formFailure(checked.status, onPage(itemBankImportProblems(checked.problems, built.definition)), values);
		// The confirm step is the JSON path's: it stores exactly the instrument previewed.
		return {
			values: { ...values, owner: values['bank-owner']! },
			preview: importPreviewOf(checked.check),
			definition: JSON.stringify(checked.check.instrument),
			problems: []
		};
	},

	preview: async (event) => {
		const user = guard(event, { roles: IMPORTERS });
		const form = await readInstrumentForm(event.request, JSON_UPLOAD);
		if (!form.ok) return form.failure;
		const { upload } = form;
		const pasted = fieldOf(upload, 'text');
		const values = { text: pastedToKeep(pasted), owner: fieldOf(upload, 'owner') };
		const read = uploadedText(upload.file, pasted, JSON_UPLOAD);
		if (!read.ok) return formFailure(read.status, [read.problem], values);
		const { text, where } = read;
		const owner = ownerFrom(values.owner);
		if (!owner) return formFailure(400, [{ field: 'owner', message: OWNER_MESSAGE }], values);
		const source = definitionFromSource({ format: 'json', text }, where);
		if (!source.ok) return formFailure(400, source.problems, values);
		const checked = await checkInstrumentImport(event.locals.db, user, source.definition, owner, where);
		if (!checked.ok) return refused(checked, values);
		return { values, preview: importPreviewOf(checked.check), definition: text, problems: [] };
	},

	confirm: async (event) => {
		const user = guard(event, { roles: IMPORTERS });
		const form = await readForm(
			event.request,
			z.object({
				definition: z
					.string('Check the file again before storing it.')
					.min(1, 'Check the file again before storing it.')
					.refine((text) => Buffer.byteLength(text) <= MAX_INSTRUMENT_FILE_BYTES, TOO_BIG),
				owner: z.string(OWNER_MESSAGE)
			}),
			{ limit: INSTRUMENT_FORM_LIMIT }
		);
		if (!form.ok) return form.failure;
		const owner = ownerFrom(form.data.owner);
		// Refused: the file comes back in the box, to correct and check again.
		const values = { text: form.data.definition, owner: form.data.owner };
		if (!owner) return formFailure(400, [{ field: 'owner', message: OWNER_MESSAGE }], values);
		const source = definitionFromSource({ format: 'json', text: form.data.definition }, 'text');
		if (!source.ok) return fail(400, { values, problems: source.problems });
		// Everything is checked again: the library may have changed since the preview.
		const outcome = await importInstrumentVersion(event.locals.db, user, source.definition, owner);
		if (!outcome.ok) return refused(outcome, values);
		redirect(303, `/instruments/${outcome.versionId}?imported`);
	}
} satisfies Actions;

