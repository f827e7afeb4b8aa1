import { createHash } from 'node:crypto';
import { error, isHttpError, isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { apiEndpoint, apiReadOnly, requireApiRole } from '../../src/lib/server/api/endpoint';
import { API_RATE_LIMIT, takeApiRequest } from '../../src/lib/server/api/rate-limit';
import {
	authenticateApiToken,
	createApiToken,
	listApiTokens,
	MAX_ACTIVE_TOKENS,
	revokeApiToken,
	type NewApiToken
} from '../../src/lib/server/api/tokens';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { setDisabled } from '../../src/lib/server/accounts/users';
import type { SignedInUser } from '../../src/lib/server/identity';
import { actions as accountActions, load as accountLoad } from '../../src/routes/(app)/account/+page.server';
import { GET as getMe } from '../../src/routes/api/v1/me/+server';
import { GET as getPractices } from '../../src/routes/api/v1/practices/+server';
import { GET as getRounds } from '../../src/routes/api/v1/practices/[practiceId]/rounds/+server';
import { countRows, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

type AnyRoute = (event: never) => unknown;
const call = (fn: AnyRoute, event: ReturnType<typeof fakeEvent>) => outcomeOf(() => fn(event as never));

function statusOf(thrown: unknown): number | undefined {
	if (isHttpError(thrown)) return thrown.status;
	if (isRedirect(thrown)) return thrown.status;
	return undefined;
}

/** Every statement answered so that each scored answer is `point`: all scores are (point − 1) × 2.5. */
function respondent(point: AgreementPoint): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

describe('the analysts’ API', () => {
	let t: TestDatabase;
	let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let other: { id: number; name: string };
	let otherPcnId: number;
	let sibling: { id: number; name: string };
	let withheldRoundId: number;
	let lead: SignedInUser;
	let manager: SignedInUser;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db);
		sibling = await createPractice(t.db, { odsCode: 'A10002', name: 'Another Surgery', pcnId: f.pcn.id });
		const otherPcn = await createPcn(t.db, { odsCode: 'U20001', name: 'Other PCN', icbId: f.icb.id });
		other = await createPractice(t.db, { odsCode: 'B20001', name: 'Elsewhere Surgery', pcnId: otherPcn.id });
		otherPcnId = otherPcn.id;

		// November: six people, three scoring 7.5 and three 10 on everything.
		for (const point of [4, 4, 4, 5, 5, 5] as const) {
			expect(await submitResponse(t.db, f.round.id, respondent(point), '2026-11-10')).toEqual({ ok: true, storedEarlier: false });
		}
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-11-30' }).where('id', '=', f.round.id).execute();
		// December: two people, below MIN_RESPONSES (5), so nothing may be shown.
		const december = await createRound(t.db, {
			practiceId: f.practice.id,
			instrumentVersionId: f.versionId,
			title: 'December round',
			opensOn: '2026-12-01',
			closesOn: '2026-12-10',
			staffHeadcount: 20,
			status: 'open'
		});
		withheldRoundId = december.id;
		for (const point of [1, 5] as const) {
			expect(await submitResponse(t.db, december.id, respondent(point), '2026-12-05')).toEqual({ ok: true, storedEarlier: false });
		}
		await t.db.updateTable('round').set({ status: 'closed', closed_on: '2026-12-10' }).where('id', '=', december.id).execute();

		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
	});
	afterEach(() => t.close());

	async function tokenFor(user: SignedInUser, name = 'Power BI'): Promise<NewApiToken> {
		const outcome = await createApiToken(t.db, user, name);
		if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
		return outcome.token;
	}

	function apiEvent(path: string, token: string | null, params: Record<string, string> = {}, extra: Partial<Parameters<typeof fakeEvent>[0]> = {}) {
		return fakeEvent({
			db: t.db,
			path,
			params,
			headers: token ? { authorization: `Bearer ${token}` } : {},
			...extra
		});
	}

	async function read(response: Response) {
		return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
	}

	describe('tokens', () => {
		it('gives the token once, recognisably prefixed, and stores only its SHA-256', async () => {
			const created = await tokenFor(manager, '  Power BI report  ');
			expect(created.token).toMatch(/^blg_[A-Za-z0-9_-]{43}$/);
			expect(created.name).toBe('Power BI report');

			const rows = await t.db.selectFrom('api_token').selectAll().execute();
			expect(rows).toHaveLength(1);
			expect(rows[0]!.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
			expect(Object.values(rows[0]!)).not.toContain(created.token);

			const listed = await listApiTokens(t.db, manager.id);
			expect(listed).toEqual([{ id: created.id, name: 'Power BI report', createdAt: created.createdAt, lastUsedAt: null }]);

			const audit = await listAuditEvents(t.db, { action: 'api_token_created' });
			expect(audit.map((e) => e.summary)).toEqual(['Created the API token “Power BI report”']);
			expect(JSON.stringify(audit)).not.toContain(created.token);
		});

		it('shows the token once through the account page, and lists it afterwards without it', async () => {
			const { result } = await call(
				accountActions.createToken,
				fakeEvent({ db: t.db, user: manager, path: '/account?/createToken', form: { name: 'Excel' } })
			);
			const token = (result as { created: NewApiToken }).created.token;
			expect(token).toMatch(/^blg_/);
			const page = (await call(accountLoad, fakeEvent({ db: t.db, user: manager, path: '/account' }))).result;
			expect((page as { tokens: { name: string; lastUsed: string | null }[] }).tokens).toMatchObject([{ name: 'Excel', lastUsed: null }]);
			expect(JSON.stringify(page)).not.toContain(token);
			expect(JSON.stringify(page)).not.toContain(createHash('sha256').update(token).digest('hex'));
		});

		it('refuses a bad name with 400 and stores nothing', async () => {
			for (const name of ['', '   ', 'x'.repeat(61)]) {
				const { result } = await call(
					accountActions.createToken,
					fakeEvent({ db: t.db, user: manager, path: '/account?/createToken', form: { name } })
				);
				expect(result, JSON.stringify(name)).toMatchObject({ status: 400, data: { section: 'tokens', problems: [{ field: 'name' }] } });
			}
			const empty = await call(accountActions.createToken, fakeEvent({ db: t.db, user: manager, path: '/account?/createToken', form: {} }));
			expect(empty.result).toMatchObject({ status: 400 });
			expect(await countRows(t.db, 'api_token')).toBe(0);
			expect(await listAuditEvents(t.db, { action: 'api_token_created' })).toEqual([]);
		});

		it('accepts a name of exactly 60 characters', async () => {
			expect((await createApiToken(t.db, manager, 'x'.repeat(60))).ok).toBe(true);
		});

		it(`allows at most ${MAX_ACTIVE_TOKENS} working tokens; revoking one frees its place`, async () => {
			const tokens = [];
			for (let i = 0; i < MAX_ACTIVE_TOKENS; i++) tokens.push(await tokenFor(manager, `Token ${i}`));
			const eleventh = await createApiToken(t.db, manager, 'One too many');
			expect(eleventh).toMatchObject({ ok: false, status: 400, problems: [{ field: 'form' }] });
			expect(await countRows(t.db, 'api_token')).toBe(MAX_ACTIVE_TOKENS);
			expect((await revokeApiToken(t.db, manager, tokens[0]!.id)).ok).toBe(true);
			expect((await createApiToken(t.db, manager, 'Now there is room')).ok).toBe(true);
		});

		it('counts the limit atomically: of five tokens asked for at once with one place left, one is made', async () => {
			for (let i = 0; i < MAX_ACTIVE_TOKENS - 1; i++) await tokenFor(manager, `Token ${i}`);
			const outcomes = await Promise.all([1, 2, 3, 4, 5].map((i) => createApiToken(t.db, manager, `At once ${i}`)));
			expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
			expect(outcomes.filter((o) => !o.ok && o.status === 400)).toHaveLength(4);
			expect(await countRows(t.db, 'api_token')).toBe(MAX_ACTIVE_TOKENS);
			expect(await listAuditEvents(t.db, { action: 'api_token_created' })).toHaveLength(MAX_ACTIVE_TOKENS);
		});

		it('revokes a token once: of two revocations at once, one succeeds and the other finds nothing', async () => {
			const token = await tokenFor(manager);
			const outcomes = await Promise.all([revokeApiToken(t.db, manager, token.id), revokeApiToken(t.db, manager, token.id)]);
			expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
			expect(await listAuditEvents(t.db, { action: 'api_token_revoked' })).toHaveLength(1);
		});

		it('gives administrators no tokens: they see no results', async () => {
			const admin = await createSignedInUser(t.db, 'admin');
			const { thrown } = await call(accountActions.createToken, fakeEvent({ db: t.db, user: admin, path: '/account?/createToken', form: { name: 'x' } }));
			expect(statusOf(thrown)).toBe(403);
			expect(await createApiToken(t.db, admin, 'x')).toMatchObject({ ok: false, status: 403 });
			const page = (await call(accountLoad, fakeEvent({ db: t.db, user: admin, path: '/account' }))).result as { tokens: unknown };
			expect(page.tokens).toBeNull();
			expect(await countRows(t.db, 'api_token')).toBe(0);
		});

		it('lets only the owner revoke a token: anyone else gets 404 and the token keeps working', async () => {
			const mine = await tokenFor(manager);
			const { result } = await call(
				accountActions.revokeToken,
				fakeEvent({ db: t.db, user: lead, path: '/account?/revokeToken', form: { tokenId: String(mine.id), confirm: 'revokeToken' } })
			);
			expect(result).toMatchObject({ status: 404, data: { section: 'tokens' } });
			expect(await revokeApiToken(t.db, lead, mine.id)).toMatchObject({ ok: false, status: 404 });
			expect((await read(await getMe(apiEvent('/api/v1/me', mine.token) as never))).status).toBe(200);

			for (const tokenId of ['999999', 'abc', '']) {
				const missing = await call(accountActions.revokeToken, fakeEvent({ db: t.db, user: manager, path: '/account?/revokeToken', form: { tokenId, confirm: 'revokeToken' } }));
				expect(missing.result, tokenId).toMatchObject({ status: 404 });
			}

			const { thrown } = await call(
				accountActions.revokeToken,
				fakeEvent({ db: t.db, user: manager, path: '/account?/revokeToken', form: { tokenId: String(mine.id), confirm: 'revokeToken' } })
			);
			expect(isRedirect(thrown) && thrown.location).toBe('/account?done=token-revoked#tokens-heading');
			expect(await listApiTokens(t.db, manager.id)).toEqual([]);
			expect((await listAuditEvents(t.db, { action: 'api_token_revoked' })).map((e) => e.summary)).toEqual(['Revoked the API token “Power BI”']);
			// Revoking twice finds nothing the second time.
			expect(await revokeApiToken(t.db, manager, mine.id)).toMatchObject({ ok: false, status: 404 });
		});

		it('records use at most once a minute', async () => {
			const { token, id } = await tokenFor(manager);
			const lastUsed = async () => (await t.db.selectFrom('api_token').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
			const start = new Date('2026-12-20T10:00:00.000Z');
			expect(await authenticateApiToken(t.db, token, start)).toMatchObject({ tokenId: id, user: { id: manager.id } });
			expect(await lastUsed()).toBe(start.toISOString());
			await authenticateApiToken(t.db, token, new Date(start.getTime() + 59_000));
			expect(await lastUsed()).toBe(start.toISOString());
			const later = new Date(start.getTime() + 60_000);
			await authenticateApiToken(t.db, token, later);
			expect(await lastUsed()).toBe(later.toISOString());
		});
	});

	describe('authentication', () => {
		async function expect401(token: string | null, extra: Partial<Parameters<typeof fakeEvent>[0]> = {}) {
			const response = await read(await getMe(apiEvent('/api/v1/me', token, {}, extra) as never));
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="Belonging"/);
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(response.body).toEqual({ error: { status: 401, message: expect.any(String) } });
		}

		it('answers a valid token with JSON no cache keeps', async () => {
			const { token } = await tokenFor(manager);
			const response = await read(await getMe(apiEvent('/api/v1/me', token) as never));
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(response.headers.get('cache-control')).toBe('no-store');
		});

		it('refuses an unknown token, a malformed header and a missing one', async () => {
			await expect401(`blg_${'A'.repeat(43)}`);
			await expect401('not-even-the-right-shape');
			await expect401(null);
			const { token } = await tokenFor(manager);
			await expect401(null, { headers: { authorization: `Basic ${token}` } });
		});

		it('refuses a revoked token', async () => {
			const created = await tokenFor(manager);
			await revokeApiToken(t.db, manager, created.id);
			await expect401(created.token);
		});

		it('refuses the token of a switched-off account, and accepts it again when switched back on', async () => {
			const { token } = await tokenFor(manager);
			await setDisabled(t.db, manager.id, true);
			await expect401(token);
			await setDisabled(t.db, manager.id, false);
			expect((await getMe(apiEvent('/api/v1/me', token) as never)).status).toBe(200);
		});

		it('does not accept a session cookie: a signed-in browser without a token gets 401', async () => {
			// `user` is what the session hook puts in locals for a valid cookie.
			await expect401(null, { user: manager, cookies: new Map([['belonging_session', { value: 'a-session', options: {} }]]) });
		});

		it(`limits each token to ${API_RATE_LIMIT} requests a minute, then answers 429 with Retry-After`, async () => {
			const { token } = await tokenFor(manager);
			const second = await tokenFor(manager, 'Second');
			for (let i = 0; i < API_RATE_LIMIT; i++) {
				expect((await getMe(apiEvent('/api/v1/me', token) as never)).status, `request ${i + 1}`).toBe(200);
			}
			const refused = await read(await getMe(apiEvent('/api/v1/me', token) as never));
			expect(refused.status).toBe(429);
			const wait = Number(refused.headers.get('retry-after'));
			expect(wait).toBeGreaterThanOrEqual(1);
			expect(wait).toBeLessThanOrEqual(60);
			expect(refused.body).toEqual({ error: { status: 429, message: expect.stringContaining(`${API_RATE_LIMIT} a minute`) } });
			// Another token has its own allowance.
			expect((await getMe(apiEvent('/api/v1/me', second.token) as never)).status).toBe(200);
		});

		it('sends refusals from SvelteKit’s error(), a role check and other methods as JSON errors too', async () => {
			const { token } = await tokenFor(manager);
			const kitError = apiEndpoint(() => error(409, 'Not now.'));
			expect((await read(await kitError(apiEvent('/api/v1/x', token) as never))).body).toEqual({ error: { status: 409, message: 'Not now.' } });
			const leadsOnly = apiEndpoint((_event, caller) => requireApiRole(caller, ['pcn_lead']));
			const refused = await read(await leadsOnly(apiEvent('/api/v1/x', token) as never));
			expect(refused.status).toBe(403);
			expect(refused.body.error.status).toBe(403);
			const posted = await read(await apiReadOnly(apiEvent('/api/v1/me', token, {}, { method: 'POST' }) as never));
			expect(posted.status).toBe(405);
			expect(posted.headers.get('allow')).toBe('GET, HEAD');
			expect(posted.body).toEqual({ error: { status: 405, message: 'This API only reads data: use GET.' } });
		});

		it('opens a new window once a minute has passed since the first request of the last', async () => {
			const { id } = await tokenFor(manager);
			const limit = { limit: 2, windowMs: 60_000 };
			const at = (ms: number) => new Date(Date.UTC(2026, 11, 3) + ms);
			expect(await takeApiRequest(t.db, id, at(0), limit)).toBeUndefined();
			expect(await takeApiRequest(t.db, id, at(10_000), limit)).toBeUndefined();
			expect(await takeApiRequest(t.db, id, at(10_001), limit)).toBe(50);
			expect(await takeApiRequest(t.db, id, at(59_999), limit)).toBe(1);
			expect(await takeApiRequest(t.db, id, at(60_000), limit)).toBeUndefined();
			expect(await takeApiRequest(t.db, id, at(60_001), limit)).toBeUndefined();
			expect(await takeApiRequest(t.db, id, at(60_002), limit)).toBe(60);
			// Kept in the database, where every instance counts: one row per token, no more.
			expect(await t.db.selectFrom('api_rate_window').selectAll().execute()).toEqual([{ token_id: id, started_ms: at(60_000).getTime(), requests: 2 }]);
		});

		it('lets no more than the limit through when a token’s requests arrive all at once', async () => {
			const { id } = await tokenFor(manager);
			const waits = await Promise.all(Array.from({ length: 25 }, () => takeApiRequest(t.db, id, new Date(), { limit: 10, windowMs: 60_000 })));
			expect(waits.filter((w) => w === undefined)).toHaveLength(10);
		});
	});

	describe('endpoints', () => {
		it('/api/v1/me says who the token acts for and what they may see', async () => {
			const { token } = await tokenFor(lead);
			const { body } = await read(await getMe(apiEvent('/api/v1/me', token) as never));
			const pcn = { id: f.pcn.id, odsCode: 'U10001', name: 'Test PCN' };
			expect(body).toEqual({
				user: { id: lead.id, displayName: lead.displayName, email: lead.email, role: 'pcn_lead', roleName: 'PCN lead' },
				icbs: [],
				pcns: [pcn],
				practices: [
					{ id: sibling.id, odsCode: 'A10002', name: 'Another Surgery', pcn },
					{ id: f.practice.id, odsCode: 'A10001', name: 'Test Surgery', pcn }
				]
			});
			expect(await listAuditEvents(t.db, { action: 'api_read' })).toEqual([]);
		});

		it('/api/v1/practices lists only the practices in scope', async () => {
			const { token } = await tokenFor(manager);
			const { body } = await read(await getPractices(apiEvent('/api/v1/practices', token) as never));
			expect(body).toEqual({
				practices: [{ id: f.practice.id, odsCode: 'A10001', name: 'Test Surgery', pcn: { id: f.pcn.id, odsCode: 'U10001', name: 'Test PCN' } }]
			});
		});

		it('/api/v1/practices/{id}/rounds gives every closed round, with no figure for the withheld one', async () => {
			const { token } = await tokenFor(manager, 'Excel');
			const response = await read(
				await getRounds(apiEvent(`/api/v1/practices/${f.practice.id}/rounds`, token, { practiceId: String(f.practice.id) }) as never)
			);
			expect(response.status).toBe(200);
			// Three people at 7.5 and three at 10: mean 8.75, sd √1.875 = 1.3693; the t interval
			// 8.75 ± 2.5706 × 1.3693 / √6 = 8.75 ± 1.4370 runs from 7.31 to 10.19, cut at the top of the scale.
			const score = { mean: 8.75, lower: 7.31, upper: 10, n: 6 };
			const { id, version, title, provenance } = DEFAULT_STAFF_INSTRUMENT;
			const builtIn = { id, version, title, licence: provenance.licence, citation: provenance.citation, doi: null };
			expect(response.body).toEqual({
				practice: { id: f.practice.id, odsCode: 'A10001', name: 'Test Surgery', pcn: { id: f.pcn.id, odsCode: 'U10001', name: 'Test PCN' } },
				minResponses: 5,
				rounds: [
					{
						id: f.round.id,
						title: 'Test round',
						closedOn: '2026-11-30',
						instrument: builtIn,
						comparableWithPrevious: null,
						withheld: false,
						respondentsNeeded: null,
						respondents: 6,
						scores: {
							overall: score,
							coherence: score,
							cognitive_participation: score,
							collective_action: score,
							reflexive_monitoring: score
						}
					},
					{
						id: withheldRoundId,
						title: 'December round',
						closedOn: '2026-12-10',
						instrument: builtIn,
						comparableWithPrevious: true,
						withheld: true,
						respondentsNeeded: 3,
						respondents: null,
						scores: null
					}
				]
			});
			const audit = await listAuditEvents(t.db, { action: 'api_read' });
			expect(audit).toMatchObject([
				{
					actor_user_id: manager.id,
					practice_id: f.practice.id,
					summary: 'Read the scores of every closed round at Test Surgery through the API (token “Excel”)'
				}
			]);
		});

		it('answers 404 for a practice out of scope, one that does not exist and a malformed id', async () => {
			const { token } = await tokenFor(manager);
			for (const practiceId of [String(other.id), String(sibling.id), '999999', 'abc', '0']) {
				const response = await read(await getRounds(apiEvent(`/api/v1/practices/${practiceId}/rounds`, token, { practiceId }) as never));
				expect(response.status, practiceId).toBe(404);
				expect(response.body).toEqual({ error: { status: 404, message: 'We could not find that practice.' } });
			}
			expect(await listAuditEvents(t.db, { action: 'api_read' })).toEqual([]);
		});

		it('tells an ICB lead their ICBs and the PCNs in them, lists no practice, and refuses any practice’s rounds', async () => {
			const icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
			// An ICB lead may make a token on the account page, as anyone who reads results may.
			const made = await call(accountActions.createToken, fakeEvent({ db: t.db, user: icbLead, path: '/account?/createToken', form: { name: 'ICB report' } }));
			expect(made.result).toMatchObject({ created: { name: 'ICB report', token: expect.stringMatching(/^blg_/) } });
			const { token } = await tokenFor(icbLead);
			const me = await read(await getMe(apiEvent('/api/v1/me', token) as never));
			expect(me).toMatchObject({ status: 200 });
			expect(me.body).toEqual({
				user: { id: icbLead.id, displayName: icbLead.displayName, email: icbLead.email, role: 'icb_lead', roleName: 'ICB lead' },
				icbs: [{ id: f.icb.id, odsCode: f.icb.ods_code, name: f.icb.name }],
				pcns: [
					{ id: otherPcnId, odsCode: 'U20001', name: 'Other PCN' },
					{ id: f.pcn.id, odsCode: 'U10001', name: 'Test PCN' }
				],
				practices: []
			});
			const practices = await read(await getPractices(apiEvent('/api/v1/practices', token) as never));
			expect(practices).toMatchObject({ status: 200, body: { practices: [] } });
			for (const practiceId of [f.practice.id, sibling.id, other.id]) {
				const response = await read(await getRounds(apiEvent(`/api/v1/practices/${practiceId}/rounds`, token, { practiceId: String(practiceId) }) as never));
				expect(response, String(practiceId)).toMatchObject({ status: 403, body: { error: { status: 403, message: 'Your role does not give you access to this data.' } } });
			}
			expect(await listAuditEvents(t.db, { action: 'api_read' })).toEqual([]);
		});

		it('lets a PCN lead read every practice now in the PCN, but not another PCN’s', async () => {
			const { token } = await tokenFor(lead);
			const rounds = (practiceId: number) =>
				getRounds(apiEvent(`/api/v1/practices/${practiceId}/rounds`, token, { practiceId: String(practiceId) }) as never);
			expect((await rounds(sibling.id)).status).toBe(200);
			expect((await read(await rounds(sibling.id))).body.rounds).toEqual([]);
			expect((await rounds(other.id)).status).toBe(404);
		});
	});
});
