import { error } from '@sveltejs/kit';
import { diffInstruments } from '$lib/npt/instrument-diff';
import { suggestNextVersion } from '$lib/npt/instrument-edit';
import { guard } from '$lib/server/access';
import type { SignedInUser } from '$lib/server/identity';
import { formFailure } from '$lib/server/platform/forms';
import { idFromParam } from '$lib/server/platform/ids';
import { checkInstrumentImport, importPreviewOf, type OwnerChoice } from '$lib/server/surveys/instrument-import';
import { definitionFromEditedItemBank, itemBankImportProblems } from '$lib/server/surveys/instrument-item-bank';
import { fieldOf, pastedToKeep, readInstrumentForm, uploadedText, type UploadWording } from '$lib/server/surveys/instrument-upload';
import { canReadInstrumentVersion, getVersionRecord, managesOwner, versionsOfSameInstrument, type VersionRecord } from '$lib/server/surveys/instrument-library';
import type { Actions, PageServerLoad } from './$types';

const EDITORS = ['admin', 'icb_lead'] as const;
const ITEM_BANK_UPLOAD: UploadWording = {
	fileField: 'file',
	textField: 'text',
	tooBig: 'The item bank is larger than 256 KB. An item bank is usually a few KB: check that you chose the right file. Nothing was saved.',
	both: 'Choose a file or paste the rows, not both.',
	neither: 'Choose the edited item bank’s CSV file, or paste its rows into the box.',
	notText: 'The file is not text saved as UTF-8. In your spreadsheet, save it as “CSV UTF-8”.'
};

/** The version, when the user may read it (404 otherwise) and look after its instrument (403 otherwise). */
async function editable(event: { locals: App.Locals; params: { versionId?: string } }, user: SignedInUser): Promise<{ versionId: number; record: VersionRecord }> {
	const versionId = idFromParam(event.params.versionId);
	const record = versionId === undefined || !(await canReadInstrumentVersion(event.locals.db, user, versionId)) ? undefined : await getVersionRecord(event.locals.db, versionId);
	if (!record || versionId === undefined) error(404, 'We could not find that instrument version.');
	if (!managesOwner(user, record.owner.kind === 'icb' ? record.owner.icbId : null)) error(403, 'Only the instrument’s owner can make a new version of it.');
	return { versionId, record };
}

/** The owner as the import's confirm step names it: a new version keeps its instrument's owner. */
const ownerValue = (record: VersionRecord) => (record.owner.kind === 'icb' ? `icb-${record.owner.icbId}` : 'service');

export const load = (async (event) => {
	const user = guard(event, { roles: EDITORS });
	const { versionId, record } = await editable(event, user);
	const siblings = await versionsOfSameInstrument(event.locals.db, record.instrumentId);
	return {
		versionId,
		title: record.instrument.title,
		version: record.instrument.version,
		suggestedVersion: suggestNextVersion(record.instrument.version, siblings.map((s) => s.version)),
		maxSize: '256 KB'
	};
}) satisfies PageServerLoad;

export const actions = {
	/** The edited item bank as a new version: checked like any import, nothing stored; the confirm step is the import's. */
	preview: async (event) => {
		const user = guard(event, { roles: EDITORS });
		const { record } = await editable(event, user);
		const form = await readInstrumentForm(event.request, ITEM_BANK_UPLOAD);
		if (!form.ok) return form.failure;
		const { upload } = form;
		const pasted = fieldOf(upload, 'text');
		const values = { text: pastedToKeep(pasted), version: fieldOf(upload, 'version').slice(0, 100) };
		const read = uploadedText(upload.file, pasted, ITEM_BANK_UPLOAD);
		if (!read.ok) return formFailure(read.status, [read.problem], values);
		const { text, where } = read;
		if (!values.version.trim()) return formFailure(400, [{ field: 'version', message: 'Enter the new version number, for example 1.1' }], values);
		const onPage = (problems: { field: string; message: string }[]) =>
			problems.map((p) => ({ field: p.field === 'itemBank' ? where : p.field === 'version' ? 'version' : 'form', message: p.message }));
		const built = definitionFromEditedItemBank(record.instrument, text, values.version);
		if (!built.ok) return formFailure(400, onPage(built.problems), values);
		const owner: OwnerChoice = record.owner.kind === 'icb' ? { kind: 'icb', icbId: record.owner.icbId } : { kind: 'service' };
		const checked = await checkInstrumentImport(event.locals.db, user, built.definition, owner, 'itemBank');
		if (!checked.ok) return formFailure(checked.status, onPage(itemBankImportProblems(checked.problems, built.definition)), values);
		const preview = importPreviewOf(checked.check);
		return {
			values,
			// What changes is shown against this version, the one the spreadsheet came from.
			preview: { ...preview, previous: { versionId: record.versionId, version: record.instrument.version, diff: diffInstruments(record.instrument, checked.check.instrument) } },
			definition: JSON.stringify(checked.check.instrument),
			owner: ownerValue(record),
			problems: []
		};
	}
} satisfies Actions;
