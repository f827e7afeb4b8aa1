/**
 * An ICB's CSV downloads, written from the dashboard's own data, so a file can never hold a figure
 * the page withholds (SCORING.md §6): the PCNs of a period with their figures and band counts, the
 * ICB's figures by half-year, and the infrastructure gaps counted per checklist item.
 */
import { BAND_NAMES } from '../../npt/continuum';
import { constructStanding, describeStanding } from '../../npt/construct-standing';
import type { BandThresholds } from '../../npt/instrument';
import { CONSTRUCT_NAMES, type Construct, SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import { BAND_COUNT_KINDS, type AreaFigure } from '../../npt/icb';
import { ASPECT_LABELS } from '../../npt/infrastructure';
import type { IcbDashboard } from '../../views/icb-dashboard';
import { toCsv, type CsvValue } from '../platform/csv';
import { instrumentColumns, INSTRUMENT_HEADER } from './instrument-columns';

export const ICB_EXPORT_KINDS = ['pcns', 'over-time', 'gaps'] as const;
export type IcbExportKind = (typeof ICB_EXPORT_KINDS)[number];

/** "pcns.csv" → "pcns"; anything else is not a download. */
export function icbExportKindOf(segment: string | undefined): IcbExportKind | undefined {
	const kind = segment?.replace(/\.csv$/, '');
	return segment?.endsWith('.csv') && ICB_EXPORT_KINDS.includes(kind as IcbExportKind) ? (kind as IcbExportKind) : undefined;
}

const figureName = (key: ScoreKey) => (key === 'overall' ? 'Overall score (0–10)' : `${CONSTRUCT_NAMES[key as Construct].name} (0–10)`);
const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 1000);

const FIGURE_HEADER = ['figure', 'figure_name', 'practices_averaged', 'mean_of_practice_scores', 'ci95_lower', 'ci95_upper', 'band'];

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
	const rows: CsvValue[][] = [
		[
			'icb_ods_code',
			'icb_name',
			'period_from',
			'period_to',
			'pcn_ods_code',
			'pcn_name',
			'practices',
			'practices_shown',
			'respondents',
			...BAND_COUNT_KINDS.map((kind) => `practices_${kind}`),
			...FIGURE_HEADER,
			'note',
			...INSTRUMENT_HEADER
		]
	];
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
	return toCsv(rows);
}

/** One row per half-year and figure. */
export function writeIcbOverTimeCsv(dashboard: IcbDashboard): string {
	const rows: CsvValue[][] = [
		['icb_ods_code', 'icb_name', 'half_year', 'half_from', 'half_to', 'practices_shown', 'respondents', ...FIGURE_HEADER, ...INSTRUMENT_HEADER]
	];
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
	return toCsv(rows);
}

/** One row per checklist item with a flag open somewhere in the ICB: how many practices, never which. */
export function writeIcbGapsCsv(dashboard: IcbDashboard): string {
	const rows: CsvValue[][] = [['icb_ods_code', 'icb_name', 'item_id', 'gap', 'area', 'practices_with_gap', 'practices_in_icb']];
	for (const gap of dashboard.gaps.items) {
		rows.push([dashboard.icb.odsCode, dashboard.icb.name, gap.itemId, gap.gap, ASPECT_LABELS[gap.aspect], gap.practicesWithGap, dashboard.gaps.practices]);
	}
	return toCsv(rows);
}
