import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/lib/server/accounts/passwords';
import {
	SESSION_IDLE_MS,
	createSession,
	hashToken,
	invalidateUserSessions,
	validateSessionToken
} from '../../src/lib/server/accounts/sessions';
import { countAccounts, createUser, setDisabled, setPassword } from '../../src/lib/server/accounts/users';
import { countRows, createTestDatabase, type TestDatabase } from '../helpers/database';
import { TEST_COST, createSignedInUser } from '../helpers/events';

const T0 = new Date('2026-11-22T09:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 60 * 60 * 1000;

describe('passwords', () => {
	it('verifies the right password only, and stores the cost with a fresh salt each time', async () => {
		const hash = await hashPassword('quiet river lantern seven', TEST_COST);
		expect(hash).toMatch(/^scrypt\$10\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
		expect(await verifyPassword(hash, 'quiet river lantern seven')).toBe(true);
		expect(await verifyPassword(hash, 'quiet river lantern seven ')).toBe(false);
		expect(await hashPassword('quiet river lantern seven', TEST_COST)).not.toBe(hash);
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
	});

	it('asks for 12 characters and refuses common or guessable passwords', () => {
		expect(passwordProblem('short')).toBe('Use at least 12 characters.');
		expect(passwordProblem('x'.repeat(257))).toBe('Use at most 256 characters.');
		expect(passwordProblem('password1234')).toMatch(/one of the most common passwords/);
		expect(passwordProblem('iloveyou1234')).toMatch(/one of the most common passwords/);
		expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/easy to guess/);
		expect(passwordProblem('riversidesurgery', ['manager@riverside.example', 'Riverside Surgery'])).toMatch(/easy to guess/);
		expect(passwordProblem('copper kettle marmalade tuesday')).toBeUndefined();
	});
});

describe('sessions', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('stores only a hash of the token and resolves the user with their scope', async () => {
		const user = await createSignedInUser(t.db, 'practice_manager', { practiceIds: [] as number[] }).catch(() => null);
		// A practice manager needs a practice; an admin has none.
		expect(user).toBeNull();
		const admin = await createSignedInUser(t.db, 'admin');
		const { token, expiresAt } = await createSession(t.db, admin.id, T0);
		expect(expiresAt).toEqual(later(SESSION_IDLE_MS));
		const stored = await t.db.selectFrom('session').selectAll().executeTakeFirstOrThrow();
		expect(stored.id).toBe(hashToken(token));
		expect(stored.id).not.toContain(token);
		const valid = await validateSessionToken(t.db, token, later(1000));
		expect(valid?.user).toMatchObject({ id: admin.id, role: 'admin', practiceIds: [], pcnIds: [] });
		expect(await validateSessionToken(t.db, `${token}x`, later(1000))).toBeUndefined();
	});

	it('slides the expiry while in use and ends after 12 idle hours', async () => {
		const admin = await createSignedInUser(t.db, 'admin');
		const { token } = await createSession(t.db, admin.id, T0);
		// Within the first 15 minutes the expiry is left alone, to spare writes.
		expect((await validateSessionToken(t.db, token, later(10 * 60 * 1000)))?.renewed).toBe(false);
		const renewed = await validateSessionToken(t.db, token, later(11 * HOUR));
		expect(renewed?.renewed).toBe(true);
		expect(renewed?.expiresAt).toEqual(later(11 * HOUR + SESSION_IDLE_MS));
		// 22 hours after sign-in, but only 11 after last use: still valid.
		expect(await validateSessionToken(t.db, token, later(22 * HOUR))).toBeDefined();
		// Then idle for more than 12 hours: gone, and removed from the table.
		expect(await validateSessionToken(t.db, token, later(22 * HOUR + SESSION_IDLE_MS + 1))).toBeUndefined();
		expect(await countRows(t.db, 'session')).toBe(0);
	});

	it('ends every session when the password changes, the account is switched off, or on sign-out everywhere', async () => {
		const admin = await createSignedInUser(t.db, 'admin');
		const other = await createSignedInUser(t.db, 'admin');
		const a = await createSession(t.db, admin.id, T0);
		const b = await createSession(t.db, admin.id, T0);
		const kept = await createSession(t.db, other.id, T0);
		await setPassword(t.db, admin.id, await hashPassword('a new and different passphrase', TEST_COST), later(HOUR));
		expect(await validateSessionToken(t.db, a.token, later(HOUR))).toBeUndefined();
		expect(await validateSessionToken(t.db, b.token, later(HOUR))).toBeUndefined();
		expect(await validateSessionToken(t.db, kept.token, later(HOUR))).toBeDefined();

		const c = await createSession(t.db, admin.id, later(HOUR));
		await setDisabled(t.db, admin.id, true, later(2 * HOUR));
		expect(await validateSessionToken(t.db, c.token, later(2 * HOUR))).toBeUndefined();

		await invalidateUserSessions(t.db, other.id);
		expect(await validateSessionToken(t.db, kept.token, later(2 * HOUR))).toBeUndefined();
	});

	it('counts accounts in use, waiting for their invitation, and switched off', async () => {
		await createSignedInUser(t.db, 'admin');
		const off = await createSignedInUser(t.db, 'admin');
		await setDisabled(t.db, off.id, true);
		await createUser(t.db, { email: 'new@example.nhs.uk', displayName: 'New', role: 'admin' });
		await createUser(t.db, { email: 'newer@example.nhs.uk', displayName: 'Newer', role: 'admin' });
		expect(await countAccounts(t.db)).toEqual({ active: 1, invited: 2, disabled: 1 });
	});
});
