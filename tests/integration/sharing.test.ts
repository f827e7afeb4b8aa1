import { isHttpError, isRedirect } from '@sveltejs/kit';
import { renderSVG } from 'uqr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/lib/server/platform/audit';
import { countCodes, hashCode, useCode } from '../../src/lib/server/surveys/codes';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createRound } from '../../src/lib/server/surveys/rounds';
import type { SignedInUser } from '../../src/lib/server/identity';
import { load as posterLoad } from '../../src/routes/(app)/rounds/[roundId]/poster/+page.server';
import { GET } from '../../src/routes/(app)/rounds/[roundId]/qr.svg/+server';
import { actions, load as shareLoad } from '../../src/routes/(app)/rounds/[roundId]/share/+page.server';
import { closeAsOf, countRows, createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';
import { createSignedInUser, fakeEvent, outcomeOf, type EventOptions } from '../helpers/events';

/** Far enough ahead that these rounds stay open whatever day the tests run. */
const FAR_CLOSE = '2099-12-31';

const statusOf = (thrown: unknown) => (isHttpError(thrown) ? thrown.status : thrown);

describe('sharing a round', () => {
	let t: TestDatabase;
	let fixture: Awaited<ReturnType<typeof createPracticeWithRound>>;
	let users: Record<'manager' | 'lead' | 'linkWorker' | 'otherManager' | 'admin', SignedInUser>;

	beforeEach(async () => {
		t = await createTestDatabase();
		fixture = await createPracticeWithRound(t.db, { opensOn: '2026-01-05', closesOn: FAR_CLOSE, requiresCode: true });
		const other = await createPractice(t.db, { odsCode: 'A10002', name: 'Other Surgery', pcnId: fixture.pcn.id });
		users = {
			manager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [fixture.practice.id] }),
			lead: await createSignedInUser(t.db, 'pcn_lead', { pcnIds: [fixture.pcn.id] }),
			linkWorker: await createSignedInUser(t.db, 'link_worker', { practiceIds: [fixture.practice.id] }),
			otherManager: await createSignedInUser(t.db, 'practice_manager', { practiceIds: [other.id] }),
			admin: await createSignedInUser(t.db, 'admin')
		};
	});
	afterEach(() => t.close());

	/** Another round at the same practice, in the given state. */
	function roundAt(overrides: Partial<Parameters<typeof createRound>[1]>) {
		return createRound(t.db, {
			practiceId: fixture.practice.id,
			instrumentVersionId: fixture.versionId,
			title: 'Another round',
			opensOn: '2026-01-05',
			closesOn: FAR_CLOSE,
			staffHeadcount: 20,
			status: 'open',
			...overrides
		});
	}

	function eventFor(user: SignedInUser | null, roundId: number | string, tail: string, extra: Partial<EventOptions> = {}) {
		return fakeEvent({ db: t.db, user, path: `/rounds/${roundId}/${tail}`, params: { roundId: String(roundId) }, ...extra });
	}

	describe('the QR code', () => {
		const qr = (user: SignedInUser | null, roundId: number | string = fixture.round.id, config = {}) =>
			outcomeOf(() => GET(eventFor(user, roundId, 'qr.svg', { config }) as never));

		it('is an SVG of the survey link, never cached, named after the practice and round', async () => {
			const { result } = await qr(users.manager);
			const response = result as Response;
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
			expect(response.headers.get('content-disposition')).toBe(
				`inline; filename="belonging-survey-A10001-round-${fixture.round.id}.svg"`
			);
			expect(response.headers.get('cache-control')).toBe('private, no-store');
			const svg = await response.text();
			expect(svg.startsWith('<svg')).toBe(true);
			expect(svg).toBe(renderSVG(`http://localhost/s/${fixture.round.public_token}`, { border: 4, ecc: 'M' }));
			// A different link gives a different picture, so the comparison above says which link is in it.
			expect(svg).not.toBe(renderSVG(`http://localhost/s/${fixture.round.public_token}x`, { border: 4, ecc: 'M' }));
			// Shown as an image, but kept free of inline styles so the CSP allows it anywhere.
			expect(svg).not.toMatch(/style=/);
		});

		it('encodes the configured public origin, not the address the request came in on', async () => {
			const { result } = await qr(users.lead, fixture.round.id, { origin: 'https://belonging.example.nhs.uk' });
			expect(await (result as Response).text()).toBe(
				renderSVG(`https://belonging.example.nhs.uk/s/${fixture.round.public_token}`, { border: 4, ecc: 'M' })
			);
		});

		it('sends someone not signed in to sign in', async () => {
			const { thrown } = await qr(null);
			expect(isRedirect(thrown) && thrown.location).toBe(`/sign-in?next=%2Frounds%2F${fixture.round.id}%2Fqr.svg`);
		});

		it('refuses roles that do not run rounds with 403, whether or not the round exists', async () => {
			expect(statusOf((await qr(users.linkWorker)).thrown)).toBe(403);
			expect(statusOf((await qr(users.linkWorker, 9999)).thrown)).toBe(403);
			expect(statusOf((await qr(users.admin)).thrown)).toBe(403);
		});

		it('answers 404 for an unknown round and for a round out of scope', async () => {
			expect(statusOf((await qr(users.manager, 9999)).thrown)).toBe(404);
			expect(statusOf((await qr(users.manager, 'abc')).thrown)).toBe(404);
			expect(statusOf((await qr(users.otherManager)).thrown)).toBe(404);
		});

		it('is made for a round that opens later, but not for a draft or a closed round', async () => {
			// One open round at a time: the fixture's, then each of these in turn.
			await closeAsOf(t.db, fixture.round.id, '2026-02-01');
			const scheduled = await roundAt({ opensOn: '2099-01-04', closesOn: FAR_CLOSE });
			expect(((await qr(users.manager, scheduled.id)).result as Response).status).toBe(200);
			await closeAsOf(t.db, scheduled.id, '2099-01-04');

			const draft = await roundAt({ status: 'draft' });
			const closed = await roundAt({ status: 'closed', opensOn: '2026-01-05', closesOn: '2026-01-30' });
			// Still marked open, but its closing date has passed: it takes no answers either.
			const pastItsDate = await roundAt({ opensOn: '2020-01-06', closesOn: '2020-01-31' });
			for (const [round, words] of [
				[draft, 'has not been opened yet'],
				[closed, 'has closed'],
				[pastItsDate, 'has closed']
			] as const) {
				const response = (await qr(users.manager, round.id)).result as Response;
				expect(response.status).toBe(409);
				expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
				const text = await response.text();
				expect(text).toContain(words);
				expect(text).not.toContain(round.public_token);
			}
		});
	});

	describe('the share page', () => {
		const share = (user: SignedInUser | null, roundId: number | string = fixture.round.id) =>
			outcomeOf(() => shareLoad(eventFor(user, roundId, 'share') as never));

		it('gives managers the link, the QR code and the code counts of an open round', async () => {
			for (const user of [users.manager, users.lead]) {
				const { result } = await share(user);
				expect(result).toMatchObject({
					availability: 'open',
					round: { id: fixture.round.id, requiresCode: true, practice: { name: 'Test Surgery', odsCode: 'A10001' } },
					share: {
						url: `http://localhost/s/${fixture.round.public_token}`,
						qrPath: `/rounds/${fixture.round.id}/qr.svg`,
						qrFilename: `belonging-survey-A10001-round-${fixture.round.id}.svg`,
						codes: { issued: 0, used: 0 }
					},
					maxCodeBatch: 500,
					minResponses: 5
				});
			}
		});

		it('has no code counts for a round that does not ask for codes', async () => {
			await closeAsOf(t.db, fixture.round.id, '2026-02-01');
			const plain = await roundAt({ requiresCode: false });
			const { result } = await share(users.manager, plain.id);
			expect(result).toMatchObject({ share: { codes: null }, round: { requiresCode: false } });
		});

		it('carries no link at all for a closed or a draft round', async () => {
			const closed = await roundAt({ status: 'closed', closesOn: '2026-01-30' });
			const draft = await roundAt({ status: 'draft' });
			for (const [round, availability] of [
				[closed, 'closed'],
				[draft, 'draft']
			] as const) {
				const { result } = await share(users.manager, round.id);
				expect(result).toMatchObject({ availability, share: null });
				expect(JSON.stringify(result)).not.toContain(round.public_token);
				expect(JSON.stringify(result)).not.toContain('/s/');
			}
		});

		it('is refused to link workers and admins (403) and hidden out of scope (404)', async () => {
			expect(statusOf((await share(users.linkWorker)).thrown)).toBe(403);
			expect(statusOf((await share(users.admin)).thrown)).toBe(403);
			expect(statusOf((await share(users.otherManager)).thrown)).toBe(404);
			expect(statusOf((await share(users.manager, 9999)).thrown)).toBe(404);
		});
	});

	describe('the poster', () => {
		const poster = (user: SignedInUser | null, roundId: number | string = fixture.round.id) =>
			outcomeOf(() => posterLoad(eventFor(user, roundId, 'poster') as never));

		it('carries the link, the QR code and the threshold for an open round', async () => {
			const { result } = await poster(users.manager);
			expect(result).toMatchObject({
				availability: 'open',
				poster: { url: `http://localhost/s/${fixture.round.public_token}`, qrPath: `/rounds/${fixture.round.id}/qr.svg` },
				minResponses: 5,
				round: { closesOn: FAR_CLOSE, practice: { name: 'Test Surgery' } }
			});
		});

		it('carries no link for a closed round', async () => {
			const closed = await roundAt({ status: 'closed', closesOn: '2026-01-30' });
			const { result } = await poster(users.lead, closed.id);
			expect(result).toMatchObject({ availability: 'closed', poster: null });
			expect(JSON.stringify(result)).not.toContain(closed.public_token);
		});

		it('follows the same access rules as the share page', async () => {
			expect(statusOf((await poster(users.linkWorker)).thrown)).toBe(403);
			expect(statusOf((await poster(users.otherManager)).thrown)).toBe(404);
			expect(statusOf((await poster(users.manager, 9999)).thrown)).toBe(404);
			expect(isRedirect((await poster(null)).thrown)).toBe(true);
		});
	});

	describe('creating single-use codes', () => {
		const issue = (user: SignedInUser | null, form: Record<string, string>, roundId: number = fixture.round.id) =>
			outcomeOf(() => actions.issueCodes(eventFor(user, roundId, 'share?/issueCodes', { form }) as never));
		const issuedRecorded = () => listAuditEvents(t.db, { action: 'codes_issued' });

		it('refuses a count outside 1 to 500 or not a whole number, storing nothing', async () => {
			for (const count of ['0', '501', 'abc', '', '12.5', '-3', '1e2']) {
				const { result } = await issue(users.manager, { count });
				expect(result, `count ${JSON.stringify(count)}`).toMatchObject({
					status: 400,
					data: { values: { count }, problems: [{ field: 'count' }] }
				});
			}
			const { result } = await issue(users.manager, {});
			expect(result).toMatchObject({ status: 400, data: { problems: [{ field: 'count' }] } });
			expect(await countRows(t.db, 'round_code')).toBe(0);
			expect(await issuedRecorded()).toEqual([]);
		});

		it('stores exactly N hashes and shows N distinct codes, each accepted once by the survey', async () => {
			const { result } = await issue(users.manager, { count: '6' });
			const codes = (result as { issued: { codes: string[] } }).issued.codes;
			expect(codes).toHaveLength(6);
			expect(new Set(codes).size).toBe(6);
			for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
			expect(await countRows(t.db, 'round_code')).toBe(6);

			// Only hashes are kept: no stored value is a code, and every code's hash is there.
			const stored = await t.db.selectFrom('round_code').select('code_hash').execute();
			expect(stored.map((r) => r.code_hash).sort()).toEqual(codes.map(hashCode).sort());
			for (const code of codes) expect(stored.map((r) => r.code_hash)).not.toContain(code.replace('-', ''));

			expect(await countCodes(t.db, fixture.round.id)).toEqual({ issued: 6, used: 0 });
			for (const code of codes.slice(0, 4)) expect(await useCode(t.db, fixture.round.id, code)).toBe('accepted');
			expect(await useCode(t.db, fixture.round.id, codes[0]!)).toBe('already_used');
			expect(await countCodes(t.db, fixture.round.id)).toEqual({ issued: 6, used: 4 });

			const recorded = await issuedRecorded();
			expect(recorded).toHaveLength(1);
			expect(recorded[0]).toMatchObject({ actor_user_id: users.manager.id, practice_id: fixture.practice.id });
			expect(recorded[0]!.summary).toBe(`Created 6 single-use codes for round ${fixture.round.id} “Test round” at Test Surgery`);
			// The audit log never holds a code.
			for (const code of codes) expect(recorded[0]!.summary).not.toContain(code);
		});

		it('accepts the largest batch, and a later batch adds to the count', async () => {
			const big = await issue(users.lead, { count: '500' });
			expect((big.result as { issued: { codes: string[] } }).issued.codes).toHaveLength(500);
			const one = await issue(users.lead, { count: ' 1 ' });
			expect((one.result as { issued: { codes: string[] } }).issued.codes).toHaveLength(1);
			expect(await countRows(t.db, 'round_code')).toBe(501);
			expect(await countCodes(t.db, fixture.round.id)).toEqual({ issued: 501, used: 0 });
		});

		it('creates none for a round that does not ask for codes, or that is not open', async () => {
			await closeAsOf(t.db, fixture.round.id, '2026-02-01');
			const plain = await roundAt({ requiresCode: false });
			const closed = await roundAt({ status: 'closed', closesOn: '2026-01-30', requiresCode: true });
			const draft = await roundAt({ status: 'draft', requiresCode: true });
			for (const round of [plain, closed, draft]) {
				const { result } = await issue(users.manager, { count: '5' }, round.id);
				expect(result).toMatchObject({ status: 409, data: { problems: [{ field: 'form' }] } });
			}
			expect(await countRows(t.db, 'round_code')).toBe(0);
			expect(await issuedRecorded()).toEqual([]);
		});

		it('is refused to link workers (403) and out of scope (404), storing nothing', async () => {
			expect(statusOf((await issue(users.linkWorker, { count: '5' })).thrown)).toBe(403);
			expect(statusOf((await issue(users.admin, { count: '5' })).thrown)).toBe(403);
			expect(statusOf((await issue(users.otherManager, { count: '5' })).thrown)).toBe(404);
			expect(statusOf((await issue(users.manager, { count: '5' }, 9999)).thrown)).toBe(404);
			expect(isRedirect((await issue(null, { count: '5' })).thrown)).toBe(true);
			expect(await countRows(t.db, 'round_code')).toBe(0);
		});
	});
});
