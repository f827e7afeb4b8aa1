import { isRedirect } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import { API_RATE_LIMIT, takeApiRequest } from '../../src/lib/server/api/rate-limit';
import { createApiToken, revokeApiToken, type NewApiToken } from '../../src/lib/server/api/tokens';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { GET as auditExport } from '../../src/routes/(app)/admin/audit/export/+server';
import { GET as icbExport } from '../../src/routes/(app)/icbs/[icbId]/export/[kind]/+server';
import { GET as instrumentExport } from '../../src/routes/(app)/instruments/[versionId]/export/[format]/+server';
import { GET as reportCsv } from '../../src/routes/(app)/instruments/[versionId]/report/report.csv/+server';
import { GET as pcnExport } from '../../src/routes/(app)/pcns/[pcnId]/export/[kind]/+server';
import { load as practicePage } from '../../src/routes/(app)/practices/[practiceId]/+page.server';
import { GET as roundExport } from '../../src/routes/(app)/rounds/[roundId]/export/[kind]/+server';
import { GET as userExport } from '../../src/routes/(app)/users/[userId]/export/+server';
import { GET as getMe } from '../../src/routes/api/v1/me/+server';
import { closeAsOf, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf } from '../helpers/events';

function respondent(point: AgreementPoint): SurveySubmission {
	const agreement: SurveySubmission['agreement'] = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) agreement[item.id] = (item.reversed ? 6 - point : point) as AgreementPoint;
	return { roleGroup: null, agreement, general: {}, comment: '', code: null };
}

type Route = (event: never) => Promise<Response> | Response;

