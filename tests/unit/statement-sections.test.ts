import { describe, expect, it } from 'vitest';
import { statementSections } from '../../src/lib/npt/statement-sections';
import { miniInstrument } from '../fixtures/instruments';

describe('statementSections', () => {
	it('groups statements by construct in NPT order, numbered by their place in the whole instrument', () => {
		const sections = statementSections(miniInstrument);
		expect(sections.map((s) => [s.construct, s.statements.map((st) => `${st.number}:${st.item.id}`)])).toEqual([
			['coherence', ['1:C1', '2:C2']],
			['cognitive_participation', ['3:P1', '4:P2', '5:P3']],
			['collective_action', ['6:A1', '7:A2', '8:A3', '9:A4']],
			['reflexive_monitoring', ['10:R1', '11:R2']]
		]);
	});

	it('keeps each statement’s own number when the instrument lists them out of construct order, and leaves out empty constructs', () => {
		const [c1, , p1] = miniInstrument.items;
		const shuffled = { ...miniInstrument, items: [p1!, c1!], constructIntros: { coherence: 'About the role' } };
		expect(statementSections(shuffled)).toEqual([
			{ construct: 'coherence', intro: 'About the role', statements: [{ item: c1, number: 2 }] },
			{ construct: 'cognitive_participation', intro: null, statements: [{ item: p1, number: 1 }] }
		]);
	});
});
