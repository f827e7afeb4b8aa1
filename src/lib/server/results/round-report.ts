/** A round's results, read from the database and put through the scoring rules. */
import { summariseProgress, summariseRound, type RoundProgress, type RoundResults } from '../../npt/round-results';
import type { Instrument } from '../../npt/instrument';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../db';
import { getInstrumentVersion } from '../surveys/instruments';
import { countResponses, loadComments, loadRespondents } from '../surveys/responses';
import { getRound, type RoundWithPractice } from '../surveys/rounds';
import { surveyAvailability, type SurveyAvailability } from '../../npt/round-schedule';

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
	const round = await getRound(db, roundId);
	if (!round) return undefined;
	const stored = await getInstrumentVersion(db, round.instrument_version_id);
	if (!stored) throw new Error(`Round ${round.id} points at a missing instrument version`);
	const rules = { minResponses: config.minResponses };
	const availability = surveyAvailability(round, today);

	let outcome: RoundOutcome;
	if (availability === 'draft') {
		outcome = { stage: 'draft' };
	} else if (availability !== 'closed') {
		outcome = {
			stage: 'collecting',
			availability,
			progress: summariseProgress(await countResponses(db, round.id), round.staff_headcount, rules)
		};
	} else {
		const [respondents, comments] = await Promise.all([loadRespondents(db, round.id), loadComments(db, round.id)]);
		outcome = {
			stage: 'closed',
			results: summariseRound(
				{ instrument: stored.instrument, respondents, comments, staffHeadcount: round.staff_headcount },
				rules,
				random
			)
		};
	}
	return { round, instrument: stored.instrument, builtIn: stored.source === 'built_in', outcome };
}