describe('downloads with a personal API token', () => {
	let t: TestDatabase;
	let f: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let otherRoundId: number;
	let otherIcbId: number;
	let manager: SignedInUser;
	let lead: SignedInUser;
	let icbLead: SignedInUser;
	let linkWorker: SignedInUser;
	let admin: SignedInUser;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createPracticeWithRound(t.db);
		for (const point of [4, 4, 4, 5, 5, 5] as const) expect(await submitResponse(t.db, f.round.id, respondent(point), '2026-11-10')).toMatchObject({ ok: true });
		await closeAsOf(t.db, f.round.id, '2026-11-30');
		const otherPcn = await createPcn(t.db, { odsCode: 'U20001', name: 'Other PCN', icbId: f.icb.id });
		const other = await createPractice(t.db, { odsCode: 'B20001', name: 'Elsewhere Surgery', pcnId: otherPcn.id });
		const otherRound = await createRound(t.db, {
			practiceId: other.id,
			instrumentVersionId: f.versionId,
			title: 'Elsewhere round',
			opensOn: '2026-11-01',
			closesOn: '2026-11-30',
			staffHeadcount: 10,
			status: 'open'
		});
		await closeAsOf(t.db, otherRound.id, '2026-11-30');
		otherRoundId = otherRound.id;
		otherIcbId = (await createIcb(t.db, { odsCode: 'QBB', name: 'Other ICB' })).id;

		manager = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [f.practice.id] });
		lead = await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [f.pcn.id] });
		icbLead = await createSignedInUser(t.db, 'icb_lead', { icbIds: [f.icb.id] });
		linkWorker = await createSignedInUser(t.db, 'link_worker', { practiceIds: [f.practice.id] });
		admin = await createSignedInUser(t.db, 'admin');
	});
	afterEach(() => t.close());

	async function tokenFor(user: SignedInUser, name = 'Scheduled refresh'): Promise<NewApiToken> {
		const outcome = await createApiToken(t.db, user, name);
		if (!outcome.ok) throw new Error(outcome.problems[0]!.message);
		return outcome.token;
	}

	async function download(route: Route, path: string, params: Record<string, string>, authorization: string | null, cookieUser: SignedInUser | null = null) {
		const event = fakeEvent({ db: t.db, path, params, user: cookieUser, headers: authorization === null ? {} : { authorization } });
		const outcome = await outcomeOf(() => route(event as never));
		if (outcome.thrown !== undefined) return { thrown: outcome.thrown, status: 0, headers: new Headers(), text: '' };
		const response = outcome.result!;
		return { thrown: undefined, status: response.status, headers: response.headers, text: await response.text() };
	}

	const bearer = (token: NewApiToken) => `Bearer ${token.token}`;
	const round = (kind: string, roundId = f.round.id) => [`/rounds/${roundId}/export/${kind}`, { roundId: String(roundId), kind }] as const;

	it('gives every round export to the token of someone who may download it, as CSV, audited naming the token', async () => {
		const token = await tokenFor(manager);
		for (const kind of ['scores.csv', 'items.csv', 'answers.csv']) {
			const answer = await download(roundExport, ...round(kind), bearer(token));
			expect(answer.status, kind).toBe(200);
			expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect(answer.headers.get('cache-control')).toBe('private, no-store');
			// A header and at least one row (the BOM is read off by the decoder).
			expect(answer.text.split('\r\n').filter(Boolean).length, kind).toBeGreaterThanOrEqual(2);
		}
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit.map((e) => e.summary).sort()).toEqual(
			['scores (CSV)', 'statement-by-statement results (CSV)', 'anonymised answers (CSV)']
				.map((what) => `Downloaded the ${what} of round ${f.round.id} “Test round” at Test Surgery with the API token “Scheduled refresh”`)
				.sort()
		);
	});

	it('gives the PCN, ICB, instrument report and instrument downloads to tokens of their readers', async () => {
		const leadToken = await tokenFor(lead);
		const icbToken = await tokenFor(icbLead);
		const pcn = String(f.pcn.id);
		for (const kind of ['heatmap.csv', 'rounds.csv']) {
			expect((await download(pcnExport, `/pcns/${pcn}/export/${kind}`, { pcnId: pcn, kind }, bearer(leadToken))).status, kind).toBe(200);
			expect((await download(pcnExport, `/pcns/${pcn}/export/${kind}`, { pcnId: pcn, kind }, bearer(icbToken))).status, kind).toBe(200);
		}
		const icb = String(f.icb.id);
		for (const kind of ['pcns.csv', 'over-time.csv', 'gaps.csv']) {
			expect((await download(icbExport, `/icbs/${icb}/export/${kind}`, { icbId: icb, kind }, bearer(icbToken))).status, kind).toBe(200);
		}
		const versionId = String(f.versionId);
		expect((await download(reportCsv, `/instruments/${versionId}/report/report.csv`, { versionId }, bearer(leadToken))).status).toBe(200);
		expect((await download(instrumentExport, `/instruments/${versionId}/export/items`, { versionId, format: 'items' }, bearer(leadToken))).status).toBe(200);
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit).toHaveLength(2 * 2 + 3 + 1);
		for (const event of audit) expect(event.summary).toMatch(/ with the API token “Scheduled refresh”$/);
	});

	it('refuses a bad, revoked or malformed token with 401 and WWW-Authenticate, never falling back to a valid session', async () => {
		const token = await tokenFor(manager);
		expect((await revokeApiToken(t.db, manager, token.id)).ok).toBe(true);
		for (const authorization of ['Bearer blg_not-a-token', bearer(token), 'Basic dXNlcjpwYXNz', '']) {
			// The manager's own session is valid and would be allowed: the header decides all the same.
			const answer = await download(roundExport, ...round('scores.csv'), authorization, manager);
			expect(answer.status, authorization).toBe(401);
			expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="Belonging"/);
			expect(JSON.parse(answer.text)).toEqual({ error: { status: 401, message: expect.any(String) } });
		}
		expect(await listAuditEvents(t.db, { action: 'export_downloaded' })).toEqual([]);
	});

	it('answers 404 out of scope and 403 for a role the download is not for, as the session does', async () => {
		const managerToken = await tokenFor(manager);
		const linkWorkerToken = await tokenFor(linkWorker);
		const icbToken = await tokenFor(icbLead);
		const leadToken = await tokenFor(lead);
		const cases: [Route, string, Record<string, string>, string, number][] = [
			[roundExport, ...round('scores.csv', otherRoundId), bearer(managerToken), 404],
			[roundExport, ...round('scores.csv', 999999), bearer(managerToken), 404],
			[roundExport, ...round('comments.csv'), bearer(managerToken), 404],
			// Raw answers are for the people who run rounds.
			[roundExport, ...round('answers.csv'), bearer(linkWorkerToken), 403],
			[roundExport, ...round('scores.csv'), bearer(icbToken), 403],
			[pcnExport, `/pcns/${f.pcn.id}/export/heatmap.csv`, { pcnId: String(f.pcn.id), kind: 'heatmap.csv' }, bearer(managerToken), 403],
			[icbExport, `/icbs/${otherIcbId}/export/pcns.csv`, { icbId: String(otherIcbId), kind: 'pcns.csv' }, bearer(icbToken), 404],
			[icbExport, `/icbs/${f.icb.id}/export/pcns.csv`, { icbId: String(f.icb.id), kind: 'pcns.csv' }, bearer(leadToken), 403],
			// No token is an administrator's, so the administrators' downloads refuse every one.
			[auditExport, '/admin/audit/export', {}, bearer(leadToken), 403],
			[userExport, `/users/${manager.id}/export`, { userId: String(manager.id) }, bearer(leadToken), 403]
		];
		for (const [route, path, params, authorization, status] of cases) {
			const answer = await download(route, path, params, authorization);
			expect(answer.status, path).toBe(status);
			expect(JSON.parse(answer.text)).toEqual({ error: { status, message: expect.any(String) } });
		}
		const created = await createApiToken(t.db, admin, 'Admin token');
		expect(created.ok).toBe(false);
	});

	it(`counts downloads in the token's API window: ${API_RATE_LIMIT} a minute across both, then 429 with Retry-After`, async () => {
		const token = await tokenFor(manager);
		const now = new Date();
		for (let i = 0; i < API_RATE_LIMIT - 2; i++) expect(await takeApiRequest(t.db, token.id, now)).toBeUndefined();
		// The 59th request is an API call, the 60th a download: both allowed.
		const me = await getMe(fakeEvent({ db: t.db, path: '/api/v1/me', headers: { authorization: bearer(token) } }) as never);
		expect(me.status).toBe(200);
		expect((await download(roundExport, ...round('scores.csv'), bearer(token))).status).toBe(200);
		// The 61st, a download, is refused; so is an API call after it.
		const refused = await download(roundExport, ...round('items.csv'), bearer(token));
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
		expect(JSON.parse(refused.text).error.message).toContain(`${API_RATE_LIMIT} a minute`);
		const api = await getMe(fakeEvent({ db: t.db, path: '/api/v1/me', headers: { authorization: bearer(token) } }) as never);
		expect(api.status).toBe(429);
		// Another person's token has its own window.
		expect((await download(roundExport, ...round('scores.csv'), bearer(await tokenFor(lead)))).status).toBe(200);
	});

	it('leaves the session path as it was: no header, the cookie decides; no one signed in is sent to sign in', async () => {
		const answer = await download(roundExport, ...round('scores.csv'), null, manager);
		expect(answer.status).toBe(200);
		const audit = await listAuditEvents(t.db, { action: 'export_downloaded' });
		expect(audit[0]!.summary).toBe(`Downloaded the scores (CSV) of round ${f.round.id} “Test round” at Test Surgery`);
		const nobody = await download(roundExport, ...round('scores.csv'), null);
		expect(isRedirect(nobody.thrown)).toBe(true);
	});

	it('gives a token nothing on a page that is not a download: it is not a session', async () => {
		const token = await tokenFor(manager);
		const event = fakeEvent({ db: t.db, path: `/practices/${f.practice.id}`, params: { practiceId: String(f.practice.id) }, headers: { authorization: bearer(token) } });
		const outcome = await outcomeOf(() => practicePage(event as never));
		expect(isRedirect(outcome.thrown)).toBe(true);
		expect((outcome.thrown as { location: string }).location).toMatch(/^\/sign-in\?next=/);
	});
});
