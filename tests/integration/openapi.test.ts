/**
 * The OpenAPI document against real answers, on each engine: every endpoint in the registry is
 * called with a real token on seeded data (a practice with a shown and a withheld round, a second
 * practice in its PCN, their ICB), and each answer is checked twice: against its zod schema
 * (strict, so an undescribed field fails) and against the published document's own JSON Schema.
 * The refusals are checked the same way. A new registry entry is covered with nothing added here.
 */
import type { RequestHandler } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { API_OPERATIONS, openApiDocument, type ApiOperation, type ExampleCaller, type ExampleIds } from '../../src/lib/server/api/openapi';
import { API_RATE_LIMIT, takeApiRequest } from '../../src/lib/server/api/rate-limit';
import { apiErrorSchema } from '../../src/lib/server/api/schemas';
import { createApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { itemIdsOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent } from '../helpers/events';
import { schemaProblems } from '../helpers/json-schema-check';

type Json = Record<string, unknown>;
type RouteModule = { GET: RequestHandler; fallback: RequestHandler };

/** Every API route module, by its path in the document (`/practices/{practiceId}/rounds`). */
const ROUTES = Object.fromEntries(
	Object.entries(import.meta.glob<RouteModule>('../../src/routes/api/v1/**/+server.ts', { eager: true })).map(([file, module]) => [
		file.slice('../../src/routes/api/v1'.length, -'/+server.ts'.length).replace(/\[([^\]]+)\]/g, '{$1}'),
		module
	])
);

const DOC = openApiDocument(undefined) as Json & { paths: Record<string, { get: { responses: Record<string, Json> } }> };

/** The path's parameters as SvelteKit gives them to the route, read back through the entry's template. */
function paramsOf(operation: ApiOperation, path: string): Record<string, string> {
	const names: string[] = [];
	const pattern = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
		names.push(name);
		return '([^/]+)';
	});
	const match = new RegExp(`^${pattern}$`).exec(path.split('?')[0]!);
	if (!match) throw new Error(`${path} does not fit ${operation.path}`);
	return Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]));
}

/** Problems of a body against the document's schema for that answer (`status`'s JSON content). */
function documentProblems(operation: ApiOperation, status: string, body: unknown): string[] {
	let response = DOC.paths[operation.path]!.get.responses[status] as Json | undefined;
	if (!response) return [`the document lists no ${status} for ${operation.path}`];
	if (typeof response.$ref === 'string') response = (DOC.components as Json & { responses: Record<string, Json> }).responses[response.$ref.split('/').pop()!];
	const schema = (response!.content as Record<string, { schema: Json }>)['application/json']!.schema;
	return schemaProblems(schema, body, '$', DOC);
}

