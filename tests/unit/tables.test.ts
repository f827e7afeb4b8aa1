import { describe, expect, it } from 'vitest';
import { column, downloadNameOf, fitsColumn, tableProblems, tableToCsv, type Table } from '../../src/lib/tables';

const table: Table = {
	columns: [
		column('title', 'text', 'A title.'),
		column('opens_on', 'date', 'A day.'),
		column('n', 'integer', 'A count.'),
		column('mean', 'number', 'A mean.'),
		column('pct', 'percent', 'A share.')
	],
	rows: [
		['=SUM(A1)', '2026-11-01', 6, 6.67, 62.5],
		['Plain', null, null, null, null]
	]
};

describe('tables', () => {
	it('writes a table as the CSV it always was: header, rows, BOM, CRLF, formulas defused', () => {
		expect(tableToCsv(table)).toBe('\uFEFFtitle,opens_on,n,mean,pct\r\n"\'=SUM(A1)",2026-11-01,6,6.67,62.5\r\nPlain,,,,\r\n');
	});

	it('finds no problem in a table whose cells fit their columns', () => {
		expect(tableProblems(table)).toEqual([]);
	});

	it('names every cell that does not fit, and every row of the wrong length', () => {
		const wrong: Table = { columns: table.columns, rows: [['x', '1 November', 6.5, 'high', Infinity], ['y']] };
		expect(tableProblems(wrong)).toEqual([
			'row 1, opens_on: "1 November" is not date',
			'row 1, n: 6.5 is not integer',
			'row 1, mean: "high" is not number',
			'row 1, pct: Infinity is not percent',
			'row 2 has 1 cells for 5 columns'
		]);
	});

	it('accepts only real days as dates', () => {
		expect(['2026-02-28', '2026-02-30', '2026-2-28', 20261101].map((v) => fitsColumn('date', v))).toEqual([true, false, false, false]);
		expect(['2026-12-07T09:30:00.000Z', '2026-12-07T09:30:00Z', '2026-12-07 09:30:00', '2026-12-07T25:00:00Z', '2026-12-07'].map((v) => fitsColumn('datetime', v))).toEqual([true, true, false, false, false]);
		expect(fitsColumn('text', 5)).toBe(false);
	});

	it('reads the kind and the format of a download apart, and nothing else', () => {
		expect(downloadNameOf('scores.csv')).toEqual({ base: 'scores', format: 'csv' });
		expect(downloadNameOf('over-time.xlsx')).toEqual({ base: 'over-time', format: 'xlsx' });
		for (const segment of ['scores', 'scores.xls', 'scores.XLSX', 'scores.csv.xlsx', '../scores.csv', '.csv', undefined]) {
			expect(downloadNameOf(segment), String(segment)).toBeUndefined();
		}
	});
});
