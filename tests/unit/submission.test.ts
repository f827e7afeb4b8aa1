import { describe, expect, it } from 'vitest';
import { checkSubmission, normaliseCode } from '../../src/lib/npt/submission';
import { miniInstrument } from '../fixtures/instruments';

const check = (entries: [string, string][], codeRequired = false) =>
	checkSubmission(miniInstrument, entries, { codeRequired });

describe('survey submissions are checked against the instrument version (docs/scoring.md §2)', () => {
	it('accepts scored answers, not-relevant codes, general ratings, a role group and a comment', () => {
		const result = check([
			['roleGroup', 'clinical'],
			['item-C1', '4'],
			['item-P1', 'not_relevant_role'],
			['general-G1', '10'],
			['general-G2', '0'],
			['comment', '  More time.  ']
		]);
		expect(result).toEqual({
			ok: true,
			submission: {
				roleGroup: 'clinical',
				agreement: { C1: 4, P1: 'not_relevant_role' },
				general: { G1: 10, G2: 0 },
				comment: 'More time.',
				code: null
			}
		});
	});

	it('lets people skip items and decline to give a role group', () => {
		const result = check([['item-A1', '1'], ['roleGroup', 'none'], ['comment', '   ']]);
		expect(result.ok && result.submission).toMatchObject({ roleGroup: null, comment: null, agreement: { A1: 1 } });
	});

	it.each([
		['an out-of-range agreement value', 'item-C1', '6'],
		['a zero agreement value', 'item-C1', '0'],
		['a made-up not-relevant code', 'item-C1', 'not_relevant_mood'],
		['a general rating above 10', 'general-G1', '11'],
		['a fractional general rating', 'general-G1', '5.5'],
		['an unknown role group', 'roleGroup', 'surgeon']
	])('rejects %s naming the field', (_label, field, value) => {
		const result = check([['item-C2', '3'], [field, value]]);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual([field]);
	});

	// Issue 12, item 8: `__proto__` once slipped past the unknown-field check and was stored.
	it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('rejects a field named %s as unknown', (name) => {
		const result = check([['item-C1', '3'], [name, '4']]);
		expect(result).toEqual({ ok: false, problems: [{ field: 'form', message: expect.stringContaining(name) }] });
	});

	it('rejects an unknown item as a whole-form problem', () => {
		const result = check([['item-C1', '3'], ['item-ZZ9', '3']]);
		expect(result).toEqual({
			ok: false,
			problems: [
				{
					field: 'form',
					message: expect.stringContaining('item-ZZ9')
				}
			]
		});
	});

	it('rejects a field sent twice', () => {
		const result = check([['item-C1', '3'], ['item-C1', '4']]);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems[0]!.message).toContain('more than once');
	});

	it('rejects a comment over the instrument length limit, counting characters not bytes', () => {
		expect(check([['item-C1', '3'], ['comment', 'é'.repeat(20)]]).ok).toBe(true);
		const tooLong = check([['item-C1', '3'], ['comment', 'x'.repeat(21)]]);
		expect(tooLong.ok === false && tooLong.problems[0]!.field).toBe('comment');
	});

	it('rejects an empty submission', () => {
		const result = check([['roleGroup', 'clinical'], ['comment', 'Only a comment']]);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems[0]).toMatchObject({ field: 'item-C1' });
	});

	it('requires a well-formed code only when the round uses codes', () => {
		expect(check([['item-C1', '3'], ['code', 'ABCD2345']]).ok).toBe(false);
		const missing = check([['item-C1', '3']], true);
		expect(missing.ok === false && missing.problems[0]!.field).toBe('code');
		const malformed = check([['item-C1', '3'], ['code', 'AB-CD']], true);
		expect(malformed.ok === false && malformed.problems[0]!.message).toContain('8 letters and numbers');
		const good = check([['item-C1', '3'], ['code', 'abcd-2345']], true);
		expect(good.ok && good.submission.code).toBe('ABCD2345');
	});

	it('normalises codes typed with spaces, dashes or lower case', () => {
		expect(normaliseCode(' ab cd-23 45 ')).toBe('ABCD2345');
	});
});
