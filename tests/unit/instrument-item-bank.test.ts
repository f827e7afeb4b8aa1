import { describe, expect, it } from 'vitest';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import {
	MAX_ITEM_BANK_CHARACTERS,
	MAX_ITEM_BANK_ITEMS,
	definitionFromItemBank,
	instrumentDetails,
	itemBankCsv
} from '../../src/lib/npt/instrument-formats/item-bank';
import { parseInstrument } from '../../src/lib/npt/instrument';
import { parseCsv } from '../helpers/csv';
import { miniInstrument } from '../fixtures/instruments';

const [staff, linkWorker] = BUILT_IN_INSTRUMENTS as [typeof miniInstrument, typeof miniInstrument];
const details = instrumentDetails(miniInstrument);
const HEADER = 'id,construct,subConstruct,text,reversed,help';

/** The mini instrument's items as someone might type them into a spreadsheet. */
const miniRows = [
	'C1,coherence,differentiation,C one,no,',
	'C2,Coherence,Internalisation,C two,false,',
	'P1,cognitive_participation,initiation,P one,0,',
	'P2,Cognitive participation,enrolment,P two,NO,',
	'P3,cognitive-participation,legitimation,P three,no,',
	'A1,collective_action,interactional_workability,A one,no,',
	'A2,collective_action,Relational integration,A two,no,',
	'A3,collective_action,skill_set_workability,A three,no,',
	'A4,collective_action,contextual_integration,A four,no,',
	'R1,reflexive_monitoring,systematisation,R one,no,',
	'R2,reflexive_monitoring,reconfiguration,R two,yes,'
];

function problemsOf(csv: string, withDetails: unknown = details): string[] {
	const result = definitionFromItemBank(csv, withDetails);
	if (result.ok) throw new Error('expected the item bank to be refused');
	return result.problems;
}

