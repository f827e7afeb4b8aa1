import { describe, expect, it } from 'vitest';
import { cleanLine, cleanParagraphs } from '../../src/lib/text';

// Issue 12, item 9: control characters were stored (a title of only NUL, NUL in comments).
describe('free text', () => {
	it.each([
		['a NUL', 'A\u0000B', 'AB'],
		['only NULs', '\u0000\u0000', ''],
		['an escape sequence', 'Spring \u001b[31mround', 'Spring [31mround'],
		['DEL and C1 controls', 'Riv\u007ferside\u0085 \u009bSurgery', 'Riverside Surgery'],
		['a right-to-left override', 'invoice\u202Egnp.exe', 'invoicegnp.exe'],
		['bidi isolates', '\u2066Hill\u2069view', 'Hillview'],
		['tabs and line breaks', ' Spring\tround\r\n2026\u2028 ', 'Spring round 2026']
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
});
