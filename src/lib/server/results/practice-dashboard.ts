/**
 * A practice's dashboard: where it sits now, how it moved between closed rounds, and every
 * round's scores for the trend, in a handful of queries whatever the number of rounds. Every
 * figure passes through the disclosure rules first: a withheld round carries no number at all.
 */
import { changesBetween, SCORE_KEYS, type ScoreKey } from '../../npt/change';
import { CONSTRUCTS, type Construct } from '../../npt/constructs';
import type { FeedbackRound } from '../../npt/feedback';
import { summariseProgress, summariseRound, type RoundResults } from '../../npt/round-results';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../db';
import type { Round } from '../db/schema';
import { instrumentsOf } from '../surveys/instruments';
import { getPractice } from '../organisations/organisations';
import { countResponsesOfRounds, loadRespondentsOfRounds } from '../surveys/responses';
import { listRoundsOfPractices } from '../surveys/rounds';
import { surveyAvailability, type SurveyAvailability } from '../../npt/round-schedule';
import type { RoundRef, TrendScore, TrendPoint, CurrentRound, PracticeDashboard } from '../../views/practice-dashboard';

function refOf(round: Round): RoundRef {
	return {
		id: round.id,
		title: round.title,
		opensOn: round.opens_on,
		closesOn: round.closes_on,
		closedOn: round.closed_on ?? round.closes_on,
		staffHeadcount: round.staff_headcount
	};
}

function trendPoint(ref: RoundRef, results: RoundResults): TrendPoint {
	const base = { roundId: ref.id, title: ref.title, closedOn: ref.closedOn };
	if (!results.shown) return { ...base, shown: false, respondentsNeeded: results.respondentsNeeded };
	const scores = {} as Record<ScoreKey, TrendScore | null>;
	for (const key of SCORE_KEYS) {
		const score = key === 'overall' ? results.scores.overall : results.scores.constructs[key];
		scores[key] = score.shown && score.mean !== null ? { mean: score.mean, sd: score.sd, interval: score.interval, n: score.n } : null;
	}
	return { ...base, shown: true, respondents: results.respondents, scores };
}

const CURRENT_ORDER: Record<Exclude<SurveyAvailability, 'closed'>, number> = { open: 0, not_yet_open: 1, draft: 2 };

/** Undefined when there is no such practice. */
export async function getPracticeDashboard(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses'>,
	today: string,
	random: () => number = Math.random
): Promise<PracticeDashboard | undefined> {
	const practice = await getPractice(db, practiceId);
	if (!practice) return undefined;
	const rules = { minResponses: config.minResponses };
	const rounds = await listRoundsOfPractices(db, [practiceId]);

	const closed = rounds
		.filter((r) => surveyAvailability(r, today) === 'closed')
		.map((round) => ({ round, ref: refOf(round) }))
		.sort((a, b) => a.ref.closedOn.localeCompare(b.ref.closedOn) || a.round.id - b.round.id);
	const pending = rounds
		.map((round) => ({ round, availability: surveyAvailability(round, today) }))
		.filter((r): r is { round: Round; availability: CurrentRound['availability'] } => r.availability !== 'closed')
		.sort(
			(a, b) =>
				CURRENT_ORDER[a.availability] - CURRENT_ORDER[b.availability] || b.round.opens_on.localeCompare(a.round.opens_on)
		);
	const next = pending[0];
	const latestClosed = closed.at(-1);

	const [respondents, counts, comments, instruments] = await Promise.all([
		loadRespondentsOfRounds(db, closed.map((c) => c.round.id)),
		countResponsesOfRounds(db, next && next.availability !== 'draft' ? [next.round.id] : []),
		latestClosed
			? db.selectFrom('comment').select('body').where('round_id', '=', latestClosed.round.id).execute()
			: Promise.resolve([]),
		instrumentsOf(db, rounds.map((r) => r.instrument_version_id))
	]);

	const summarised = closed.map(({ round, ref }) => ({
		ref,
		results: summariseRound(
			{
				instrument: instruments.get(round.instrument_version_id)!,
				respondents: respondents.get(round.id)!,
				// Only the latest round's comments appear, so only they are read.
				comments: round === latestClosed?.round ? comments.map((c) => c.body) : [],
				staffHeadcount: round.staff_headcount
			},
			rules,
			random
		)
	}));

	const last = summarised.at(-1);
	const beforeLast = summarised.at(-2);
	const previousShown = summarised.slice(0, -1).findLast((s) => s.results.shown);
	const scoresOf = (results: RoundResults | undefined) => (results?.shown ? results.scores : null);

	return {
		practice: { id: practice.id, name: practice.name, odsCode: practice.ods_code, pcnName: practice.pcn?.name ?? null },
		latest:
			last && latestClosed
				? { round: last.ref, instrument: instruments.get(latestClosed.round.instrument_version_id)!, results: last.results }
				: null,
		previous:
			previousShown && previousShown.results.shown ? { round: previousShown.ref, scores: previousShown.results.scores } : null,
		change:
			last && beforeLast
				? { from: beforeLast.ref, to: last.ref, scores: changesBetween(scoresOf(beforeLast.results), scoresOf(last.results)) }
				: null,
		trend: summarised.map((s) => trendPoint(s.ref, s.results)),
		current: next
			? {
					id: next.round.id,
					title: next.round.title,
					opensOn: next.round.opens_on,
					closesOn: next.round.closes_on,
					availability: next.availability,
					progress:
						next.availability === 'draft'
							? null
							: summariseProgress(counts.get(next.round.id) ?? 0, next.round.staff_headcount, rules)
				}
			: null,
		instrument: latestClosed
			? instruments.get(latestClosed.round.instrument_version_id)!
			: next
				? instruments.get(next.round.instrument_version_id)!
				: null
	};
}

/** The latest round's construct means, or null where withheld: what `suggestActions` weighs. */
export function constructMeansOf(results: RoundResults | undefined): Record<Construct, number | null> {
	const means = {} as Record<Construct, number | null>;
	for (const construct of CONSTRUCTS) {
		const score = results?.shown ? results.scores.constructs[construct] : undefined;
		means[construct] = score?.shown ? score.mean : null;
	}
	return means;
}

/** The trend's rounds as "you said, we did" needs them: a withheld round carries no scores. */
export function feedbackRoundsOf(trend: readonly TrendPoint[]): FeedbackRound[] {
	return trend.map((point) => ({
		roundId: point.roundId,
		title: point.title,
		closedOn: point.closedOn,
		scores: point.shown ? point.scores : null
	}));
}
