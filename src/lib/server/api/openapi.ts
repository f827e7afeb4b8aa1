/**
 * The registry of /api/v1 endpoints and the OpenAPI 3.1 document generated from it, served at
 * /api/v1/openapi.json. Each endpoint is one entry: its path, words, parameters, answer schema
 * (schemas.ts) and the refusals it can give. Tests walk the registry: every route file under
 * src/routes/api/v1 must have an entry, and every entry is called with a real token on seeded
 * data and its answer validated against its schema (tests/integration/openapi.test.ts).
 *
 * Adding an endpoint is one entry here: `example` says who may call it and how to fill its path
 * from the test's seeded ids, so the test covers it with nothing more written.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { API_RATE_LIMIT } from './rate-limit';
import {
	apiComponents,
	apiHeatmapSchema,
	apiIcbDashboardSchema,
	apiIcbGapsSchema,
	apiIcbOverTimeSchema,
	apiIcbPcnsSchema,
	apiInstrumentReportSchema,
	apiMeSchema,
	apiPcnRoundsSchema,
	apiPracticeRoundsSchema,
	apiPracticesSchema
} from './schemas';
import { pcnScoresResponse, pcnStatementsResponse, icbScoresResponse, practiceActionsResponse, practiceFlagsResponse, practiceScoresResponse, practiceStatementsResponse } from './flat-schemas';

/** The ids a test seeds, from which each entry fills its path. */
export interface ExampleIds {
	practiceId: number;
	pcnId: number;
	icbId: number;
	instrumentVersionId: number;
}

/** Whose token an example call uses: someone the endpoint is for. */
export type ExampleCaller = 'practiceManager' | 'pcnLead' | 'icbLead' | 'linkWorker' | 'nobody';

/** Refusals an entry lists beyond those every endpoint with a token can give (401, 405, 429, 503). */
export type ApiRefusal = 400 | 403 | 404;

export interface ApiOperation {
	/** Under /api/v1, with OpenAPI's `{name}` for each route parameter, named as its route folder is. */
	path: `/${string}`;
	operationId: string;
	tag: 'Account' | 'Practices' | 'PCNs' | 'ICBs' | 'Instruments' | 'About the API';
	summary: string;
	description: string;
	/** Each path parameter with what it is. */
	pathParameters?: Record<string, string>;
	query?: { name: string; description: string; schema: Record<string, unknown> }[];
	/** The answer's schema; a JSON answer's must be a named component of schemas.ts. */
	response: z.ZodType;
	/**
	 * The answer's media type; JSON unless said. A download names its own (`text/csv`) with a
	 * string schema (`z.string().meta({ format: 'binary' })` for a spreadsheet).
	 */
	mediaType?: string;
	refusals: ApiRefusal[];
	/** Served without a token (the document itself). */
	public?: boolean;
	example: { caller: ExampleCaller; path: (ids: ExampleIds) => string };
}

const periodQuery: NonNullable<ApiOperation['query']> = [
	{ name: 'from', description: 'First day of the period (YYYY-MM-DD). With `to`; both left out means the last twelve months.', schema: { type: 'string', format: 'date' } },
	{ name: 'to', description: 'Last day of the period (YYYY-MM-DD), inclusive.', schema: { type: 'string', format: 'date' } }
];

const PRACTICE_ID = 'The practice’s id (from /practices or /me), not its ODS code.';
const PCN_ID = 'The PCN’s id (from /me).';
const ICB_ID = 'The ICB’s id (from /me).';
const AUDITED = 'Each read is recorded in the audit log with the token’s name.';

/** The OpenAPI document's own schema: described here only in outline, as the OpenAPI specification defines the rest. */
export const openApiDocumentSchema = z
	.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
	.describe('An OpenAPI 3.1 document.');

