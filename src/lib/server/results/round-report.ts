/** A round's results, from the results read-model, put through the scoring rules. */
import type { Instrument } from '../../npt/instrument';
import { roundResultsFrom, summariseProgress, type RoundProgress, type RoundResults } from '../../npt/round-results';
import type { SurveyAvailability } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import type { Config } from '../platform/config';
import { getRound, type RoundWithPractice } from '../surveys/rounds';
import { loadRoundData } from './round-data';

export type RoundOutcome =
	| { stage: 'draft' }
	| { stage: 'collecting'; availability: SurveyAvailability; progress: RoundProgress }
	| { stage: 'closed'; results: RoundResults };

export interface RoundReport {
	round: RoundWithPractice;
	instrument: Instrument;
	builtIn: boolean;
	outcome: RoundOutcome;
}

/** Scores only closed rounds; open ones report progress, and only above the minimum. */
export async function getRoundReport(
	db: DbOrTx,
	roundId: number,
	config: Pick<Config, 'minResponses'>,
	today: string,
	random: () => number = Math.random
): Promise<RoundReport | undefined> {
	const [round, data] = await Promise.all([getRound(db, roundId), loadRoundData(db, { roundId }, today, { comments: true })]);
	const record = data.rounds[0];
	if (!round || !record) return undefined;
	const rules = { minResponses: config.minResponses };
	const { availability, instrument, summary } = record;

	let outcome: RoundOutcome;
	if (availability === 'draft') {
		outcome = { stage: 'draft' };
	} else if (availability !== 'closed') {
		outcome = { stage: 'collecting', availability, progress: summariseProgress(record.responses, round.staff_headcount, rules) };
	} else {
		outcome = {
			stage: 'closed',
			results: roundResultsFrom({ instrument, summary: summary!, comments: record.comments, staffHeadcount: round.staff_headcount }, rules, random)
		};
	}
	return { round, instrument, builtIn: record.instrumentSource === 'built_in', outcome };
}
