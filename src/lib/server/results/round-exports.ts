/**
 * Downloads of a closed round, as CSV or .xlsx from one table description (lib/tables.ts). Every
 * figure comes from the same disclosed results the round's page shows (docs/scoring.md §6): a withheld
 * figure is written as a row saying so, never as a number.
 */
import { webcrypto } from 'node:crypto';
import { plural } from '../../format';
import { formatDate } from '../../dates';
import { AGREEMENT_LABELS, AGREEMENT_POINTS, NOT_RELEVANT_CODES, NOT_RELEVANT_LABELS, type AgreementPoint, type NotRelevantCode } from '../../npt/answers';
import { describePlacement } from '../../npt/continuum';
import { CONSTRUCT_NAMES, CONSTRUCTS, SUB_CONSTRUCTS } from '../../npt/constructs';
import type { Disclosed } from '../../npt/disclosure';
import type { DisclosedScores, ShownRound } from '../../npt/round-results';
import type { Instrument, InstrumentItem } from '../../npt/instrument';
import { closeDateOf } from '../../npt/round-schedule';
import type { GroupScore } from '../../npt/scoring';
import type { Config } from '../platform/config';
import type { CsvValue } from '../platform/csv';
import { column, columnIndex, downloadNameOf, tableToCsv, type DownloadFormat, type ReadMe, type Table, type TableColumn } from '../../tables';
import { refuse, type Outcome } from '../platform/outcome';
import { RESULT_READERS, ROUND_MANAGERS } from '../access';
import type { DbOrTx } from '../db';
import type { Role } from '../identity';
import { loadRespondents } from '../surveys/responses';
import { answersDownload } from './answers-csv';
import { instrumentColumns, INSTRUMENT_COLUMNS } from './instrument-columns';
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

/**
 * Who may download each kind: raw answers are for the people who run rounds; link workers read
 * the figures only. The round page offers by this rule and the export route refuses by it.
 */
export function exportReaders(kind: ExportKind): readonly Role[] {
	return kind === 'answers' ? ROUND_MANAGERS : RESULT_READERS;
}

/** `scores.csv` or `scores.xlsx` → `scores`; anything else is not an export. */
export function exportKindOf(segment: string | undefined): ExportKind | undefined {
	const kind = downloadNameOf(segment)?.base;
	return (EXPORT_KINDS as readonly string[]).includes(kind ?? '') ? (kind as ExportKind) : undefined;
}

/** How the audit log names a file format. */
export const FORMAT_NAMES: Record<DownloadFormat, string> = { csv: 'CSV', xlsx: 'Excel' };

export interface RoundExport {
	kind: ExportKind;
	table: Table;
	readMe: ReadMe;
	/** The file name without its extension. */
	name: string;
	/** The CSV file and its name, written from `table`. */
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
	random: () => number = secureRandom,
	format: DownloadFormat = 'csv'
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

	let built: { table: Table; readMe: ReadMe };
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
		const answers = answersDownload(report.instrument, await loadRespondents(db, round.id), outcome.results, config.minResponses, random);
		built = { table: answers.table, readMe: roundReadMe(report, kind, today, answers.readMe) };
	} else {
		const table = kind === 'scores' ? scoresTable(report, config.minResponses) : itemsTable(report, config.minResponses);
		built = { table, readMe: roundReadMe(report, kind, today, { about: [ABOUT[kind]], withheld: withheldWords(kind, config.minResponses) }) };
	}
	const name = `belonging-${round.practice.ods_code}-${closeDateOf(round)}-${kind}`;
	return {
		ok: true,
		export: {
			kind,
			...built,
			name,
			csv: tableToCsv(built.table),
			filename: `${name}.csv`,
			practiceId: round.practice.id,
			summary: `Downloaded the ${EXPORT_NAMES[kind]} (${FORMAT_NAMES[format]}) of round ${round.id} “${round.title}” at ${round.practice.name}`
		}
	};
}

const ABOUT: Record<Exclude<ExportKind, 'answers'>, string> = {
	scores:
		'The scores of one closed survey round, one row per figure: the overall score and the four construct scores on the 0–10 scale, ' +
		'the general ratings, then the same scores for each role group the page shows. Scores have two decimals, one more than the page, ' +
		'so a score just under a band threshold does not read as the threshold itself.',
	items:
		'Statement by statement results of one closed survey round, grouped by construct and sub-construct: how many people gave each ' +
		'answer, the shares of the scored answers, the “not relevant” answers counted by kind, and the share who agree with its 95% interval.'
};

