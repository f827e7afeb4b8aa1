/**
 * The results read-model. Every reader of results — the practice and PCN dashboards, the home
 * overview, the round page, the CSV exports and the API — loads its rounds here, then composes
 * its view with the rules in lib/npt. Four queries at most, whatever the number of practices and
 * rounds: the rounds, the stored summaries of the closed ones (npt/round-summary.ts; one missing
 * is built from the answers and stored), the counts of those still collecting, and, when asked,
 * the comments of each practice's latest closed round. The rounds are chosen by a query (a
 * scope's, a PCN's or one practice's), never by a list of ids, so no size of scope can run into
 * a limit on bound values.
 */
import { closedRoundsInOrder, type RoundRecord } from '../../npt/practice-rounds';
import { surveyAvailability } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import type { Round } from '../db/schema';
import { storedInstrumentsOf, type StoredInstrument } from '../surveys/instruments';
import { countResponsesIn, loadCommentsOfRounds } from '../surveys/responses';
import { summariesOf } from '../surveys/round-summaries';
import { listRoundsIn, roundIdsOf, type RoundSelection } from '../surveys/rounds';

export type LoadedRound = RoundRecord<Round> & { instrumentSource: StoredInstrument['source'] };

export type { RoundSelection };

export interface RoundData {
	/** Every selected round, the most recent closing date first. */
	rounds: LoadedRound[];
	/** One practice's rounds, the most recent closing date first; none for a practice without any. */
	roundsOf(practiceId: number): LoadedRound[];
}

export async function loadRoundData(
	db: DbOrTx,
	selection: RoundSelection,
	today: string,
	options: { comments?: boolean } = {}
): Promise<RoundData> {
	const rows = await listRoundsIn(db, selection);
	const instruments = await storedInstrumentsOf(db, rows.map((r) => r.instrument_version_id));
	const rounds: LoadedRound[] = rows.map((round) => {
		const stored = instruments.get(round.instrument_version_id)!;
		return {
			round,
			availability: surveyAvailability(round, today),
			instrument: stored.instrument,
			instrumentSource: stored.source,
			summary: null,
			responses: 0,
			comments: []
		};
	});
	const byPractice = new Map<number, LoadedRound[]>();
	for (const record of rounds) {
		const own = byPractice.get(record.round.practice_id);
		if (own) own.push(record);
		else byPractice.set(record.round.practice_id, [record]);
	}

	const closed = rounds.filter((r) => r.availability === 'closed').map((r) => r.round);
	// Only the latest closed round's comments are ever shown, so only they are read: one round per
	// practice, and only the one-practice and one-round readers ask for them.
	const commentedIds = options.comments
		? [...byPractice.values()].flatMap((own) => closedRoundsInOrder(own).slice(-1).map((r) => r.round.id))
		: [];
	const [summaries, counts, comments] = await Promise.all([
		summariesOf(db, closed, roundIdsOf(db, selection)),
		countResponsesIn(db, roundIdsOf(db, selection, { today })),
		loadCommentsOfRounds(db, commentedIds)
	]);
	for (const record of rounds) {
		const id = record.round.id;
		record.summary = summaries.get(id) ?? null;
		record.responses = record.summary ? record.summary.everyone.respondents : (counts.get(id) ?? 0);
		record.comments = comments.get(id) ?? [];
	}
	return { rounds, roundsOf: (practiceId) => byPractice.get(practiceId) ?? [] };
}
