/**
 * The instrument report as a CSV file, written from the page's own data, so a file can never hold
 * a figure the page withholds (docs/scoring.md §6): one row per construct, then one per statement,
 * with the rounds, practices and people behind each figure.
 */
import type { InstrumentReport } from '../../views/instrument-report';
import { toCsv, type CsvValue } from '../platform/csv';

const fixed = (value: number | null | undefined, places = 4) => (value === null || value === undefined ? null : Number(value.toFixed(places)));

export const REPORT_CSV_HEADER = [
	'instrument',
	'instrument_version',
	'scope',
	'scope_name',
	'row',
	'construct',
	'item_id',
	'item_text',
	'reversed',
	'rounds',
	'practices',
	'complete_respondents',
	'people_asked',
	'people_scored',
	'alpha',
	'alpha_interval_lower',
	'alpha_interval_upper',
	'inter_item_r_min',
	'inter_item_r_max',
	'item_rest_r',
	'alpha_if_dropped',
	'not_relevant_role',
	'not_relevant_stage',
	'not_relevant_practice',
	'skipped',
	'floor',
	'ceiling',
	'reading'
] as const;

export function writeInstrumentReportCsv(report: InstrumentReport): string {
	const { instrument, scope } = report;
	const lead = [instrument.title, instrument.version, scope.key, scope.name];
	const rows: CsvValue[][] = [[...REPORT_CSV_HEADER]];
	for (const c of report.constructs) {
		rows.push([
			...lead,
			'construct',
			c.name,
			null,
			null,
			null,
			c.rounds,
			c.practices,
			c.complete,
			null,
			null,
			fixed(c.alpha),
			fixed(c.interval?.lower),
			fixed(c.interval?.upper),
			fixed(c.interItem?.min),
			fixed(c.interItem?.max),
			null,
			null,
			null,
			null,
			null,
			null,
			null,
			null,
			[c.withheld, ...c.readings].filter(Boolean).join(' ')
		]);
	}
	const names = new Map(report.constructs.map((c) => [c.construct, c.name]));
	const complete = new Map(report.constructs.map((c) => [c.construct, c.complete]));
	for (const item of report.items) {
		const { rates } = item;
		rows.push([
			...lead,
			'statement',
			names.get(item.construct),
			item.itemId,
			item.text,
			item.reversed ? 'yes' : 'no',
			item.rounds,
			item.practices,
			complete.get(item.construct),
			rates.asked,
			rates.scored,
			null,
			null,
			null,
			null,
			null,
			fixed(item.itemRest),
			fixed(item.alphaIfDropped),
			fixed(rates.notRelevant?.role),
			fixed(rates.notRelevant?.stage),
			fixed(rates.notRelevant?.practice),
			fixed(rates.skipped),
			fixed(rates.floor),
			fixed(rates.ceiling),
			item.readings.join(' ')
		]);
	}
	return toCsv(rows);
}
