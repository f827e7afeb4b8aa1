/**
 * The spreadsheet path into the library (issue 29): a CSV item bank and the details a spreadsheet
 * cannot hold, typed into a form. The parts an item bank has no column for (general ratings, role
 * groups, comment box, answer wording, scoring rules and bands) are taken from a stored staff
 * version the importer may read, and the instrument built goes through the same checks as a JSON
 * file (definitionFromSource, then checkInstrumentImport).
 */
import { instrumentDetails } from '../../npt/instrument-formats/item-bank';
import type { Instrument } from '../../npt/instrument';
import type { FieldProblem } from '../../npt/submission';
import { DEFAULT_STAFF_INSTRUMENT } from '../../npt/builtin';
import type { DbOrTx } from '../db';
import { parseId } from '../platform/ids';
import type { SignedInUser } from '../identity';
import { canReadInstrumentVersion, getVersionRecord, listInstrumentLibrary } from './instrument-library';
import { definitionFromSource } from './instrument-import';
import { versionIdOf } from './instruments';

/** What the form holds beside the item bank itself, as typed. */
export interface ItemBankDetailsForm {
	id: string;
	version: string;
	title: string;
	language: string;
	audience: string;
	/** One author on each line. */
	authors: string;
	citation: string;
	licence: string;
	doi: string;
	licenceUrl: string;
	derivedFrom: string;
	/** The staff version whose general ratings, role groups, scoring rules and bands are used. */
	baseVersionId: string;
	/** A link worker's view: the staff version it pairs with. */
	pairsWithVersionId: string;
}

/** The form's field names: the problems of each detail link to its field. */
export type ItemBankField = keyof ItemBankDetailsForm | 'itemBank';

/** The staff versions the user may read, built-in ones first, and which is chosen unless they say. */
export async function itemBankBaseChoices(db: DbOrTx, user: SignedInUser): Promise<{ options: { value: string; label: string }[]; defaultValue: string }> {
	const [library, defaultId] = await Promise.all([listInstrumentLibrary(db, user), versionIdOf(db, DEFAULT_STAFF_INSTRUMENT)]);
	const options = library
		.filter((instrument) => instrument.audience === 'staff')
		.flatMap((instrument) =>
			instrument.versions.map((v) => ({
				value: String(v.versionId),
				label: `${instrument.title}, version ${v.version}${v.source === 'built_in' ? ' (built in)' : ''}`,
				builtIn: v.source === 'built_in'
			}))
		)
		.sort((a, b) => Number(b.builtIn) - Number(a.builtIn))
		.map(({ value, label }) => ({ value, label }));
	const defaultValue = defaultId !== undefined && options.some((o) => o.value === String(defaultId)) ? String(defaultId) : (options[0]?.value ?? '');
	return { options, defaultValue };
}

/** A staff version the user may read, or undefined: one they may not read is no different from one that is not there. */
async function readableStaffVersion(db: DbOrTx, user: SignedInUser, value: string): Promise<Instrument | undefined> {
	const versionId = parseId(value);
	if (versionId === undefined) return undefined;
	if (!(await canReadInstrumentVersion(db, user, versionId))) return undefined;
	const record = await getVersionRecord(db, versionId);
	return record?.instrument.audience === 'staff' ? record.instrument : undefined;
}

const DETAIL_FIELDS: Record<string, ItemBankField> = {
	id: 'id',
	version: 'version',
	title: 'title',
	language: 'language',
	audience: 'audience',
	pairedWith: 'pairsWithVersionId',
	'provenance.authors': 'authors',
	'provenance.citation': 'citation',
	'provenance.licence': 'licence',
	'provenance.doi': 'doi',
	'provenance.licenceUrl': 'licenceUrl',
	'provenance.derivedFrom': 'derivedFrom'
};

/** The field a details path is about ("provenance.authors[2]" is authors); the rest came from the chosen version. */
export function itemBankFieldOf(path: string): ItemBankField {
	const key = path.replace(/\[\d+\]$/, '');
	return DETAIL_FIELDS[key] ?? DETAIL_FIELDS[key.split('.')[0]!] ?? 'baseVersionId';
}

const nonEmpty = (text: string) => (text.trim() === '' ? undefined : text.trim());

/**
 * The untrusted instrument an item bank and the form's details make, or every problem, each about
 * a row and column of the item bank or a field of the form. Nothing is checked against the library here.
 */
