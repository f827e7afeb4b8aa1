/**
 * The instrument report as a table, written from the page's own data, so a file can never hold
 * a figure the page withholds (docs/scoring.md §6): one row per construct, then one per statement,
 * with the rounds, practices and people behind each figure. The CSV and the Excel workbook are
 * both written from it (lib/tables.ts).
 */
import { formatDate } from '../../dates';
import { column, tableToCsv, type ReadMe, type Table, type TableDownload } from '../../tables';
import type { InstrumentReport } from '../../views/instrument-report';
import type { CsvValue } from '../platform/csv';

const fixed = (value: number | null | undefined, places = 4) => (value === null || value === undefined ? null : Number(value.toFixed(places)));

const SHARE = 'A share from 0 to 1 (0.25 is a quarter)';

export const REPORT_COLUMNS = [
	column('instrument', 'text', 'The survey instrument’s title.'),
	column('instrument_version', 'text', 'Its version.'),
	column('scope', 'text', 'The scope of the report as in its address: service, icb:<id> or pcn:<id>.'),
	column('scope_name', 'text', 'The scope’s name.'),
	column('row', 'text', '“construct” for a construct’s reliability, “statement” for one statement’s answers.'),
	column('construct', 'text', 'The NPT construct.'),
	column('item_id', 'text', 'The statement’s id in the instrument (statement rows only).'),
	column('item_text', 'text', 'The statement as worded (statement rows only).'),
	column('reversed', 'text', '“yes” when the statement is worded the other way round, so disagreeing is the positive answer.'),
	column('rounds', 'integer', 'Closed rounds pooled for this row (each with at least MIN_RESPONSES respondents).'),
	column('practices', 'integer', 'Practices those rounds come from.'),
	column('complete_respondents', 'integer', 'People who scored every statement of the construct: those α is computed from.'),
	column('people_asked', 'integer', 'People asked the statement: every respondent of the pooled rounds.'),
	column('people_scored', 'integer', 'People who gave the statement a point from 1 to 5.'),
	column('alpha', 'number', 'Cronbach’s α of the construct; empty when too few people scored every statement (see reading).'),
	column('alpha_interval_lower', 'number', 'Lower end of α’s confidence interval (Feldt).'),
	column('alpha_interval_upper', 'number', 'Upper end of α’s confidence interval.'),
	column('inter_item_r_min', 'number', 'The smallest correlation between two statements of the construct.'),
	column('inter_item_r_max', 'number', 'The largest correlation between two statements of the construct.'),
	column('item_rest_r', 'number', 'The statement’s correlation with the rest of its construct.'),
	column('alpha_if_dropped', 'number', 'The construct’s α without this statement.'),
	column('not_relevant_role', 'number', `${SHARE} of the people asked who said it is not relevant to their role.`),
	column('not_relevant_stage', 'number', `${SHARE} of the people asked who said it is not relevant yet.`),
	column('not_relevant_practice', 'number', `${SHARE} of the people asked who said it is not relevant at their practice.`),
	column('skipped', 'number', `${SHARE} of the people asked who left it blank.`),
	column('floor', 'number', `${SHARE} of the scored answers at the lowest score (0 on the 0–10 scale, reversal taken into account).`),
	column('ceiling', 'number', `${SHARE} of the scored answers at the highest score (10).`),
	column('reading', 'text', 'What the figures suggest, in words, or why a figure is withheld.')
];

/** The report's rows: its constructs, then its statements. */
export function instrumentReportTable(report: InstrumentReport): Table {
	const { instrument, scope } = report;
	const lead = [instrument.title, instrument.version, scope.key, scope.name];
	const rows: CsvValue[][] = [];
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
	return { columns: REPORT_COLUMNS, rows };
}

export function writeInstrumentReportCsv(report: InstrumentReport): string {
	return tableToCsv(instrumentReportTable(report));
}

/** The report as a download in either format, with its "Read me". */
export function instrumentReportDownload(report: InstrumentReport, today: string): TableDownload {
	const { instrument, scope } = report;
	const readMe: ReadMe = {
		title: `How ${instrument.title} (version ${instrument.version}) measures: ${scope.name}`,
		about: [
			'Reliability of each construct (Cronbach’s α with its interval) and how each statement was answered, pooled over the closed rounds of this instrument version in the scope: the figures of the instrument report page.',
			`Instrument: ${instrument.title}, version ${instrument.version}. ${instrument.citation} Licence: ${instrument.licence}.`
		],
		scope: [
			['Scope', scope.name],
			['Rounds pooled', `${report.rounds.shown} of the ${report.rounds.closed} closed rounds, from ${report.rounds.practices} practices`],
			['Downloaded', formatDate(today)]
		],
		withheld: [
			`Only rounds with at least ${report.minResponses} responses are pooled. α is shown only when at least ${report.minRespondentsForAlpha} people scored every statement of its construct; a rate only when at least ${report.minResponses} people are behind it. An empty cell is a figure withheld for that reason, and the reading says so.`,
			'No practice, round or person is named: every figure is pooled across the scope.'
		]
	};
	const scopePart = scope.odsCode ?? 'service';
	return { table: instrumentReportTable(report), readMe, name: `belonging-${instrument.id}-${instrument.version}-report-${scopePart}` };
}
