import { describe, expect, it } from 'vitest';
import { ALL_SUB_CONSTRUCTS, CONSTRUCTS } from '../../src/lib/npt/constructs';
import { BUILT_IN_INSTRUMENTS } from '../../src/lib/npt/builtin';
import {
	InstrumentError,
	type InstrumentItem,
	minimumItemsFor,
	parseInstrument,
	parseInstrumentJson
} from '../../src/lib/npt/instrument';
import { miniInstrument, miniInstrumentDefinition } from '../fixtures/instruments';

function problemsOf(run: () => unknown): string[] {
	try {
		run();
	} catch (error) {
		if (error instanceof InstrumentError) return error.problems;
		throw error;
	}
	throw new Error('expected the instrument to be rejected');
}

describe('instrument loader (docs/scoring.md §1)', () => {
	it('names the bad field when a construct is unknown', () => {
		const def = miniInstrumentDefinition();
		(def.items[3] as { construct: string }).construct = 'coherance';
		expect(problemsOf(() => parseInstrument(def))).toEqual([
			expect.stringMatching(/^items\[3\]\.construct: /)
		]);
	});

	it('rejects a sub-construct that belongs to another construct', () => {
		const def = miniInstrumentDefinition();
		def.items[0]!.subConstruct = 'reconfiguration';
		expect(problemsOf(() => parseInstrument(def))).toEqual([
			'items[0].subConstruct: "reconfiguration" belongs to reflexive_monitoring, not coherence'
		]);
	});

	it('rejects duplicate item ids, a missing reversed flag, unknown keys and disordered bands', () => {
		const def = miniInstrumentDefinition() as Record<string, unknown> & ReturnType<typeof miniInstrumentDefinition>;
		def.items[1]!.id = 'C1';
		delete (def.items[2] as { reversed?: boolean }).reversed;
		def.colour = 'blue';
		def.bands.fittingIn = 8;
		const problems = problemsOf(() => parseInstrument(def));
		expect(problems).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^items\[2\]\.reversed: /),
				expect.stringMatching(/^\(top level\): .*colour/)
			])
		);
		// Cross-field checks run once the shape is right.
		delete def.colour;
		(def.items[2] as { reversed?: boolean }).reversed = false;
		expect(problemsOf(() => parseInstrument(def))).toEqual([
			'items[1].id: id "C1" is already used by items.0.id',
			'bands.fittingIn: must be below bands.belonging'
		]);
	});

	it('rejects a construct with no items', () => {
		const def = miniInstrumentDefinition();
		def.items = def.items.filter((i) => i.construct !== 'reflexive_monitoring');
		expect(problemsOf(() => parseInstrument(def))).toEqual(['items: no item measures reflexive_monitoring']);
	});

	it('reports invalid JSON clearly', () => {
		expect(problemsOf(() => parseInstrumentJson('{"id": ', 'upload.json'))[0]).toMatch(/^not valid JSON/);
	});

	it('derives the minimum items per construct from the stored fraction, rounding up', () => {
		expect(minimumItemsFor(miniInstrument, 'coherence')).toBe(1);
		expect(minimumItemsFor(miniInstrument, 'cognitive_participation')).toBe(2);
		expect(minimumItemsFor(miniInstrument, 'collective_action')).toBe(2);
		const sixtyPercent = parseInstrument({
			...miniInstrumentDefinition(),
			scoring: { ...miniInstrumentDefinition().scoring, minItemsFraction: 0.6 }
		});
		// 5 × 0.6 = 3 exactly, although floating point makes it 3.0000000000000004.
		expect(minimumItemsFor({ ...sixtyPercent, items: [...sixtyPercent.items, ...sixtyPercent.items.slice(5, 6)] }, 'collective_action')).toBe(3);
	});
});

describe('the built-in instrument', () => {
	const [staff, linkWorker] = BUILT_IN_INSTRUMENTS;

	it('has a staff and a link worker version', () => {
		expect(staff!.audience).toBe('staff');
		expect(linkWorker!.audience).toBe('link_worker');
		expect(staff!.id).toBe(linkWorker!.id);
	});

	it('has 20–24 agreement items covering all 16 sub-constructs, at least 4 per construct', () => {
		for (const instrument of BUILT_IN_INSTRUMENTS) {
			expect(instrument.items.length).toBeGreaterThanOrEqual(20);
			expect(instrument.items.length).toBeLessThanOrEqual(24);
			expect(new Set(instrument.items.map((i) => i.subConstruct))).toEqual(new Set(ALL_SUB_CONSTRUCTS));
			for (const construct of CONSTRUCTS) {
				expect(instrument.items.filter((i) => i.construct === construct).length).toBeGreaterThanOrEqual(4);
			}
			expect(instrument.items.some((i) => i.reversed)).toBe(true);
			expect(instrument.generalItems).toHaveLength(3);
		}
	});

	it('asks the same things from both sides: same item ids, constructs and directions', () => {
		const shape = (i: InstrumentItem) => [i.id, i.construct, i.subConstruct, i.reversed];
		expect(linkWorker!.items.map(shape)).toEqual(staff!.items.map(shape));
		expect(linkWorker!.generalItems.map((g) => g.id)).toEqual(staff!.generalItems.map((g) => g.id));
	});

	it('offers the four coarse role groups and one optional free-text question to staff', () => {
		expect(staff!.roleGroups.map((g) => g.id)).toEqual([
			'clinical',
			'management_admin',
			'wellbeing_team',
			'vcse_partner'
		]);
		expect(staff!.freeText).toBeDefined();
	});

	it('keeps its thresholds in the definition', () => {
		expect(staff!.bands).toEqual({ fittingIn: 5, belonging: 7.5, belongingConstructMinimum: 6.25 });
		expect(staff!.scoring.minRespondentsForAlpha).toBe(10);
	});
});
