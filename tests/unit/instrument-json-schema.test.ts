import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_SCALE, parseInstrument } from '../../src/lib/npt/instrument';
import { INSTRUMENT_SCHEMA_ID, instrumentJsonSchema, instrumentJsonSchemaText } from '../../src/lib/npt/instrument-formats/json-schema';
import { schemaProblems } from '../helpers/json-schema-check';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const committed = read('docs/instrument.schema.json');
const schema = JSON.parse(committed) as Record<string, unknown>;
const FILES = [
	'src/lib/npt/instruments/belonging-staff.v1.json',
	'src/lib/npt/instruments/belonging-link-worker.v1.json',
	'docs/instruments/example.json',
	'tests/fixtures/nomad-shaped.json'
];

describe('the instrument JSON Schema (docs/instrument.schema.json)', () => {
	it('is what instrumentJsonSchema generates now: run `npm run instrument:schema` after changing the zod schema', () => {
		expect(committed).toBe(instrumentJsonSchemaText());
	});

	it('names itself and describes the rules JSON Schema cannot express', () => {
		const generated = instrumentJsonSchema();
		expect(generated.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
		expect(generated.$id).toBe(INSTRUMENT_SCHEMA_ID);
		expect(generated.title).toBe('Belonging instrument file');
		expect(generated.description).toContain("each item's subConstruct belongs to its construct");
	});

	it('describes the input side: answerScale may be left out and defaults to Belonging\'s own codes; provenance and its licence may not', () => {
		const properties = schema.properties as Record<string, Record<string, unknown>>;
		expect(schema.required).not.toContain('answerScale');
		expect(properties.answerScale!.default).toEqual(DEFAULT_ANSWER_SCALE);
		expect(schema.required).toContain('provenance');
		expect(properties.provenance!.required).toEqual(['authors', 'citation', 'licence']);
		// Text limits come from lineText: the title is 1 to 200 characters.
		expect(properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
	});

	it.each(FILES)('accepts %s, which the app also accepts', (path) => {
		const json = JSON.parse(read(path)) as unknown;
		expect(() => parseInstrument(json, path)).not.toThrow();
		expect(schemaProblems(schema, json)).toEqual([]);
	});

	it('lets a file point an editor at the schema with "$schema", which the import drops', () => {
		const json = { $schema: './instrument.schema.json', ...(JSON.parse(read('docs/instruments/example.json')) as object) };
		expect(schemaProblems(schema, json)).toEqual([]);
	});

	it('refuses what the app refuses field by field: no licence, an unknown field, an unknown construct, a seventh agreement point', () => {
		const file = JSON.parse(read('docs/instruments/example.json')) as {
			provenance: Record<string, unknown>;
			items: Record<string, unknown>[];
			answerScale: { agreement: unknown[] };
			colour?: string;
		};
		delete file.provenance.licence;
		file.colour = 'blue';
		file.items[2]!.construct = 'coherance';
		file.answerScale.agreement.push({ code: 6, label: 'Extra' });
		expect(schemaProblems(schema, file)).toEqual([
			'$.provenance: required licence',
			'$.answerScale.agreement: maxItems',
			'$.answerScale.agreement[5].code: maximum',
			'$.items[2].construct: enum',
			'$: additionalProperties colour'
		]);
		expect(() => parseInstrument(file)).toThrow(/provenance\.licence/);
	});
});

describe('the documented example (docs/instruments/example.json)', () => {
	it('is an importable instrument of eight statements, two per construct, one reverse-worded, three ratings, under a stated licence', () => {
		const example = parseInstrument(JSON.parse(read('docs/instruments/example.json')), 'docs/instruments/example.json');
		expect(example.items.map((i) => i.construct)).toEqual([
			'coherence', 'coherence', 'cognitive_participation', 'cognitive_participation',
			'collective_action', 'collective_action', 'reflexive_monitoring', 'reflexive_monitoring'
		]);
		expect(example.items.filter((i) => i.reversed).map((i) => i.id)).toEqual(['EX-CA1']);
		expect(example.generalItems).toHaveLength(3);
		expect(example.provenance.licence).toContain('CC BY 4.0');
		expect(example.answerScale.notRelevant.map((a) => a.code)).toEqual([6, 7, 8]);
	});
});
