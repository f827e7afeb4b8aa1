import { describe, expect, it } from 'vitest';
import { cleanLine, cleanParagraphs, lineText, paragraphsText } from '../../src/lib/text';

// Issue 12, item 9: control characters were stored (a title of only NUL, NUL in comments).
describe('free text', () => {
	it.each([
		['a NUL', 'A\u0000B', 'AB'],
		['only NULs', '\u0000\u0000', ''],
		['an escape sequence', 'Spring \u001b[31mround', 'Spring [31mround'],
		['DEL and C1 controls', 'Riv\u007ferside\u0085 \u009bSurgery', 'Riverside Surgery'],
		['a right-to-left override', 'invoice\u202Egnp.exe', 'invoicegnp.exe'],
		['bidi isolates', '\u2066Hill\u2069view', 'Hillview'],
		['tabs and line breaks', ' Spring\tround\r\n2026\u2028 ', 'Spring round 2026'],
		['a lone high surrogate', 'Spring\ud83d round', 'Spring round'],
		['a lone low surrogate', '\ude42Spring', 'Spring']
	])('drops %s from a line', (_label, input, expected) => {
		expect(cleanLine(input)).toBe(expected);
	});

	it('keeps line breaks in paragraphs, as \\n, and drops the rest', () => {
		expect(cleanParagraphs('  First line\r\nSecond\u0000 line\rThird\u2029Fourth\tend  ')).toBe('First line\nSecond line\nThird\nFourth end');
		expect(cleanParagraphs('\u0000\u0007')).toBe('');
	});

	it('leaves ordinary text, accents and emoji alone', () => {
		expect(cleanLine('Dr Siân O’Brien – “Well-being” 🙂')).toBe('Dr Siân O’Brien – “Well-being” 🙂');
	});

	it('keeps whole emoji, whose two halves are not lone', () => {
		expect(cleanParagraphs('🙂\ud83d')).toBe('🙂');
	});

	// Issue 24, item 7: one schema declares every free-text field, so none can store what the others clean.
	describe('the text schemas', () => {
		const title = lineText({ max: 5, tooLong: 'Too long', required: 'Give it a title' });
		const note = paragraphsText({ max: 5, tooLong: 'Too long' });
		it('clean, then check what is left', () => {
			expect(title.safeParse(' Ab\u0000c\n ')).toEqual({ success: true, data: 'Abc' });
			expect(note.safeParse('a\r\nb\u0007')).toEqual({ success: true, data: 'a\nb' });
			expect(title.safeParse('\u0000\u0000').error?.issues.map((i) => i.message)).toEqual(['Give it a title']);
			expect(note.safeParse('\u0000')).toEqual({ success: true, data: '' });
		});
		it('count characters, not UTF-16 units, as the database does', () => {
			expect(title.safeParse('🙂🙂🙂🙂🙂').success).toBe(true);
			expect(title.safeParse('🙂🙂🙂🙂🙂🙂').error?.issues.map((i) => i.message)).toEqual(['Too long']);
		});
		it('refuse anything but text', () => {
			for (const value of [['a'], 3, null, {}]) expect(title.safeParse(value).success).toBe(false);
		});
	});
});
