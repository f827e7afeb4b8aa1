import { error } from '@sveltejs/kit';
import { diffInstruments } from '$lib/npt/instrument-diff';
import { suggestNextVersion } from '$lib/npt/instrument-edit';
import { guard } from '$lib/server/access';
import type { SignedInUser } from '$lib/server/identity';
import { formFailure } from '$lib/server/platform/forms';
import { BodyTooLargeError, UnreadableFormError, readFormWithFile } from '$lib/server/platform/http';
import { idFromParam } from '$lib/server/platform/ids';
import { checkInstrumentImport, importPreviewOf, type OwnerChoice } from '$lib/server/surveys/instrument-import';
import { definitionFromEditedItemBank, itemBankImportProblems } from '$lib/server/surveys/instrument-item-bank';
import { canReadInstrumentVersion, getVersionRecord, managesOwner, versionsOfSameInstrument, type VersionRecord } from '$lib/server/surveys/instrument-library';
import type { Actions, PageServerLoad } from './$types';

const EDITORS = ['admin', 'icb_lead'] as const;
/** As the import: an item bank is a few KB; 256 KB leaves room for a long one. */
const MAX_FILE_BYTES = 256 * 1024;
const BODY_LIMIT = MAX_FILE_BYTES + 16 * 1024;
const TOO_BIG = 'The item bank is larger than 256 KB. An item bank is usually a few KB: check that you chose the right file. Nothing was saved.';

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
		const values = { text: pasted.length > MAX_FILE_BYTES ? '' : pasted, version: field('version').slice(0, 100) };
		const { file } = upload;
		if (file && pasted.trim()) return formFailure(400, [{ field: 'file', message: 'Choose a file or paste the rows, not both.' }], values);
		if (!file && !pasted.trim()) return formFailure(400, [{ field: 'file', message: 'Choose the edited item bank’s CSV file, or paste its rows into the box.' }], values);
		const where = file ? 'file' : 'text';
		let text: string;
		if (file) {
			if (file.bytes.byteLength > MAX_FILE_BYTES) return formFailure(413, [{ field: 'file', message: TOO_BIG }], values);
			try {
				text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
			} catch {
				return formFailure(400, [{ field: 'file', message: 'The file is not text saved as UTF-8. In your spreadsheet, save it as “CSV UTF-8”.' }], values);
			}
		} else {
			if (Buffer.byteLength(pasted) > MAX_FILE_BYTES) return formFailure(413, [{ field: 'text', message: TOO_BIG }], values);
			text = pasted;
		}
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