export async function definitionFromItemBankForm(
	db: DbOrTx,
	user: SignedInUser,
	csvText: string,
	form: ItemBankDetailsForm
): Promise<{ ok: true; definition: unknown } | { ok: false; problems: FieldProblem[] }> {
	const problems: FieldProblem[] = [];
	const audience = form.audience === 'staff' || form.audience === 'link_worker' ? form.audience : undefined;
	if (!audience) problems.push({ field: 'audience', message: 'Choose who answers it: practice staff, or link workers' });
	const base = await readableStaffVersion(db, user, form.baseVersionId);
	if (!base) problems.push({ field: 'baseVersionId', message: 'Choose a staff survey from the list to take the general ratings, role groups, scoring rules and bands from' });
	const pairs = audience === 'link_worker' ? await readableStaffVersion(db, user, form.pairsWithVersionId) : undefined;
	if (audience === 'link_worker' && !pairs) problems.push({ field: 'pairsWithVersionId', message: 'Choose the staff survey whose statements this link worker’s view pairs with' });
	if (problems.length || !base || !audience) return { ok: false, problems };

	const from = instrumentDetails(base);
	const details: Record<string, unknown> = {
		id: form.id.trim(),
		version: form.version.trim(),
		title: form.title.trim(),
		language: form.language.trim() || 'en-GB',
		audience,
		provenance: {
			authors: form.authors.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== ''),
			citation: form.citation.trim(),
			licence: form.licence.trim(),
			...(nonEmpty(form.doi) ? { doi: nonEmpty(form.doi) } : {}),
			...(nonEmpty(form.licenceUrl) ? { licenceUrl: nonEmpty(form.licenceUrl) } : {}),
			...(nonEmpty(form.derivedFrom) ? { derivedFrom: nonEmpty(form.derivedFrom) } : {})
		},
		answerScale: from.answerScale,
		scoring: from.scoring,
		bands: from.bands,
		// A link worker answers the statements only (linkworker/assessments.ts), scored as the staff survey they pair with is.
		...(audience === 'staff'
			? {
					generalItems: from.generalItems,
					roleGroups: from.roleGroups,
					...(from.constructIntros ? { constructIntros: from.constructIntros } : {}),
					...(from.freeText ? { freeText: from.freeText } : {})
				}
			: { generalItems: [], roleGroups: [], pairedWith: { id: pairs!.id, version: pairs!.version } })
	};
	return definitionFromSource({ format: 'item_bank', text: csvText, details, detailsField: itemBankFieldOf }, 'itemBank');
}

/**
 * The library's problems with a built instrument, about the form's fields: a statement by its id
 * (the item bank's row holds it), the version number, the id, the pairing and the owner.
 */
export function itemBankImportProblems(problems: FieldProblem[], instrument: unknown): FieldProblem[] {
	const items = (instrument as { items?: { id?: unknown }[] } | null)?.items ?? [];
	return problems.map(({ field, message }) => {
		if (field === 'owner') return { field, message };
		if (message.startsWith('Version ')) return { field: 'version', message };
		if (message.startsWith('An instrument with the id')) return { field: 'id', message };
		if (message.startsWith('pairedWith')) return { field: 'pairsWithVersionId', message };
		const named = message.replace(/^items\[(\d+)\](\.\w+)?/, (whole, index: string, column?: string) => {
			const id = items[Number(index)]?.id;
			return typeof id === 'string' ? `the row with id ${id}${column ? `, ${column.slice(1)}` : ''}` : whole;
		});
		if (/^generalItems/.test(message)) return { field: 'baseVersionId', message };
		return { field: field === 'form' ? field : 'itemBank', message: named };
	});
}

/**
 * A new version from a stored one's item bank, edited in a spreadsheet: everything but the
 * statements and the version number stays as in the stored version. Problems are about the item
 * bank ('itemBank'), the version number ('version') or, for anything else, the form.
 */
export function definitionFromEditedItemBank(stored: Instrument, csvText: string, version: string): { ok: true; definition: unknown } | { ok: false; problems: FieldProblem[] } {
	const details = { ...instrumentDetails(stored), version: version.trim() };
	return definitionFromSource({ format: 'item_bank', text: csvText, details, detailsField: (path) => (path === 'version' ? 'version' : 'form') }, 'itemBank');
}
