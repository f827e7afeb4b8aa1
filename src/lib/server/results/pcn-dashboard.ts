/**
 * A PCN's dashboard (SCORING.md §7): its practices side by side, each on its latest closed round
 * inside the chosen period, the PCN figures, the constructs weak across the network, a small
 * trend per practice and where each practice's surveying stands. The same handful of queries
 * serve any number of practices and rounds. Every figure passes through the disclosure rules
 * first: a practice below MIN_RESPONSES carries no number at all.
 */
import { z } from 'zod';
import { addMonths, isIsoDate } from '../../dates';
import { BUILT_IN_INSTRUMENTS } from '../../npt/builtin';
import { CONSTRUCTS, type Construct } from '../../npt/constructs';
import { canShow, disclose, respondentsNeeded } from '../../npt/disclosure';
import {
	chooseRoundInPeriod,
	closeDateOf,
	commonGaps,
	HEATMAP_SORTS,
	pcnFigures,
	summarisePracticeRound,
	type HeatmapSort,
	type Period,
	type PooledInput
} from '../../npt/pcn';
import { summariseProgress } from '../../npt/round-results';
import { scoreGroup } from '../../npt/scoring';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../db';
import type { Round } from '../db/schema';
import { instrumentsOf } from '../surveys/instruments';
import { getPcn } from '../organisations/organisations';
import { countResponsesOfRounds, loadRespondentsOfRounds } from '../surveys/responses';
import { listRoundsOfPractices } from '../surveys/rounds';
import { surveyAvailability, type SurveyAvailability } from '../../npt/round-schedule';
import type { PcnPractice, PracticeTrend, PracticeRounds, PcnDashboard } from '../../views/pcn-dashboard';

const CURRENT_ORDER: Record<Exclude<SurveyAvailability, 'closed'>, number> = { open: 0, not_yet_open: 1, draft: 2 };

/** Undefined when there is no such PCN. */
export async function getPcnDashboard(
	db: DbOrTx,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	period: { from: string; to: string },
	today: string
): Promise<PcnDashboard | undefined> {
	const [pcn, practices] = await Promise.all([
		getPcn(db, pcnId),
		db.selectFrom('practice').select(['id', 'name', 'ods_code']).where('pcn_id', '=', pcnId).orderBy('name').orderBy('id').execute()
	]);
	if (!pcn) return undefined;
	const rules = { minResponses: config.minResponses };
	const rounds = await listRoundsOfPractices(db, practices.map((p) => p.id));

	const roundsOf = new Map<number, Round[]>(practices.map((p) => [p.id, []]));
	for (const round of rounds) roundsOf.get(round.practice_id)?.push(round);

	const plans = practices.map((practice) => {
		const own = roundsOf.get(practice.id)!;
		const closed = own
			.filter((r) => surveyAvailability(r, today) === 'closed')
			.map((round) => ({ round, id: round.id, closedOn: closeDateOf(round) }))
			.sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.id - b.id);
		const current = own
			.map((round) => ({ round, availability: surveyAvailability(round, today) }))
			.filter((r): r is { round: Round; availability: Exclude<SurveyAvailability, 'closed'> } => r.availability !== 'closed')
			.sort(
				(a, b) =>
					CURRENT_ORDER[a.availability] - CURRENT_ORDER[b.availability] || b.round.opens_on.localeCompare(a.round.opens_on)
			)[0];
		return { practice, own, closed, chosen: chooseRoundInPeriod(closed, period), current };
	});

	const closedIds = plans.flatMap((p) => p.closed.map((c) => c.id));
	const countedIds = plans.flatMap((p) => (p.current && p.current.availability !== 'draft' ? [p.current.round.id] : []));
	const [respondents, counts, instruments] = await Promise.all([
		loadRespondentsOfRounds(db, closedIds),
		countResponsesOfRounds(db, countedIds),
		instrumentsOf(db, new Set(rounds.map((r) => r.instrument_version_id)))
	]);
	const instrumentOf = (round: Round) => instruments.get(round.instrument_version_id)!;

	const rows: PcnPractice[] = [];
	const pooled: PooledInput[] = [];
	const trends: PracticeTrend[] = [];
	const overview: PracticeRounds[] = [];
	for (const { practice, own, closed, chosen, current } of plans) {
		const base = { id: practice.id, name: practice.name, odsCode: practice.ods_code };
		if (chosen) {
			const people = respondents.get(chosen.id)!;
			const result = summarisePracticeRound(instrumentOf(chosen.round), people, chosen.round.staff_headcount, rules);
			rows.push({ ...base, round: { id: chosen.id, title: chosen.round.title, closedOn: chosen.closedOn }, ...result });
			pooled.push({ instrument: instrumentOf(chosen.round), respondents: people, result });
		} else {
			rows.push({ ...base, round: null, state: 'no_round' });
		}

		trends.push({
			practiceId: practice.id,
			name: practice.name,
			points: closed.map(({ round, id, closedOn }) => {
				const people = respondents.get(id)!;
				const ref = { roundId: id, title: round.title, closedOn };
				if (!canShow(people.length, rules)) return { ...ref, shown: false, respondentsNeeded: respondentsNeeded(people.length, rules) };
				const score = scoreGroup(instrumentOf(round), people).overall;
				const overall = disclose(score.n, score, rules);
				return {
					...ref,
					shown: true,
					overall: overall.shown && overall.mean !== null ? { mean: overall.mean, interval: overall.interval, n: overall.n } : null
				};
			})
		});

		const last = closed.at(-1);
		const lastCount = last ? respondents.get(last.id)!.length : 0;
		overview.push({
			practiceId: practice.id,
			name: practice.name,
			current: current
				? {
						id: current.round.id,
						title: current.round.title,
						opensOn: current.round.opens_on,
						closesOn: current.round.closes_on,
						availability: current.availability,
						progress:
							current.availability === 'draft'
								? null
								: summariseProgress(counts.get(current.round.id) ?? 0, current.round.staff_headcount, rules)
					}
				: null,
			lastClosed: last
				? {
						id: last.id,
						title: last.round.title,
						closedOn: last.closedOn,
						shown: canShow(lastCount, rules),
						// A rate times the headcount gives the count back, so it is shown only at the minimum.
						responseRate: canShow(lastCount, rules) && last.round.staff_headcount ? lastCount / last.round.staff_headcount : null
					}
				: null,
			surveyedInPeriod: own.some(
				(r) => r.status !== 'draft' && r.opens_on <= period.to && closeDateOf(r) >= period.from && r.opens_on <= today
			)
		});
	}

	// The bands of the most recently closed chosen round, else of the latest round at all.
	const latestChosen = plans
		.flatMap((p) => (p.chosen ? [p.chosen] : []))
		.sort((a, b) => b.closedOn.localeCompare(a.closedOn) || b.id - a.id)[0];
	const reference = latestChosen ? instrumentOf(latestChosen.round) : rounds[0] ? instrumentOf(rounds[0]) : BUILT_IN_INSTRUMENTS[0]!;
	const bands = reference.bands;

	const constructScores = rows.map((row) => {
		const scores = {} as Record<Construct, number | null>;
		for (const construct of CONSTRUCTS) scores[construct] = row.state === 'shown' ? (row.scores[construct]?.mean ?? null) : null;
		return scores;
	});

	const closedDates = plans.flatMap((p) => p.closed.map((c) => c.closedOn)).sort();
	return {
		pcn: { id: pcn.id, name: pcn.name, odsCode: pcn.ods_code, icbName: pcn.icb.name },
		period: { from: period.from, to: period.to },
		bands,
		practices: rows,
		figures: pcnFigures(pooled, bands, reference.scoring.confidenceLevel),
		alphaMinimum: reference.scoring.minRespondentsForAlpha,
		commonGaps: commonGaps(constructScores, bands.belongingConstructMinimum),
		trends,
		trendRange: closedDates.length > 0 ? { from: closedDates[0]!, to: closedDates.at(-1)! } : null,
		rounds: overview
	};
}

