/**
 * An instrument as a REDCap data dictionary: the CSV a REDCap project imports to build the same
 * survey, with the instrument's own numeric codes, so answers collected there can be scored the
 * way Belonging scores them. Pure: the caller serves the text.
 *
 * - one form, named after the instrument id (with _link_worker for a link-worker instrument);
 * - record_id first (REDCap's record identifier), then the role group, the agreement items under
 *   a section header per construct, the 0–10 general items and the comment, as the survey shows them;
 * - variable names from item ids: lower-case letters, digits and _, starting with a letter, at
 *   most 26 characters, unique (a clash gets _2, _3…);
 * - agreement items are radio fields with the instrument's codes and labels
 *   ("1, Strongly disagree | … | 7, Not relevant to my role | …"); general items radio 0 to 10 with
 *   the end labels on 0 and 10; the construct, sub-construct and reversed flag in Field Annotation,
 *   which REDCap keeps but does not show to respondents;
 * - written by lib/csv.ts (quoted where needed, formulas defused, BOM and CRLF, as REDCap's own
 *   download is).
 */
import { toCsv } from '../../csv';
import { GENERAL_MAX, GENERAL_MIN } from '../answers';
import { CONSTRUCTS, CONSTRUCT_NAMES } from '../constructs';
import { itemsIn, type Instrument } from '../instrument';
import { answerOptionsOf } from './answer-codes';
import { exportNameOf } from './naming';

/** REDCap's data dictionary columns, in its own order and spelling. */
export const REDCAP_COLUMNS = [
	'Variable / Field Name',
	'Form Name',
	'Section Header',
	'Field Type',
	'Field Label',
	'Choices, Calculations, OR Slider Labels',
	'Field Note',
	'Text Validation Type OR Show Slider Number',
	'Text Validation Min',
	'Text Validation Max',
	'Identifier?',
	'Branching Logic (Show field only if...)',
	'Required Field?',
	'Custom Alignment',
	'Question Number (surveys only)',
	'Matrix Group Name',
	'Matrix Ranking?',
	'Field Annotation'
] as const;

/** REDCap advises variable names of at most 26 characters. */
export const REDCAP_NAME_LENGTH = 26;

interface Field {
	name: string;
	section?: string;
	type: 'text' | 'radio' | 'notes';
	label: string;
	choices?: string;
	note?: string;
	annotation?: string;
}

/** REDCap's unique form name: lower-case letters, digits and _, starting with a letter. */
export function redcapFormName(instrumentId: string): string {
	const name = instrumentId.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
	return (/^[a-z]/.test(name) ? name : `i_${name}`).slice(0, 50).replace(/_+$/, '');
}

/** Names a field from an id, never one already taken, within REDCap's length. */
function namer(taken: Set<string>) {
	return (id: string): string => {
		let stem = id.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+/, '');
		if (!/^[a-z]/.test(stem) || stem.startsWith('redcap_')) stem = `v_${stem}`;
		stem = stem.slice(0, REDCAP_NAME_LENGTH);
		let name = stem;
		for (let n = 2; taken.has(name); n++) name = `${stem.slice(0, REDCAP_NAME_LENGTH - `_${n}`.length)}_${n}`;
		taken.add(name);
		return name;
	};
}

/** "1, Strongly disagree | 2, Disagree | …": a | inside a label would start another choice, so it becomes /. */
const choices = (options: { code: number | string; label: string }[]) =>
	options.map((o) => `${o.code}, ${o.label.replaceAll('|', '/')}`).join(' | ');

/** The data dictionary (CSV) of a REDCap instrument asking what the instrument asks. */
export function redcapDataDictionaryOf(instrument: Instrument): string {
	const form = redcapFormName(exportNameOf(instrument));
	// REDCap adds <form>_complete itself; record_id is ours.
	const taken = new Set([`${form}_complete`]);
	const nameFor = namer(taken);
	const fields: Field[] = [{ name: nameFor('record_id'), type: 'text', label: 'Record ID' }];

	if (instrument.roleGroups.length > 0) {
		fields.push({
			name: nameFor('role_group'),
			type: 'radio',
			label: 'Which group are you in?',
			choices: choices(instrument.roleGroups.map((g) => ({ code: g.id, label: g.label }))),
			annotation: 'Belonging role group'
		});
	}

	const answerChoices = choices(answerOptionsOf(instrument));
	const notRelevant = instrument.answerScale.notRelevant.map((a) => a.code).join(', ');
	for (const construct of CONSTRUCTS) {
		itemsIn(instrument, construct).forEach((item, i) => {
			const intro = instrument.constructIntros?.[construct];
			fields.push({
				name: nameFor(item.id),
				...(i === 0 ? { section: intro ? `${CONSTRUCT_NAMES[construct].name}: ${intro}` : CONSTRUCT_NAMES[construct].name } : {}),
				type: 'radio',
				label: item.text,
				choices: answerChoices,
				note: item.help,
				annotation:
					`Belonging item ${item.id}; construct: ${construct}; sub-construct: ${item.subConstruct}; ` +
					(item.reversed ? 'reversed: yes (scored 6 − x)' : 'reversed: no') +
					`; codes ${notRelevant} are "not relevant", never scored`
			});
		});
	}

	instrument.generalItems.forEach((item, i) => {
		const ratings = Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, (_, k) => GENERAL_MIN + k).map((rating) => ({
			code: rating,
			label: rating === GENERAL_MIN ? `${rating} (${item.minLabel})` : rating === GENERAL_MAX ? `${rating} (${item.maxLabel})` : String(rating)
		}));
		fields.push({
			name: nameFor(item.id),
			...(i === 0 ? { section: 'Overall' } : {}),
			type: 'radio',
			label: item.text,
			choices: choices(ratings),
			note: `${GENERAL_MIN} = ${item.minLabel}, ${GENERAL_MAX} = ${item.maxLabel}`,
			annotation: `Belonging general item ${item.id}; a rating from ${GENERAL_MIN} to ${GENERAL_MAX}, reported apart from construct scores`
		});
	});

	if (instrument.freeText) {
		const { freeText } = instrument;
		fields.push({
			name: nameFor(freeText.id),
			type: 'notes',
			label: freeText.prompt,
			note: freeText.hint,
			// REDCap's action tag for the most characters a notes field takes (not first: a leading @ is defused).
			annotation: `Belonging free-text comment @CHARLIMIT=${freeText.maxLength}`
		});
	}

	const { provenance } = instrument;
	// The licence travels with the file: on the record id's annotation, which REDCap keeps.
	fields[0]!.annotation = `${instrument.title}, version ${instrument.version}. Licence: ${provenance.licence} Cite as: ${provenance.citation}`;

	return toCsv([
		REDCAP_COLUMNS,
		...fields.map((f) => [f.name, form, f.section ?? '', f.type, f.label, f.choices ?? '', f.note ?? '', '', '', '', '', '', '', '', '', '', '', f.annotation ?? ''])
	]);
}
