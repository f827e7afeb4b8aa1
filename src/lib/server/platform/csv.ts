/**
 * CSV downloads. The writer itself (csvField, toCsv: BOM, CRLF, formulas defused) is pure and
 * lives in lib/csv.ts, where the instrument file formats use it too.
 */
export { csvField, toCsv, type CsvValue } from '../../csv';

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