export const API_OPERATIONS: ApiOperation[] = [
	{
		path: '/openapi.json',
		operationId: 'getOpenApiDocument',
		tag: 'About the API',
		summary: 'This document',
		description: 'The OpenAPI 3.1 description of the API. Served without a token: it describes the API and holds no data.',
		response: openApiDocumentSchema,
		refusals: [],
		public: true,
		example: { caller: 'nobody', path: () => '/openapi.json' }
	},
	{
		path: '/me',
		operationId: 'getMe',
		tag: 'Account',
		summary: 'Who the token acts for',
		description: 'The account behind the token and the ICBs, PCNs and practices it may read. Start here to find the ids other endpoints take.',
		response: apiMeSchema,
		refusals: [],
		example: { caller: 'practiceManager', path: () => '/me' }
	},
	{
		path: '/practices',
		operationId: 'listPractices',
		tag: 'Practices',
		summary: 'Practices you may read',
		description: 'Every practice whose results the token may read, by name, each with its PCN.',
		response: apiPracticesSchema,
		refusals: [],
		example: { caller: 'pcnLead', path: () => '/practices' }
	},
	{
		path: '/practices/{practiceId}/rounds',
		operationId: 'listPracticeRounds',
		tag: 'Practices',
		summary: 'A practice’s closed rounds and scores',
		description: `Every closed survey round of a practice, oldest first, with its overall and construct scores. A round with fewer than \`minResponses\` responses is withheld: it has no scores. ${AUDITED}`,
		pathParameters: { practiceId: PRACTICE_ID },
		response: apiPracticeRoundsSchema,
		refusals: [403, 404],
		example: { caller: 'practiceManager', path: (ids) => `/practices/${ids.practiceId}/rounds` }
	},
	{
		path: '/pcns/{pcnId}/rounds',
		operationId: 'listPcnRounds',
		tag: 'PCNs',
		summary: 'Every practice’s closed rounds in a PCN',
		description: `Every closed round of every practice now in the PCN, with its scores, as /practices/{practiceId}/rounds gives them. For the PCN’s lead and the ICB leads over it. ${AUDITED}`,
		pathParameters: { pcnId: PCN_ID },
		response: apiPcnRoundsSchema,
		refusals: [403, 404],
		example: { caller: 'pcnLead', path: (ids) => `/pcns/${ids.pcnId}/rounds` }
	},
	{
		path: '/pcns/{pcnId}/heatmap',
		operationId: 'getPcnHeatmap',
		tag: 'PCNs',
		summary: 'The PCN heatmap for a period',
		description: `Each practice’s latest round closed in the period with its scores and band, and the PCN figures: the mean of practice scores and the pooled respondents. For the PCN’s lead and the ICB leads over it. ${AUDITED}`,
		pathParameters: { pcnId: PCN_ID },
		query: periodQuery,
		response: apiHeatmapSchema,
		refusals: [400, 403, 404],
		example: { caller: 'pcnLead', path: (ids) => `/pcns/${ids.pcnId}/heatmap` }
	},
	{
		path: '/icbs/{icbId}',
		operationId: 'getIcbDashboard',
		tag: 'ICBs',
		summary: 'The ICB dashboard for a period',
		description: `Everything the ICB dashboard shows: the glance, every PCN’s figures and band counts, the ICB’s figures, practices not surveyed, the half-years, the infrastructure gaps and the PCN benchmarks. ICB leads only. ${AUDITED}`,
		pathParameters: { icbId: ICB_ID },
		query: periodQuery,
		response: apiIcbDashboardSchema,
		refusals: [400, 403, 404],
		example: { caller: 'icbLead', path: (ids) => `/icbs/${ids.icbId}` }
	},
	{
		path: '/icbs/{icbId}/pcns',
		operationId: 'listIcbPcns',
		tag: 'ICBs',
		summary: 'The ICB’s PCNs for a period',
		description: `Every PCN of the ICB: its figures, practices, respondents and band counts, and where it lies among every PCN of the service. ICB leads only. ${AUDITED}`,
		pathParameters: { icbId: ICB_ID },
		query: periodQuery,
		response: apiIcbPcnsSchema,
		refusals: [400, 403, 404],
		example: { caller: 'icbLead', path: (ids) => `/icbs/${ids.icbId}/pcns` }
	},
	{
		path: '/icbs/{icbId}/over-time',
		operationId: 'getIcbOverTime',
		tag: 'ICBs',
		summary: 'The ICB by half-year',
		description: `The ICB’s figures in each half of the NHS financial year, with intervals across practices. ICB leads only. ${AUDITED}`,
		pathParameters: { icbId: ICB_ID },
		query: periodQuery,
		response: apiIcbOverTimeSchema,
		refusals: [400, 403, 404],
		example: { caller: 'icbLead', path: (ids) => `/icbs/${ids.icbId}/over-time` }
	},
	{
		path: '/icbs/{icbId}/gaps',
		operationId: 'getIcbGaps',
		tag: 'ICBs',
		summary: 'Infrastructure gaps across the ICB',
		description: `Open infrastructure flags across the ICB, as a count of practices per checklist item (never which practice). ICB leads only. ${AUDITED}`,
		pathParameters: { icbId: ICB_ID },
		query: periodQuery,
		response: apiIcbGapsSchema,
		refusals: [400, 403, 404],
		example: { caller: 'icbLead', path: (ids) => `/icbs/${ids.icbId}/gaps` }
	},
	{
		path: '/practices/{practiceId}/scores',
		operationId: 'getPracticeScoreTable',
		tag: 'Practices',
		summary: 'A practice’s scores as a flat table',
		description: `One row per closed round × score (the overall score and each construct), every value flat, so Power Query makes a table in one step. A figure withheld (fewer than \`minResponses\` people behind it) is null, and \`withheld\` says why. For the practice’s managers, link workers and PCN lead. ${AUDITED}`,
		pathParameters: { practiceId: PRACTICE_ID },
		response: practiceScoresResponse,
		refusals: [403, 404],
		example: { caller: 'practiceManager', path: (ids) => `/practices/${ids.practiceId}/scores` }
	},
	{
		path: '/practices/{practiceId}/statements',
		operationId: 'getPracticeStatementTable',
		tag: 'Practices',
		summary: 'A practice’s statement results as a flat table',
		description: `One row per closed round × statement, with the figures of the round’s items.csv (counts and shares per answer, not-relevant counts, agreement with its Wilson interval). A statement with fewer than \`minResponses\` scored answers keeps only its not-relevant counts. For the practice’s managers, link workers and PCN lead. ${AUDITED}`,
		pathParameters: { practiceId: PRACTICE_ID },
		response: practiceStatementsResponse,
		refusals: [403, 404],
		example: { caller: 'practiceManager', path: (ids) => `/practices/${ids.practiceId}/statements` }
	},
	{
		path: '/practices/{practiceId}/flags',
		operationId: 'listPracticeFlags',
		tag: 'Practices',
		summary: 'A practice’s infrastructure-gap flags',
		description: `The flags the practice’s flags page shows the caller: a link worker sees the flags they raised, a practice manager those shared with the practice, a PCN lead every flag at the PCN’s practices. ICB leads read none. ${AUDITED}`,
		pathParameters: { practiceId: PRACTICE_ID },
		response: practiceFlagsResponse,
		refusals: [403, 404],
		example: { caller: 'linkWorker', path: (ids) => `/practices/${ids.practiceId}/flags` }
	},
	{
		path: '/practices/{practiceId}/actions',
		operationId: 'listPracticeActions',
		tag: 'Practices',
		summary: 'A practice’s actions',
		description: `The actions the practice’s actions page shows the caller, each with the flag it answers when it answers one the caller may see. ICB leads read none. ${AUDITED}`,
		pathParameters: { practiceId: PRACTICE_ID },
		response: practiceActionsResponse,
		refusals: [403, 404],
		example: { caller: 'practiceManager', path: (ids) => `/practices/${ids.practiceId}/actions` }
	},
	{
		path: '/pcns/{pcnId}/scores',
		operationId: 'getPcnScoreTable',
		tag: 'PCNs',
		summary: 'Every practice’s scores in a PCN as a flat table',
		description: `The score table of every practice now in the PCN. One row per closed round × score (the overall score and each construct), every value flat, so Power Query makes a table in one step. A figure withheld (fewer than \`minResponses\` people behind it) is null, and \`withheld\` says why. For the PCN’s lead and the ICB leads over it. ${AUDITED}`,
		pathParameters: { pcnId: PCN_ID },
		response: pcnScoresResponse,
		refusals: [403, 404],
		example: { caller: 'pcnLead', path: (ids) => `/pcns/${ids.pcnId}/scores` }
	},
	{
		path: '/pcns/{pcnId}/statements',
		operationId: 'getPcnStatementTable',
		tag: 'PCNs',
		summary: 'Every practice’s statement results in a PCN as a flat table',
		description: `The statement table of every practice now in the PCN. One row per closed round × statement, with the figures of the round’s items.csv (counts and shares per answer, not-relevant counts, agreement with its Wilson interval). A statement with fewer than \`minResponses\` scored answers keeps only its not-relevant counts. For the PCN’s lead only: an ICB lead sees no practice’s statements. ${AUDITED}`,
		pathParameters: { pcnId: PCN_ID },
		response: pcnStatementsResponse,
		refusals: [403, 404],
		example: { caller: 'pcnLead', path: (ids) => `/pcns/${ids.pcnId}/statements` }
	},
	{
		path: '/icbs/{icbId}/scores',
		operationId: 'getIcbScoreTable',
		tag: 'ICBs',
		summary: 'Every practice’s scores in an ICB as a flat table',
		description: `The score table of every practice now in the ICB’s PCNs. One row per closed round × score (the overall score and each construct), every value flat, so Power Query makes a table in one step. A figure withheld (fewer than \`minResponses\` people behind it) is null, and \`withheld\` says why. ICB leads only. ${AUDITED}`,
		pathParameters: { icbId: ICB_ID },
		response: icbScoresResponse,
		refusals: [403, 404],
		example: { caller: 'icbLead', path: (ids) => `/icbs/${ids.icbId}/scores` }
	},
	{
		path: '/instruments/{versionId}/report',
		operationId: 'getInstrumentReport',
		tag: 'Instruments',
		summary: 'How an instrument version performs',
		description: `Reliability (Cronbach’s α) per construct and each statement’s answer rates for an instrument version, pooled over the closed rounds shown in a scope. PCN leads and ICB leads, on their own scopes. ${AUDITED}`,
		pathParameters: { versionId: 'The instrument version’s id (as in the report page’s address).' },
		query: [
			{
				name: 'scope',
				description: '`service`, `icb:<id>` or `pcn:<id>`; by default your first ICB or PCN. A scope you may not read answers 404.',
				schema: { type: 'string', pattern: '^(service|icb:[1-9][0-9]*|pcn:[1-9][0-9]*)$' }
			}
		],
		response: apiInstrumentReportSchema,
		refusals: [403, 404],
		example: { caller: 'pcnLead', path: (ids) => `/instruments/${ids.instrumentVersionId}/report` }
	}
];

