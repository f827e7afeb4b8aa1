/**
 * When two instrument versions' scores are one series (docs/scoring.md §1, §3–§5). Scores of rounds on
 * different series are never set side by side as one figure: no change Δ between them, no mean of
 * practice scores across them, no benchmark group holding both.
 *
 * What a construct or overall score is computed from decides the series, and nothing else does:
 * - the instrument's id and audience (a staff survey and a link worker's assessment never mix);
 * - the scored items: each item's id, its construct and whether it is reverse-worded (§2–§3). So
 *   adding, retiring or moving an item to another construct, or reversing it, starts a new series;
 * - the scoring rules that make a score (the minimum-items fraction, the constructs an overall
 *   score needs, the confidence level of its interval) and the band thresholds (§4).
 *
 * Rewording an item, its help text or sub-construct (sub-constructs are shown as statement
 * distributions, never as scores), the general items, role groups, the free-text question, the
 * answer labels, the provenance, or how many people α needs, keeps the series: none of them
 * changes a score. The order of the items does not matter either.
 */
import type { Instrument } from './instrument';

type Comparable = Pick<Instrument, 'id' | 'audience' | 'items' | 'scoring' | 'bands'>;

/**
 * What decides the series, written out in full: the audience and id, every scored statement as
 * id:construct:f (forward) or r (reverse-worded), sorted, the scoring rules and the bands.
 */
export function seriesDefinitionOf(instrument: Comparable): string {
	const items = instrument.items
		.map((item) => `${item.id}:${item.construct}:${item.reversed ? 'r' : 'f'}`)
		.sort()
		.join(',');
	const { minItemsFraction, minConstructsForOverall, confidenceLevel } = instrument.scoring;
	const { fittingIn, belonging, belongingConstructMinimum } = instrument.bands;
	return [
		`${instrument.audience}/${instrument.id}`,
		`items=${items}`,
		`scoring=${minItemsFraction};${minConstructsForOverall};${confidenceLevel}`,
		`bands=${fittingIn};${belonging};${belongingConstructMinimum}`
	].join('|');
}

/**
 * A short string that is equal for two instrument versions exactly when their scores are one
 * series: the audience and id, then a 53-bit hash of `seriesDefinitionOf` (cyrb53), so pages and
 * answers can carry it on every round. Two different definitions of one instrument id sharing a
 * hash is a chance of about one in 10¹⁵ per pair.
 */
export function seriesKeyOf(instrument: Comparable): string {
	return `${instrument.audience}/${instrument.id}#${cyrb53(seriesDefinitionOf(instrument))}`;
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash, in base 36. */
function cyrb53(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Whether the scores of two instrument versions may be compared, pooled or set in one trend. */
export function sameSeries(a: Comparable, b: Comparable): boolean {
	return seriesDefinitionOf(a) === seriesDefinitionOf(b);
}

/** An instrument version as every page, export and API answer names results from it. */
export interface InstrumentLabel {
	id: string;
	version: string;
	title: string;
	licence: string;
	licenceUrl: string | null;
	citation: string;
	doi: string | null;
	/** seriesKeyOf: equal labels of one series may be compared. */
	series: string;
}

/*
 * One label per instrument object: the rounds of a page share their instrument's, so the page's
 * serialised data holds each label once however many rounds name it.
 */
const labels = new WeakMap<Instrument, InstrumentLabel>();

export function instrumentLabelOf(instrument: Instrument): InstrumentLabel {
	let label = labels.get(instrument);
	if (!label) labels.set(instrument, (label = Object.freeze(labelOf(instrument))));
	return label;
}

function labelOf(instrument: Instrument): InstrumentLabel {
	const { provenance } = instrument;
	return {
		id: instrument.id,
		version: instrument.version,
		title: instrument.title,
		licence: provenance.licence,
		licenceUrl: provenance.licenceUrl ?? null,
		citation: provenance.citation,
		doi: provenance.doi ?? null,
		series: seriesKeyOf(instrument)
	};
}

/** The distinct instrument versions of some labels, in the order first met. */
export function distinctLabels(labels: Iterable<InstrumentLabel | null | undefined>): InstrumentLabel[] {
	const seen = new Map<string, InstrumentLabel>();
	for (const label of labels) if (label && !seen.has(`${label.id}@${label.version}`)) seen.set(`${label.id}@${label.version}`, label);
	return [...seen.values()];
}

/** "Title, version 1.0": how a sentence names an instrument version. */
export function instrumentName(label: Pick<InstrumentLabel, 'title' | 'version'>): string {
	return `${label.title}, version ${label.version}`;
}

/**
 * The series most of the given members are on: the one with the most members, and among equals
 * the one holding the member that comes last in the given order (callers pass the most recent
 * last). Undefined when there are none. The minority is then left out of an area's figure, and
 * the page says so.
 */
export function mainSeries(series: readonly string[]): string | undefined {
	const counts = new Map<string, { count: number; last: number }>();
	series.forEach((key, i) => {
		const had = counts.get(key);
		counts.set(key, { count: (had?.count ?? 0) + 1, last: i });
	});
	let best: [string, { count: number; last: number }] | undefined;
	for (const entry of counts) {
		if (!best || entry[1].count > best[1].count || (entry[1].count === best[1].count && entry[1].last > best[1].last)) best = entry;
	}
	return best?.[0];
}
