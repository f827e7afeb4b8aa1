import { describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { parseInstrument } from '../../src/lib/npt/instrument';
import { applyInstrumentEdits, suggestNextVersion } from '../../src/lib/npt/instrument-edit';
import { summariseInstrument } from '../../src/lib/npt/instrument-summary';

const v1 = DEFAULT_STAFF_INSTRUMENT;

describe('suggestNextVersion', () => {
	it('counts up the last part, past numbers already used', () => {
		expect(suggestNextVersion('1', [])).toBe('2');
		expect(suggestNextVersion('1.0', ['1.0'])).toBe('1.1');
		expect(suggestNextVersion('1.0', ['1.0', '1.1', '1.2'])).toBe('1.3');
		expect(suggestNextVersion('2.0.9', [])).toBe('2.0.10');
	});
});

describe('applyInstrumentEdits', () => {
	it('rewords, retires, adds and re-thresholds, carrying everything else over', () => {
		const next = parseInstrument(
			applyInstrumentEdits(v1, {
				version: '1.1',
				items: {
					CO1: { text: 'New wording.', help: '', retire: false },
					CO2: { text: 'ignored', help: '', retire: true },
					CO3: { text: v1.items[2]!.text, help: 'Fresh help.', retire: false }
				},
				newItems: [{ id: 'CO9', construct: 'coherence', subConstruct: 'internalisation', text: 'Added.', reversed: true, help: ' ' }],
				generalItems: { G1: { text: 'Reworded general question.', minLabel: 'Low', maxLabel: 'High' } },
				bands: { fittingIn: 4.5, belonging: 8, belongingConstructMinimum: 6 }
			})
		);
		expect(next.version).toBe('1.1');
		expect(next.items.map((i) => i.id).slice(0, 3)).toEqual(['CO1', 'CO3', 'CO4']);
		expect(next.items[0]).toEqual({ ...v1.items[0], text: 'New wording.', help: undefined });
		expect(next.items[0]!.help).toBeUndefined();
		expect(next.items[1]!.help).toBe('Fresh help.');
		expect(next.items.at(-1)).toEqual({ id: 'CO9', construct: 'coherence', subConstruct: 'internalisation', text: 'Added.', reversed: true });
		expect(next.items).toHaveLength(v1.items.length);
		expect(next.generalItems[0]).toEqual({ id: 'G1', text: 'Reworded general question.', minLabel: 'Low', maxLabel: 'High' });
		expect(next.bands).toEqual({ fittingIn: 4.5, belonging: 8, belongingConstructMinimum: 6 });
		expect(next.provenance).toEqual(v1.provenance);
		expect(next.scoring).toEqual(v1.scoring);
		// The stored version it came from is untouched.
		expect(v1.items[0]!.text).not.toBe('New wording.');
		expect(v1.version).toBe('1.0');
	});
});

describe('summariseInstrument', () => {
	it('counts statements by construct and sub-construct, and names the reverse-worded ones', () => {
		const summary = summariseInstrument(v1);
		expect(summary.itemCount).toBe(22);
		expect(summary.constructs.reduce((n, c) => n + c.itemCount, 0)).toBe(22);
		for (const c of summary.constructs) {
			expect(c.subConstructs.reduce((n, s) => n + s.itemCount, 0)).toBe(c.itemCount);
			expect(c.subConstructs).toHaveLength(4);
		}
		expect(summary.reversedIds).toEqual(v1.items.filter((i) => i.reversed).map((i) => i.id));
		expect(summary.reversedIds.length).toBeGreaterThan(0);
	});
});
