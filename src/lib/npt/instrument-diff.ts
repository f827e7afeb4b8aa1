/**
 * What changed between two versions of one instrument, item by item (docs/scoring.md §1: editing makes
 * a new version, so people need to see what the new one asks differently). Pure.
 */
import type { Construct, SubConstruct } from './constructs';
import type { Instrument, InstrumentItem } from './instrument';

export interface ItemChange {
	id: string;
	from: string;
	to: string;
}

export interface ConstructMove {
	id: string;
	from: { construct: Construct; subConstruct: SubConstruct };
	to: { construct: Construct; subConstruct: SubConstruct };
}

export interface InstrumentDiff {
	added: InstrumentItem[];
	retired: InstrumentItem[];
	reworded: ItemChange[];
	helpChanged: ItemChange[];
	reversedChanged: { id: string; from: boolean; to: boolean }[];
	constructMoved: ConstructMove[];
	generalItems: {
		added: string[];
		retired: string[];
		/** What changed about each general item that is in both, e.g. "wording", "end labels". */
		changed: { id: string; what: string[] }[];
	};
	thresholds: { name: keyof Instrument['bands']; from: number; to: number }[];
	/** Provenance fields that differ, by name (authors, citation, doi, licence, licenceUrl, derivedFrom). */
	provenance: { field: string; from: string; to: string }[];
	/** True when nothing above differs. */
	same: boolean;
}

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	return Array.isArray(value) ? value.join('; ') : String(value);
}

export function diffInstruments(from: Instrument, to: Instrument): InstrumentDiff {
	const before = new Map(from.items.map((item) => [item.id, item]));
	const after = new Map(to.items.map((item) => [item.id, item]));
	const added = to.items.filter((item) => !before.has(item.id));
	const retired = from.items.filter((item) => !after.has(item.id));
	const reworded: ItemChange[] = [];
	const helpChanged: ItemChange[] = [];
	const reversedChanged: InstrumentDiff['reversedChanged'] = [];
	const constructMoved: ConstructMove[] = [];
	for (const item of to.items) {
		const old = before.get(item.id);
		if (!old) continue;
		if (old.text !== item.text) reworded.push({ id: item.id, from: old.text, to: item.text });
		if ((old.help ?? '') !== (item.help ?? '')) helpChanged.push({ id: item.id, from: old.help ?? '', to: item.help ?? '' });
		if (old.reversed !== item.reversed) reversedChanged.push({ id: item.id, from: old.reversed, to: item.reversed });
		if (old.construct !== item.construct || old.subConstruct !== item.subConstruct) {
			constructMoved.push({
				id: item.id,
				from: { construct: old.construct, subConstruct: old.subConstruct },
				to: { construct: item.construct, subConstruct: item.subConstruct }
			});
		}
	}

	const generalBefore = new Map(from.generalItems.map((item) => [item.id, item]));
	const generalAfter = new Map(to.generalItems.map((item) => [item.id, item]));
	const changed: InstrumentDiff['generalItems']['changed'] = [];
	for (const item of to.generalItems) {
		const old = generalBefore.get(item.id);
		if (!old) continue;
		const what: string[] = [];
		if (old.text !== item.text) what.push('wording');
		if (old.minLabel !== item.minLabel || old.maxLabel !== item.maxLabel) what.push('end labels');
		if (what.length) changed.push({ id: item.id, what });
	}
	const generalItems = {
		added: to.generalItems.filter((item) => !generalBefore.has(item.id)).map((item) => item.id),
		retired: from.generalItems.filter((item) => !generalAfter.has(item.id)).map((item) => item.id),
		changed
	};

	const thresholds = (['fittingIn', 'belonging', 'belongingConstructMinimum'] as const)
		.filter((name) => from.bands[name] !== to.bands[name])
		.map((name) => ({ name, from: from.bands[name], to: to.bands[name] }));

	const provenanceFields = ['authors', 'citation', 'doi', 'licence', 'licenceUrl', 'derivedFrom'] as const;
	const provenance = provenanceFields
		.map((field) => ({ field, from: text(from.provenance[field]), to: text(to.provenance[field]) }))
		.filter((change) => change.from !== change.to);

	const same =
		added.length + retired.length + reworded.length + helpChanged.length + reversedChanged.length + constructMoved.length === 0 &&
		generalItems.added.length + generalItems.retired.length + generalItems.changed.length === 0 &&
		thresholds.length + provenance.length === 0;
	return { added, retired, reworded, helpChanged, reversedChanged, constructMoved, generalItems, thresholds, provenance, same };
}
