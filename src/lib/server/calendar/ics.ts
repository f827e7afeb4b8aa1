/**
 * A small iCalendar (RFC 5545) writer for all-day events: enough for Outlook, Google and Apple
 * calendars to import a practice's survey rounds. Pure: no I/O.
 *
 * - lines end in CRLF and are folded at 75 octets, never inside a multi-byte character (§3.1);
 * - TEXT values escape backslash, semicolon, comma and line breaks (§3.3.11);
 * - all-day events are VALUE=DATE with an exclusive DTEND, the day after the last (§3.6.1);
 * - DTSTAMP is UTC (§3.8.7.2); a stable UID lets a second import update an event, not repeat it.
 */
import { addDays } from '../../dates';

export interface AllDayEvent {
	/** Stable across downloads, e.g. `round-12-2027-04-01@belonging.example.org`. */
	uid: string;
	/** First and last day, inclusive, as YYYY-MM-DD. */
	firstDay: string;
	lastDay: string;
	summary: string;
	description?: string;
	/** An absolute address for the event (a URI value, not escaped as TEXT). */
	url?: string;
}

export interface IcsCalendar {
	/** The calendar's name, shown by clients that read X-WR-CALNAME. */
	name: string;
	events: AllDayEvent[];
	/** When the file was made: each event's DTSTAMP. */
	stamp: Date;
}

const MAX_OCTETS = 75;

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line to 75 octets a line; each continuation starts with a space (§3.1). */
export function foldLine(line: string): string {
	const lines: string[] = [];
	let current = '';
	let octets = 0;
	for (const char of line) {
		const size = Buffer.byteLength(char, 'utf8');
		if (octets + size > MAX_OCTETS) {
			lines.push(current);
			current = ' ';
			octets = 1;
		}
		current += char;
		octets += size;
	}
	lines.push(current);
	return lines.join('\r\n');
}

const basicDate = (iso: string) => iso.replace(/-/g, '');
const utcStamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

function eventLines(event: AllDayEvent, stamp: string): string[] {
	return [
		'BEGIN:VEVENT',
		`UID:${event.uid}`,
		`DTSTAMP:${stamp}`,
		`DTSTART;VALUE=DATE:${basicDate(event.firstDay)}`,
		`DTEND;VALUE=DATE:${basicDate(addDays(event.lastDay, 1))}`,
		`SUMMARY:${escapeText(event.summary)}`,
		...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
		...(event.url ? [`URL:${event.url}`] : []),
		// Free, not busy: the survey runs beside the practice's day, it does not fill it.
		'TRANSP:TRANSPARENT',
		'END:VEVENT'
	];
}

export function serialiseCalendar(calendar: IcsCalendar): string {
	const stamp = utcStamp(calendar.stamp);
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Belonging//Survey calendar//EN',
		'CALSCALE:GREGORIAN',
		`X-WR-CALNAME:${escapeText(calendar.name)}`,
		...calendar.events.flatMap((event) => eventLines(event, stamp)),
		'END:VCALENDAR'
	];
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
