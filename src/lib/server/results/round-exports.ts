/**
 * CSV exports of a closed round. Every figure comes from the same disclosed results the round's
 * page shows (SCORING.md §6): a withheld figure is written as a row saying so, never as a number.
 */
import { webcrypto } from 'node:crypto';
import { plural } from '../../format';
import { formatDate } from '../../dates';
import { AGREEMENT_POINTS, NOT_RELEVANT_CODES, type AgreementPoint, type NotRelevantCode } from '../../npt/answers';
import { describePlacement } from '../../npt/continuum';
import { CONSTRUCT_NAMES, CONSTRUCTS, SUB_CONSTRUCTS } from '../../npt/constructs';
import type { Disclosed } from '../../npt/disclosure';
import type { DisclosedScores, ShownRound } from '../../npt/round-results';
import type { Instrument, InstrumentItem } from '../../npt/instrument';
import { closeDateOf } from '../../npt/round-schedule';
import type { GroupScore } from '../../npt/scoring';
import type { Config } from '../platform/config';
import { toCsv, type CsvValue } from '../platform/csv';
import { refuse, type Outcome } from '../platform/outcome';
import type { DbOrTx } from '../db';
import { loadRespondents } from '../surveys/responses';
import { writeAnswersCsv } from './answers-csv';
import { instrumentColumns, INSTRUMENT_HEADER } from './instrument-columns';
import { instrumentLabelOf } from '../../npt/instrument-comparability';
import { getRoundReport, type RoundReport } from './round-report';

