/**
 * An ICB's CSV downloads, written from the dashboard's own data, so a file can never hold a figure
 * the page withholds (docs/scoring.md §6): the PCNs of a period with their figures and band counts, the
 * ICB's figures by half-year, and the infrastructure gaps counted per checklist item.
 */
import { BAND_NAMES } from '../../npt/continuum';
import { constructStanding, describeStanding } from '../../npt/construct-standing';
import type { BandThresholds } from '../../npt/instrument';
import { CONSTRUCT_NAMES, type Construct, SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import { BAND_COUNT_KINDS, type AreaFigure } from '../../npt/icb';
import { ASPECT_LABELS } from '../../npt/infrastructure';
import type { IcbDashboard } from '../../views/icb-dashboard';
import type { CsvValue } from '../platform/csv';
import { column, downloadNameOf, tableToCsv, type ReadMe, type Table, type TableColumn } from '../../tables';
import { instrumentColumns, INSTRUMENT_COLUMNS } from './instrument-columns';

export const ICB_EXPORT_KINDS = ['pcns', 'over-time', 'gaps'] as const;
export type IcbExportKind = (typeof ICB_EXPORT_KINDS)[number];

/** "pcns.csv" or "pcns.xlsx" → "pcns"; anything else is not a download. */
export function icbExportKindOf(segment: string | undefined): IcbExportKind | undefined {
	const kind = downloadNameOf(segment)?.base;
	return ICB_EXPORT_KINDS.includes(kind as IcbExportKind) ? (kind as IcbExportKind) : undefined;
}

const figureName = (key: ScoreKey) => (key === 'overall' ? 'Overall score (0–10)' : `${CONSTRUCT_NAMES[key as Construct].name} (0–10)`);
const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 1000);

const FIGURE_COLUMNS: TableColumn[] = [
	column('figure', 'text', 'Which figure: overall or one of the four constructs.'),
	column('figure_name', 'text', 'The figure in words, with its scale.'),
	column('practices_averaged', 'integer', 'How many practices’ shown scores the figure averages.'),
	column('mean_of_practice_scores', 'number', 'The mean of those practices’ scores (0–10), three decimals.'),
	column('ci95_lower', 'number', 'The lower end of its 95% confidence interval.'),
	column('ci95_upper', 'number', 'The upper end of its 95% confidence interval.'),
	column('band', 'text', 'The overall figure’s band, or a construct’s standing against the minimum, as the page marks it.')
];
const ICB_COLUMNS: TableColumn[] = [column('icb_ods_code', 'text', 'The ICB’s ODS code.'), column('icb_name', 'text', 'The ICB’s name.')];

/** The overall figure's band; a construct's standing against the construct minimum, as the page marks it. */
function figureMark(key: ScoreKey, figure: AreaFigure | null, bands: BandThresholds): string | null {
	if (!figure) return null;
	const standing = key === 'overall' ? null : constructStanding(figure.mean, bands);
	return standing ? describeStanding(standing, bands) : BAND_NAMES[figure.band];
}

function figureColumns(key: ScoreKey, figure: AreaFigure | null, bands: BandThresholds): CsvValue[] {
	return [key, figureName(key), figure?.practices ?? 0, round(figure?.mean), round(figure?.interval?.lower), round(figure?.interval?.upper), figureMark(key, figure, bands)];
}

/** One row per PCN and figure, with the PCN's practices, respondents and band counts on each. */
export function writeIcbPcnsCsv(dashboard: IcbDashboard): string {
	return tableToCsv(icbPcnsTable(dashboard));
}

const PCNS_COLUMNS: TableColumn[] = [
	...ICB_COLUMNS,
	column('period_from', 'date', 'The first day of the period.'),
	column('period_to', 'date', 'The last day of the period.'),
	column('pcn_ods_code', 'text', 'The PCN’s ODS code.'),
	column('pcn_name', 'text', 'The PCN’s name.'),
	column('practices', 'integer', 'How many practices the PCN has.'),
	column('practices_shown', 'integer', 'How many of them have scores shown for the period.'),
	column('respondents', 'integer', 'How many people answered those practices’ rounds.'),
	...BAND_COUNT_KINDS.map((kind) => column(`practices_${kind}`, 'integer', `How many practices are counted as “${kind.replaceAll('_', ' ')}”.`)),
	...FIGURE_COLUMNS,
	column('note', 'text', 'Why a figure is missing.'),
	...INSTRUMENT_COLUMNS
];