/** Zod's issues, as "path: message", so a failure says where. */
function zodProblems(operation: Pick<ApiOperation, 'response'>, body: unknown): string[] {
	const parsed = operation.response.safeParse(body);
	return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** A respondent whose every scored answer is `point`: each score is (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

describe('the OpenAPI document against real answers', () => {
	const today = ukDate();
	let t: TestDatabase;
	let ids: ExampleIds;
	let tokens: Record<Exclude<ExampleCaller, 'nobody'>, string>;
	let shownRoundId: number;
	let withheldRoundId: number;
	let linkWorker: SignedInUser;

	async function closedRound(practiceId: number, versionId: number, daysAgo: number, points: AgreementPoint[]): Promise<number> {
		const closedOn = addDays(today, -daysAgo);
		const round = await createRound(t.db, {
			practiceId,
			instrumentVersionId: versionId,
			title: `Round closing ${closedOn}`,
			opensOn: addDays(closedOn, -14),
			closesOn: closedOn,
			staffHeadcount: 20,
			status: 'closed'
		});
		await t.db.updateTable('round').set({ closed_on: closedOn }).where('id', '=', round.id).execute();
		const itemIds = await itemIdsOf(t.db, versionId);
		for (const point of points) await storeResponse(t.db, round.id, itemIds, respondent(point), closedOn);
		return round.id;
	}

	async function tokenOf(user: SignedInUser): Promise<string> {
		const outcome = await createApiToken(t.db, user, 'Power BI');
		if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
		return outcome.token.token;
	}

	beforeEach(async () => {
		t = await createTestDatabase();
		// The fixture's own round closed long ago, with nobody: the practice's rounds are the two below.
		const f = await createPracticeWithRound(t.db, { opensOn: addDays(today, -400), closesOn: addDays(today, -390), status: 'closed' });
		await t.db.updateTable('round').set({ closed_on: addDays(today, -390) }).where('id', '=', f.round.id).execute();
		const sibling = await createPractice(t.db, { odsCode: 'A10002', name: 'Another Surgery', pcnId: f.pcn.id });
		// Six people, three scoring 7.5 and three 10: overall 8.75. Then two people: withheld, three more needed.
		shownRoundId = await closedRound(f.practice.id, f.versionId, 90, [4, 4, 4, 5, 5, 5]);
		withheldRoundId = await closedRound(f.practice.id, f.versionId, 30, [1, 5]);
		// The sibling: five people at 2.5, so the PCN is bolted on and every construct is a common gap.
		await closedRound(sibling.id, f.versionId, 60, [2, 2, 2, 2, 2]);
		// A link worker's open flag at each practice: the ICB's gap counts have something in them.
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id, sibling.id] });
		for (const practiceId of [f.practice.id, sibling.id]) {
			const at = `${addDays(today, -20)}T09:00:00Z`;
			await t.db
				.insertInto('flag')
				.values({ practice_id: practiceId, raised_by: linkWorker.id, item_id: 'private-room', checklist_version: '1', visibility: 'practice_and_pcn', state: 'open', created_at: at, updated_at: at })
				.execute();
		}
		ids = { practiceId: f.practice.id, pcnId: f.pcn.id, icbId: f.icb.id, instrumentVersionId: f.versionId };
		tokens = {
			practiceManager: await tokenOf(await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] })),
			pcnLead: await tokenOf(await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] })),
			icbLead: await tokenOf(await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] })),
			linkWorker: await tokenOf(linkWorker)
		};
	});
	afterEach(() => t.close());

	async function call(operation: ApiOperation, path: string, caller: ExampleCaller, extra: Partial<Parameters<typeof fakeEvent>[0]> = {}) {
		const module = ROUTES[operation.path];
		if (!module) throw new Error(`no route module for ${operation.path}`);
		const event = fakeEvent({
			db: t.db,
			path: `/api/v1${path}`,
			params: paramsOf(operation, path),
			headers: caller === 'nobody' ? {} : { authorization: `Bearer ${tokens[caller]}` },
			...extra
		});
		const handler = event.request.method === 'GET' ? module.GET : module.fallback;
		const response = await handler(event as never);
		const text = await response.text();
		const json = response.headers.get('content-type')?.startsWith('application/json');
		return { status: response.status, headers: response.headers, text, body: json && text ? (JSON.parse(text) as unknown) : undefined };
	}

	it.each(API_OPERATIONS.map((o) => [o.path, o] as const))('GET %s answers as its schema and the document say', async (_path, operation) => {
		const { status, headers, text, body } = await call(operation, operation.example.path(ids), operation.example.caller);
		expect(status, text.slice(0, 500)).toBe(200);
		const mediaType = operation.mediaType ?? 'application/json';
		expect(headers.get('content-type')).toMatch(new RegExp(`^${mediaType.replace(/[.+]/g, '\\$&')}(;|$)`));
		if (mediaType !== 'application/json') {
			// A download: its schema describes the text; its columns are the endpoint's own tests' to check.
			expect(zodProblems(operation, text)).toEqual([]);
			return;
		}
		expect(zodProblems(operation, body)).toEqual([]);
		expect(documentProblems(operation, '200', body)).toEqual([]);
	});

	it.each(API_OPERATIONS.map((o) => [o.path, o] as const))('%s refuses in the one error shape the document gives', async (_path, operation) => {
		const path = operation.example.path(ids);
		const refusals: { status: number; body: unknown }[] = [];
		const posted = await call(operation, path, operation.example.caller, { method: 'POST' });
		expect(posted.status).toBe(405);
		expect(posted.headers.get('allow')).toBe('GET, HEAD');
		refusals.push(posted);
		if (!operation.public) {
			const anonymous = await call(operation, path, 'nobody');
			expect(anonymous.status).toBe(401);
			expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="Belonging"');
			refusals.push(anonymous);
		}
		if (operation.pathParameters) {
			// An id that is not there, and one that is not a number, read alike: not found.
			for (const wrong of ['999999', 'abc']) {
				const missing = await call(operation, path.replace(/\/\d+(\/|$)/, `/${wrong}$1`), operation.example.caller);
				expect(missing.status, wrong).toBe(404);
				refusals.push(missing);
			}
		}
		if (operation.refusals.includes(403)) {
			const others = (['practiceManager', 'pcnLead', 'icbLead', 'linkWorker'] as const).filter((c) => c !== operation.example.caller);
			const answers = await Promise.all(others.map((caller) => call(operation, path, caller)));
			const forbidden = answers.filter((a) => a.status === 403);
			expect(forbidden.length, 'some role is refused').toBeGreaterThan(0);
			refusals.push(...forbidden);
		}
		if (operation.refusals.includes(400)) {
			const backwards = await call(operation, `${path}?from=${today}&to=${addDays(today, -30)}`, operation.example.caller);
			expect(backwards.status).toBe(400);
			refusals.push(backwards);
		}
		for (const refusal of refusals) {
			expect(zodProblems({ response: apiErrorSchema }, refusal.body)).toEqual([]);
			expect(refusal.body).toMatchObject({ error: { status: refusal.status } });
			expect(documentProblems(operation, String(refusal.status), refusal.body)).toEqual([]);
		}
	});

	it('lists in the document only refusals the endpoint can give', () => {
		for (const operation of API_OPERATIONS) {
			const listed = Object.keys(DOC.paths[operation.path]!.get.responses).filter((s) => s !== '200');
			const expected = operation.public ? ['405'] : [...operation.refusals.map(String), '401', '405', '429', '503'];
			expect(listed.sort(), operation.path).toEqual(expected.sort());
		}
	});

	it('sends 429 with Retry-After in the documented shape once a token has used its minute', async () => {
		const operation = API_OPERATIONS.find((o) => o.path === '/me')!;
		const row = await t.db.selectFrom('api_token').select('id').orderBy('id').executeTakeFirstOrThrow();
		for (let i = 0; i < API_RATE_LIMIT; i++) expect(await takeApiRequest(t.db, row.id, new Date())).toBeUndefined();
		const refused = await call(operation, '/me', 'practiceManager');
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(zodProblems({ response: apiErrorSchema }, refused.body)).toEqual([]);
		expect(documentProblems(operation, '429', refused.body)).toEqual([]);
	});

	it('sends the hand-worked figures, with the withheld round as nulls and its shortfall', async () => {
		const rounds = API_OPERATIONS.find((o) => o.path === '/practices/{practiceId}/rounds')!;
		const { body } = await call(rounds, `/practices/${ids.practiceId}/rounds`, 'practiceManager');
		const list = (body as { rounds: Json[] }).rounds;
		// The fixture's empty round first, withheld with all five still needed; then 8.75; then two people, three short.
		expect(list.map((r) => [r.id === shownRoundId || r.id === withheldRoundId ? r.id : 'empty', r.withheld, r.respondentsNeeded, r.respondents])).toEqual([
			['empty', true, 5, null],
			[shownRoundId, false, null, 6],
			[withheldRoundId, true, 3, null]
		]);
		expect((list[1]!.scores as Record<string, Json>).overall).toMatchObject({ mean: 8.75, n: 6 });
		expect(list[2]!.scores).toBeNull();

		// In the heatmap the practice's latest round in the period is the withheld one: never replaced by the older round.
		const heatmap = API_OPERATIONS.find((o) => o.path === '/pcns/{pcnId}/heatmap')!;
		const map = (await call(heatmap, `/pcns/${ids.pcnId}/heatmap`, 'pcnLead')).body as { practices: Json[]; figures: Json };
		expect(map.practices.map((p) => [p.name, p.status, p.respondentsNeeded, p.scores === null])).toEqual([
			['Another Surgery', 'shown', null, false],
			['Test Surgery', 'withheld', 3, true]
		]);
		expect((map.figures.practiceMean as Record<string, Json>).overall).toEqual({ mean: 2.5, practices: 1 });

		// The ICB's parts are validated with something in them: a PCN needing support, weak constructs, a shared gap.
		const icb = API_OPERATIONS.find((o) => o.path === '/icbs/{icbId}')!;
		const dashboard = (await call(icb, `/icbs/${ids.icbId}`, 'icbLead')).body as { glance: Record<string, Json[]>; gaps: { items: Json[] } };
		expect(dashboard.glance.needingSupport).toEqual([{ pcnId: ids.pcnId, name: 'Test PCN', reasons: [{ kind: 'bolted_on', mean: 2.5 }] }]);
		// Every construct is at 2.5 in one practice; the glance shows the first two, in NPT order.
		expect(dashboard.glance.weakest!.map((g) => [g.construct, g.practicesBelow])).toEqual([
			['coherence', 1],
			['cognitive_participation', 1]
		]);
		expect(dashboard.gaps.items).toEqual([expect.objectContaining({ itemId: 'private-room', practicesWithGap: 2 })]);
	});

	describe('GET /openapi.json', () => {
		const operation = API_OPERATIONS.find((o) => o.path === '/openapi.json')!;

		it('needs no token, names the configured origin as its server, and answers 304 to its own ETag', async () => {
			const config = { origin: 'https://belonging.example.org' };
			const first = await call(operation, '/openapi.json', 'nobody', { config });
			expect(first.status).toBe(200);
			expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(first.headers.get('cache-control')).toBe('public, max-age=600');
			expect((first.body as { servers: Json[] }).servers).toEqual([{ url: 'https://belonging.example.org/api/v1', description: 'This Belonging service' }]);
			expect(first.body).toEqual(openApiDocument('https://belonging.example.org'));
			const etag = first.headers.get('etag')!;
			expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);

			const again = await call(operation, '/openapi.json', 'nobody', { config, headers: { 'if-none-match': `"other", ${etag}` } });
			expect(again.status).toBe(304);
			expect(again.body).toBeUndefined();
			expect(again.headers.get('etag')).toBe(etag);

			// Another origin is another document, with its own ETag.
			const elsewhere = await call(operation, '/openapi.json', 'nobody', { config: { origin: 'https://other.example.org' }, headers: { 'if-none-match': etag } });
			expect(elsewhere.status).toBe(200);
			expect(elsewhere.headers.get('etag')).not.toBe(etag);
		});
	});
});
