/**
 * The JSON Schema of an instrument file (docs/instrument.schema.json), generated from the zod
 * schema the app validates with, so the two cannot say different things. It describes the input
 * side: what a file may contain (answerScale may be left out; text is counted before cleaning, so
 * the schema is if anything stricter). The rules that compare fields (unique ids, a sub-construct
 * under its own construct, every construct measured, bands in order, pairing) are not expressible
 * in JSON Schema: they are listed in the description, and the app still checks them.
 */
import { z } from 'zod';
import { DEFAULT_ANSWER_SCALE, instrumentSchema } from '../instrument';

export const INSTRUMENT_SCHEMA_ID = 'urn:belonging:instrument-schema:1';

/** Plain words for the fields people most often get wrong, shown by editors that read the schema. */
const FIELD_NOTES: Record<string, string> = {
	id: 'Stable id of the instrument (lower-case letters, digits and -). With version, it names the file for ever.',
	version: 'A published version never changes: any edit needs a new version number.',
	audience: '"staff" (anonymous survey) or "link_worker" (the link worker\'s own, named assessment).',
	provenance: 'Who wrote the instrument and on what terms it may be used. The licence is required: load only an instrument you hold the rights to.',
	pairedWith: 'Link-worker instruments only: the staff instrument version whose items these pair with.',
	answerScale:
		'The numeric answer codes: agreement 1–5 (5 = strongly agree), then the three "not relevant" answers, each with its own code (6–99). Left out, Belonging\'s own: 7, 8 and 9. Scoring reads codes, never labels.',
	items: 'The agreement statements. Item ids are stable and never reused for a different statement.',
	generalItems: 'Ratings from 0 to 10 with their end labels, reported apart from construct scores.',
	scoring: 'The minimum-items rule and the other numbers scoring uses (docs/scoring.md §3).',
	bands: 'Thresholds of the indicative display bands on the 0–10 scale (docs/scoring.md §4).'
};

const CROSS_FIELD_RULES = [
	'item, general item and free-text ids are unique across the file',
	"each item's subConstruct belongs to its construct",
	'every construct has at least one item',
	'bands.fittingIn is below bands.belonging',
	'answerScale.agreement lists codes 1 to 5 in order; the "not relevant" codes and meanings are distinct',
	'only a link_worker instrument has pairedWith and item pairs, and no two of its items pair with the same staff item',
	'control characters and bidirectional overrides in text are dropped before lengths are checked'
];

type JsonObject = Record<string, unknown>;

/** The JSON Schema (draft 2020-12) of an instrument file. */
export function instrumentJsonSchema(): JsonObject {
	const generated = z.toJSONSchema(instrumentSchema, { io: 'input', target: 'draft-2020-12' }) as JsonObject;
	const { $schema, ...rest } = generated;
	const properties = rest.properties as Record<string, JsonObject>;
	for (const [field, note] of Object.entries(FIELD_NOTES)) {
		properties[field] = { description: note, ...properties[field] };
	}
	// zod leaves out a default whose schema transforms (the labels are cleaned text); it is still the default.
	properties.answerScale = { ...properties.answerScale, default: DEFAULT_ANSWER_SCALE };
	// Not part of the instrument: the import drops it, so a file may point an editor at this schema.
	const withPointer = { $schema: { type: 'string', description: 'Where this schema is, for editors; dropped on import.' }, ...properties };
	return {
		$schema,
		$id: INSTRUMENT_SCHEMA_ID,
		title: 'Belonging instrument file',
		description:
			'A versioned NPT survey instrument for Belonging: its constructs, items, answer codes, scoring rules, display bands and provenance. ' +
			`Beyond this schema the app also checks that: ${CROSS_FIELD_RULES.join('; ')}. See docs/instrument-format.md.`,
		...rest,
		properties: withPointer
	};
}

/** The committed file's text: tab-indented like the instrument files, ending in a line break. */
export function instrumentJsonSchemaText(): string {
	return `${JSON.stringify(instrumentJsonSchema(), null, '\t')}\n`;
}
