import { describe, expect, it } from 'vitest';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import { parseInstrument } from '../../src/lib/npt/instrument';
import { REDCAP_COLUMNS, redcapDataDictionaryOf, redcapFormName } from '../../src/lib/npt/instrument-formats/redcap';
import { parseCsv } from '../helpers/csv';
import { miniInstrumentDefinition } from '../fixtures/instruments';

const staff = BUILT_IN_INSTRUMENTS[0]!;

/** The dictionary as REDCap reads it: rows keyed by column header. */
function dictionary(csv: string): Record<string, string>[] {
	expect(csv.startsWith('\uFEFF')).toBe(true);
	const [header, ...rows] = parseCsv(csv.slice(1));
	return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
}

describe('the REDCap data dictionary of an instrument', () => {
	const rows = dictionary(redcapDataDictionaryOf(staff));
	const byName = new Map(rows.map((r) => [r['Variable / Field Name'], r]));

	it("has REDCap's 18 columns, in its order and spelling", () => {
		const [header] = parseCsv(redcapDataDictionaryOf(staff).slice(1));
		expect(header).toEqual([
			'Variable / Field Name', 'Form Name', 'Section Header', 'Field Type', 'Field Label',
			'Choices, Calculations, OR Slider Labels', 'Field Note', 'Text Validation Type OR Show Slider Number',
			'Text Validation Min', 'Text Validation Max', 'Identifier?', 'Branching Logic (Show field only if...)',
			'Required Field?', 'Custom Alignment', 'Question Number (surveys only)', 'Matrix Group Name',
			'Matrix Ranking?', 'Field Annotation'
		]);
		expect(REDCAP_COLUMNS).toHaveLength(18);
	});

	it('starts with record_id, then every question in the survey\'s order, on one form named after the instrument', () => {
		expect(rows.map((r) => r['Variable / Field Name'])).toEqual([
			'record_id', 'role_group',
			'co1', 'co2', 'co3', 'co4', 'co5', 'cp1', 'cp2', 'cp3', 'cp4', 'cp5',
			'ca1', 'ca2', 'ca3', 'ca4', 'ca5', 'ca6', 'ca7', 'rm1', 'rm2', 'rm3', 'rm4', 'rm5',
			'g1', 'g2', 'g3', 'comment'
		]);
		expect(new Set(rows.map((r) => r['Form Name']))).toEqual(new Set(['belonging_npt']));
		expect(byName.get('record_id')!['Field Annotation']).toContain(`Licence: ${staff.provenance.licence}`);
	});

	it('asks agreement items as radio buttons with the instrument\'s own codes, a section header per construct, and the reversed flag in the annotation', () => {
		const co5 = byName.get('co5')!;
		expect(co5['Field Type']).toBe('radio');
		expect(co5['Choices, Calculations, OR Slider Labels']).toBe(
			'1, Strongly disagree | 2, Disagree | 3, Neither agree nor disagree | 4, Agree | 5, Strongly agree | ' +
				'7, Not relevant to my role | 8, Not relevant at this stage | 9, Not relevant to how this practice works'
		);
		expect(co5['Field Note']).toBe(staff.items[4]!.help);
		expect(co5['Field Annotation']).toBe(
			'Belonging item CO5; construct: coherence; sub-construct: differentiation; reversed: yes (scored 6 − x); codes 7, 8, 9 are "not relevant", never scored'
		);
		expect(byName.get('co1')!['Section Header']).toBe('Coherence: Understanding the role');
		expect(byName.get('co2')!['Section Header']).toBe('');
		expect(byName.get('rm1')!['Section Header']).toBe('Reflexive monitoring: Learning how it is going');
	});

	it('asks general items 0 to 10 with their end labels, and the comment as notes limited by @CHARLIMIT', () => {
		const g1 = byName.get('g1')!;
		expect(g1['Field Type']).toBe('radio');
		expect(g1['Choices, Calculations, OR Slider Labels']).toBe(
			'0, 0 (Still feels new) | 1, 1 | 2, 2 | 3, 3 | 4, 4 | 5, 5 | 6, 6 | 7, 7 | 8, 8 | 9, 9 | 10, 10 (Feels completely familiar)'
		);
		expect(g1['Section Header']).toBe('Overall');
		expect(byName.get('comment')).toMatchObject({ 'Field Type': 'notes', 'Field Annotation': 'Belonging free-text comment @CHARLIMIT=1500' });
	});

	it("names the link worker's assessment's form apart from the staff survey's, though they share an id", () => {
		const forms = new Set(dictionary(redcapDataDictionaryOf(BUILT_IN_INSTRUMENTS[1]!)).map((r) => r['Form Name']));
		expect(forms).toEqual(new Set(['belonging_npt_link_worker']));
	});

	it('makes REDCap variable names from any item ids: lower-case, starting with a letter, at most 26 characters, never twice', () => {
		const def = miniInstrumentDefinition();
		def.id = '2026-check';
		def.items[0]!.id = 'record_id';
		def.items[1]!.id = 'A-very-long-item-identifier-of32';
		def.items[2]!.id = 'A_very_long_item_identifier_of32';
		def.items[3]!.id = 'c1';
		def.items[4]!.id = 'C1';
		def.items[5]!.id = 'i_2026_check_complete';
		(def.items[6] as { text: string }).text = '=SUM(A1)';
		const instrument = parseInstrument(def);
		const names = dictionary(redcapDataDictionaryOf(instrument)).map((r) => r['Variable / Field Name']!);
		expect(names.slice(0, 9)).toEqual([
			'record_id', 'role_group',
			'record_id_2', // coherence: the item called record_id
			'a_very_long_item_identifie', // C2 → A-very-long-…, cut to 26
			'a_very_long_item_identif_2', // P1 → the same after cutting
			'c1', 'c1_2', // P2, P3
			'i_2026_check_complete_2', // A1: REDCap's own completion field for the form is taken
			'a2'
		]);
		for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]{0,25}$/);
		expect(new Set(names).size).toBe(names.length);
		expect(redcapFormName('2026-check')).toBe('i_2026_check');
		// A label a spreadsheet would run as a formula is defused the way every export is.
		expect(redcapDataDictionaryOf(instrument)).toContain(`"'=SUM(A1)"`);
	});
});
