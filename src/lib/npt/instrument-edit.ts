/**
 * Editing an instrument makes a new version (docs/scoring.md §1): these pure helpers build the new
 * definition from a stored one and the edits, for the schema to check like any imported file.
 */
import type { Instrument } from './instrument';

export interface ItemEdit {
	text: string;
	/** Empty: no help text. */
	help: string;
	retire: boolean;
}

export interface NewItem {
	id: string;
	construct: string;
	subConstruct: string;
	text: string;
	reversed: boolean;
	help: string;
}

export interface InstrumentEdits {
	version: string;
	/** By item id; an item left out is kept as it was. */
	items: Readonly<Record<string, ItemEdit>>;
	newItems: readonly NewItem[];
	/** By general item id; one left out is kept as it was. */
	generalItems: Readonly<Record<string, { text: string; minLabel: string; maxLabel: string }>>;
	bands: Instrument['bands'];
}

/**
 * The new definition, unchecked: wording, help and retirements applied in place (order kept),
 * new items appended, general items reworded, thresholds replaced. Everything else (provenance,
 * pairing, answer codes, scoring rules) is carried over unchanged.
 */
export function applyInstrumentEdits(from: Instrument, edits: InstrumentEdits): unknown {
	const items = from.items.flatMap((item) => {
		const edit = edits.items[item.id];
		if (!edit) return [item];
		if (edit.retire) return [];
		const { help: _help, ...rest } = item;
		return [{ ...rest, text: edit.text, ...(edit.help.trim() ? { help: edit.help } : {}) }];
	});
	const added = edits.newItems.map((item) => ({
		id: item.id,
		construct: item.construct,
		subConstruct: item.subConstruct,
		text: item.text,
		reversed: item.reversed,
		...(item.help.trim() ? { help: item.help } : {})
	}));
	const generalItems = from.generalItems.map((item) => {
		const edit = edits.generalItems[item.id];
		return edit ? { ...item, ...edit } : item;
	});
	return { ...structuredClone(from), version: edits.version, items: [...items, ...added], generalItems, bands: { ...edits.bands } };
}

/** The next free version number after `version`, counting up its last part (1 → 2, 1.0 → 1.1). */
export function suggestNextVersion(version: string, taken: readonly string[]): string {
	const parts = version.split('.').map(Number);
	const used = new Set(taken);
	let candidate = version;
	do {
		parts[parts.length - 1] = (parts[parts.length - 1] ?? 0) + 1;
		candidate = parts.join('.');
	} while (used.has(candidate));
	return candidate;
}
