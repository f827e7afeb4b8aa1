/**
 * A PCN's CSV downloads: the heatmap of the chosen period and every round's scores of every
 * practice in the PCN. Both are written from the API's data, so a download can never hold a
 * figure the page or the API withholds (SCORING.md §6).
 */
import { BAND_NAMES } from '../../npt/continuum';
import { describeStanding } from '../../npt/construct-standing';
import { CONSTRUCT_NAMES, type Construct, SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import type { ApiHeatmap, ApiPcn, ApiPracticeRounds, ApiScore } from '../api/data';
import { toCsv, type CsvValue } from '../platform/csv';
import { instrumentColumns, INSTRUMENT_HEADER } from './instrument-columns';

export const PCN_EXPORT_KINDS = ['heatmap', 'rounds'] as const;
export type PcnExportKind = (typeof PCN_EXPORT_KINDS)[number];

export const PCN_EXPORT_NAMES: Record<PcnExportKind, string> = {
	heatmap: 'Heatmap of the period (CSV)',
	rounds: 'Scores of every round of every practice (CSV)'
};

/** "heatmap.csv" → "heatmap"; anything else is not a download. */
export function pcnExportKindOf(segment: string | undefined): PcnExportKind | undefined {
	const kind = segment?.replace(/\.csv$/, '');
	return segment?.endsWith('.csv') && PCN_EXPORT_KINDS.includes(kind as PcnExportKind) ? (kind as PcnExportKind) : undefined;
}

const figureName = (key: ScoreKey) => (key === 'overall' ? 'Overall score (0–10)' : `${CONSTRUCT_NAMES[key as Construct].name} (0–10)`);

const SCORE_HEADER = ['figure', 'figure_name', 'n', 'mean', 'ci95_lower', 'ci95_upper'];

function scoreColumns(key: ScoreKey, score: ApiScore | null): CsvValue[] {
	return [key, figureName(key), score?.n, score?.mean, score?.lower, score?.upper];
}

function withheldNote(needed: number | null, minResponses: number): string {
	return `Withheld: not enough responses (fewer than ${minResponses}).${needed ? ` ${needed} more needed.` : ''}`;
}

/** One row per practice and figure: overall and the four constructs. */
export function writeHeatmapCsv(heatmap: ApiHeatmap): string {
	const rows: CsvValue[][] = [
		[
			'pcn_ods_code',
			'pcn_name',
			'period_from',
			'period_to',
			'practice_ods_code',
			'practice_name',
			'round_title',
			'round_closed_on',
			'respondents',
			'response_rate_percent',
			...SCORE_HEADER,
			'band',
			'note',
			'in_pcn_figures',
			...INSTRUMENT_HEADER
		]
	];
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
	return toCsv(rows);
}

/** One row per practice, closed round and figure, oldest round first within each practice. */
export function writePcnRoundsCsv(data: { pcn: ApiPcn; minResponses: number; practices: ApiPracticeRounds[] }): string {
	const rows: CsvValue[][] = [
		[
			'pcn_ods_code',
			'pcn_name',
			'practice_ods_code',
			'practice_name',
			'round_title',
			'round_closed_on',
			'respondents',
			...SCORE_HEADER,
			'note',
			'comparable_with_previous_round',
			...INSTRUMENT_HEADER
		]
	];
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
	return toCsv(rows);
}