const isoDate = (label: string) =>
	z
		.string()
		.trim()
		.refine(isIsoDate, `Enter the ${label} date as a real date in the form YYYY-MM-DD, like 2026-04-30.`);

export const periodQuerySchema = z
	.object({ from: isoDate('start'), to: isoDate('end') })
	.refine((p) => !isIsoDate(p.from) || !isIsoDate(p.to) || p.from <= p.to, { message: 'The start of the period must be on or before its end.', path: ['from'] });

export const heatmapSortSchema = z.enum(HEATMAP_SORTS);

/** The last twelve months up to and including today. */
export function defaultPeriod(today: string): Period {
	return { from: addMonths(today, -12), to: today };
}

export interface PeriodQuery {
	period: Period;
	sort: HeatmapSort;
	/** What was wrong with the asked-for period or order, in words; the defaults are used instead. */
	problems: string[];
	/** Whether the period asked for was replaced by the default one. */
	periodRejected: boolean;
}

/**
 * Reads `from`, `to` and `sort` from a query string. Nothing asked for means the defaults; a
 * period or order that cannot be used is replaced by the default and explained, never a failure.
 */
export function readPeriodQuery(params: URLSearchParams, today: string): PeriodQuery {
	const problems: string[] = [];
	let period = defaultPeriod(today);
	let periodRejected = false;
	const from = params.get('from');
	const to = params.get('to');
	if (from !== null || to !== null) {
		const parsed = periodQuerySchema.safeParse({ from: from ?? '', to: to ?? '' });
		if (parsed.success) period = parsed.data;
		else {
			periodRejected = true;
			problems.push(...new Set(parsed.error.issues.map((i) => i.message)));
		}
	}
	let sort: HeatmapSort = 'name';
	const asked = params.get('sort');
	if (asked !== null && asked !== '') {
		const parsed = heatmapSortSchema.safeParse(asked);
		if (parsed.success) sort = parsed.data;
		else problems.push('The practices could not be put in that order, so they are listed by name.');
	}
	return { period, sort, problems, periodRejected };
}
