/**
 * The iCalendar writer: CRLF line ends, lines folded at 75 octets without splitting a character,
 * TEXT values escaped, all-day dates with the day after as the exclusive end, DTSTAMP in UTC.
 */
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, serialiseCalendar } from '../../src/lib/server/calendar/ics';

const octets = (line: string) => Buffer.byteLength(line, 'utf8');
const unfold = (text: string) => text.replace(/\r\n /g, '');

describe('iCalendar text', () => {
	it('escapes backslash, semicolon, comma and line breaks', () => {
		expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
		expect(escapeText('Spring: “staff” survey')).toBe('Spring: “staff” survey');
	});

	it('leaves a line of 75 octets whole and folds the 76th onto a line starting with a space', () => {
		expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
		expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
		expect(foldLine('x'.repeat(150))).toBe(`${'x'.repeat(75)}\r\n ${'x'.repeat(74)}\r\n x`);
	});

	it('folds before a multi-byte character that would cross the 75th octet, never inside it', () => {
		// 74 octets, then é (2 octets) would make 76: it goes whole to the next line.
		expect(foldLine(`SUMMARY:${'a'.repeat(66)}é${'b'.repeat(3)}`)).toBe(`SUMMARY:${'a'.repeat(66)}\r\n éb${'b'.repeat(2)}`);
		// 73 octets, then a 4-octet emoji (two UTF-16 units) would make 77.
		expect(foldLine(`${'x'.repeat(73)}🌿y`)).toBe(`${'x'.repeat(73)}\r\n 🌿y`);
	});

	it('folds a long Welsh practice name into lines of at most 75 octets that unfold to the original', () => {
		const name = 'SUMMARY:Gwanwyn 2027, Meddygfa’r Bont Fawr — Canolfan Iechyd Llanfair-ym-Muallt ❤ Ysgol Feddygol Caerdydd ŵŷ';
		const folded = foldLine(name);
		const lines = folded.split('\r\n');
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
		for (const line of lines.slice(1)) expect(line.startsWith(' ')).toBe(true);
		expect(unfold(folded)).toBe(name);
		expect(folded).not.toContain('\uFFFD');
	});
});

describe('an iCalendar file', () => {
	it('writes each all-day event with an exclusive end, a UTC stamp and CRLF line ends', () => {
		const text = serialiseCalendar({
			name: 'Staff survey rounds, Smith, Jones; Partners',
			stamp: new Date('2026-12-06T17:30:05.123Z'),
			events: [
				{
					uid: 'survey-round-7-2027-04-01@belonging.example.org',
					firstDay: '2027-04-01',
					lastDay: '2027-04-30',
					summary: 'Spring 2027 staff survey, Smith; Jones',
					description: 'Opens by itself.\nhttps://belonging.example.org/rounds/3',
					url: 'https://belonging.example.org/rounds/3'
				}
			]
		});
		expect(text).toBe(
			[
				'BEGIN:VCALENDAR',
				'VERSION:2.0',
				'PRODID:-//Belonging//Survey calendar//EN',
				'CALSCALE:GREGORIAN',
				'X-WR-CALNAME:Staff survey rounds\\, Smith\\, Jones\\; Partners',
				'BEGIN:VEVENT',
				'UID:survey-round-7-2027-04-01@belonging.example.org',
				'DTSTAMP:20261206T173005Z',
				'DTSTART;VALUE=DATE:20270401',
				'DTEND;VALUE=DATE:20270501',
				'SUMMARY:Spring 2027 staff survey\\, Smith\\; Jones',
				'DESCRIPTION:Opens by itself.\\nhttps://belonging.example.org/rounds/3',
				'URL:https://belonging.example.org/rounds/3',
				'TRANSP:TRANSPARENT',
				'END:VEVENT',
				'END:VCALENDAR',
				''
			].join('\r\n')
		);
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
	});

	it('ends the year’s last event on the first day of the next year', () => {
		const text = serialiseCalendar({
			name: 'x',
			stamp: new Date('2026-12-06T00:00:00Z'),
			events: [{ uid: 'u@h', firstDay: '2027-12-10', lastDay: '2027-12-31', summary: 'Winter' }]
		});
		expect(text).toContain('\r\nDTEND;VALUE=DATE:20280101\r\n');
		expect(text).not.toContain('DESCRIPTION');
	});
});
