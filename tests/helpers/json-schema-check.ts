/**
 * A small JSON Schema checker for the keywords docs/instrument.schema.json uses, so tests can check
 * files against the committed schema without a validator dependency. A keyword it does not know
 * makes it throw, so a schema that grows a new kind of rule cannot pass unchecked.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default']);
const KNOWN = new Set([
	'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'pattern',
	'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format'
]);

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/** Every place the value breaks the schema, as "path: keyword". Empty when it conforms. */
export function schemaProblems(schema: Schema, value: unknown, path = '$'): string[] {
	for (const keyword of Object.keys(schema)) {
		if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`schema keyword ${keyword} at ${path} is not checked`);
	}
	const problems: string[] = [];
	const fail = (keyword: string) => problems.push(`${path}: ${keyword}`);
	const type = typeOf(value);
	if (schema.type !== undefined && !(schema.type === type || (schema.type === 'number' && type === 'integer'))) {
		fail(`type ${String(schema.type)}`);
		return problems;
	}
	if (schema.enum && !(schema.enum as unknown[]).includes(value)) fail('enum');
	if (typeof value === 'string') {
		const length = [...value].length;
		if (typeof schema.minLength === 'number' && length < schema.minLength) fail('minLength');
		if (typeof schema.maxLength === 'number' && length > schema.maxLength) fail('maxLength');
		if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
		if (schema.format === 'uri' && !URL.canParse(value)) fail('format');
	}
	if (typeof value === 'number') {
		if (typeof schema.minimum === 'number' && value < schema.minimum) fail('minimum');
		if (typeof schema.maximum === 'number' && value > schema.maximum) fail('maximum');
		if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) fail('exclusiveMinimum');
		if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) fail('exclusiveMaximum');
	}
	if (Array.isArray(value)) {
		if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('minItems');
		if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('maxItems');
		if (schema.items) value.forEach((v, i) => problems.push(...schemaProblems(schema.items as Schema, v, `${path}[${i}]`)));
	}
	if (type === 'object') {
		const object = value as Record<string, unknown>;
		const properties = (schema.properties ?? {}) as Record<string, Schema>;
		for (const key of (schema.required ?? []) as string[]) if (!(key in object)) fail(`required ${key}`);
		for (const [key, v] of Object.entries(object)) {
			if (schema.propertyNames) problems.push(...schemaProblems(schema.propertyNames as Schema, key, `${path}.${key} (name)`));
			if (properties[key]) problems.push(...schemaProblems(properties[key], v, `${path}.${key}`));
			else if (schema.additionalProperties === false) fail(`additionalProperties ${key}`);
			else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(schema.additionalProperties as Schema, v, `${path}.${key}`));
		}
	}
	return problems;
}