export function icbPcnsTable(dashboard: IcbDashboard): Table {
	const rows: CsvValue[][] = [];
	const { icb, period } = dashboard;
	// Every figure is on one instrument series: the page's own (practices on another are counted apart).
	const instrument = instrumentColumns(dashboard.figuresInstrument);
	for (const pcn of dashboard.pcns) {
		for (const key of SCORE_KEYS) {
			const figure = pcn.scores[key];
			rows.push([
				icb.odsCode,
				icb.name,
				period.from,
				period.to,
				pcn.odsCode,
				pcn.name,
				pcn.practices,
				pcn.practicesShown,
				pcn.respondents,
				...BAND_COUNT_KINDS.map((kind) => pcn.bandCounts[kind]),
				...figureColumns(key, figure, dashboard.bands),
				figure ? null : 'No practice of the PCN shows this score in the period.',
				...instrument
			]);
		}
	}
	return { columns: PCNS_COLUMNS, rows };
}

/** One row per half-year and figure. */
export function writeIcbOverTimeCsv(dashboard: IcbDashboard): string {
	return tableToCsv(icbOverTimeTable(dashboard));
}

const OVER_TIME_COLUMNS: TableColumn[] = [
	...ICB_COLUMNS,
	column('half_year', 'text', 'The half-year, in words.'),
	column('half_from', 'date', 'Its first day.'),
	column('half_to', 'date', 'Its last day.'),
	column('practices_shown', 'integer', 'How many practices have scores shown in it.'),
	column('respondents', 'integer', 'How many people answered their rounds.'),
	...FIGURE_COLUMNS,
	...INSTRUMENT_COLUMNS
];

export function icbOverTimeTable(dashboard: IcbDashboard): Table {
	const rows: CsvValue[][] = [];
	const instrument = instrumentColumns(dashboard.figuresInstrument);
	for (const point of dashboard.overTime) {
		for (const key of SCORE_KEYS) {
			rows.push([
				dashboard.icb.odsCode,
				dashboard.icb.name,
				point.half.label,
				point.half.from,
				point.half.to,
				point.practicesShown,
				point.respondents,
				...figureColumns(key, point.scores[key], dashboard.bands),
				...instrument
			]);
		}
	}
	return { columns: OVER_TIME_COLUMNS, rows };
}

/** One row per checklist item with a flag open somewhere in the ICB: how many practices, never which. */
export function writeIcbGapsCsv(dashboard: IcbDashboard): string {
	return tableToCsv(icbGapsTable(dashboard));
}

const GAPS_COLUMNS: TableColumn[] = [
	...ICB_COLUMNS,
	column('item_id', 'text', 'The infrastructure checklist item’s id.'),
	column('gap', 'text', 'The gap, in words.'),
	column('area', 'text', 'The area of the checklist it belongs to.'),
	column('practices_with_gap', 'integer', 'How many practices have this gap open (never which).'),
	column('practices_in_icb', 'integer', 'How many practices the ICB has.')
];

export function icbGapsTable(dashboard: IcbDashboard): Table {
	const rows: CsvValue[][] = [];
	for (const gap of dashboard.gaps.items) {
		rows.push([dashboard.icb.odsCode, dashboard.icb.name, gap.itemId, gap.gap, ASPECT_LABELS[gap.aspect], gap.practicesWithGap, dashboard.gaps.practices]);
	}
	return { columns: GAPS_COLUMNS, rows };
}

const ICB_ABOUT: Record<IcbExportKind, string> = {
	pcns: 'Each PCN of the ICB in the period, one row per PCN and figure: the mean of its practices’ shown scores (0–10) and how many practices fall in each band.',
	'over-time': 'The ICB’s figures by half-year, one row per half-year and figure: the mean of the practices’ shown scores (0–10).',
	gaps: 'The infrastructure gaps open in the ICB, one row per checklist item: how many practices have it open, never which.'
};

/** The "Read me" of an ICB download (docs/scoring.md §6 in plain words). */
export function icbReadMe(kind: IcbExportKind, dashboard: IcbDashboard, today: string): ReadMe {
	return {
		title: `${ICB_ABOUT[kind].split(',')[0]}: ${dashboard.icb.name}`,
		about: [ICB_ABOUT[kind]],
		scope: [
			['ICB', `${dashboard.icb.name} (ODS code ${dashboard.icb.odsCode})`],
			...(kind === 'pcns' ? ([['Period', `${dashboard.period.from} to ${dashboard.period.to}`]] as const) : []),
			['Downloaded on', today]
		],
		withheld: [
			'Only practice scores the practices’ own pages show are averaged: a practice whose round had too few responses, or whose score was computed ' +
				'from too few people, is counted apart and adds no number. The file holds no answers, comments or anything else that could point at a person.'
		]
	};
}
