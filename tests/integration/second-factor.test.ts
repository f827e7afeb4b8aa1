/**
 * Two-step sign-in on a real database: set-up needs a first matching code; a right password then
 * gives a challenge, not a session; a code works once, a recovery code once; wrong codes are
 * throttled like passwords; a challenge is single-use and short-lived; an admin's reset is audited.
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	beginSecondFactorSetup,
	confirmSecondFactor,
	resetSecondFactor,
	secondFactorState,
	turnOffSecondFactor,
	beginSecondFactorSetup as beginSetup,
	rolesRequiringSecondStep,
	setRolesRequiringSecondStep
} from '../../src/lib/server/accounts/second-factor';
import { challengeHolder, completeRequiredSetup, completeSecondStep } from '../../src/lib/server/accounts/sign-in-gate';
import { signInWithPassword } from '../../src/lib/server/accounts/sign-in';
import { disableUser } from '../../src/lib/server/accounts/people-changes';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_PASSWORD } from '../helpers/events';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const ADDRESS = '192.0.2.10';

describe('two-step sign-in', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	let secret: string;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
	});
	afterEach(() => t.close());

	const codeAt = (when: Date) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: when.getTime() });

	async function turnOn(): Promise<string[]> {
		const begun = await beginSecondFactorSetup(t.db, f.users.manager, T0);
		if (!begun.ok) throw new Error('set-up refused');
		secret = begun.key.secret.replace(/\s/g, '');
		expect(begun.key.uri).toMatch(/^otpauth:\/\/totp\/Belonging:manager\.a1%40matrix\.example\?/);
		expect(begun.key.qrSvg).toMatch(/^<svg/);
		const confirmed = await confirmSecondFactor(t.db, f.users.manager, { code: codeAt(T0), clientAddress: ADDRESS }, T0);
		if (!confirmed.ok) throw new Error('confirmation refused');
		return confirmed.recoveryCodes;
	}

	async function password(at: Date) {
		const outcome = await signInWithPassword(t.db, { email: f.users.manager.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, at);
		if (!outcome.ok || !outcome.secondStep) throw new Error('expected a second step');
		return outcome.secondStep.token;
	}

	const audits = async (action: string) =>
		(await t.db.selectFrom('audit_event').select('summary').where('action', '=', action).orderBy('id').execute()).map((a) => a.summary);

	it('turns on only after a first matching code, and shows ten recovery codes once', async () => {
		const begun = await beginSecondFactorSetup(t.db, f.users.manager, T0);
		if (!begun.ok) throw new Error('refused');
		secret = begun.key.secret.replace(/\s/g, '');
		expect(await secondFactorState(t.db, f.users.manager.id)).toEqual({ state: 'pending' });
		expect(await confirmSecondFactor(t.db, f.users.manager, { code: '000000', clientAddress: ADDRESS }, T0)).toMatchObject({ ok: false, status: 400, problems: [{ field: 'code' }] });
		// Still a password-only account until then.
		const before = await signInWithPassword(t.db, { email: f.users.manager.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, T0);
		expect(before).toMatchObject({ ok: true, session: { token: expect.any(String) } });
		const confirmed = await confirmSecondFactor(t.db, f.users.manager, { code: codeAt(T0), clientAddress: ADDRESS }, T0);
		if (!confirmed.ok) throw new Error('refused');
		expect(confirmed.recoveryCodes).toHaveLength(10);
		expect(new Set(confirmed.recoveryCodes).size).toBe(10);
		for (const code of confirmed.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
		const stored = await t.db.selectFrom('recovery_code').select('code_hash').execute();
		expect(stored.map((r) => r.code_hash)).not.toContain(confirmed.recoveryCodes[0]);
		expect(await secondFactorState(t.db, f.users.manager.id)).toMatchObject({ state: 'on', recoveryCodesLeft: 10 });
		expect(await audits('second_factor_on')).toEqual(['Turned on two-step sign-in with an authenticator app']);
		expect(await beginSecondFactorSetup(t.db, f.users.manager, T0)).toMatchObject({ ok: false, status: 409 });
	});

	it('asks for a code after the password, and signs in only with it; each code works once', async () => {
		await turnOn();
		const sessionsBefore = await t.db.selectFrom('session').select('id').execute();
		const token = await password(later(60));
		expect(await t.db.selectFrom('session').select('id').execute()).toEqual(sessionsBefore);
		// The code confirmed at set-up (step of T0) is spent; the next step's code works.
		expect(await completeSecondStep(t.db, { token, code: codeAt(T0), clientAddress: ADDRESS }, later(60))).toMatchObject({ ok: false, status: 401 });
		const done = await completeSecondStep(t.db, { token, code: codeAt(later(60)), clientAddress: ADDRESS }, later(60));
		expect(done).toMatchObject({ ok: true, user: { id: f.users.manager.id }, session: { token: expect.any(String) } });
		// The challenge went with its use: replaying the cookie finds nothing.
		expect(await completeSecondStep(t.db, { token, code: codeAt(later(90)), clientAddress: ADDRESS }, later(90))).toMatchObject({ ok: false, status: 410 });
		// The same code on a new challenge is refused: it has been used.
		const again = await password(later(70));
		expect(await completeSecondStep(t.db, { token: again, code: codeAt(later(60)), clientAddress: ADDRESS }, later(70))).toMatchObject({ ok: false, status: 401 });
		expect((await audits('sign_in')).at(-1)).toBe('Signed in with email, password and an authenticator code');
		expect(await audits('sign_in_failed')).toEqual(['Wrong code at the second step', 'Wrong code at the second step']);
	});

	it('takes each recovery code once, in any case and with or without its dash', async () => {
		const codes = await turnOn();
		const first = await password(later(10));
		expect(await completeSecondStep(t.db, { token: first, code: ` ${codes[3]!.toUpperCase().replace('-', '')} `, clientAddress: ADDRESS }, later(10))).toMatchObject({ ok: true });
		expect((await audits('sign_in')).at(-1)).toBe('Signed in with email, password and a recovery code (9 left)');
		const second = await password(later(20));
		expect(await completeSecondStep(t.db, { token: second, code: codes[3]!, clientAddress: ADDRESS }, later(20))).toMatchObject({ ok: false, status: 401 });
		expect(await completeSecondStep(t.db, { token: second, code: codes[4]!, clientAddress: ADDRESS }, later(20))).toMatchObject({ ok: true });
	});

	it('throttles wrong codes like wrong passwords: after five, even the right code waits', async () => {
		await turnOn();
		const token = await password(later(30));
		for (let i = 0; i < 5; i++) {
			expect(await completeSecondStep(t.db, { token, code: '123456', clientAddress: ADDRESS }, later(31 + i))).toMatchObject({ ok: false, status: 401 });
		}
		const blocked = await completeSecondStep(t.db, { token, code: codeAt(later(40)), clientAddress: ADDRESS }, later(40));
		expect(blocked).toMatchObject({ ok: false, status: 429, retryAfterSeconds: expect.any(Number) });
	});

	it('refuses a challenge that is unknown, expired, or for an account switched off since', async () => {
		await turnOn();
		expect(await completeSecondStep(t.db, { token: 'made-up', code: codeAt(T0), clientAddress: ADDRESS }, T0)).toMatchObject({ ok: false, status: 410 });
		expect(await completeSecondStep(t.db, { token: undefined, code: codeAt(T0), clientAddress: ADDRESS }, T0)).toMatchObject({ ok: false, status: 410 });
		const token = await password(later(30));
		expect(await completeSecondStep(t.db, { token, code: codeAt(later(331)), clientAddress: ADDRESS }, later(331))).toMatchObject({ ok: false, status: 410 });
		const fresh = await password(later(400));
		expect(await disableUser(t.db, f.users.admin, f.users.manager.id)).toMatchObject({ ok: true });
		expect(await completeSecondStep(t.db, { token: fresh, code: codeAt(later(400)), clientAddress: ADDRESS }, later(400))).toMatchObject({ ok: false, status: 410 });
	});

	it('is turned off by its owner with a code, or reset by an administrator, audited', async () => {
		await turnOn();
		expect(await turnOffSecondFactor(t.db, f.users.manager, { code: '999999', clientAddress: ADDRESS }, later(30))).toMatchObject({ ok: false, status: 400 });
		expect(await resetSecondFactor(t.db, f.users.pcnLead, f.users.manager.id, later(30))).toMatchObject({ ok: false, status: 403 });
		expect(await resetSecondFactor(t.db, f.users.admin, 999999, later(30))).toMatchObject({ ok: false, status: 404 });
		expect(await resetSecondFactor(t.db, f.users.admin, f.users.manager.id, later(30))).toMatchObject({ ok: true });
		expect(await secondFactorState(t.db, f.users.manager.id)).toEqual({ state: 'off' });
		expect(await t.db.selectFrom('recovery_code').select('code_hash').execute()).toEqual([]);
		expect(await audits('second_factor_reset')).toEqual([`Reset two-step sign-in for ${f.users.manager.displayName} (manager.a1@matrix.example)`]);
		expect(await resetSecondFactor(t.db, f.users.admin, f.users.manager.id, later(30))).toMatchObject({ ok: false, status: 409 });
		const after = await signInWithPassword(t.db, { email: f.users.manager.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, later(40));
		expect(after).toMatchObject({ ok: true, session: { token: expect.any(String) } });

		await turnOn();
		expect(await turnOffSecondFactor(t.db, f.users.manager, { code: codeAt(later(60)), clientAddress: ADDRESS }, later(60))).toEqual({ ok: true });
		expect(await audits('second_factor_off')).toEqual(['Turned off two-step sign-in']);
	});

	it('is required for the roles an administrator chooses: set up at the next sign-in, and not turned off', async () => {
		expect(await setRolesRequiringSecondStep(t.db, f.users.pcnLead, ['pcn_lead'])).toMatchObject({ ok: false, status: 403 });
		expect(await setRolesRequiringSecondStep(t.db, f.users.admin, ['pcn_lead', 'admin'], T0)).toEqual({ ok: true });
		expect(await rolesRequiringSecondStep(t.db)).toEqual(['admin', 'pcn_lead']);
		expect(await audits('second_factor_policy')).toEqual(['Two-step sign-in required for: Administrator, PCN lead']);

		// The manager's role is not chosen: password alone, as before.
		const manager = await signInWithPassword(t.db, { email: f.users.manager.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, T0);
		expect(manager).toMatchObject({ ok: true, session: { token: expect.any(String) } });

		const lead = await signInWithPassword(t.db, { email: f.users.pcnLead.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, T0);
		if (!lead.ok || !lead.secondStep) throw new Error('expected a set-up step');
		expect(lead.secondStep.setUp).toBe(true);
		const holder = (await challengeHolder(t.db, lead.secondStep.token, T0))!;
		expect(holder.id).toBe(f.users.pcnLead.id);
		const begun = await beginSetup(t.db, holder, T0);
		if (!begun.ok) throw new Error('refused');
		secret = begun.key.secret.replace(/\s/g, '');
		const input = { token: lead.secondStep.token, clientAddress: ADDRESS };
		expect(await completeRequiredSetup(t.db, { ...input, code: '000000' }, T0)).toMatchObject({ ok: false, status: 400 });
		const done = await completeRequiredSetup(t.db, { ...input, code: codeAt(T0) }, T0);
		expect(done).toMatchObject({ ok: true, session: { token: expect.any(String) }, recoveryCodes: expect.any(Array) });
		expect(await completeRequiredSetup(t.db, { ...input, code: codeAt(later(30)) }, later(30))).toMatchObject({ ok: false, status: 410 });
		expect((await audits('sign_in')).at(-1)).toBe('Signed in with email and password, setting up two-step sign-in as their role requires');

		// From then on, the usual code step; and it cannot be turned off while the role requires it.
		const next = await signInWithPassword(t.db, { email: f.users.pcnLead.email, password: TEST_PASSWORD, clientAddress: ADDRESS }, later(60));
		expect(next).toMatchObject({ ok: true, secondStep: { setUp: false } });
		expect(await turnOffSecondFactor(t.db, f.users.pcnLead, { code: codeAt(later(60)), clientAddress: ADDRESS }, later(60))).toMatchObject({ ok: false, status: 409 });
	});
});
