/**
 * The API's flat tables of results (flat-schemas.ts): every closed round of a set of practices,
 * one row per round × score or round × statement. The rounds come from the results read-model
 * the pages use (round-data.ts), and every figure through the same disclosure rules: the scores
 * as the PCN view and the practice dashboard compute them (practiceResultFrom), the statements as
 * the round's items CSV writes them (statementRowsOf). The set of practices is a query chosen by
 * the caller after the scope check, so the cost follows what the viewer may see.
 */
import { SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import { CONSTRUCT_NAMES } from '../../npt/constructs';
import { constructStanding } from '../../npt/construct-standing';
import { describePlacement } from '../../npt/continuum';
import { respondentsNeeded, type DisclosureRules } from '../../npt/disclosure';
import { instrumentLabelOf } from '../../npt/instrument-comparability';
import { practiceResultFrom, type PracticeResult } from '../../npt/pcn';
import { closedRoundsInOrder } from '../../npt/practice-rounds';
import { roundResultsFrom } from '../../npt/round-results';
import { closeDateOf } from '../../npt/round-schedule';
import type { IdQuery } from '../accounts/scope';
import type { DbOrTx } from '../db';
import type { Config } from '../platform/config';
import { loadRoundData, type LoadedRound } from '../results/round-data';
import { statementRowsOf, statementsInOrder } from '../results/round-exports';
import { listApiPractices, type ApiPractice } from './data';
import type { FlatScoreRow, FlatStatementRow } from './flat-schemas';

type RoundColumns = Pick<
	FlatScoreRow,
	| 'practiceId'
	| 'practiceName'
	| 'odsCode'
	| 'roundId'
	| 'roundTitle'
	| 'opensOn'
	| 'closesOn'
	| 'instrumentId'
	| 'instrumentTitle'
	| 'instrumentVersion'
	| 'headcount'
	| 'responses'
	| 'responseRate'
	| 'respondentsNeeded'
>;

/** Two decimals: one more than the pages show, so 7.49 does not read as the threshold 7.5 (as data.ts). */
const twoDecimals = (value: number) => Math.round(value * 100) / 100;
const threeDecimals = (value: number) => Math.round(value * 1000) / 1000;

/** A closed round's overall and construct scores as every view discloses them. */
function resultOf(record: LoadedRound, rules: DisclosureRules): Exclude<PracticeResult, { state: 'no_round' }> {
	if (!record.summary) return { state: 'withheld', respondentsNeeded: respondentsNeeded({ respondents: record.responses }, rules) };
	return practiceResultFrom(record.instrument, record.summary, record.round.staff_headcount, rules) as Exclude<PracticeResult, { state: 'no_round' }>;
}

function roundColumns(practice: ApiPractice, record: LoadedRound, result: Exclude<PracticeResult, { state: 'no_round' }>): RoundColumns {
	const { round } = record;
	const instrument = instrumentLabelOf(record.instrument);
	const shown = result.state === 'shown';
	return {
		practiceId: practice.id,
		practiceName: practice.name,
		odsCode: practice.odsCode,
		roundId: round.id,
		roundTitle: round.title,
		opensOn: round.opens_on,
		closesOn: closeDateOf(round),
		instrumentId: instrument.id,
		instrumentTitle: instrument.title,
		instrumentVersion: instrument.version,
		headcount: round.staff_headcount,
		// A rate times the headcount gives the count back, so both go with the round's figures.
		responses: shown ? result.respondents : null,
		responseRate: shown && result.responseRate !== null ? threeDecimals(result.responseRate) : null,
		respondentsNeeded: shown ? null : result.respondentsNeeded
	};
}

function scoreLabel(key: ScoreKey): string {
	return key === 'overall' ? 'Overall score' : CONSTRUCT_NAMES[key].name;
}

function scoreRows(practice: ApiPractice, record: LoadedRound, rules: DisclosureRules): FlatScoreRow[] {
	const result = resultOf(record, rules);
	const columns = roundColumns(practice, record, result);
	const bands = record.instrument.bands;
	return SCORE_KEYS.map((key) => {
		const row = { ...columns, score: key, label: scoreLabel(key) };
		const empty = { mean: null, ciLow: null, ciHigh: null, n: null, band: null, standing: null, placement: null };
		if (result.state !== 'shown') return { ...row, ...empty, withheld: 'round_below_minimum' as const };
		const score = result.scores[key];
		if (!score) return { ...row, ...empty, withheld: 'score_below_minimum' as const };
		return {
			...row,
			mean: twoDecimals(score.mean),
			ciLow: score.interval ? twoDecimals(score.interval.lower) : null,
			ciHigh: score.interval ? twoDecimals(score.interval.upper) : null,
			n: score.n,
			band: score.band,
			standing: key === 'overall' ? null : constructStanding(score.mean, bands),
			placement: key === 'overall' && result.placement ? describePlacement(result.placement) : null,
			withheld: null
		};
	});
}

function statementRows(practice: ApiPractice, record: LoadedRound, rules: DisclosureRules): FlatStatementRow[] {
	const columns = roundColumns(practice, record, resultOf(record, rules));
	const { instrument } = record;
	const results = record.summary
		? roundResultsFrom({ instrument, summary: record.summary, comments: [], staffHeadcount: record.round.staff_headcount }, rules, Math.random)
		: null;
	const empty = {
		answered: null,
		scored: null,
		nStronglyDisagree: null,
		nDisagree: null,
		nNeither: null,
		nAgree: null,
		nStronglyAgree: null,
		pctStronglyDisagree: null,
		pctDisagree: null,
		pctNeither: null,
		pctAgree: null,
		pctStronglyAgree: null,
		pctAgreeOrStronglyAgree: null,
		pctAgreeCiLow: null,
		pctAgreeCiHigh: null
	};
	const described = (item: (typeof instrument.items)[number]) => ({
		...columns,
		construct: item.construct,
		subConstruct: item.subConstruct,
		itemId: item.id,
		statement: item.text,
		reversed: item.reversed
	});
	if (!results?.shown) {
		return statementsInOrder(instrument).map((item) => ({
			...described(item),
			...empty,
			nNotRelevantRole: null,
			nNotRelevantStage: null,
			nNotRelevantPractice: null,
			withheld: 'round_below_minimum' as const
		}));
	}
	return statementRowsOf(instrument, results).map(({ item, figures, notRelevant }) => {
		// Counts of "not relevant" are not shares of anyone's answers, so they stay (docs/scoring.md §3).
		const notRelevantColumns = {
			nNotRelevantRole: notRelevant?.not_relevant_role ?? null,
			nNotRelevantStage: notRelevant?.not_relevant_stage ?? null,
			nNotRelevantPractice: notRelevant?.not_relevant_practice ?? null
		};
		if (!figures) return { ...described(item), ...empty, ...notRelevantColumns, withheld: 'statement_below_minimum' as const };
		return {
			...described(item),
			answered: figures.answered,
			scored: figures.scored,
			nStronglyDisagree: figures.counts[1],
			nDisagree: figures.counts[2],
			nNeither: figures.counts[3],
			nAgree: figures.counts[4],
			nStronglyAgree: figures.counts[5],
			pctStronglyDisagree: figures.percents[1],
			pctDisagree: figures.percents[2],
			pctNeither: figures.percents[3],
			pctAgree: figures.percents[4],
			pctStronglyAgree: figures.percents[5],
			...notRelevantColumns,
			pctAgreeOrStronglyAgree: figures.agree,
			pctAgreeCiLow: figures.agreeLower,
			pctAgreeCiHigh: figures.agreeUpper,
			withheld: null
		};
	});
}

/**
 * Every closed round of the chosen practices, by practice name and then in trend order (by the
 * day each closed), each turned into rows. Practices that do not exist are left out; the caller
 * checks scope first.
 */
async function flatRows<R>(
	db: DbOrTx,
	chosen: IdQuery,
	config: Pick<Config, 'minResponses'>,
	today: string,
	rowsOf: (practice: ApiPractice, record: LoadedRound, rules: DisclosureRules) => R[]
): Promise<R[]> {
	const [practices, data] = await Promise.all([listApiPractices(db, chosen), loadRoundData(db, { practices: chosen }, today)]);
	const rules = { minResponses: config.minResponses };
	return practices.flatMap((practice) => closedRoundsInOrder(data.roundsOf(practice.id)).flatMap((record) => rowsOf(practice, record, rules)));
}

/** One row per closed round × score (overall and the four constructs). */
export function listFlatScores(db: DbOrTx, chosen: IdQuery, config: Pick<Config, 'minResponses'>, today: string): Promise<FlatScoreRow[]> {
	return flatRows(db, chosen, config, today, scoreRows);
}

/** One row per closed round × statement, with the figures of the round's items CSV. */
export function listFlatStatements(db: DbOrTx, chosen: IdQuery, config: Pick<Config, 'minResponses'>, today: string): Promise<FlatStatementRow[]> {
	return flatRows(db, chosen, config, today, statementRows);
}
