/**
 * A PCN's CSV downloads: the heatmap of the chosen period and every round's scores of every
 * practice in the PCN. Both are written from the API's data, so a download can never hold a
 * figure the page or the API withholds (docs/scoring.md §6).
 */
import { BAND_NAMES } from '../../npt/continuum';
import { describeStanding } from '../../npt/construct-standing';
import { CONSTRUCT_NAMES, type Construct, SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import type { ApiHeatmap, ApiPcn, ApiPracticeRounds, ApiScore } from '../api/data';
import type { CsvValue } from '../platform/csv';
import { column, downloadNameOf, tableToCsv, type ReadMe, type Table, type TableColumn } from '../../tables';
import { instrumentColumns, INSTRUMENT_COLUMNS } from './instrument-columns';

export const PCN_EXPORT_KINDS = ['heatmap', 'rounds'] as const;
export type PcnExportKind = (typeof PCN_EXPORT_KINDS)[number];

export const PCN_EXPORT_NAMES: Record<PcnExportKind, string> = {
	heatmap: 'Heatmap of the period (CSV)',
	rounds: 'Scores of every round of every practice (CSV)'
};

/** "heatmap.csv" or "heatmap.xlsx" → "heatmap"; anything else is not a download. */
export function pcnExportKindOf(segment: string | undefined): PcnExportKind | undefined {
	const kind = downloadNameOf(segment)?.base;
	return PCN_EXPORT_KINDS.includes(kind as PcnExportKind) ? (kind as PcnExportKind) : undefined;
}

const SCORE_COLUMNS: TableColumn[] = [
	column('figure', 'text', 'Which figure: overall or one of the four constructs.'),
	column('figure_name', 'text', 'The figure in words, with its scale.'),
	column('n', 'integer', 'How many people the score is computed from.'),
	column('mean', 'number', 'The score (0–10).'),
	column('ci95_lower', 'number', 'The lower end of its 95% confidence interval.'),
	column('ci95_upper', 'number', 'The upper end of its 95% confidence interval.')
];

const HEATMAP_COLUMNS: TableColumn[] = [
	column('pcn_ods_code', 'text', 'The PCN’s ODS code.'),
	column('pcn_name', 'text', 'The PCN’s name.'),
	column('period_from', 'date', 'The first day of the period.'),
	column('period_to', 'date', 'The last day of the period.'),
	column('practice_ods_code', 'text', 'The practice’s ODS code.'),
	column('practice_name', 'text', 'The practice’s name.'),
	column('round_title', 'text', 'The practice’s latest round closed in the period.'),
	column('round_closed_on', 'date', 'The day that round closed.'),
	column('respondents', 'integer', 'How many people answered that round.'),
	column('response_rate_percent', 'percent', 'Respondents as a share of the staff headcount the practice gave, one decimal.'),
	...SCORE_COLUMNS,
	column('band', 'text', 'The overall score’s band, or a construct’s standing against the minimum, as the page marks it.'),
	column('note', 'text', 'Why a score is missing or withheld, or left out of the PCN figures.'),
	column('in_pcn_figures', 'text', '“yes” when the practice’s scores are in the PCN’s figures (the same instrument series).'),
	...INSTRUMENT_COLUMNS
];

const ROUNDS_COLUMNS: TableColumn[] = [
	column('pcn_ods_code', 'text', 'The PCN’s ODS code.'),
	column('pcn_name', 'text', 'The PCN’s name.'),
	column('practice_ods_code', 'text', 'The practice’s ODS code.'),
	column('practice_name', 'text', 'The practice’s name.'),
	column('round_title', 'text', 'The round’s title.'),
	column('round_closed_on', 'date', 'The day the round closed.'),
	column('respondents', 'integer', 'How many people answered it.'),
	...SCORE_COLUMNS,
	column('note', 'text', 'Why a score is withheld.'),
	column('comparable_with_previous_round', 'text', 'Whether the round used the same instrument as the practice’s round before it.'),
	...INSTRUMENT_COLUMNS
];

const figureName = (key: ScoreKey) => (key === 'overall' ? 'Overall score (0–10)' : `${CONSTRUCT_NAMES[key as Construct].name} (0–10)`);

function scoreColumns(key: ScoreKey, score: ApiScore | null): CsvValue[] {
	return [key, figureName(key), score?.n, score?.mean, score?.lower, score?.upper];
}

function withheldNote(needed: number | null, minResponses: number): string {
	return `Withheld: not enough responses (fewer than ${minResponses}).${needed ? ` ${needed} more needed.` : ''}`;
}

/** One row per practice and figure: overall and the four constructs. */
export function writeHeatmapCsv(heatmap: ApiHeatmap): string {
	return tableToCsv(heatmapTable(heatmap));
}

export function heatmapTable(heatmap: ApiHeatmap): Table {
	const rows: CsvValue[][] = [];
	const { pcn, period } = heatmap;
	for (const practice of heatmap.practices) {
		const lead = [pcn.odsCode, pcn.name, period.from, period.to, practice.odsCode, practice.name, practice.round?.title, practice.round?.closedOn];
		for (const key of SCORE_KEYS) {
			const score = practice.scores?.[key] ?? null;
			const note =
				practice.status === 'no_round'
					? 'No closed round in this period.'
					: practice.status === 'withheld'
						? withheldNote(practice.respondentsNeeded, heatmap.minResponses)
						: score
							? practice.inFigures
								? null
								: 'Used a different instrument from the PCN figures: its scores are not on the same scale, so it is not in them.'
							: `Withheld: fewer than ${heatmap.minResponses} people have this score.`;
			rows.push([
				...lead,
				practice.respondents,
				practice.responseRate === null ? null : Math.round(practice.responseRate * 1000) / 10,
				...scoreColumns(key, score),
				// The overall score's band; a construct's standing against the minimum, as the page marks it.
				!score ? null : score.standing ? describeStanding(score.standing, { belongingConstructMinimum: heatmap.constructMinimum }) : BAND_NAMES[score.band],
				note,
				practice.inFigures ? 'yes' : 'no',
				...instrumentColumns(practice.instrument)
			]);
		}
	}
	return { columns: HEATMAP_COLUMNS, rows };
}

/** One row per practice, closed round and figure, oldest round first within each practice. */
export function writePcnRoundsCsv(data: PcnRounds): string {
	return tableToCsv(pcnRoundsTable(data));
}

type PcnRounds = { pcn: ApiPcn; minResponses: number; practices: ApiPracticeRounds[] };

export function pcnRoundsTable(data: PcnRounds): Table {
	const rows: CsvValue[][] = [];
	for (const { practice, rounds } of data.practices) {
		for (const round of rounds) {
			for (const key of SCORE_KEYS) {
				const score = round.scores?.[key] ?? null;
				const note = round.withheld
					? withheldNote(round.respondentsNeeded, data.minResponses)
					: score
						? null
						: `Withheld: fewer than ${data.minResponses} people have this score.`;
				rows.push([
					data.pcn.odsCode,
					data.pcn.name,
					practice.odsCode,
					practice.name,
					round.title,
					round.closedOn,
					round.respondents,
					...scoreColumns(key, score),
					note,
					round.comparableWithPrevious === null ? null : round.comparableWithPrevious ? 'yes' : 'no, a different instrument',
					...instrumentColumns(round.instrument)
				]);
			}
		}
	}
	return { columns: ROUNDS_COLUMNS, rows };
}

/** The "Read me" of a PCN download (docs/scoring.md §6 in plain words). */
export function pcnReadMe(kind: PcnExportKind, pcn: ApiPcn, minResponses: number, today: string, period?: { from: string; to: string }): ReadMe {
	return {
		title: `${PCN_EXPORT_NAMES[kind].replace(/ \(CSV\)$/, '')}: ${pcn.name}`,
		about: [
			kind === 'heatmap'
				? 'Each practice’s latest round closed in the period, one row per practice and figure: the overall score and the four construct scores (0–10), as the PCN heatmap shows them.'
				: 'Every closed round of every practice in the PCN, oldest first within each practice, one row per round and figure: the overall score and the four construct scores (0–10).'
		],
		scope: [
			['PCN', `${pcn.name} (ODS code ${pcn.odsCode})`],
			...(period ? ([['Period', `${period.from} to ${period.to}`]] as const) : []),
			['Downloaded on', today]
		],
		withheld: [
			`No score computed from fewer than ${minResponses} people is ever shown, here or on the page: its row has empty cells and a note saying why. ` +
				'The file holds scores only: no answers, comments or anything else that could point at a person.'
		]
	};
}
