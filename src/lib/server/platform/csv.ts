/**
 * CSV files people open in a spreadsheet: UTF-8 with a byte-order mark and CRLF line ends
 * (RFC 4180), so Excel reads names like “Zoë” correctly, with every text field defused against
 * formula injection.
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

/**
 * A download that is never kept by the browser or a proxy: exports hold survey results. The
 * filename is cut down to letters, digits, `.`, `_` and `-` so it cannot break the header.
 */
export function csvDownload(csv: string, filename: string): Response {
	const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '-');
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${safeName}"`,
			'cache-control': 'private, no-store'
		}
	});
}
