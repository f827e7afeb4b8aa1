/**
 * The OpenAPI document (/api/v1/openapi.json) checked as a document: OpenAPI 3.1's structural
 * rules that a reader's tools depend on, every API route in the registry, and the committed copy
 * (docs/api/openapi.json) current. Its answers are checked against real data in
 * tests/integration/openapi.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, openApiDocument, openApiFileText } from '../../src/lib/server/api/openapi';
import { resolvePointer, schemaProblems } from '../helpers/json-schema-check';

type Json = Record<string, unknown>;
const doc = openApiDocument('https://belonging.example.org') as Json & {
	paths: Record<string, Record<string, Json>>;
	components: { schemas: Record<string, Json>; responses: Record<string, Json>; securitySchemes: Record<string, Json> };
};
const API_ROOT = 'src/routes/api/v1';

/** Every `$ref` in the value, with where it is. */
function refsIn(value: unknown, path = '$'): { path: string; ref: string }[] {
	if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${path}[${i}]`));
	if (value === null || typeof value !== 'object') return [];
	return Object.entries(value).flatMap(([key, v]) =>
		key === '$ref' && typeof v === 'string' ? [{ path, ref: v }] : refsIn(v, `${path}.${key}`)
	);
}

function routeFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return routeFiles(path);
		return entry.name === '+server.ts' ? [path] : [];
	});
}

describe('the OpenAPI document', () => {
	it('is OpenAPI 3.1 with the service’s origin as its server and a bearer scheme every data endpoint needs', () => {
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.info).toMatchObject({ title: expect.any(String), version: '1' });
		expect(doc.servers).toEqual([{ url: 'https://belonging.example.org/api/v1', description: 'This Belonging service' }]);
		expect((openApiDocument(undefined).servers as Json[])[0]!.url).toBe('/api/v1');
		expect(doc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
		expect(doc.security).toEqual([{ bearerAuth: [] }]);
		// Only the document itself is open: it describes the API and holds no data.
		const open = Object.entries(doc.paths).filter(([, item]) => Array.isArray(item.get!.security) && (item.get!.security as unknown[]).length === 0);
		expect(open.map(([path]) => path)).toEqual(['/openapi.json']);
	});

	it('resolves every $ref inside the document', () => {
		const refs = refsIn(doc);
		expect(refs.length).toBeGreaterThan(100);
		const broken = refs.filter(({ ref }) => {
			try {
				return resolvePointer(doc, ref) === undefined;
			} catch {
				return true;
			}
		});
		expect(broken).toEqual([]);
		// And every named schema is used: none left over from an endpoint taken away.
		const used = new Set(refs.map((r) => r.ref));
		expect(Object.keys(doc.components.schemas).filter((name) => !used.has(`#/components/schemas/${name}`))).toEqual([]);
	});

	it('declares every path parameter as required, and no other, with unique operation ids', () => {
		const ids: string[] = [];
		for (const [path, item] of Object.entries(doc.paths)) {
			expect(Object.keys(item), path).toEqual(['get']);
			const operation = item.get as { operationId: string; parameters?: { name: string; in: string; required: boolean }[] };
			ids.push(operation.operationId);
			const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
			const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
			expect(declared.map((p) => p.name), path).toEqual(inTemplate);
			expect(declared.every((p) => p.required), path).toBe(true);
			const names = (operation.parameters ?? []).map((p) => `${p.in}:${p.name}`);
			expect(new Set(names).size, path).toBe(names.length);
		}
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('gives every data endpoint the refusals the wrapper can send, 429 and 503 with Retry-After, and one error schema for all', () => {
		for (const [path, item] of Object.entries(doc.paths)) {
			const responses = (item.get as { responses: Record<string, Json> }).responses;
			expect(responses['200'], path).toBeDefined();
			expect(responses['405'], path).toEqual({ $ref: '#/components/responses/MethodNotAllowed' });
			if (path === '/openapi.json') continue;
			for (const status of ['401', '429', '503']) expect(Object.keys(responses), path).toContain(status);
			expect(responses['500'], path).toBeUndefined();
		}
		const { responses } = doc.components;
		for (const name of ['TooManyRequests', 'ServiceUnavailable']) {
			expect((responses[name]!.headers as Json)['Retry-After']).toMatchObject({ schema: { type: 'integer', minimum: 1 } });
		}
		expect((responses.MethodNotAllowed!.headers as Json).Allow).toBeDefined();
		expect((responses.Unauthorized!.headers as Json)['WWW-Authenticate']).toBeDefined();
		for (const response of Object.values(responses)) {
			expect(response.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
		}
	});

	it('has component schemas a JSON Schema 2020-12 reader takes as they are: no $schema or $id inside, and open to fields added later', () => {
		for (const [name, schema] of Object.entries(doc.components.schemas)) {
			expect(schema.$schema, name).toBeUndefined();
			expect(schema.$id, name).toBeUndefined();
		}
		expect(JSON.stringify(doc)).not.toContain('"additionalProperties":false');
	});

	it('describes the error shape so that a real refusal conforms and a bare message does not', () => {
		const error = doc.components.schemas.Error!;
		expect(schemaProblems(error, { error: { status: 404, message: 'We could not find that practice.' } }, '$', doc)).toEqual([]);
		expect(schemaProblems(error, { message: 'Not found' }, '$', doc)).toEqual(['$: required error']);
		expect(schemaProblems(error, { error: { status: 200, message: 'OK' } }, '$', doc)).toEqual(['$.error.status: minimum']);
	});

	it('says what a null score means: a withheld figure, by the minimum number of responses', () => {
		const round = doc.components.schemas.Round as { properties: Record<string, Json> };
		expect(round.properties.scores!.description).toMatch(/withheld/);
		expect(round.properties.scores!.description).toMatch(/minResponses/);
		// A score of a shown round may still be null: the schema must allow it, and no number outside 0–10.
		const score = { mean: 7.5, lower: 6.1, upper: 8.9, n: 6 };
		const shown = { overall: score, coherence: null, cognitive_participation: score, collective_action: score, reflexive_monitoring: score };
		const scores = round.properties.scores!;
		expect(schemaProblems(scores, shown, '$', doc)).toEqual([]);
		expect(schemaProblems(scores, null, '$', doc)).toEqual([]);
		expect(schemaProblems(scores, { ...shown, overall: { ...score, mean: 11 } }, '$', doc)).toEqual(['$: anyOf']);
	});
});

describe('the registry of API endpoints', () => {
	it('has an entry for every route under src/routes/api/v1, and a route for every entry', () => {
		const routes = routeFiles(API_ROOT)
			.map((file) => `/${relative(API_ROOT, file).split(sep).slice(0, -1).join('/')}`.replace(/\[([^\]]+)\]/g, '{$1}'))
			.sort();
		expect(routes.length).toBeGreaterThanOrEqual(11);
		expect(API_OPERATIONS.map((o) => o.path).sort()).toEqual(routes);
	});

	it('gives every route a read-only fallback, so other methods answer 405 as the document says', () => {
		for (const file of routeFiles(API_ROOT)) {
			expect(readFileSync(file, 'utf8'), file).toMatch(/export const fallback = apiReadOnly;/);
		}
	});
});

describe('docs/api/openapi.json', () => {
	it('is what the registry generates now: run `npm run api:openapi` after changing an endpoint or a schema', () => {
		expect(readFileSync('docs/api/openapi.json', 'utf8')).toBe(openApiFileText());
	});
});