export const EXPORT_KINDS = ['scores', 'items', 'answers'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** What each download is called in the audit log and on the page. */
export const EXPORT_NAMES: Record<ExportKind, string> = {
	scores: 'scores',
	items: 'statement-by-statement results',
	answers: 'anonymised answers'
};

/** `scores.csv` → `scores`; anything else is not an export. */
export function exportKindOf(segment: string | undefined): ExportKind | undefined {
	const kind = /^([a-z]+)\.csv$/.exec(segment ?? '')?.[1];
	return (EXPORT_KINDS as readonly string[]).includes(kind ?? '') ? (kind as ExportKind) : undefined;
}

export interface RoundExport {
	kind: ExportKind;
	csv: string;
	filename: string;
	practiceId: number;
	/** For the audit log: which export of which round. */
	summary: string;
}

/** Refused with 404 for no such round, 409 for a round with nothing (yet) to download. */
export type RoundExportResult = Outcome<{ export: RoundExport }>;

/**
 * Builds one export of a round. Only closed rounds export anything; the raw answers only when
 * the round reached MIN_RESPONSES. `random` orders the raw answers (and nothing else).
 */
export async function buildRoundExport(
	db: DbOrTx,
	roundId: number,
	kind: ExportKind,
	config: Pick<Config, 'minResponses'>,
	today: string,
	random: () => number = secureRandom
): Promise<RoundExportResult> {
	const report = await getRoundReport(db, roundId, config, today);
	if (!report) return refuse(404, 'We could not find that survey round.');
	const { round, outcome } = report;
	if (outcome.stage === 'draft') {
		return refuse(409, 'This round has not started yet, so there is nothing to download.');
	}
	if (outcome.stage === 'collecting') {
		return refuse(409, 'This round is still collecting answers. Downloads are available once it has closed.');
	}

	let csv: string;
	if (kind === 'answers') {
		if (!outcome.results.shown) {
			return refuse(
				409,
				`The answers of this round cannot be downloaded: it had fewer than ${config.minResponses} responses, so they could identify people.`
			);
		}
		if (round.answers_reduced_on) {
			return refuse(
				410,
				`The answers of this round are no longer kept: under this service's retention policy they were reduced to the round's summary on ${formatDate(round.answers_reduced_on)}. Its scores and item results can still be downloaded.`
			);
		}
		csv = writeAnswersCsv(report.instrument, await loadRespondents(db, round.id), outcome.results, config.minResponses, random);
	} else {
		csv = kind === 'scores' ? writeScoresCsv(report, config.minResponses) : writeItemsCsv(report, config.minResponses);
	}
	return {
		ok: true,
		export: {
			kind,
			csv,
			filename: `belonging-${round.practice.ods_code}-${closeDateOf(round)}-${kind}.csv`,
			practiceId: round.practice.id,
			summary: `Downloaded the ${EXPORT_NAMES[kind]} (CSV) of round ${round.id} “${round.title}” at ${round.practice.name}`
		}
	};
}

/** Crypto-strength, so the order of the raw answers says nothing about the order they arrived in. */
function secureRandom(): number {
	return webcrypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

/**
 * Scores, standard deviations and interval ends with two decimals: one more than the page shows,
 * so a mean just under a band threshold (7.49) does not read as the threshold itself (7.5).
 */
function twoDecimals(value: number | null): number | null {
	return value === null ? null : Math.round(value * 100) / 100;
}

/** Percentages with one decimal. */
function percent(share: number | null | undefined): number | null {
	return share === null || share === undefined ? null : Math.round(share * 1000) / 10;
}

const ROUND_HEADER = ['practice_ods_code', 'practice_name', 'round_title', 'instrument', 'opens_on', 'closed_on'];

/** The header and rows of a round's file, each row ending with the round's instrument columns. */
function withInstrument(report: RoundReport, [header, ...rows]: CsvValue[][]): string {
	const columns = instrumentColumns(instrumentLabelOf(report.instrument));
	return toCsv([[...header!, ...INSTRUMENT_HEADER], ...rows.map((row) => [...row, ...columns])]);
}

function roundColumns({ round, instrument }: RoundReport): CsvValue[] {
	return [
		round.practice.ods_code,
		round.practice.name,
		round.title,
		`${instrument.title} (version ${instrument.version})`,
		round.opens_on,
		// The day it really closed, early or on its date (only closed rounds export anything).
		closeDateOf(round)
	];
}

function withheldRoundNote(needed: number): string {
	return `Withheld: not enough responses. ${plural(needed, 'more response')} needed before any figure can be shown.`;
}

const SCORES_HEADER = [
	...ROUND_HEADER,
	'staff_headcount',
	'group',
	'group_respondents',
	'figure',
	'figure_name',
	'n',
	'mean',
	'sd',
	'ci95_lower',
	'ci95_upper',
	'band',
	'note'
];

function scoreColumns(score: Disclosed<GroupScore>, withheldNote: string): CsvValue[] {
	if (!score.shown || score.mean === null) return [null, null, null, null, null, null, withheldNote];
	const { interval } = score;
	return [
		score.n,
		twoDecimals(score.mean),
		twoDecimals(score.sd),
		twoDecimals(interval?.lower ?? null),
		twoDecimals(interval?.upper ?? null),
		null,
		interval ? null : 'No interval: fewer than 2 people have this score.'
	];
}

function groupScoreRows(scores: DisclosedScores, minResponses: number): CsvValue[][] {
	const withheld = `Not enough responses: fewer than ${minResponses} people have this score.`;
	return [
		['overall', 'Overall score (0–10)', ...scoreColumns(scores.overall, withheld)],
		...CONSTRUCTS.map((c) => [c, `${CONSTRUCT_NAMES[c].name} (0–10)`, ...scoreColumns(scores.constructs[c], withheld)])
	];
}

/** One row per figure: the round overall and by construct, the general items, then each role group. */
export function writeScoresCsv(report: RoundReport, minResponses: number): string {
	const { round, instrument, outcome } = report;
	if (outcome.stage !== 'closed') throw new Error('Only a closed round has scores to export');
	const results = outcome.results;
	const meta = [...roundColumns(report), round.staff_headcount];
	if (!results.shown) {
		const blanks = SCORES_HEADER.length - meta.length - 2;
		return withInstrument(report, [SCORES_HEADER, [...meta, 'All respondents', ...Array<null>(blanks).fill(null), withheldRoundNote(results.respondentsNeeded)]]);
	}

	const rows: CsvValue[][] = [];
	const everyone = [...meta, 'All respondents', results.respondents];
	for (const row of groupScoreRows(results.scores, minResponses)) rows.push([...everyone, ...row]);
	const overallRow = rows[0]!;
	if (results.placement) {
		const { placement } = results;
		overallRow[SCORES_HEADER.indexOf('band')] = describePlacement(placement);
		const notes = ['Indicative display band, not a validated cut-off.'];
		if (placement.heldBackBy.length > 0) {
			notes.push(`Overall reaches Belonging, held back by ${placement.heldBackBy.map((c) => CONSTRUCT_NAMES[c].name).join(', ')}.`);
		}
		if (placement.unconfirmed.length > 0) {
			notes.push(`Overall reaches Belonging, not confirmed without ${placement.unconfirmed.map((c) => CONSTRUCT_NAMES[c].name).join(', ')}.`);
		}
		overallRow[SCORES_HEADER.indexOf('note')] = notes.join(' ');
	}
	for (const { itemId, result } of results.general) {
		const text = instrument.generalItems.find((g) => g.id === itemId)?.text ?? itemId;
		const score = result.shown ? ({ ...result.score, shown: true } as const) : result;
		const withheld = `Not enough responses: fewer than ${minResponses} people gave this rating.`;
		rows.push([...everyone, itemId, `${text} (rating 0–10)`, ...scoreColumns(score, withheld)]);
	}
	for (const group of results.roleGroups) {
		const label = instrument.roleGroups.find((g) => g.id === group.roleGroup)?.label ?? group.roleGroup;
		if (!group.result.shown) {
			rows.push([
				...meta,
				label,
				...Array<null>(SCORES_HEADER.length - meta.length - 2).fill(null),
				`Not enough responses: a role group is shown only when it and everyone else who answered each have at least ${minResponses} people.`
			]);
			continue;
		}
		for (const row of groupScoreRows(group.result.scores, minResponses)) {
			rows.push([...meta, label, group.result.respondents, ...row]);
		}
	}
	return withInstrument(report, [SCORES_HEADER, ...rows]);
}

const POINT_NAMES = ['strongly_disagree', 'disagree', 'neither', 'agree', 'strongly_agree'] as const;

const ITEMS_HEADER = [
	...ROUND_HEADER,
	'construct',
	'sub_construct',
	'item',
	'statement',
	'reversed',
	'answered',
	'scored',
	...POINT_NAMES.map((p) => `n_${p}`),
	...POINT_NAMES.map((p) => `pct_${p}`),
	...NOT_RELEVANT_CODES.map((code) => `n_${code}`),
	'pct_agree_or_strongly_agree',
	'pct_agree_ci95_lower',
	'pct_agree_ci95_upper',
	'note'
];

/** A statement's figures as every download gives them: counts, shares of the scored answers in percent (one decimal). */
export interface StatementFigures {
	answered: number;
	scored: number;
	counts: Record<AgreementPoint, number>;
	/** Each point's share of the scored answers, in percent. */
	percents: Record<AgreementPoint, number | null>;
	notRelevant: Record<NotRelevantCode, number>;
	/** Agree or strongly agree, in percent, with its 95% Wilson interval. */
	agree: number | null;
	agreeLower: number | null;
	agreeUpper: number | null;
}

/** One statement of a shown round: its figures, or only its "not relevant" counts when too few scored it. */
export interface StatementRow {
	item: InstrumentItem;
	/** Null when fewer than MIN_RESPONSES people scored the statement (SCORING.md §3, §6). */
	figures: StatementFigures | null;
	/** Counted even when the figures are withheld: they are counts of answers, not shares. */
	notRelevant: Record<NotRelevantCode, number> | null;
}

/**
 * A shown round's statements in the order every download lists them (statementsInOrder), each
 * with the figures that may be shown. The
 * items CSV and the API's statement table are both written from these rows, so they agree.
 */
export function statementRowsOf(instrument: Instrument, results: ShownRound): StatementRow[] {
	const byItem = new Map(results.items.map((r) => [r.itemId, r.result]));
	return statementsInOrder(instrument).map((item): StatementRow => {
		const result = byItem.get(item.id);
		if (!result?.shown) return { item, figures: null, notRelevant: result?.notRelevant ?? null };
		const scoredShare = (count: number) => (result.scored > 0 ? percent(count / result.scored) : null);
		const percents = {} as Record<AgreementPoint, number | null>;
		for (const p of AGREEMENT_POINTS) percents[p] = scoredShare(result.counts[p]);
		return {
			item,
			notRelevant: result.notRelevant,
			figures: {
				answered: result.answered,
				scored: result.scored,
				counts: result.counts,
				percents,
				notRelevant: result.notRelevant,
				agree: percent(result.shares?.agree),
				agreeLower: percent(result.agreeInterval?.lower),
				agreeUpper: percent(result.agreeInterval?.upper)
			}
		};
	});
}

/** The statements in the order every download lists them: by construct, then sub-construct, then as the instrument has them. */
export function statementsInOrder(instrument: Instrument): InstrumentItem[] {
	return CONSTRUCTS.flatMap((construct) =>
		SUB_CONSTRUCTS[construct].flatMap((subConstruct) =>
			instrument.items.filter((item) => item.construct === construct && item.subConstruct === subConstruct)
		)
	);
}

/**
 * Statement by statement, grouped by construct and sub-construct: the count and share of each
 * agreement point (shares of scored answers, as worded), "not relevant" counted by kind, and the
 * agree share with its Wilson interval. Distributions only, never scale scores (SCORING.md §3).
 */
export function writeItemsCsv(report: RoundReport, minResponses: number): string {
	const { instrument, outcome } = report;
	if (outcome.stage !== 'closed') throw new Error('Only a closed round has results to export');
	const results = outcome.results;
	const meta = roundColumns(report);
	const blanksAfter = (filled: number) => Array<null>(ITEMS_HEADER.length - filled - 1).fill(null);
	if (!results.shown) {
		return withInstrument(report, [ITEMS_HEADER, [...meta, ...blanksAfter(meta.length), withheldRoundNote(results.respondentsNeeded)]]);
	}

	const rows: CsvValue[][] = statementRowsOf(instrument, results).map(({ item, figures, notRelevant }) => {
		const described = [...meta, item.construct, item.subConstruct, item.id, item.text, item.reversed ? 'yes' : 'no'];
		if (!figures) {
			// Counts of "not relevant" are not shares of anyone's answers, so they stay (SCORING.md §3).
			return [
				...described,
				...Array<null>(2 + 2 * POINT_NAMES.length).fill(null),
				...NOT_RELEVANT_CODES.map((code) => notRelevant?.[code] ?? null),
				null,
				null,
				null,
				`Not enough responses: fewer than ${minResponses} people gave this statement a scored answer, so only its “not relevant” answers are counted.`
			];
		}
		return [
			...described,
			figures.answered,
			figures.scored,
			...AGREEMENT_POINTS.map((p) => figures.counts[p]),
			...AGREEMENT_POINTS.map((p) => figures.percents[p]),
			...NOT_RELEVANT_CODES.map((code) => figures.notRelevant[code]),
			figures.agree,
			figures.agreeLower,
			figures.agreeUpper,
			item.reversed ? 'Worded the other way round: disagreeing is the positive answer.' : null
		];
	});
	return withInstrument(report, [ITEMS_HEADER, ...rows]);
}
