import { describe, expect, it } from 'vitest';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import { FHIR_ITEM_WEIGHT, fhirQuestionnaireOf } from '../../src/lib/npt/instrument-formats/fhir';
import type { Instrument } from '../../src/lib/npt/instrument';

interface FhirItem {
	linkId: string;
	type: string;
	text?: string;
	item?: FhirItem[];
	extension?: { url: string; valueInteger?: number; valueString?: string }[];
	answerOption?: { valueCoding: { system: string; code: string; display: string }; extension?: { url: string; valueDecimal: number }[] }[];
}

const staff = BUILT_IN_INSTRUMENTS[0]!;
const all = (items: FhirItem[]): FhirItem[] => items.flatMap((item) => [item, ...all(item.item ?? [])]);
const questionnaire = (instrument: Instrument, base?: string) =>
	fhirQuestionnaireOf(instrument, base ? { canonicalBase: base } : undefined) as Record<string, unknown> & { item: FhirItem[] };

describe('the FHIR R4 Questionnaire of an instrument', () => {
	const q = questionnaire(staff, 'https://belonging.example.nhs.uk/');
	const items = all(q.item);
	const byId = new Map(items.map((i) => [i.linkId, i]));

	it('is an active Questionnaire with its version, title, url under the canonical base, and a copyright carrying the licence and citation', () => {
		expect(q).toMatchObject({
			resourceType: 'Questionnaire',
			url: 'https://belonging.example.nhs.uk/fhir/Questionnaire/belonging-npt',
			version: '1.0',
			name: 'BelongingNpt',
			title: staff.title,
			status: 'active',
			language: 'en-GB',
			publisher: 'The Belonging project'
		});
		expect(q.copyright).toBe(`Licence: ${staff.provenance.licence}\n\nCite as: ${staff.provenance.citation}`);
		// Without a base, no url is claimed; the identifier and code systems are URNs.
		const plain = questionnaire(staff);
		expect(plain.url).toBeUndefined();
		expect(plain.identifier).toEqual([{ system: 'urn:ietf:rfc:3986', value: 'urn:belonging:instrument:belonging-npt' }]);
	});

	it('uses every linkId once and asks every item, grouped by construct in NPT order', () => {
		const linkIds = items.map((i) => i.linkId);
		expect(new Set(linkIds).size).toBe(linkIds.length);
		const groups = q.item.filter((i) => i.type === 'group' && i.linkId.startsWith('construct:'));
		expect(groups.map((g) => [g.linkId, g.item!.map((i) => i.linkId)])).toEqual([
			['construct:coherence', ['CO1', 'CO2', 'CO3', 'CO4', 'CO5']],
			['construct:cognitive_participation', ['CP1', 'CP2', 'CP3', 'CP4', 'CP5']],
			['construct:collective_action', ['CA1', 'CA2', 'CA3', 'CA4', 'CA5', 'CA6', 'CA7']],
			['construct:reflexive_monitoring', ['RM1', 'RM2', 'RM3', 'RM4', 'RM5']]
		]);
		for (const id of [...staff.items.map((i) => i.id), ...staff.generalItems.map((i) => i.id), 'comment']) expect(byId.has(id)).toBe(true);
	});

	it('offers the numeric codes, weighting each scored option with its score on the 0–10 scale and the "not relevant" ones not at all', () => {
		const options = (id: string) => byId.get(id)!.answerOption!.map((o) => [o.valueCoding.code, o.valueCoding.display, o.extension?.[0]?.valueDecimal ?? null]);
		const notRelevant = [
			['7', 'Not relevant to my role', null],
			['8', 'Not relevant at this stage', null],
			['9', 'Not relevant to how this practice works', null]
		];
		expect(options('CO1')).toEqual([
			['1', 'Strongly disagree', 0],
			['2', 'Disagree', 2.5],
			['3', 'Neither agree nor disagree', 5],
			['4', 'Agree', 7.5],
			['5', 'Strongly agree', 10],
			...notRelevant
		]);
		// CO5 is reverse-worded: strongly disagreeing with it is the best answer (6 − 1 = 5 → 10).
		expect(options('CO5')).toEqual([
			['1', 'Strongly disagree', 10],
			['2', 'Disagree', 7.5],
			['3', 'Neither agree nor disagree', 5],
			['4', 'Agree', 2.5],
			['5', 'Strongly agree', 0],
			...notRelevant
		]);
		const weighted = byId.get('CO1')!.answerOption!.filter((o) => o.extension);
		expect(weighted.every((o) => o.extension![0]!.url === FHIR_ITEM_WEIGHT)).toBe(true);
		expect(byId.get('CO1')!.answerOption![0]!.valueCoding.system).toBe('https://belonging.example.nhs.uk/fhir/CodeSystem/belonging-npt-answers');
	});

	it('asks general items as integers from 0 to 10 with their end labels', () => {
		const g1 = byId.get('G1')!;
		expect(g1.type).toBe('integer');
		expect(g1.extension).toEqual([
			{ url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
			{ url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 10 },
			{ url: 'http://hl7.org/fhir/StructureDefinition/entryFormat', valueString: '0 (Still feels new) to 10 (Feels completely familiar)' }
		]);
		expect(g1.item!.map((i) => [i.linkId, i.type, i.text])).toEqual([
			['G1:lower', 'display', 'Still feels new'],
			['G1:upper', 'display', 'Feels completely familiar']
		]);
	});

	it('keeps help text with its item, and the comment box with its limit', () => {
		expect(byId.get('CO5:help')).toMatchObject({ type: 'display', text: staff.items[4]!.help });
		expect(byId.get('comment')).toMatchObject({ type: 'text', maxLength: 1500 });
	});

	it("gives the link worker's assessment, which shares the staff survey's id, a url and name of its own", () => {
		const linkWorker = questionnaire(BUILT_IN_INSTRUMENTS[1]!, 'https://belonging.example.nhs.uk');
		expect(linkWorker).toMatchObject({
			url: 'https://belonging.example.nhs.uk/fhir/Questionnaire/belonging-npt-link-worker',
			name: 'BelongingNptLinkWorker',
			identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:belonging:instrument:belonging-npt-link-worker' }]
		});
		expect(linkWorker.url).not.toBe(q.url);
	});

	it('refuses a canonical base that is not a web address', () => {
		expect(() => fhirQuestionnaireOf(staff, { canonicalBase: 'ftp://x.example' })).toThrow(/http or https/);
	});
});
