/**
 * A small JSON Schema checker for the keywords docs/instrument.schema.json and the OpenAPI
 * document's schemas use, so tests can check values against the published schemas without a
 * validator dependency. A keyword it does not know makes it throw, so a schema that grows a new
 * kind of rule cannot pass unchecked. `$ref` is read as a JSON pointer into `root` (for OpenAPI,
 * the whole document: `#/components/schemas/Round`).
 */
type Schema = Record<string, unknown>;

/** The value a local JSON pointer (`#/a/b`) names in `root`; throws when it names nothing. */
export function resolvePointer(root: unknown, ref: string): unknown {
	if (!ref.startsWith('#')) throw new Error(`only local references are resolved, not ${ref}`);
	let at: unknown = root;
	for (const raw of ref.slice(1).split('/').slice(1)) {
		const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
		if (at === null || typeof at !== 'object' || !(part in at)) throw new Error(`${ref} does not resolve`);
		at = (at as Record<string, unknown>)[part];
	}
	return at;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default']);
const KNOWN = new Set([
	'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'pattern',
	'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format',
	'$ref', 'anyOf', 'oneOf', 'const'
]);

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/** Every place the value breaks the schema, as "path: keyword". Empty when it conforms. */
export function schemaProblems(schema: Schema, value: unknown, path = '$', root: unknown = schema): string[] {
	for (const keyword of Object.keys(schema)) {
		if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`schema keyword ${keyword} at ${path} is not checked`);
	}
	const problems: string[] = [];
	const fail = (keyword: string) => problems.push(`${path}: ${keyword}`);
	const type = typeOf(value);
	if (typeof schema.$ref === 'string') problems.push(...schemaProblems(resolvePointer(root, schema.$ref) as Schema, value, path, root));
	const types = schema.type === undefined ? undefined : ([] as unknown[]).concat(schema.type);
	if (types && !types.some((t) => t === type || (t === 'number' && type === 'integer'))) {
		fail(`type ${types.join('|')}`);
		return problems;
	}
	if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => schemaProblems(s, value, path, root).length === 0)) fail('anyOf');
	if (schema.oneOf && (schema.oneOf as Schema[]).filter((s) => schemaProblems(s, value, path, root).length === 0).length !== 1) fail('oneOf');
	if ('const' in schema && value !== schema.const) fail('const');
	if (schema.enum && !(schema.enum as unknown[]).includes(value)) fail('enum');
	if (typeof value === 'string') {
		const length = [...value].length;
		if (typeof schema.minLength === 'number' && length < schema.minLength) fail('minLength');
		if (typeof schema.maxLength === 'number' && length > schema.maxLength) fail('maxLength');
		if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
		if (schema.format === 'uri' && !URL.canParse(value)) fail('format');
		if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) fail('format');
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
		if (schema.items) value.forEach((v, i) => problems.push(...schemaProblems(schema.items as Schema, v, `${path}[${i}]`, root)));
	}
	if (type === 'object') {
		const object = value as Record<string, unknown>;
		const properties = (schema.properties ?? {}) as Record<string, Schema>;
		for (const key of (schema.required ?? []) as string[]) if (!(key in object)) fail(`required ${key}`);
		for (const [key, v] of Object.entries(object)) {
			if (schema.propertyNames) problems.push(...schemaProblems(schema.propertyNames as Schema, key, `${path}.${key} (name)`, root));
			if (properties[key]) problems.push(...schemaProblems(properties[key], v, `${path}.${key}`, root));
			else if (schema.additionalProperties === false) fail(`additionalProperties ${key}`);
			else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(schema.additionalProperties as Schema, v, `${path}.${key}`, root));
		}
	}
	return problems;
}
