import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { formFailure, readForm, refusalFailure } from '$lib/server/platform/forms';
import { BodyTooLargeError, UnreadableFormError, readFormWithFile } from '$lib/server/platform/http';
import type { SignedInUser } from '$lib/server/identity';
import { parseId } from '$lib/server/platform/ids';
import type { Refusal } from '$lib/server/platform/outcome';
import { icbChoicesFor } from '$lib/server/surveys/instrument-library';
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

/** An instrument file is a few tens of KB; 256 KB leaves room for a long item bank. */
const MAX_FILE_BYTES = 256 * 1024;
/** The file plus the rest of the form and the multipart framing. */
const BODY_LIMIT = MAX_FILE_BYTES + 16 * 1024;
const IMPORTERS = ['admin', 'icb_lead'] as const;
const TOO_BIG = 'The instrument file is larger than 256 KB. An instrument file is usually a few KB: check that you chose the right file. Nothing was saved.';

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
const BANK_TOO_BIG = 'The item bank is larger than 256 KB. An item bank is usually a few KB: check that you chose the right file. Nothing was saved.';

/** Reads the file or the pasted rows, as text. */
function uploadedText(file: { bytes: Uint8Array } | null, pasted: string): { ok: true; text: string } | { ok: false; status: number; problem: { field: string; message: string } } {
	if (file && pasted.trim()) return { ok: false, status: 400, problem: { field: 'bank-file', message: 'Choose a file or paste the rows, not both.' } };
	if (!file && !pasted.trim()) return { ok: false, status: 400, problem: { field: 'bank-file', message: 'Choose the item bank’s CSV file, or paste its rows into the box.' } };
	if (file) {
		if (file.bytes.byteLength > MAX_FILE_BYTES) return { ok: false, status: 413, problem: { field: 'bank-file', message: BANK_TOO_BIG } };
		try {
			return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(file.bytes) };
		} catch {
			return { ok: false, status: 400, problem: { field: 'bank-file', message: 'The file is not text saved as UTF-8. In your spreadsheet, save it as “CSV UTF-8”.' } };
		}
	}
	if (Buffer.byteLength(pasted) > MAX_FILE_BYTES) return { ok: false, status: 413, problem: { field: 'bank-text', message: BANK_TOO_BIG } };
	return { ok: true, text: pasted };
}

export const actions = {
	/** The spreadsheet path: an item bank and the details beside it, built into an instrument and previewed like a JSON file. */
	previewItemBank: async (event) => {
		const user = guard(event, { roles: IMPORTERS });
		let upload;
		try {
			upload = await readFormWithFile(event.request, BODY_LIMIT, 'bank-file');
		} catch (cause) {
			if (cause instanceof BodyTooLargeError) return formFailure(413, [{ field: 'bank-file', message: BANK_TOO_BIG }]);
			if (cause instanceof UnreadableFormError) return formFailure(400, [{ field: 'form', message: `${cause.message} Nothing was saved.` }]);
			throw cause;
		}
		const field = (name: string) => upload.fields.find(([n]) => n === name)?.[1] ?? '';
		const pasted = field('bank-text');
		const values: Record<string, string> = { 'bank-text': pasted.length > MAX_FILE_BYTES ? '' : pasted, 'bank-owner': field('bank-owner') };
		for (const name of BANK_FIELDS) values[`bank-${name}`] = field(`bank-${name}`).slice(0, 5000);
		const read = uploadedText(upload.file, pasted);
		if (!read.ok) return formFailure(read.status, [read.problem], values);
		const owner = ownerFrom(values['bank-owner']);
		if (!owner) return formFailure(400, [{ field: 'bank-owner', message: OWNER_MESSAGE }], values);
		const form = Object.fromEntries(BANK_FIELDS.map((name) => [name, values[`bank-${name}`]!])) as unknown as ItemBankDetailsForm;
		const built = await definitionFromItemBankForm(event.locals.db, user, read.text, form);
		const where = upload.file ? 'bank-file' : 'bank-text';
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
		let upload;
		try {
			upload = await readFormWithFile(event.request, BODY_LIMIT, 'file');
		} catch (cause) {
			if (cause instanceof BodyTooLargeError) return formFailure(413, [{ field: 'file', message: TOO_BIG }]);
			if (cause instanceof UnreadableFormError) return formFailure(400, [{ field: 'form', message: `${cause.message} Nothing was saved.` }]);
			throw cause;
		}
		const field = (name: string) => upload.fields.find(([n]) => n === name)?.[1] ?? '';
		const pasted = field('text');
		const values = { text: pasted.length > MAX_FILE_BYTES ? '' : pasted, owner: field('owner') };
		const { file } = upload;
		if (file && pasted.trim()) return formFailure(400, [{ field: 'file', message: 'Choose a file or paste the JSON, not both.' }], values);
		if (!file && !pasted.trim()) return formFailure(400, [{ field: 'file', message: 'Choose an instrument file, or paste its JSON into the box.' }], values);
		const where = file ? 'file' : 'text';
		let text: string;
		if (file) {
			if (file.bytes.byteLength > MAX_FILE_BYTES) return formFailure(413, [{ field: 'file', message: TOO_BIG }], values);
			try {
				text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
			} catch {
				return formFailure(400, [{ field: 'file', message: 'The file is not text saved as UTF-8. Choose the instrument’s .json file.' }], values);
			}
		} else {
			if (Buffer.byteLength(pasted) > MAX_FILE_BYTES) return formFailure(413, [{ field: 'text', message: TOO_BIG }], values);
			text = pasted;
		}
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
					.refine((text) => Buffer.byteLength(text) <= MAX_FILE_BYTES, TOO_BIG),
				owner: z.string(OWNER_MESSAGE)
			}),
			{ limit: BODY_LIMIT }
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