type Json = Record<string, unknown>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;

/** The named schemas, as OpenAPI 3.1 components (JSON Schema 2020-12). */
function componentSchemas(): Record<string, Json> {
	const generated = z.toJSONSchema(apiComponents, {
		target: 'draft-2020-12',
		uri: COMPONENT_REF,
		override: ({ jsonSchema }) => {
			// Fields are only ever added: a client that validates must not refuse a new one.
			if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
			// `format: date` says it; zod's long calendar pattern would only be noise to a reader.
			if (jsonSchema.format === 'date') delete jsonSchema.pattern;
			// zod's bounds of a safe integer: true of every JSON number a reader will meet.
			if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
			if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
		}
	}).schemas as Record<string, Json>;
	return Object.fromEntries(
		Object.entries(generated).map(([name, { $schema: _s, $id: _i, ...schema }]) => [name, schema])
	);
}

function componentName(schema: z.ZodType): string | undefined {
	return apiComponents.get(schema)?.id;
}

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });
const errorContent = { 'application/json': { schema: { $ref: COMPONENT_REF('Error') } } };
const retryAfter = header('Seconds to wait before trying again.', { type: 'integer', minimum: 1 });

/** The refusals, once each, referred to by every operation. */
const RESPONSES: Record<string, Json> = {
	BadRequest: { description: 'The query was not understood (e.g. a period whose end is before its start).', content: errorContent },
	Unauthorized: {
		description: 'No token was sent, or it is not valid (revoked, or its account switched off).',
		headers: { 'WWW-Authenticate': header('`Bearer realm="Belonging"`, with `error="invalid_token"` when a token was sent.') },
		content: errorContent
	},
	Forbidden: { description: 'Your role does not give access to this data.', content: errorContent },
	NotFound: { description: 'Not there, or not in your scope: the two read the same.', content: errorContent },
	MethodNotAllowed: { description: 'The API only reads: use GET.', headers: { Allow: header('`GET, HEAD`.') }, content: errorContent },
	TooManyRequests: {
		description: `More than ${API_RATE_LIMIT} requests a minute with this token.`,
		headers: { 'Retry-After': retryAfter },
		content: errorContent
	},
	ServiceUnavailable: { description: 'The database cannot be reached for a moment.', headers: { 'Retry-After': retryAfter }, content: errorContent }
};

