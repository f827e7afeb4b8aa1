/**
 * CSV files people open in a spreadsheet: UTF-8 with a byte-order mark and CRLF line ends
 * (RFC 4180), so Excel reads names like “Zoë” correctly, with every text field defused against
 * formula injection. Pure, so the instrument file formats (lib/npt) write with it too.
 */

/** Numbers are written as they are; text is quoted when needed; null and undefined are empty. */
export type CsvValue = string | number | null | undefined;

/**
 * One CSV field. Text a spreadsheet would run as a formula (a leading =, +, -, @, tab or carriage
 * return; OWASP "CSV injection") is prefixed with an apostrophe: anything people typed — email
 * addresses at a failed sign-in, round titles, practice names — reaches these files unchanged.
 */
export function csvField(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: the header row first, a byte-order mark before it and CRLF after every row. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
	return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
