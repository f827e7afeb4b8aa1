import { describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { diffInstruments } from '../../src/lib/npt/instrument-diff';
import type { Instrument } from '../../src/lib/npt/instrument';

const v1 = DEFAULT_STAFF_INSTRUMENT;

function edited(change: (draft: Instrument) => void): Instrument {
	const draft = structuredClone(v1) as Instrument;
	change(draft);
	return draft;
}

describe('diffInstruments', () => {
	it('finds nothing between a version and itself', () => {
		const diff = diffInstruments(v1, v1);
		expect(diff.same).toBe(true);
		expect(diff.added).toEqual([]);
		expect(diff.provenance).toEqual([]);
	});

	it('names each kind of change, item by item', () => {
		const v2 = edited((d) => {
			d.version = '2';
			d.items = d.items.filter((i) => i.id !== 'CO2');
			d.items[0]!.text = 'A new wording of the first statement.';
			d.items[1]!.help = 'New help.';
			d.items[2]!.reversed = !d.items[2]!.reversed;
			d.items.push({ id: 'RM9', construct: 'reflexive_monitoring', subConstruct: 'reconfiguration', text: 'We changed how we work.', reversed: false });
			d.generalItems[0]!.text = 'Changed general wording.';
			d.generalItems[1]!.maxLabel = 'Entirely part of it';
			d.bands.belonging = 8;
			d.provenance.licence = 'CC BY 4.0';
		});
		const diff = diffInstruments(v1, v2);
		expect(diff.same).toBe(false);
		expect(diff.added.map((i) => i.id)).toEqual(['RM9']);
		expect(diff.retired.map((i) => i.id)).toEqual(['CO2']);
		expect(diff.reworded).toEqual([{ id: 'CO1', from: v1.items[0]!.text, to: 'A new wording of the first statement.' }]);
		// After CO2 went, CO3 is the second item and CO4 the third.
		expect(diff.helpChanged).toEqual([{ id: 'CO3', from: v1.items[2]!.help ?? '', to: 'New help.' }]);
		expect(diff.reversedChanged).toEqual([{ id: 'CO4', from: v1.items[3]!.reversed, to: !v1.items[3]!.reversed }]);
		expect(diff.constructMoved).toEqual([]);
		expect(diff.generalItems.changed).toEqual([
			{ id: v1.generalItems[0]!.id, what: ['wording'] },
			{ id: v1.generalItems[1]!.id, what: ['end labels'] }
		]);
		expect(diff.thresholds).toEqual([{ name: 'belonging', from: 7.5, to: 8 }]);
		expect(diff.provenance).toEqual([{ field: 'licence', from: v1.provenance.licence, to: 'CC BY 4.0' }]);
	});

	it('reports an item moved to another construct, and general items added and retired', () => {
		const v2 = edited((d) => {
			d.items[0]!.construct = 'cognitive_participation';
			d.items[0]!.subConstruct = 'initiation';
			d.generalItems = [...d.generalItems.slice(1), { id: 'G9', text: 'New', minLabel: 'Not at all', maxLabel: 'Fully' }];
		});
		const diff = diffInstruments(v1, v2);
		expect(diff.constructMoved).toEqual([
			{ id: 'CO1', from: { construct: 'coherence', subConstruct: v1.items[0]!.subConstruct }, to: { construct: 'cognitive_participation', subConstruct: 'initiation' } }
		]);
		expect(diff.generalItems.added).toEqual(['G9']);
		expect(diff.generalItems.retired).toEqual([v1.generalItems[0]!.id]);
	});
});