const REFUSAL_RESPONSE: Record<ApiRefusal, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound' };

function responseSchema(operation: ApiOperation): Json {
	const name = componentName(operation.response);
	if (name) return { $ref: COMPONENT_REF(name) };
	if ((operation.mediaType ?? 'application/json') === 'application/json' && !operation.public) {
		throw new Error(`The answer of ${operation.path} is not a named schema: register it in schemas.ts`);
	}
	const { $schema: _s, ...schema } = z.toJSONSchema(operation.response, { target: 'draft-2020-12' }) as Json;
	return schema;
}

function pathItem(operation: ApiOperation): Json {
	const parameters = [
		...Object.entries(operation.pathParameters ?? {}).map(([name, description]) => ({
			name,
			in: 'path',
			required: true,
			description,
			schema: { type: 'integer', minimum: 1 }
		})),
		...(operation.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema }))
	];
	const refusals = operation.public
		? { '405': { $ref: '#/components/responses/MethodNotAllowed' } }
		: {
				...Object.fromEntries(operation.refusals.map((status) => [String(status), { $ref: `#/components/responses/${REFUSAL_RESPONSE[status]}` }])),
				'401': { $ref: '#/components/responses/Unauthorized' },
				'405': { $ref: '#/components/responses/MethodNotAllowed' },
				'429': { $ref: '#/components/responses/TooManyRequests' },
				'503': { $ref: '#/components/responses/ServiceUnavailable' }
			};
	return {
		get: {
			operationId: operation.operationId,
			tags: [operation.tag],
			summary: operation.summary,
			description: operation.description,
			...(operation.public ? { security: [] } : {}),
			...(parameters.length ? { parameters } : {}),
			responses: {
				'200': { description: operation.summary, content: { [operation.mediaType ?? 'application/json']: { schema: responseSchema(operation) } } },
				...refusals
			}
		}
	};
}

