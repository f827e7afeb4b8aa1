/**
 * An instrument as a FHIR R4 Questionnaire, for services that render or store questionnaires in
 * FHIR. Pure: it builds the resource; the caller serves it.
 *
 * - One group per construct (in the order of CONSTRUCTS), each agreement item a `choice` with the
 *   instrument's own numeric codes as `valueCoding` (code = the number as text, display = the
 *   instrument's label). Each scored option carries the itemWeight extension: the score on the
 *   0–10 scale that answer gives, (x − 1) × 2.5, so 0, 2.5, 5, 7.5, 10; a reverse-worded item is
 *   reversed first (6 − x), so its weights run 10, 7.5, 5, 2.5, 0. "Not relevant" options have
 *   no weight: they are never scored (docs/scoring.md §2). (itemWeight was called ordinalValue in the
 *   R4 core specification; its current home is the FHIR Extensions Pack.)
 * - General items are `integer` with minValue 0 and maxValue 10; their end labels are in an
 *   entryFormat note and in child `display` items marked lower and upper (questionnaire-itemControl).
 * - linkIds: item ids as they are (unique in a valid instrument); groups and other parts use a
 *   colon, which an item id cannot contain, so no linkId is used twice.
 * - url, identifier, name and code systems use the instrument's id, with -link-worker added for a
 *   link-worker instrument (which may share its staff survey's id).
 * - copyright carries the licence and the citation, which every use must keep.
 */
import { CONSTRUCTS, CONSTRUCT_NAMES } from '../constructs';
import { GENERAL_MAX, GENERAL_MIN } from '../answers';
import { itemsIn, type Instrument, type InstrumentItem } from '../instrument';
import { answerOptionsOf, weightOf } from './answer-codes';
import { exportNameOf } from './naming';

export const FHIR_ITEM_WEIGHT = 'http://hl7.org/fhir/StructureDefinition/itemWeight';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const ENTRY_FORMAT = 'http://hl7.org/fhir/StructureDefinition/entryFormat';
const ITEM_CONTROL = 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl';
const ITEM_CONTROL_CODES = 'http://hl7.org/fhir/questionnaire-item-control';

type Json = Record<string, unknown>;

export interface FhirOptions {
	/** Where this Belonging is reached (ORIGIN), e.g. https://belonging.example.nhs.uk: makes url and the code systems addresses under it. Left out, they are URNs. */
	canonicalBase?: string;
}

function baseOf(options: FhirOptions | undefined): string | null {
	if (options?.canonicalBase === undefined) return null;
	const url = new URL(options.canonicalBase);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('canonicalBase must be an http or https address');
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const itemControl = (code: string) => ({
	url: ITEM_CONTROL,
	valueCodeableConcept: { coding: [{ system: ITEM_CONTROL_CODES, code }] }
});

const display = (linkId: string, text: string, control: string): Json => ({
	linkId,
	text,
	type: 'display',
	extension: [itemControl(control)]
});

/** "BelongingNpt": a computer-friendly name (Questionnaire.name starts with a capital, letters and digits only). */
function nameOf(id: string): string {
	const name = id
		.split('-')
		.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
		.join('');
	return /^[A-Z]/.test(name) ? name : `Q${name}`;
}

function copyrightOf(instrument: Instrument): string {
	const { licence, licenceUrl, citation, doi } = instrument.provenance;
	return [
		`Licence: ${licence}${licenceUrl ? ` (${licenceUrl})` : ''}`,
		`Cite as: ${citation}${doi ? ` https://doi.org/${doi}` : ''}`
	].join('\n\n');
}

/** A FHIR R4 Questionnaire resource of the instrument. */
export function fhirQuestionnaireOf(instrument: Instrument, options?: FhirOptions): Json {
	const base = baseOf(options);
	const id = exportNameOf(instrument);
	const system = (part: string) => (base ? `${base}/fhir/CodeSystem/${id}-${part}` : `urn:belonging:instrument:${id}:${part}`);
	const answerSystem = system('answers');
	const nptSystem = base ? `${base}/fhir/CodeSystem/npt` : 'urn:belonging:npt';
	const answers = answerOptionsOf(instrument);

	const agreementItem = (item: InstrumentItem): Json => ({
		linkId: item.id,
		code: [{ system: nptSystem, code: item.subConstruct }],
		text: item.text,
		type: 'choice',
		required: false,
		answerOption: answers.map((option) => {
			const weight = weightOf(option, item);
			return {
				...(weight === null ? {} : { extension: [{ url: FHIR_ITEM_WEIGHT, valueDecimal: weight }] }),
				valueCoding: { system: answerSystem, code: String(option.code), display: option.label }
			};
		}),
		...(item.help ? { item: [display(`${item.id}:help`, item.help, 'help')] } : {})
	});

	const groups: Json[] = [];
	if (instrument.roleGroups.length > 0) {
		groups.push({
			linkId: 'about:role-group',
			text: 'Which group are you in?',
			type: 'choice',
			required: false,
			answerOption: instrument.roleGroups.map((group) => ({
				valueCoding: { system: system('role-groups'), code: group.id, display: group.label }
			}))
		});
	}
	for (const construct of CONSTRUCTS) {
		const items = itemsIn(instrument, construct);
		if (items.length === 0) continue;
		const intro = instrument.constructIntros?.[construct];
		groups.push({
			linkId: `construct:${construct}`,
			code: [{ system: nptSystem, code: construct, display: CONSTRUCT_NAMES[construct].name }],
			text: intro ? `${CONSTRUCT_NAMES[construct].name}: ${intro}` : CONSTRUCT_NAMES[construct].name,
			type: 'group',
			item: items.map(agreementItem)
		});
	}
	if (instrument.generalItems.length > 0) {
		groups.push({
			linkId: 'section:general',
			text: 'Overall',
			type: 'group',
			item: instrument.generalItems.map((item) => ({
				linkId: item.id,
				text: item.text,
				type: 'integer',
				required: false,
				extension: [
					{ url: MIN_VALUE, valueInteger: GENERAL_MIN },
					{ url: MAX_VALUE, valueInteger: GENERAL_MAX },
					{ url: ENTRY_FORMAT, valueString: `${GENERAL_MIN} (${item.minLabel}) to ${GENERAL_MAX} (${item.maxLabel})` }
				],
				item: [display(`${item.id}:lower`, item.minLabel, 'lower'), display(`${item.id}:upper`, item.maxLabel, 'upper')]
			}))
		});
	}
	if (instrument.freeText) {
		const { freeText } = instrument;
		groups.push({
			linkId: freeText.id,
			text: freeText.prompt,
			type: 'text',
			required: false,
			maxLength: freeText.maxLength,
			...(freeText.hint ? { item: [display(`${freeText.id}:help`, freeText.hint, 'help')] } : {})
		});
	}

	const { provenance } = instrument;
	return {
		resourceType: 'Questionnaire',
		language: instrument.language,
		...(base ? { url: `${base}/fhir/Questionnaire/${id}` } : {}),
		identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:belonging:instrument:${id}` }],
		version: instrument.version,
		name: nameOf(id),
		title: instrument.title,
		status: 'active',
		publisher: provenance.authors.join('; '),
		...(instrument.description || provenance.derivedFrom
			? { description: [instrument.description, provenance.derivedFrom].filter(Boolean).join('\n\n') }
			: {}),
		copyright: copyrightOf(instrument),
		item: groups
	};
}
