/** The database seam in db/ (issue 13, item 5): how the engine says a unique value is taken. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/lib/server/db';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

describe('isUniqueViolation', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	const insertTwice = async () => {
		const row = { email: 'twin@example.nhs.uk', display_name: 'Twin', role: 'admin' as const, created_at: new Date().toISOString() };
		await t.db.insertInto('user_account').values(row).execute();
		try {
			await t.db.insertInto('user_account').values(row).execute();
		} catch (error) {
			return error;
		}
		throw new Error('the second insert went through');
	};

	it('recognises a second row with a taken value, for that column only', async () => {
		const error = await insertTwice();
		expect(isUniqueViolation(error, 'user_account', 'email')).toBe(true);
		expect(isUniqueViolation(error, 'user_account', 'display_name')).toBe(false);
		expect(isUniqueViolation(error, 'practice', 'ods_code')).toBe(false);
	});

	it('says no to anything else', async () => {
		expect(isUniqueViolation(new Error('UNIQUE constraint failed: user_account.email'), 'user_account', 'email')).toBe(false);
		expect(isUniqueViolation('UNIQUE constraint failed: user_account.email', 'user_account', 'email')).toBe(false);
		expect(isUniqueViolation(undefined, 'user_account', 'email')).toBe(false);
	});
});