const DESCRIPTION = [
	'Read-only figures from Belonging for analysts: practices’ survey rounds and scores, PCN heatmaps, ICB dashboards and instrument reports, as the pages show them.',
	'',
	'Authenticate with a personal API token, created on your account page: `Authorization: Bearer blg_…`. A token reads what its account may read, nothing more; an out-of-scope id answers 404, as one that does not exist.',
	'',
	`Scores are on a 0–10 scale (5 neutral, 7.5 agree). No figure computed from fewer than \`minResponses\` people is ever sent: such a figure is null, and a round with too few responses is “withheld”. The bands (bolted on, fitting in, belonging) are indicative display bands, not validated cut-off scores.`,
	'',
	`Limits: ${API_RATE_LIMIT} requests a minute per token (429 with Retry-After beyond it). Answers with data are never cached. Field names are stable: fields may be added, never renamed or removed.`
].join('\n');

/** The OpenAPI 3.1 document. `origin` is the configured ORIGIN; without one, the server is given relative to the document. */
export function openApiDocument(origin: string | undefined): Json {
	return {
		openapi: '3.1.0',
		info: { title: 'Belonging analysts’ API', version: '1', description: DESCRIPTION },
		servers: [{ url: `${origin ?? ''}/api/v1`, description: origin ? 'This Belonging service' : 'Relative to where this document was read' }],
		security: [{ bearerAuth: [] }],
		tags: [...new Set(API_OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
		paths: Object.fromEntries(API_OPERATIONS.map((operation) => [operation.path, pathItem(operation)])),
		components: {
			securitySchemes: {
				bearerAuth: { type: 'http', scheme: 'bearer', description: 'A personal API token (blg_…) from your account page.' }
			},
			schemas: componentSchemas(),
			responses: RESPONSES
		}
	};
}

/** The document as served: its text and an ETag from it. */
export interface OpenApiText {
	text: string;
	etag: string;
}

const served = new Map<string, OpenApiText>();

/**
 * The document's text for an origin, built once per process: it changes only with the code, so
 * a request costs a map look-up.
 */
export function openApiText(origin: string | undefined): OpenApiText {
	const key = origin ?? '';
	let cached = served.get(key);
	if (!cached) {
		const text = JSON.stringify(openApiDocument(origin));
		cached = { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"` };
		served.set(key, cached);
	}
	return cached;
}

/** The committed copy (docs/api/openapi.json): no origin, so its server is relative; tab-indented, ending in a line break. */
export function openApiFileText(): string {
	return `${JSON.stringify(openApiDocument(undefined), null, '\t')}\n`;
}