/** docs/scoring.md §6 in plain words, for the "Read me". */
function withheldWords(kind: ExportKind, minResponses: number): string[] {
	const common =
		`No figure computed from fewer than ${minResponses} people is ever shown, here or on the round’s page: a row that would hold one ` +
		'has empty cells and a note saying why. The file holds no answer, comment, date of an answer or anything else that could point at a person.';
	if (kind === 'scores') {
		return [
			common,
			`A role group is shown only when the people in it, and everyone else who answered, each number at least ${minResponses} for that figure, ` +
				'so no group’s figure can be worked out by taking one shown figure from another.'
		];
	}
	return [
		common,
		`A statement’s counts and shares are shown only when at least ${minResponses} people gave it a scored answer (1 to 5); otherwise only ` +
			'its “not relevant” answers are counted, since they are not part of anyone’s score.'
	];
}

/** The "Read me" of a round's download: the file, the round, and what is left out. */
function roundReadMe(
	{ round, instrument, outcome }: RoundReport,
	kind: ExportKind,
	today: string,
	words: { about: readonly string[]; withheld: readonly string[]; codebook?: ReadMe['codebook'] }
): ReadMe {
	const respondents = outcome.stage === 'closed' && outcome.results.shown ? outcome.results.respondents : null;
	return {
		title: `${EXPORT_NAMES[kind][0]!.toUpperCase()}${EXPORT_NAMES[kind].slice(1)}: “${round.title}” at ${round.practice.name}`,
		about: words.about,
		scope: [
			['Practice', `${round.practice.name} (ODS code ${round.practice.ods_code})`],
			['Round', round.title],
			['Opened', formatDate(round.opens_on)],
			['Closed', formatDate(closeDateOf(round))],
			['Responses', respondents === null ? 'Too few for any figure to be shown' : String(respondents)],
			['Questionnaire', `${instrument.title}, version ${instrument.version} (${instrument.id})`],
			['Licence', instrument.provenance.licence],
			['Cite as', `${instrument.provenance.citation}${instrument.provenance.doi ? ` DOI ${instrument.provenance.doi}.` : ''}`],
			['Downloaded on', formatDate(today)]
		],
		withheld: words.withheld,
		...(words.codebook ? { codebook: words.codebook } : {})
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

const ROUND_COLUMNS: TableColumn[] = [
	column('practice_ods_code', 'text', 'The practice’s ODS code.'),
	column('practice_name', 'text', 'The practice’s name.'),
	column('round_title', 'text', 'The survey round’s title, as the practice named it.'),
	column('instrument', 'text', 'The questionnaire and version the round used.'),
	column('opens_on', 'date', 'The day the round opened.'),
	column('closed_on', 'date', 'The day the round closed: early or on its date.')
];

/** A round's table: its columns then the instrument's, each row ending with the round's instrument. */
function withInstrument(report: RoundReport, columns: readonly TableColumn[], rows: CsvValue[][]): Table {
	const instrument = instrumentColumns(instrumentLabelOf(report.instrument));
	return { columns: [...columns, ...INSTRUMENT_COLUMNS], rows: rows.map((row) => [...row, ...instrument]) };
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

const SCORES_COLUMNS: TableColumn[] = [
	...ROUND_COLUMNS,
	column('staff_headcount', 'integer', 'How many staff the practice manager said the round was for (the base of the response rate).'),
	column('group', 'text', '“All respondents”, or the role group the row’s figures are for.'),
	column('group_respondents', 'integer', 'How many people answered, in the group.'),
	column('figure', 'text', 'Which figure: overall, a construct (coherence, cognitive_participation, collective_action, reflexive_monitoring) or a general rating’s id.'),
	column('figure_name', 'text', 'The figure in words, with its scale.'),
	column('n', 'integer', 'How many people the figure is computed from.'),
	column('mean', 'number', 'The mean score, two decimals (0–10).'),
	column('sd', 'number', 'The standard deviation, two decimals.'),
	column('ci95_lower', 'number', 'The lower end of the 95% confidence interval of the mean.'),
	column('ci95_upper', 'number', 'The upper end of the 95% confidence interval of the mean.'),
	column('band', 'text', 'On the overall row: where the round sits on the continuum (bolted on, fitting in, belonging), an indicative display band.'),
	column('note', 'text', 'Why a figure is withheld or has no interval, and what the band means.')
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
export function scoresTable(report: RoundReport, minResponses: number): Table {
	const { round, instrument, outcome } = report;
	if (outcome.stage !== 'closed') throw new Error('Only a closed round has scores to export');
	const results = outcome.results;
	const meta = [...roundColumns(report), round.staff_headcount];
	if (!results.shown) {
		const blanks = SCORES_COLUMNS.length - meta.length - 2;
		return withInstrument(report, SCORES_COLUMNS, [[...meta, 'All respondents', ...Array<null>(blanks).fill(null), withheldRoundNote(results.respondentsNeeded)]]);
	}

	const rows: CsvValue[][] = [];
	const everyone = [...meta, 'All respondents', results.respondents];
	for (const row of groupScoreRows(results.scores, minResponses)) rows.push([...everyone, ...row]);
	const overallRow = rows[0]!;
	if (results.placement) {
		const { placement } = results;
		overallRow[columnIndex({ columns: SCORES_COLUMNS }, 'band')] = describePlacement(placement);
		const notes = ['Indicative display band, not a validated cut-off.'];
		if (placement.heldBackBy.length > 0) {
			notes.push(`Overall reaches Belonging, held back by ${placement.heldBackBy.map((c) => CONSTRUCT_NAMES[c].name).join(', ')}.`);
		}
		if (placement.unconfirmed.length > 0) {
			notes.push(`Overall reaches Belonging, not confirmed without ${placement.unconfirmed.map((c) => CONSTRUCT_NAMES[c].name).join(', ')}.`);
		}
		overallRow[columnIndex({ columns: SCORES_COLUMNS }, 'note')] = notes.join(' ');
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
				...Array<null>(SCORES_COLUMNS.length - meta.length - 2).fill(null),
				`Not enough responses: a role group is shown only when it and everyone else who answered each have at least ${minResponses} people.`
			]);
			continue;
		}
		for (const row of groupScoreRows(group.result.scores, minResponses)) {
			rows.push([...meta, label, group.result.respondents, ...row]);
		}
	}
	return withInstrument(report, SCORES_COLUMNS, rows);
}

const POINT_NAMES = ['strongly_disagree', 'disagree', 'neither', 'agree', 'strongly_agree'] as const;

const ITEMS_COLUMNS: TableColumn[] = [
	...ROUND_COLUMNS,
	column('construct', 'text', 'The construct the statement belongs to.'),
	column('sub_construct', 'text', 'The sub-construct within it.'),
	column('item', 'text', 'The statement’s id in the questionnaire.'),
	column('statement', 'text', 'The statement as people read it.'),
	column('reversed', 'text', '“yes” when it is worded the other way round, so disagreeing is the positive answer.'),
	column('answered', 'integer', 'How many people answered it, “not relevant” included.'),
	column('scored', 'integer', 'How many gave it a scored answer (1 to 5): the base of the shares.'),
	...POINT_NAMES.map((p, i) => column(`n_${p}`, 'integer', `How many answered ${AGREEMENT_LABELS[AGREEMENT_POINTS[i]!].toLowerCase()}.`)),
	...POINT_NAMES.map((p, i) => column(`pct_${p}`, 'percent', `The share of scored answers that were ${AGREEMENT_LABELS[AGREEMENT_POINTS[i]!].toLowerCase()}, one decimal.`)),
	...NOT_RELEVANT_CODES.map((code) => column(`n_${code}`, 'integer', `How many answered “${NOT_RELEVANT_LABELS[code]}”. Not part of any score or share.`)),
	column('pct_agree_or_strongly_agree', 'percent', 'The share of scored answers that agree or strongly agree, one decimal.'),
	column('pct_agree_ci95_lower', 'percent', 'The lower end of its 95% (Wilson) interval.'),
	column('pct_agree_ci95_upper', 'percent', 'The upper end of its 95% (Wilson) interval.'),
	column('note', 'text', 'Why a statement’s figures are withheld, or how to read a reverse-worded one.')
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
	/** Null when fewer than MIN_RESPONSES people scored the statement (docs/scoring.md §3, §6). */
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
 * agree share with its Wilson interval. Distributions only, never scale scores (docs/scoring.md §3).
 */
export function itemsTable(report: RoundReport, minResponses: number): Table {
	const { instrument, outcome } = report;
	if (outcome.stage !== 'closed') throw new Error('Only a closed round has results to export');
	const results = outcome.results;
	const meta = roundColumns(report);
	const blanksAfter = (filled: number) => Array<null>(ITEMS_COLUMNS.length - filled - 1).fill(null);
	if (!results.shown) {
		return withInstrument(report, ITEMS_COLUMNS, [[...meta, ...blanksAfter(meta.length), withheldRoundNote(results.respondentsNeeded)]]);
	}

	const rows: CsvValue[][] = statementRowsOf(instrument, results).map(({ item, figures, notRelevant }) => {
		const described = [...meta, item.construct, item.subConstruct, item.id, item.text, item.reversed ? 'yes' : 'no'];
		if (!figures) {
			// Counts of "not relevant" are not shares of anyone's answers, so they stay (docs/scoring.md §3).
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
	return withInstrument(report, ITEMS_COLUMNS, rows);
}