describe('the CSV item bank', () => {
	it('writes one row per item under the header id,construct,subConstruct,text,reversed,help, as a spreadsheet reads it', () => {
		const csv = itemBankCsv(staff);
		expect(csv.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
		const rows = parseCsv(csv.slice(1));
		expect(rows).toHaveLength(1 + staff.items.length);
		expect(rows[5]).toEqual(['CO5', 'coherence', 'differentiation', staff.items[4]!.text, 'yes', staff.items[4]!.help]);
		expect(rows[1]).toEqual(['CO1', 'coherence', 'differentiation', staff.items[0]!.text, 'no', '']);
	});

	it('gives a link-worker instrument a pairs column', () => {
		expect(parseCsv(itemBankCsv(linkWorker).slice(1))[0]).toEqual([...HEADER.split(','), 'pairs']);
	});

	it.each([
		['the staff survey', staff],
		['the link-worker assessment', linkWorker],
		['the mini instrument', miniInstrument]
	])('reads back %s exactly, with its details', (_, instrument) => {
		expect(definitionFromItemBank(itemBankCsv(instrument), instrumentDetails(instrument))).toEqual({ ok: true, instrument });
	});

	it('reads a hand-made file: names matched loosely, reversed as yes/no, true/false or 1/0, an empty help is none, LF or CRLF, with or without a BOM', () => {
		const header = 'ID, Construct ,Sub-construct,Text,Reversed,Help';
		for (const csv of [
			[header, ...miniRows].join('\n'),
			`\uFEFF${[header, ...miniRows].join('\r\n')}\r\n`,
			[header.replaceAll(',', '\t'), ...miniRows.map((r) => r.replaceAll(',', '\t'))].join('\n')
		]) {
			expect(definitionFromItemBank(csv, details)).toEqual({ ok: true, instrument: miniInstrument });
		}
	});

	it('cleans control characters as every text field does, and takes off the apostrophe that defuses a formula', () => {
		const rows = [...miniRows];
		rows[0] = 'C1,coherence,differentiation,"\'-C\u0000 one\u202E",no,"\t"';
		const result = definitionFromItemBank([HEADER, ...rows].join('\n'), details);
		expect(result.ok && result.instrument.items[0]).toEqual({ id: 'C1', construct: 'coherence', subConstruct: 'differentiation', text: '-C one', reversed: false });
		// Written again, the leading minus is defused again, and still reads back the same.
		const instrument = result.ok ? result.instrument : miniInstrument;
		expect(itemBankCsv(instrument)).toContain(`"'-C one"`);
		expect(definitionFromItemBank(itemBankCsv(instrument), details)).toEqual({ ok: true, instrument });
	});

	it('says which row and column is wrong, rows counted as a spreadsheet shows them', () => {
		const rows = [...miniRows];
		rows[2] = 'P1,cognitive_participation,initiation,P one,maybe,'; // row 4
		rows[3] = 'P2,coherance,enrolment,P two,no,'; // row 5
		rows[5] = ''; // row 7: a blank row is skipped but still counted
		rows[7] = 'A3,collective_action,skill_set_workability,,no,'; // row 9
		rows[8] = 'C1,collective_action,contextual_integration,A four,no,'; // row 10
		expect(problemsOf([HEADER, ...rows].join('\n'))).toEqual([
			'row 4, reversed: must be yes or no (true/false and 1/0 also work)',
			'row 5, construct: Invalid option: expected one of "coherence"|"cognitive_participation"|"collective_action"|"reflexive_monitoring"',
			'row 9, text: must not be empty'
		]);
		// With the shape right, the cross-field rules name rows too.
		rows[2] = 'P1,cognitive_participation,initiation,P one,no,';
		rows[3] = 'P2,cognitive_participation,reconfiguration,P two,no,';
		rows[7] = 'A3,collective_action,skill_set_workability,A three,no,';
		expect(problemsOf([HEADER, ...rows].join('\n'))).toEqual([
			'row 5, subConstruct: "reconfiguration" belongs to reflexive_monitoring, not cognitive_participation',
			'row 10, id: id "C1" is already used by row 2'
		]);
	});

	it('names the details field when the details are wrong, as a JSON file would', () => {
		const { provenance: _, ...noProvenance } = details;
		expect(problemsOf([HEADER, ...miniRows].join('\n'), { ...noProvenance, version: 'one' })).toEqual([
			'version: must look like 1, 1.0 or 1.0.0',
			'provenance: Invalid input: expected object, received undefined'
		]);
		expect(problemsOf([HEADER, ...miniRows].join('\n'), 'details')).toEqual([
			"details: must be an object with the instrument's id, version, title, provenance and the rest (everything but its items)"
		]);
		expect(problemsOf([HEADER, ...miniRows].join('\n'), { ...details, items: [] })).toEqual([
			'items: the items come from the item bank; leave them out of the details'
		]);
	});

	it('refuses a header it does not know, a missing column and values beyond the header', () => {
		expect(problemsOf(['id,construct,text,reversed,colour', ...miniRows].join('\n'))).toEqual([
			'row 1, column 5: "colour" is not a column of the item bank (id, construct, subConstruct, text, reversed, help, pairs)',
			'row 1: the header row has no subConstruct column'
		]);
		expect(problemsOf(['id,construct,text,reversed', ...miniRows].join('\n'))).toEqual(['row 1: the header row has no subConstruct column']);
		const rows = [...miniRows];
		rows[0] = `${rows[0]},extra`;
		expect(problemsOf([HEADER, ...rows].join('\n'))).toEqual(['row 2: has more values than the header row has columns']);
	});

	it(`refuses a file too large, an empty file, broken quoting and more than ${MAX_ITEM_BANK_ITEMS} items without reading on`, () => {
		expect(problemsOf(`${HEADER}\n${'x'.repeat(MAX_ITEM_BANK_CHARACTERS)}`)).toEqual(['item bank: the file is too large (at most 256 KB)']);
		expect(problemsOf('\uFEFF\r\n\r\n')).toEqual(['item bank: the file is empty; the first row names the columns, then one row for each item']);
		expect(problemsOf(`${HEADER}\nC1,coherence,differentiation,"C one,no,\n`)).toEqual([
			'item bank: a value starts with a quotation mark that is never closed (line 2): check the quotation marks in the file'
		]);
		const many = Array.from({ length: MAX_ITEM_BANK_ITEMS + 1 }, (_, i) => `I${i},coherence,differentiation,Item ${i},no,`);
		expect(problemsOf([HEADER, ...many].join('\n'))).toEqual([`item bank: 201 items is more than the ${MAX_ITEM_BANK_ITEMS} a file may hold`]);
		// Within that limit, the instrument's own limit (100 items) still applies.
		const tooMany = Array.from({ length: 101 }, (_, i) => `I${i},coherence,differentiation,Item ${i},no,`);
		expect(problemsOf([HEADER, ...tooMany].join('\n'))).toContainEqual(expect.stringMatching(/^item bank: Too big/));
	});

	it('checks a link worker\'s pairs with the same rules as a JSON file', () => {
		const csv = itemBankCsv(linkWorker).replace(/\r\nCO2,/, '\r\nCO2X,').replace(/(CO2X,[^\r]*,)\r\n/, '$1CO1\r\n');
		const problems = problemsOf(csv, instrumentDetails(linkWorker));
		expect(problems).toEqual(['row 3, pairs: staff item "CO1" is already paired with "CO1"']);
		expect(() => parseInstrument({ ...instrumentDetails(linkWorker), items: linkWorker.items })).not.toThrow();
	});
});
