/**
 * Calendar dates as ISO `YYYY-MM-DD` strings, in UK time: a round "closes on 14 March"
 * for a practice in England whatever the server's own time zone is.
 */

const londonDay = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit'
});

/** The last minute asked about and its date: formatting costs more than a survey post's other checks together. */
let lastMinute = NaN;
let lastDate = '';

export function ukDate(instant: Date = new Date()): string {
	// London's offset from UTC is always whole hours, so every instant of a UTC minute falls on one date.
	const minute = Math.floor(instant.getTime() / 60_000);
	if (minute !== lastMinute) {
		lastDate = londonDay.format(instant);
		lastMinute = minute;
	}
	return lastDate;
}

function parse(iso: string): Date {
	return new Date(`${iso}T12:00:00Z`);
}

export function isIsoDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = parse(value);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function addDays(iso: string, days: number): string {
	const date = parse(iso);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day where it exists (31 Jan + 1 month → 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
	const date = parse(iso);
	const day = date.getUTCDate();
	date.setUTCDate(1);
	date.setUTCMonth(date.getUTCMonth() + months);
	const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
	date.setUTCDate(Math.min(day, lastDay));
	return date.toISOString().slice(0, 10);
}

const longDate = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	timeZone: 'UTC'
});

/** "14 March 2026". */
export function formatDate(iso: string): string {
	return longDate.format(parse(iso));
}

const ukTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });

/** "14 March 2026 at 10:05", UK time. */
export function formatWhen(instant: Date): string {
	return ukTime.format(instant);
}
