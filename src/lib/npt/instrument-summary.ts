/**
 * What an instrument version asks, arranged for people to read before they import or choose it:
 * items by construct and sub-construct, reversed items, general items, thresholds, answer codes,
 * pairing and provenance. Pure: the pages render it as it is.
 */
import { CONSTRUCTS, CONSTRUCT_NAMES, SUB_CONSTRUCTS, type Construct } from './constructs';
import type { Instrument } from './instrument';

export interface InstrumentSummary {
	id: string;
	version: string;
	title: string;
	language: string;
	audience: Instrument['audience'];
	description: string | null;
	itemCount: number;
	constructs: {
		construct: Construct;
		name: string;
		plain: string;
		itemCount: number;
		subConstructs: { subConstruct: string; label: string; itemCount: number }[];
		items: { id: string; subConstruct: string; text: string; reversed: boolean; help: string | null; pairs: string | null }[];
	}[];
	reversedIds: string[];
	generalItems: Instrument['generalItems'];
	bands: Instrument['bands'];
	answerScale: Instrument['answerScale'];
	pairedWith: Instrument['pairedWith'] | null;
	provenance: Instrument['provenance'];
}

/** "skill_set_workability" → "Skill set workability". */
export function subConstructLabel(subConstruct: string): string {
	const words = subConstruct.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

export function summariseInstrument(instrument: Instrument): InstrumentSummary {
	return {
		id: instrument.id,
		version: instrument.version,
		title: instrument.title,
		language: instrument.language,
		audience: instrument.audience,
		description: instrument.description ?? null,
		itemCount: instrument.items.length,
		constructs: CONSTRUCTS.map((construct) => {
			const items = instrument.items.filter((item) => item.construct === construct);
			return {
				construct,
				name: CONSTRUCT_NAMES[construct].name,
				plain: CONSTRUCT_NAMES[construct].plain,
				itemCount: items.length,
				subConstructs: SUB_CONSTRUCTS[construct].map((sub) => ({
					subConstruct: sub,
					label: subConstructLabel(sub),
					itemCount: items.filter((item) => item.subConstruct === sub).length
				})),
				items: items.map((item) => ({
					id: item.id,
					subConstruct: subConstructLabel(item.subConstruct),
					text: item.text,
					reversed: item.reversed,
					help: item.help ?? null,
					pairs: item.pairs ?? null
				}))
			};
		}),
		reversedIds: instrument.items.filter((item) => item.reversed).map((item) => item.id),
		generalItems: instrument.generalItems,
		bands: instrument.bands,
		answerScale: instrument.answerScale,
		pairedWith: instrument.pairedWith ?? null,
		provenance: instrument.provenance
	};
}
